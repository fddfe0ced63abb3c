import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { CHECK_RULES } from '../../pipeline/check/index.ts';
import { RULES } from '../../pipeline/diagnostics/index.ts';
import { EXIT } from '../../pipeline/cli/exit.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

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
