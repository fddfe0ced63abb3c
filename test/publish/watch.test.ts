/**
 * The watch loop is the library's (pipeline/publish watchMirror): rounds on
 * the clock it is given, the pause between them, and the exit code decided
 * from the last round and from whether every round was recorded. Tested with
 * a fixed clock, a sleep that only notes its pauses, and rounds that say what
 * a verification would have found.
 */
import { describe, expect, test } from 'vitest';
import { EXIT } from '../../pipeline/errors/index.ts';
import { watchMirror, type VerifyRound, type VerifyReport } from '../../pipeline/publish/index.ts';

const START = Date.parse('2026-11-27T09:00:00+08:00');

function report(ok: boolean, extra: Partial<VerifyReport> = {}): VerifyReport {
  return { target: '/srv/www', kind: 'folder', ok, version: 3, sites: ['19900000000'], problems: [], modified: ok ? [] : ['index.html'], missing: [], extra: [], files: 10, bytes: 100, ms: 1, ...extra };
}

/** A round that reports (or stops with an exit code), recorded or not. */
function round(outcome: { report: VerifyReport } | { code: number }, recorded = true): VerifyRound {
  return { ...outcome, settle: (code) => (recorded ? code : EXIT.AUDIT) };
}

/** Watch through the given rounds; what it slept, when each round ran, what it showed, and its exit code. */
async function watch(rounds: VerifyRound[], count = rounds.length) {
  let tick = 0;
  const sleeps: number[] = [];
  const ranAt: string[] = [];
  const shown: { ok: boolean; at: string }[] = [];
  const code = await watchMirror({
    rounds: count,
    intervalMs: 300_000,
    clock: () => new Date(START + 1000 * tick++),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    round: async (now) => {
      ranAt.push(now.toISOString());
      return rounds[ranAt.length - 1]!;
    },
    onReport: (r, at) => shown.push({ ok: r.ok, at: at.toISOString() }),
  });
  return { code, sleeps, ranAt, shown };
}

describe('watching a mirror', () => {
  test('runs the rounds asked for, pausing the interval between them but not after the last', async () => {
    const r = await watch([round({ report: report(true) }), round({ report: report(true) }), round({ report: report(true) })]);
    expect(r.ranAt).toEqual(['2026-11-27T01:00:00.000Z', '2026-11-27T01:00:02.000Z', '2026-11-27T01:00:04.000Z']);
    expect(r.sleeps).toEqual([300_000, 300_000]);
    expect(r.shown).toEqual([
      { ok: true, at: '2026-11-27T01:00:01.000Z' },
      { ok: true, at: '2026-11-27T01:00:03.000Z' },
      { ok: true, at: '2026-11-27T01:00:05.000Z' },
    ]);
    expect(r.code).toBe(EXIT.OK);
  });

  test.for([
    { name: 'a mismatch at the last round exits 1, whatever came before', rounds: [round({ report: report(true) }), round({ report: report(false) })], code: EXIT.REFUSED },
    { name: 'a mismatch repaired by the last round exits 0', rounds: [round({ report: report(false) }), round({ report: report(true, { restored: { version: 3, repaired: ['index.html'] } }) })], code: EXIT.OK },
    { name: 'a round stopped by an error gives that error\'s code when it is the last', rounds: [round({ report: report(true) }), round({ code: EXIT.BUILD })], code: EXIT.BUILD },
    { name: 'a failed round does not stop watching', rounds: [round({ code: EXIT.BUILD }), round({ report: report(true) })], code: EXIT.OK },
    { name: 'one round that could not be recorded makes the run exit 5, even when the last matched', rounds: [round({ report: report(false) }, false), round({ report: report(true) })], code: EXIT.AUDIT },
  ] as const)('$name', async ({ rounds, code }) => {
    const r = await watch([...rounds]);
    expect(r.code).toBe(code);
    expect(r.ranAt).toHaveLength(rounds.length);
    // Only reports are shown: an error was said by the round that met it.
    expect(r.shown).toHaveLength(rounds.filter((x) => 'report' in x).length);
  });
});
