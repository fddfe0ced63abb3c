import { describe, expect, test } from 'vitest';
import {
  checkEntry,
  compileChecks,
  LineIndex,
  normaliseChars,
  origEnd,
  origStart,
  scanText,
  visibleView,
  type ChecksConfig,
} from '../../pipeline/check/index.ts';
import { fullWidth, genBankCard, genId18, genMobile, loadDemoConfig, rng } from './helpers.ts';

/** Built at run time, so no source file holds text that looks like a committed private key. */
const PK = ['PRIVATE', 'KEY'].join(' ');

const config = loadDemoConfig();
const options = compileChecks(config);
const ID = '11010519491231002X';

/** The original characters a finding covers. */
const covered = (text: string, f: { offset: number; endOffset: number }) => text.slice(f.offset, f.endOffset);

describe('positions point at the original characters', () => {
  test.for([
    { name: 'LF', text: `第一行\n身份证：${ID}\n`, line: 2, column: 5 },
    { name: 'CRLF', text: `第一行\r\n第二行\r\n身份证：${ID}\r\n`, line: 3, column: 5 },
    { name: 'lone CR', text: `第一行\r身份证：${ID}`, line: 2, column: 5 },
    { name: 'BOM (not a column)', text: `\ufeff身份证：${ID}`, line: 1, column: 5 },
    { name: 'astral characters (two UTF-16 units each)', text: `𠀀𠀁：${ID}`, line: 1, column: 6 },
    { name: 'tabs', text: `\t\t${ID}`, line: 1, column: 3 },
  ])('$name', ({ text, line, column }) => {
    const [f] = scanText(text, options);
    expect(f).toMatchObject({ rule: 'personal-id', line, column, endLine: line, endColumn: column + 18 });
    expect(covered(text, f!)).toBe(ID);
  });

  test('a disguised number is reported over every character that makes it up', () => {
    const text = `前文\r\n<!-- x -->**１１０１０５**\u200b1949-1231&#48;02x 后文`;
    const [f] = scanText(text, options);
    expect(covered(text, f!)).toBe('１１０１０５**\u200b1949-1231&#48;02x');
    expect(f).toMatchObject({ line: 2, column: 13, endLine: 2 });
    expect(f!.endColumn).toBe(13 + covered(text, f!).length);
  });

  test('a finding over several lines ends on its last line', () => {
    const text = 'a\n-----BEGIN RSA ' + PK + '-----\nMIIEpAIBAAKCAQEA\nabc\n-----END RSA ' + PK + '-----\nb';
    const [f] = scanText(text, options);
    expect(f).toMatchObject({ rule: 'secret-private-key', line: 2, column: 1, endLine: 5, endColumn: 30 });
  });

  test('the offset maps of both views compose to the original', () => {
    const text = '&#49;２<b>3</b>\u200b4<!-- c -->5\\u0036';
    const src = normaliseChars(text);
    const vis = visibleView(src);
    expect(src.text).toBe('12<b>3</b>4<!-- c -->56');
    expect(vis.text).toBe('123456');
    const pieces = [...vis.text].map((_, i) => text.slice(origStart(vis, i), origEnd(vis, i + 1)));
    // A dropped character (the zero-width space) belongs to no view character; a span over it still covers it.
    expect(pieces).toEqual(['&#49;', '２', '3', '4', '5', '\\u0036']);
    const lines = new LineIndex('a\r\nb\rc\nd');
    expect([1, 3, 5, 7].map((o) => lines.position(o))).toEqual([
      { line: 1, column: 2 },
      { line: 2, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
    ]);
  });
});

describe('findings never echo the value', () => {
  const rand = rng(42);
  const id = genId18(rand);
  const mobile = genMobile(rand);
  const card = genBankCard(rand);
  const text = [
    `欠税人身份证号码 ${id}，手机 ${mobile}，银行卡号 ${card}，邮箱 secret.person@qq.com`,
    '初始密码：Tax@2026!',
    'token: ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    '-----BEGIN ' + PK + '-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END ' + PK + '-----',
  ].join('\n');
  const findings = checkEntry(text, options, { file: 'content/x/y/z.md' });

  test('each value is found', () => {
    expect(findings.map((f) => f.rule).sort()).toEqual(['personal-bankcard', 'personal-email', 'personal-id', 'personal-mobile', 'secret-password', 'secret-private-key', 'secret-token']);
  });

  test.for(['id', 'mobile', 'card', 'secret.person', 'Tax@2026', 'abcdefghijklmnopqrstuvwxyz0123456789', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'])('%s appears nowhere in messages, excerpts or JSON', (key) => {
    const value = ({ id, mobile, card } as Record<string, string>)[key] ?? key;
    const json = JSON.stringify(findings);
    expect(json.includes(value)).toBe(false);
    if (value.length > 12) expect(json.includes(value.slice(4, -4))).toBe(false);
  });

  test('messages and excerpts show masked forms', () => {
    const byRule = Object.fromEntries(findings.map((f) => [f.rule, f]));
    expect(byRule['personal-id']!.message).toContain(`${id.slice(0, 4)}**********${id.slice(-4)}`);
    expect(byRule['personal-mobile']!.message).toContain(`${mobile.slice(0, 3)}****${mobile.slice(-4)}`);
    // The excerpt masks every sensitive value on the line, not only the finding's own.
    expect(byRule['personal-mobile']!.excerpt).toBe(`欠税人身份证号码 ${id.slice(0, 4)}**********${id.slice(-4)}，手机 ${mobile.slice(0, 3)}****${mobile.slice(-4)}，银行卡号 ${card.slice(0, 4)}${'*'.repeat(card.length - 8)}${card.slice(-4)}，邮箱 s***@qq.com`);
    expect(byRule['secret-password']!.excerpt).toBe('初始密码：******');
  });
});

describe('what is public comes from the configuration, never from code', () => {
  const empty: ChecksConfig = { ...config, ownSources: [], publicPhones: [], publicEmailDomains: [], publicAccounts: [], internalDomains: [], consultationColumns: [], lexicon: [] };
  test.for([
    { text: '流动办税服务车联系电话：13900001234', rule: 'personal-mobile' },
    { text: '邮箱：nsfw@tax.example.gov.cn', rule: 'personal-email' },
    { text: '国库账号：270100100010000001', rule: 'personal-account' },
    { text: '来源：国家税务总局示例省税务局', rule: 'reprint-undeclared' },
  ])('$text passes with the demo configuration and fires without it ($rule)', ({ text, rule }) => {
    expect(checkEntry(text, config).map((f) => f.rule)).toEqual([]);
    expect(checkEntry(text, empty).map((f) => f.rule)).toEqual([rule]);
  });

  test('internal domains are configured: oa.tax.intra fires only when tax.intra is listed', () => {
    expect(scanText('http://oa.tax.intra/x', empty)).toEqual([]);
    expect(scanText('http://oa.tax.intra/x', config).map((f) => f.rule)).toEqual(['secret-internal-host']);
  });

  test('drafts are expected in the consultation column only', () => {
    const text = '（征求意见稿）\n\n第一条';
    expect(checkEntry(text, config, { column: 'yjzj' })).toEqual([]);
    expect(checkEntry(text, config, { column: 'tzgg' }).map((f) => f.rule)).toEqual(['draft-marking']);
  });

  test('the same configuration object compiles once', () => {
    expect(compileChecks(config)).toBe(compileChecks(config));
  });
});

describe('the lexicon', () => {
  test('hundreds of terms, exact positions, each with its own severity and note', () => {
    const terms = Array.from({ length: 800 }, (_, i) => ({ term: `敏感词${String.fromCharCode(0x4e00 + ((i * 7919) % 20000))}${i}`, severity: i % 3 ? ('warning' as const) : ('error' as const), note: `第${i}条说明` }));
    terms.push({ term: 'Forbidden Phrase', severity: 'error', note: '英文术语' });
    const big = compileChecks({ ...config, lexicon: terms });
    const text = `前言。${terms[5]!.term}。中间 **${terms[600]!.term}** 以及 forbidden phrase 与 ${fullWidth('FORBIDDEN')} PHRASE。`;
    const found = scanText(text, big).filter((f) => f.rule === 'lexicon-term');
    expect(found.map((f) => covered(text, f))).toEqual([terms[5]!.term, terms[600]!.term, 'forbidden phrase', `${fullWidth('FORBIDDEN')} PHRASE`]);
    expect(found.map((f) => f.severity)).toEqual(['warning', 'error', 'error', 'error']);
    expect(found[0]!.fix).toBe('第5条说明');
    const long = text.repeat(2000);
    const t0 = performance.now();
    scanText(long, big);
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});

describe('context', () => {
  test('a keyword in a table header column applies to the cells below it', () => {
    const card = genBankCard(rng(3));
    const table = `| 姓名 | 银行卡号 | 备注 |\n| --- | --- | --- |\n| 王某 | ${card} | 无 |\n| 李某 | 6222021234567890127 | 无 |`;
    expect(scanText(table, options).map((f) => [f.rule, f.line])).toEqual([['personal-bankcard', 3]]);
    const permits = '| 姓名 | 港澳通行证号码 |\n| --- | --- |\n| 张某 | C12345678 |\n| 王某 | 无 |';
    expect(scanText(permits, options).map((f) => [f.rule, f.line, f.column])).toEqual([['personal-passport', 3, 8]]);
  });

  test('an 18-digit number that checks as both ID and credit code is the organisation\'s only after 信用代码', () => {
    // Found by search: all-digit strings valid under GB 11643 and GB 32100 exist.
    let both: string | undefined;
    const rand = rng(9);
    for (let i = 0; i < 200_000 && !both; i++) {
      const id = genId18(rand);
      if (/^\d{18}$/.test(id) && isUsccLike(id)) both = id;
    }
    expect(both).toBeDefined();
    expect(scanText(`统一社会信用代码：${both}`, options)).toEqual([]);
    expect(scanText(`纳税人识别号：${both}`, options).map((f) => f.rule)).toEqual(['personal-id']);
  });

  test('a number that is an ID is not also a phone, a card or an account', () => {
    expect(scanText(`账号：${ID}`, options).map((f) => f.rule)).toEqual(['personal-id']);
  });
});

function isUsccLike(s: string): boolean {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(s[i]!) * w[i]!;
  return chars[(31 - (sum % 31)) % 31] === s[17];
}

describe('as gate diagnostics', () => {
  test('toDiagnostic keeps the span, the masked excerpt and the fingerprint; printed with the excerpt, nothing leaks', async () => {
    const { formatDiagnostic } = await import('../../pipeline/diagnostics/index.ts');
    const { toDiagnostic } = await import('../../pipeline/check/index.ts');
    const text = `---\ntitle: 通知\n---\n纳税人身份证号码 ${ID} 请核实`;
    const [f] = checkEntry(text, options, { file: 'content/19900000000/tzgg/a.md' });
    const d = toDiagnostic(f!);
    expect(d).toMatchObject({ rule: 'personal-id', file: 'content/19900000000/tzgg/a.md', line: 4, column: 10, endLine: 4, endColumn: 28, fingerprint: f!.fingerprint });
    const printed = formatDiagnostic(d, { lineOf: () => d.excerpt, lang: 'en' });
    expect(printed).toContain('content/19900000000/tzgg/a.md:4:10 error personal-id resident ID number 1101**********002X');
    expect(printed).toContain('纳税人身份证号码 1101**********002X 请核实');
    expect(printed).not.toContain(ID);
  });
});
