import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeText, scanAttachment, sha256Hex } from '../../pipeline/check/index.ts';
import { gbk, utf16 } from '../../pipeline/demo/documents.ts';
import { genId18, genMobile, loadDemoConfig, rng } from './helpers.ts';

const config = loadDemoConfig();
const DIR = 'content/19900000000/xzzx/2026-10-forms';
const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('text attachments are scanned like entries', () => {
  const rand = rng(5);
  const id = genId18(rand);
  const mobile = genMobile(rand);

  test('a CSV with an ID number and a mobile, positioned by line and column', () => {
    const csv = `序号,纳税人名称,证件号码,联系电话\n1,王某,${id},${mobile}\n`;
    const f = scanAttachment(`${DIR}/list.csv`, utf8(csv), config);
    expect(f.map((x) => [x.rule, x.file, x.line, x.column])).toEqual([
      ['personal-id', `${DIR}/list.csv`, 2, 6],
      ['personal-mobile', `${DIR}/list.csv`, 2, 25],
    ]);
  });

  test('a UTF-8 BOM is fine and not a column', () => {
    const f = scanAttachment(`${DIR}/a.txt`, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(`机密★5年`)]), config);
    expect(f.map((x) => [x.rule, x.line, x.column])).toEqual([['secret-marking', 1, 1]]);
  });

  test('HTML and Markdown attachments: comments and attributes too', () => {
    expect(scanAttachment(`${DIR}/a.html`, utf8(`<p title="内部资料">x</p><!-- ${mobile} -->`), config).map((x) => x.rule)).toEqual(['internal-marking', 'personal-mobile']);
    expect(scanAttachment(`${DIR}/a.md`, utf8(`# 说明\n\n联系 ${mobile}`), config).map((x) => x.rule)).toEqual(['personal-mobile']);
  });

  test('in CSV a line is a record: numbers do not continue onto the next line', () => {
    const csv = '编号,金额\n1381234,5\n5678,9\n';
    expect(scanAttachment(`${DIR}/a.csv`, utf8(csv), config)).toEqual([]);
    expect(scanAttachment(`${DIR}/a.txt`, utf8('号码1381234\n5678'), config).length, 'in text a soft line break joins').toBe(1);
  });

  test('the demo attachments are clean', () => {
    expect(scanAttachment(`${DIR}/clean.csv`, utf8('栏次,项目名称,填报说明,数据来源\n1,收入合计,第2栏+第3栏,申报数据\n'), config)).toEqual([]);
  });
});

describe('GB18030/GBK and UTF-16 with a BOM are decoded and checked like UTF-8', () => {
  const id = genId18(rng(1));
  const mobile = genMobile(rng(2));
  const text = `序号,姓名,证件号码\n1,王某,${id}\n2,李某,${mobile}\n`;
  const expected = [
    ['personal-id', 2, 6],
    ['personal-mobile', 3, 6],
  ];

  test.for([
    { name: 'GBK (as Excel saves CSV on Chinese Windows)', bytes: () => gbk(text), encoding: 'gb18030' },
    { name: 'UTF-16LE with a BOM', bytes: () => utf16(text, true), encoding: 'utf-16le' },
    { name: 'UTF-16BE with a BOM', bytes: () => utf16(text, false), encoding: 'utf-16be' },
  ])('$name: the same findings at the same lines', ({ bytes, encoding }) => {
    const b = bytes();
    const d = decodeText(b);
    expect(d.ok && d.encoding).toBe(encoding);
    expect(scanAttachment(`${DIR}/list.csv`, b, config).map((x) => [x.rule, x.line, x.column])).toEqual(expected);
  });

  test('any text, in any of the encodings, gives the findings of its UTF-8 form (property)', () => {
    const cjk = fc.constantFrom(...'税务局纳税人申报表身份证号码联系电话内部资料秘密机密增值税个人所得税办理地址');
    const piece = fc.oneof(fc.string({ unit: cjk, minLength: 1, maxLength: 8 }), fc.constantFrom(id, mobile, '12366', '0999-12366', '\n', ',', ' ', '机密★5年', '内部资料'));
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 12 }), fc.constantFrom<'gbk' | 'utf16le' | 'utf16be'>('gbk', 'utf16le', 'utf16be'), (pieces, enc) => {
        const t = `说明：${pieces.join('')}`;
        const bytes = enc === 'gbk' ? gbk(t) : utf16(t, enc === 'utf16le');
        const plain = scanAttachment(`${DIR}/a.txt`, utf8(t), config).map((x) => [x.rule, x.line, x.column, x.fingerprint]);
        expect(scanAttachment(`${DIR}/a.txt`, bytes, config).map((x) => [x.rule, x.line, x.column, x.fingerprint])).toEqual(plain);
      }),
      { numRuns: 60 },
    );
  });
});

describe('text that decodes as none of them is refused, never mis-scanned', () => {
  test.for([
    { name: 'UTF-16LE without BOM', bytes: Buffer.from('Name,Phone\r\nA,13812345678\r\n', 'utf16le'), encoding: 'utf-16', words: 'UTF-16' },
    { name: 'UTF-32 with BOM', bytes: Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), encoding: 'utf-32', words: 'UTF-32' },
    { name: 'binary', bytes: Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x80]), encoding: 'binary', words: 'not text' },
    { name: 'Latin-1 bytes', bytes: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), encoding: 'binary', words: 'not text' },
  ])('$name', ({ bytes, encoding, words }) => {
    const d = decodeText(bytes);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.encoding).toBe(encoding);
    const f = scanAttachment(`${DIR}/data.csv`, bytes, config);
    expect(f.map((x) => x.rule)).toEqual(['attachment-encoding']);
    expect(f[0]!.message).toContain(words);
    expect(f[0]!.fix).toContain('UTF-8');
    expect(f[0]!.fingerprint).toBe(sha256Hex(sha256Hex(bytes)));
  });
});

describe('other attachment types are refused unless waived', () => {
  test.for([
    { name: 'report.pdf', bytes: utf8('%PDF-1.7\n') },
    { name: 'table.xlsx', bytes: Buffer.from('UEsDBBQ=', 'base64') },
    { name: 'doc.docx', bytes: Buffer.from('UEsDBBQ=', 'base64') },
    { name: 'archive.zip', bytes: Buffer.from('UEsDBBQ=', 'base64') },
    { name: 'logo.svg', bytes: utf8('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
    { name: 'README', bytes: utf8('text') },
    { name: 'photo.png', bytes: utf8('%PDF-1.7 renamed') },
  ])('$name', ({ name, bytes }) => {
    const f = scanAttachment(`${DIR}/${name}`, bytes, config);
    expect(f.map((x) => x.rule)).toEqual(['attachment-unscannable']);
    // The fingerprint is the SHA-256 of the file's digest: a waiver covers these exact bytes.
    expect(f[0]!.fingerprint).toBe(sha256Hex(sha256Hex(bytes)));
    expect([f[0]!.line, f[0]!.column]).toEqual([1, 1]);
  });
});
