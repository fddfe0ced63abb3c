import { describe, expect, test } from 'vitest';
import { checkEntry, compileChecks, scanAttachment } from '../../pipeline/check/index.ts';
import { genId18, loadDemoConfig, rng } from './helpers.ts';

const options = compileChecks(loadDemoConfig());
const MB = 1024 * 1024;
/** Half the 1 MiB entry limit: enough to expose a quadratic path (seconds, not milliseconds), light enough for CI. */
const SIZE = MB / 2;
const fill = (unit: string, bytes = SIZE) => unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));

/**
 * A writer controls every byte the scanner reads. No input may make a rule
 * quadratic (regex backtracking, look-backs, table walks) or throw. Each
 * 512 KiB case takes well under a second alone (measured: 0.01-0.5 s); the
 * limit leaves room for a loaded CI machine.
 */
describe('pathological entries stay fast and do not throw', () => {
  test.for([
    { name: 'unclosed tags with open quotes', text: fill('<a "') },
    { name: 'unclosed tags', text: fill('<a b') },
    { name: 'unclosed comments', text: fill('<!-- x ') },
    { name: 'image brackets', text: fill('![![') },
    { name: 'digits and spaces', text: fill('1 ') },
    { name: 'digits and dashes', text: fill('1-') },
    { name: 'one long number', text: fill('1') },
    { name: 'masks', text: fill('1****') },
    { name: 'emphasis runs', text: fill('*_~`') },
    { name: 'classification words on one line', text: fill('秘密') },
    { name: 'internal words on one line', text: fill('内部') },
    { name: 'book-title marks', text: fill('《内部资料') },
    { name: 'at-signs and labels', text: fill('a@b.') },
    { name: 'host suffixes', text: fill('x.local.') },
    { name: 'password keywords', text: fill('密码:') },
    { name: 'entities', text: fill('&#49;') },
    { name: 'escapes', text: fill('\\u0031') },
    { name: 'zero-width characters', text: fill('\u200b') },
    { name: 'a huge table of numbers under 账号', text: `| 户名 | 账号 |\n| --- | --- |\n${fill('| 张三 | 1234 5678 9012 3456 |\n')}` },
    { name: 'a huge table with a passport column', text: `| 姓名 | 护照号码 |\n| --- | --- |\n${fill('| 张三 | E1234 |\n')}` },
    { name: 'link syntax', text: fill('[1](2)') },
    { name: 'CR only', text: fill('1\r') },
  ])('$name (512 KiB)', ({ text }) => {
    const t0 = performance.now();
    expect(() => checkEntry(text, options)).not.toThrow();
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  test('thousands of findings in one entry: each positioned, all masked', () => {
    const rand = rng(1);
    const ids = Array.from({ length: 2000 }, () => genId18(rand));
    const text = ids.map((id, i) => `${i + 1}. 身份证 ${id} 手机 138${String(i * 7 + 1).padStart(8, '0')}`).join('\n');
    const t0 = performance.now();
    const findings = checkEntry(text, options);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(findings.filter((f) => f.rule === 'personal-id').length).toBe(2000);
    expect(findings.filter((f) => f.rule === 'personal-mobile').length).toBe(2000);
    expect(findings.every((f) => /^\d+\. 身份证 \d{4}\*{10}[\dX]{4} 手机 138\*{4}\d{4}$/.test(f.excerpt ?? ''))).toBe(true);
  });

  test('front matter that is not a mapping, or not YAML, does not stop the scan', () => {
    for (const fm of ['- a\n- b', 'reprint: [', 'a: *alias', '"unterminated']) {
      expect(checkEntry(`---\n${fm}\n---\n身份证 11010519491231002X`, options).map((f) => f.rule)).toContain('personal-id');
    }
  });

  test('attachments: empty, huge, binary', () => {
    expect(scanAttachment('a.txt', new Uint8Array(), options)).toEqual([]);
    expect(scanAttachment('a.csv', Buffer.from(fill('1,2\n', 2 * MB)), options)).toEqual([]);
    expect(scanAttachment('a.jpg', new Uint8Array(10), options).map((f) => f.rule)).toEqual(['attachment-unscannable']);
  });
});
