/**
 * A gate run's verdict as the library gives it (what `check` prints and CI
 * reads): per site, whether anything is refused, and the counts; a fixed clock.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { gateVerdict, inScope, memoryNote, runGate, verdictJson } from '../../pipeline/gate/index.ts';
import { approvedRepo, entry, MAIN, NOW, SUB, type TestRepo } from '../helpers/repo.ts';

const OK = `content/${SUB}/gzdt/ok.md`;
const BAD = `content/${MAIN}/tzgg/bad.md`; // refused: unknown department
let repo: TestRepo;
let gate: Extract<Awaited<ReturnType<typeof runGate>>, { ok: true }>;

beforeAll(async () => {
  // Approved for real (throwaway PKI): without verified trust material every entry would be refused.
  repo = await approvedRepo({ [OK]: entry({ title: '市局动态', department: 'nsfwk' }), [BAD]: entry({ department: 'nope' }) });
  const result = await runGate({ root: repo.root, now: NOW, cache: false });
  if (!result.ok) throw new Error('fixture config invalid');
  gate = result;
}, 120_000);
afterAll(() => repo.cleanup());

test.for([
  { name: 'the whole group: refused, both sites', site: undefined, paths: [BAD, OK].sort(), refused: true, sites: [MAIN, SUB] },
  { name: 'the sub-site alone: nothing refused there', site: SUB, paths: [OK], refused: false, sites: [SUB] },
  { name: 'the main site alone: refused', site: MAIN, paths: [BAD], refused: true, sites: [MAIN] },
] as const)('$name', ({ site, paths, refused, sites }) => {
  const v = gateVerdict(gate.plan, gate.group, { site });
  expect(v.entries.map((e) => e.path).sort()).toEqual(paths);
  expect(v.refused).toBe(refused);
  expect([...v.sites].sort()).toEqual(sites);
  expect(v.counts.refused).toBe((paths as readonly string[]).includes(BAD) ? 1 : 0);
});

test('the JSON names the memory the gate judged with, and says when there was none', () => {
  const v = gateVerdict(gate.plan, gate.group, { site: MAIN });
  const json = verdictJson(gate.plan, v, undefined, '/srv/archive', 'en') as { memory: unknown; entries: { path: string; findings: { rule: string }[] }[] };
  expect(json.memory).toEqual({ archive: '/srv/archive', release: null, withdrawals: 0 });
  expect(json.entries[0]?.findings.map((f) => f.rule)).toContain('department-unknown');
  expect(memoryNote(undefined, '/srv/archive')).toBe('memory: none (no release in /srv/archive): a withdrawal whose record was deleted, or a trust document rolled back, cannot be known; give --archive DIR');
});

test.for([
  { file: `content/${SUB}/gzdt/a.md`, severity: 'warning', scope: { site: SUB }, shown: true },
  { file: `content/${MAIN}/gzdt/a.md`, severity: 'warning', scope: { site: SUB }, shown: false },
  { file: `content/_approvals/${MAIN}/x.json`, severity: 'error', scope: { site: SUB }, shown: false },
  { file: `sites/${MAIN}/site.yaml`, severity: 'warning', scope: { site: SUB }, shown: false },
  { file: 'sites/group.yaml', severity: 'warning', scope: { site: SUB }, shown: true },
  { file: `content/${SUB}/gzdt/a.md`, severity: 'warning', scope: { paths: [`content/${SUB}/gzdt`] }, shown: true },
  { file: `content/${SUB}/gzdt-old/a.md`, severity: 'warning', scope: { paths: [`content/${SUB}/gzdt`] }, shown: false },
  { file: 'sites/trust/roster.dsse.json', severity: 'error', scope: { paths: [`content/${SUB}/gzdt/a.md`] }, shown: true },
  { file: 'sites/trust/roster.dsse.json', severity: 'warning', scope: { paths: [`content/${SUB}/gzdt/a.md`] }, shown: false },
  { file: `content/${MAIN}/x.md`, severity: 'error', scope: { site: SUB, paths: [`content/${MAIN}`] }, shown: false },
] as const)('a finding about $file ($severity) concerns $scope: $shown', ({ file, severity, scope, shown }) => {
  expect(inScope({ file, severity }, scope)).toBe(shown);
});

test('a scope of files and folders reports the entries they are or hold, and refuses for them alone', () => {
  expect(gateVerdict(gate.plan, gate.group, { paths: [OK] }).entries.map((e) => e.path)).toEqual([OK]);
  expect(gateVerdict(gate.plan, gate.group, { paths: [`content/${SUB}`] }).refused).toBe(false);
  expect(gateVerdict(gate.plan, gate.group, { paths: [BAD] }).refused).toBe(true);
  expect(gateVerdict(gate.plan, gate.group, { paths: ['content/none'] }).entries).toEqual([]);
});
