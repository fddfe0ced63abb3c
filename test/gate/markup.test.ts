import { afterEach, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import { approveAll, entry, makeRepo, MAIN, NOW, type TestRepo } from '../helpers/repo.ts';

let repo: TestRepo | undefined;
afterEach(() => repo?.cleanup());

async function judge(file: string, body: string) {
  repo = makeRepo({ [`content/${MAIN}/tzgg/${file}`]: entry({}, body) });
  await approveAll(repo);
  const result = await runGate({ root: repo.root, now: NOW });
  if (!result.ok) throw new Error('config');
  return result.plan.entries[0]!;
}

describe('MDX is restricted to the theme components with literal props', () => {
  test.for([
    { name: 'import', body: 'import fs from "node:fs"\n\n正文', rule: 'mdx-esm' },
    { name: 'export', body: 'export const x = process.env\n\n正文', rule: 'mdx-esm' },
    { name: 'flow expression', body: '{process.exit(1)}\n', rule: 'mdx-expression' },
    { name: 'text expression', body: '金额 {1 + 1} 元\n', rule: 'mdx-expression' },
    { name: 'comment expression', body: '{/* 注释 */}\n', rule: 'mdx-expression' },
    { name: 'expression prop', body: '<Callout type={"info"}>x</Callout>\n', rule: 'mdx-expression' },
    { name: 'spread prop', body: '<Callout {...props}>x</Callout>\n', rule: 'mdx-expression' },
    { name: 'unknown component', body: '<Script src="x" />\n', rule: 'mdx-component-unknown' },
    { name: 'lower-case element', body: '<iframe src="https://example.com"></iframe>\n', rule: 'mdx-component-unknown' },
    { name: 'unknown prop', body: '<Callout onClick="x">x</Callout>\n', rule: 'mdx-component-unknown' },
    { name: 'syntax error', body: '<Callout>未闭合\n', rule: 'body-syntax' },
  ])('$name → $rule', async ({ body, rule }) => {
    const e = await judge('x.mdx', body);
    expect(e.status).toBe('refused');
    expect(e.findings.map((f) => f.rule)).toContain(rule);
    const f = e.findings.find((x) => x.rule === rule)!;
    expect(f.line).toBeGreaterThanOrEqual(7);
  });

  test('allowed components with literal props pass', async () => {
    const e = await judge('x.mdx', '<Callout type="info" title="提示">\n\n请于**5月31日**前申报。\n\n</Callout>\n\n<Steps>\n<Step title="登录">\n\n打开电子税务局。\n\n</Step>\n</Steps>\n');
    expect(e.findings).toEqual([]);
    expect(e.status).toBe('publishable');
  });
});

describe('pages carry no active content', () => {
  test.for([
    { name: 'script tag', body: '<script>alert(1)</script>\n', rule: 'html-active' },
    { name: 'event handler', body: '<img src="x.png" onerror="alert(1)">\n', rule: 'html-active' },
    { name: 'iframe', body: '<iframe src="https://example.com"></iframe>\n', rule: 'html-active' },
    { name: 'javascript link', body: '[点我](javascript:alert(1))\n', rule: 'url-scheme' },
    { name: 'form', body: '<form action="https://example.com"><input name="q"></form>\n', rule: 'html-active' },
  ])('$name in Markdown is refused ($rule)', async ({ body, rule }) => {
    const e = await judge('x.md', body);
    expect(e.status).toBe('refused');
    expect(e.findings.map((f) => f.rule)).toContain(rule);
  });

  test('plain HTML for layout is fine', async () => {
    expect((await judge('x.md', '<div align="center">居中</div>\n\n<sup>注</sup>\n')).status).toBe('publishable');
  });
});
