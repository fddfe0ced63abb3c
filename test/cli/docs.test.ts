import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { CHECK_RULES } from '../../pipeline/check/index.ts';
import { RULES } from '../../pipeline/diagnostics/index.ts';
import { EXIT } from '../../pipeline/cli/exit.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ARCHITECTURE = 'docs/ARCHITECTURE.md';
const architecture = readFileSync(new URL(`../../${ARCHITECTURE}`, import.meta.url), 'utf8');

/**
 * The repository paths a document names: `pipeline/…`, `src/…`, `src-report/…`,
 * `test/…`, `deploy/…`, `.ci/…`, in code spans or prose. A placeholder
 * (`dist/<code>/`) or a glob is not a path; trailing punctuation is not part of one.
 */
function namedPaths(text: string): string[] {
  const paths = new Set<string>();
  for (const m of text.matchAll(/(?<![\w./-])((?:pipeline|src-report|src|test|deploy|\.ci)\/[^\s`'"|(),;[\]]*)/g)) {
    const path = m[1]!.replace(/[.:]+$/, '');
    if (!/[<>*{}…]/.test(path)) paths.add(path);
  }
  return [...paths];
}

/** Relative Markdown link targets of a document (no URL, no anchor of the same page), resolved from its folder. */
function linkedFiles(text: string, file: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(target))
    .map((target) => resolve(ROOT, dirname(file), target.split('#')[0]!));
}

describe('the README stays true to the code', () => {
  test('every rule of the catalogue is documented, and nothing else', () => {
    const table = readme.slice(readme.indexOf('## Gate rules'), readme.indexOf('## How it works'));
    const documented = [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(RULES.map((r) => r.id));
  });

  test('every check rule is documented', () => {
    const table = readme.slice(readme.indexOf('## Confidentiality and copyright checks'), readme.indexOf('## Approvals and trust'));
    const documented = [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(CHECK_RULES.map((r) => r.id));
  });

  test('every exit code is documented', () => {
    for (const code of Object.values(EXIT)) expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });

  test('the quick start is two commands', () => {
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## The demo site group'));
    expect(quick).toContain('npm ci && npm start');
    expect(quick).toContain('npm test');
  });
});

describe('docs/ARCHITECTURE.md stays true to the repository', () => {
  test('the README points to it', () => {
    expect(readme).toContain(`](${ARCHITECTURE})`);
  });

  test('every pipeline/, src/, test/… path it names exists', () => {
    const paths = namedPaths(architecture);
    // The document is written module by module: far fewer paths would mean the pattern stopped matching.
    expect(paths.length).toBeGreaterThan(150);
    expect(paths.filter((p) => !existsSync(resolve(ROOT, p)))).toEqual([]);
  });

  test('every path the README names exists too', () => {
    expect(namedPaths(readme).filter((p) => !existsSync(resolve(ROOT, p)))).toEqual([]);
  });

  test('their links stay inside the repository and lead to files that exist', () => {
    const problems: string[] = [];
    for (const [file, text] of [['README.md', readme], [ARCHITECTURE, architecture]] as const) {
      for (const target of linkedFiles(text, file)) {
        const inRepo = relative(ROOT, target);
        if (inRepo.startsWith('..') || resolve(ROOT, inRepo) !== target) problems.push(`${file} links outside the repository: ${target}`);
        else if (!existsSync(target)) problems.push(`${file} links to a missing file: ${inRepo}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('its table of contents leads to its sections', () => {
    const anchors = new Set(
      [...architecture.matchAll(/^##+ (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^\p{L}\p{N} -]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    const links = [...architecture.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((a) => !anchors.has(a))).toEqual([]);
  });
});
