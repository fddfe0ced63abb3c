import { afterAll, describe, expect, test } from 'vitest';
import { RULES } from '../../pipeline/diagnostics/index.ts';
import { CHECK_RULES, checkAttachment, checkEntry, compileChecks, type CheckFinding } from '../../pipeline/check/index.ts';
import { ReaderPool } from '../../pipeline/read/index.ts';
import { loadDemoConfig } from './helpers.ts';
import { expectBothLanguages } from '../helpers/lang.ts';

const options = compileChecks(loadDemoConfig());
// Attachment examples go the gate's way: documents through the reading workers.
const reader = new ReaderPool({ workers: 1 });
afterAll(() => reader.close());

async function run(input: 'entry' | 'attachment', example: string): Promise<CheckFinding[]> {
  if (input === 'entry') return checkEntry(example, options, { file: 'content/19900000000/tzgg/example.md', column: 'tzgg' });
  const m = /^([^;]+);base64,(.*)$/s.exec(example);
  if (!m) throw new Error(`attachment example is not "name;base64,…": ${example.slice(0, 40)}`);
  return checkAttachment(`content/19900000000/xzzx/example/${m[1]}`, Buffer.from(m[2]!, 'base64'), options, { reader });
}

describe('the catalogue', () => {
  test('ids are unique, kebab-case, and do not clash with the gate\'s other rules', () => {
    const ids = CHECK_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(?:-[a-z0-9]+)*$/);
    // Once the gate's catalogue includes these rules they are there with stage 'check'; no other stage may use the ids.
    const gate: readonly { id: string; stage: string }[] = RULES;
    for (const id of ids) expect(gate.some((r) => r.id === id && r.stage !== 'check'), id).toBe(false);
  });

  test('every rule says what it refuses and how to fix it, and has examples that fire', () => {
    for (const r of CHECK_RULES) {
      expect(r.description.length, r.id).toBeGreaterThan(30);
      expect(r.fix.length, r.id).toBeGreaterThan(10);
      expect(r.examples.fire.length, r.id).toBeGreaterThan(0);
    }
  });
});

describe.for(CHECK_RULES.map((r) => ({ id: r.id, rule: r })))('$id', ({ rule }) => {
  test.for(rule.examples.fire.map((example) => ({ example })))('fires on %j', async ({ example }) => {
    const findings = await run(rule.input, example);
    expect(findings.map((f) => f.rule)).toContain(rule.id);
    // Said in Chinese too, with the same values (issue 15).
    for (const f of findings) expectBothLanguages(f);
  });
  test.for(rule.examples.pass.map((example) => ({ example })))('passes %j', async ({ example }) => {
    const findings = await run(rule.input, example);
    expect(findings.filter((f) => f.rule === rule.id)).toEqual([]);
  });
});
