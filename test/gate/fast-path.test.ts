import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { needsTree } from '../../pipeline/parse/index.ts';
import { analyseEntry } from '../../pipeline/validate/index.ts';
import { sha256Hex as sha256 } from '../../pipeline/fs/index.ts';
import type { LoadedEntry } from '../../pipeline/load/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function demoEntries(): LoadedEntry[] {
  const out: LoadedEntry[] = [];
  for (const site of readdirSync(join(ROOT, 'content')).filter((s) => /^\d{11}$/.test(s))) {
    for (const column of readdirSync(join(ROOT, 'content', site))) {
      for (const file of readdirSync(join(ROOT, 'content', site, column))) {
        const format = file.endsWith('.mdx') ? 'mdx' : file.endsWith('.md') ? 'md' : undefined;
        if (!format) continue;
        const bytes = readFileSync(join(ROOT, 'content', site, column, file));
        out.push({ path: `content/${site}/${column}/${file}`, site, column, slug: file.replace(/\.mdx?$/, ''), format, bytes, digest: sha256(bytes), findings: [] });
      }
    }
  }
  return out;
}

const TRICKY = [
  '访问 www.example.gov.cn 或 https://example.com/a_b 了解详情，邮箱 office@example.gov.cn。',
  '金额 &#91;1&#93; 元 &lt;script&gt;',
  '```\n[不是链接](./x.png)\n```',
  '    <script>缩进代码</script>',
  '脚注引用[^1]\n\n[^1]: 说明',
  '*强调* **加粗** ~~删除~~ `代码`',
];

function entryWith(body: string): LoadedEntry {
  const bytes = Buffer.from(`---\ntitle: t\ndate: 2026-01-01\nauthor: a\ndepartment: bgs\ndisclosure: 主动公开\n---\n${body}\n`);
  return { path: 'content/19900000000/tzgg/x.md', site: '19900000000', column: 'tzgg', slug: 'x', format: 'md', bytes, digest: sha256(bytes), findings: [] };
}

describe('skipping the parser for bodies without [ or < changes no fact', () => {
  test('every demo entry and tricky bodies give the same facts with and without the fast path', () => {
    const entries = [...demoEntries(), ...TRICKY.map(entryWith)];
    const skipped = entries.filter((e) => e.format === 'md' && !needsTree('md', String(e.bytes)));
    expect(skipped.length).toBeGreaterThan(5);
    expect(entries.map((e) => analyseEntry(e))).toEqual(entries.map((e) => analyseEntry(e, { alwaysParse: true })));
  });

  test('a body with a link is parsed, so its reference is found', () => {
    const facts = analyseEntry(entryWith('见[附件](./x/a.csv)'))!;
    expect(facts.references.map((r) => r.src)).toEqual(['./x/a.csv']);
  });
});

