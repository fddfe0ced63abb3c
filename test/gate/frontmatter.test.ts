import { afterEach, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import { approveAll, entry, makeRepo, MAIN, NOW, SUB, type TestRepo } from '../helpers/repo.ts';

let repo: TestRepo | undefined;
afterEach(() => repo?.cleanup());

async function judge(path: string, text: string | Uint8Array) {
  repo = makeRepo({ [path]: text });
  await approveAll(repo);
  const result = await runGate({ root: repo.root, now: NOW });
  if (!result.ok) throw new Error(`config invalid: ${JSON.stringify(result.configDiagnostics)}`);
  const e = result.plan.entries.find((x) => x.path === path);
  if (!e) throw new Error(`${path} not in plan`);
  return e;
}

const P = `content/${MAIN}/tzgg/2026-notice.md`;

describe('front matter: valid', () => {
  test.for([
    { name: 'minimal', fields: {} },
    { name: 'date-time with offset', fields: { date: '2026-10-12T09:30:00+08:00' } },
    { name: 'summary and 文号', fields: { summary: '摘要。', docNumber: '示税发〔2026〕12号' } },
    { name: 'reprint block', fields: { reprint: '  source: 中国税务报\n  author: 李明\n  title: 原题\n  url: https://example.com/a\n  permission: 经授权转载' } },
    { name: 'unpublishAt in the future', fields: { unpublishAt: '2027-01-01' } },
  ])('$name is publishable', async ({ fields }) => {
    const e = await judge(P, entry(fields));
    expect(e.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(e.status).toBe('publishable');
    expect(e.frontMatter?.title).toBe('测试通知');
  });
});

describe('front matter: invalid, refused with a positioned finding', () => {
  test.for([
    { name: 'missing title', fields: { title: '' }, rule: 'frontmatter-invalid', line: 2, message: /`title` is missing/ },
    { name: 'date not a date', fields: { date: '2026-13-45' }, rule: 'frontmatter-invalid', line: 3, message: /`date` must be a date/ },
    { name: 'date as words', fields: { date: '昨天' }, rule: 'frontmatter-invalid', line: 3, message: /found "昨天"/ },
    { name: 'unknown disclosure', fields: { disclosure: '公开' }, rule: 'frontmatter-invalid', line: 6, message: /one of 主动公开/ },
    { name: 'typo in a key', fields: { pubishAt: '2026-01-01' }, rule: 'frontmatter-unknown-field', line: 7, message: /unknown field `pubishAt`/ },
    { name: 'title as a list', fields: { title: '[a, b]' }, rule: 'frontmatter-invalid', line: 2, message: /`title` must be text/ },
    { name: 'adopt not boolean', fields: { adopt: '"yes"' }, rule: 'frontmatter-invalid', line: 7, message: /true or false/ },
    { name: 'reprint without permission', fields: { reprint: '  source: 报\n  author: 李\n  title: 题' }, rule: 'frontmatter-invalid', line: 8, message: /`permission` is missing/ },
    { name: '不予公开', fields: { disclosure: '不予公开' }, rule: 'disclosure-withheld', line: 6, message: /不予公开/ },
    { name: '依申请公开', fields: { disclosure: '依申请公开' }, rule: 'disclosure-on-request', line: 6, message: /依申请公开/ },
    { name: 'unknown department', fields: { department: 'xcb' }, rule: 'department-unknown', line: 5, message: /"xcb" is not a department/ },
    { name: 'unpublish before publish', fields: { publishAt: '2026-10-01', unpublishAt: '2026-09-01' }, rule: 'date-order', line: 8, message: /not after publishAt/ },
    { name: 'qa outside a Q&A column', fields: { qa: '  question: 问？\n  askedAt: 2026-01-01\n  answeredAt: 2026-01-02' }, rule: 'frontmatter-invalid', line: 7, message: /belongs to Q&A columns/ },
  ])('$name', async ({ fields, rule, line, message }) => {
    const e = await judge(P, entry(fields));
    expect(e.status).toBe('refused');
    const f = e.findings.find((x) => x.rule === rule);
    expect(f, JSON.stringify(e.findings)).toBeDefined();
    expect(f!.line).toBe(line);
    expect(f!.message).toMatch(message);
    expect(f!.fix).toBeTruthy();
    expect(e.body).toBeUndefined();
  });

  test('every problem is reported at once, not just the first', async () => {
    const e = await judge(P, entry({ title: '', date: 'soon', disclosure: '未知', colour: 'red' }));
    expect(new Set(e.findings.map((f) => f.message.split(' ')[0]))).toEqual(new Set(['required', '`date`', '`disclosure`', 'unknown']));
  });
});

describe('front matter: YAML only, never executed', () => {
  test.for([
    { name: '---js', text: '---js\n{ title: (function(){ globalThis.PWNED = 1; return "x" })() }\n---\n正文' },
    { name: '---javascript', text: '---javascript\nmodule.exports = { title: require("fs").readFileSync("/etc/passwd", "utf8") }\n---\n' },
    { name: '---coffee', text: '---coffee\ntitle: "x"\n---\n' },
    { name: '---json', text: '---json\n{"title": "x"}\n---\n' },
  ])('$name is refused', async ({ text }) => {
    const e = await judge(P, text);
    expect(e.status).toBe('refused');
    expect(e.findings.map((f) => f.rule)).toEqual(['frontmatter-engine']);
    expect((globalThis as Record<string, unknown>)['PWNED']).toBeUndefined();
  });

  test.for([
    { name: 'no front matter', text: '# 标题\n正文', rule: 'frontmatter-missing' },
    { name: 'unclosed front matter', text: '---\ntitle: x\n正文', rule: 'frontmatter-missing' },
    { name: 'broken YAML', text: '---\ntitle: "unterminated\ndate: 2026-01-01\n---\n', rule: 'frontmatter-yaml' },
    { name: 'duplicate key', text: entry({}).replace('author: 张伟', 'author: 张伟\nauthor: 李四'), rule: 'frontmatter-yaml' },
    { name: 'alias bomb', text: '---\na: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\n', rule: 'frontmatter-yaml' },
    { name: 'front matter is a list', text: '---\n- a\n- b\n---\n', rule: 'frontmatter-invalid' },
  ])('$name → $rule', async ({ text, rule }) => {
    const e = await judge(P, text);
    expect(e.status).toBe('refused');
    expect(e.findings[0]?.rule).toBe(rule);
  });

  test('YAML syntax errors point at the line in the file', async () => {
    const e = await judge(P, '---\ntitle: 测试\ndate: 2026-01-01\nauthor: [张伟\n---\n');
    const f = e.findings[0]!;
    expect(f.rule).toBe('frontmatter-yaml');
    expect(f.line).toBeGreaterThanOrEqual(4);
  });
});

describe('encoding', () => {
  test('invalid UTF-8 is refused, naming the file', async () => {
    const bytes = Buffer.concat([Buffer.from(entry({}).slice(0, 20)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('\n---\n')]);
    const e = await judge(P, bytes);
    expect(e.status).toBe('refused');
    expect(e.findings[0]).toMatchObject({ rule: 'encoding-invalid', file: P });
  });

  test('a UTF-8 BOM is accepted', async () => {
    const e = await judge(P, `\ufeff${entry({})}`);
    expect(e.status).toBe('publishable');
  });

  test('CRLF line endings are accepted', async () => {
    const e = await judge(P, entry({}).replace(/\n/g, '\r\n'));
    expect(e.status).toBe('publishable');
  });
});

describe('site, column and Q&A rules', () => {
  test('a column the sub-site does not enable', async () => {
    const e = await judge(`content/${SUB}/zcwj/x.md`, entry({}));
    expect(e.status).toBe('refused');
    expect(e.findings.map((f) => f.rule)).toContain('column-not-enabled');
  });

  test('a column not in the tree', async () => {
    const e = await judge(`content/${MAIN}/zcjd/x.md`, entry({}));
    expect(e.findings.map((f) => f.rule)).toContain('column-unknown');
  });

  test('a site folder not in the group', async () => {
    const e = await judge('content/19909999999/tzgg/x.md', entry({}));
    expect(e.findings.map((f) => f.rule)).toContain('site-unknown');
  });

  test('Q&A entries need their question', async () => {
    expect((await judge(`content/${MAIN}/nszx/q.md`, entry({}))).findings.map((f) => f.rule)).toContain('frontmatter-invalid');
    const ok = await judge(`content/${MAIN}/nszx/q.md`, entry({ qa: '  question: 如何申报？\n  askedAt: 2026-09-01T10:00:00+08:00\n  answeredAt: 2026-09-02' }));
    expect(ok.status).toBe('publishable');
    expect(ok.frontMatter?.qa?.answeredAt).toBe('2026-09-02T00:00:00+08:00');
  });

  test('an answer dated before its question', async () => {
    const e = await judge(`content/${MAIN}/nszx/q.md`, entry({ qa: '  question: 如何申报？\n  askedAt: 2026-09-03\n  answeredAt: 2026-09-02' }));
    expect(e.findings.map((f) => f.rule)).toContain('date-order');
  });
});
