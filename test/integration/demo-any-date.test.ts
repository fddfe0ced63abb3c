/**
 * The demo on the real clock, whatever today's date is (issue 10): two clones
 * of the demo on one machine (one verifier state, as ~/.local/state is) each
 * run the README's quick start with no --now. Once the committed demo's
 * certificates lapse, `publish` renews them in the clone and says so; a second
 * publish makes v2; verify, watch and audit verify pass in both clones, and
 * neither clone's releases look like a rollback of the other's. CI runs this
 * suite a second time with the clock moved more than a year ahead, so both
 * the committed material and the renewal are exercised on the real clock.
 *
 * The renewal itself is also run at a clock derived from the committed
 * material (400 days after its release certificate lapses), so it is tested
 * on any date.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_EXPIRES_DAYS } from '../../pipeline/publish/index.ts';
import { DEMO_CERT_DAYS, demoRenewal, readDemoMaterial, type DemoMaterial } from '../../pipeline/demo/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { summarise } from '../../pipeline/plan/index.ts';
import { parseEnvelope } from '../../pipeline/trust/index.ts';
import { runCli } from '../helpers/cli.ts';
import { CHECKOUT, copyDemo } from '../helpers/demo.ts';

const SOURCE = CHECKOUT;
const DAY = 86_400_000;
const SUB = '19901000000';

let work: string;
let env: Record<string, string | undefined>;
let committed: DemoMaterial;

function clone(name: string): string {
  const root = join(work, name);
  copyDemo(SOURCE, root);
  return root;
}

function trustVersion(root: string): number {
  const parsed = parseEnvelope(readFileSync(join(root, 'sites', 'trust', 'roster.dsse.json')));
  if (!parsed.ok) throw new Error('unreadable roster');
  return (JSON.parse(Buffer.from(parsed.envelope.payload).toString('utf8')) as { version: number }).version;
}

const cli = (args: string[]) => runCli(args, env);
const publish = (root: string) => cli(['publish', '--root', root, '--mirror', join(root, 'mirrors', 'a'), '--json']);
const verify = (root: string) => cli(['verify', join(root, 'mirrors', 'a'), '--root', root]);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sealpress-any-date-'));
  // One machine: both clones share the verifier's state folder; each keeps its own archive and audit log (the defaults, inside it).
  env = { SEALPRESS_STATE_DIR: join(work, 'state'), SEALPRESS_AUDIT_LOG: undefined, SEALPRESS_ARCHIVE: undefined, SEALPRESS_RELEASE_KEY: undefined, SEALPRESS_RELEASE_CERT: undefined, SEALPRESS_TRUST_ANCHOR: undefined };
  const material = readDemoMaterial(SOURCE);
  if (!material) throw new Error('the checkout is not the demo');
  committed = material;
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('when the demo must be renewed (pure)', () => {
  const horizon = DEFAULT_EXPIRES_DAYS * DAY;
  test.for([
    { name: 'the day it was issued: nothing to do', at: (m: DemoMaterial) => m.release.notBefore, renew: false },
    { name: 'a release that would outlive the signer\'s certificate', at: (m: DemoMaterial) => m.release.notAfter - horizon + 1, renew: true },
    { name: 'the last day a release fits: nothing to do', at: (m: DemoMaterial) => m.release.notAfter - horizon, renew: false },
    { name: 'a year after the certificates lapsed', at: (m: DemoMaterial) => m.release.notAfter + 365 * DAY, renew: true },
  ])('$name', ({ at, renew }) => {
    const due = demoRenewal(committed, new Date(at(committed)), horizon);
    expect(due !== undefined).toBe(renew);
    if (due) expect(due.newCa).toBe(false);
  });

  test('a CA too close to its end is replaced, and material made after the clock is refused', () => {
    expect(demoRenewal(committed, new Date(committed.ca.notAfter - DEMO_CERT_DAYS * DAY), horizon)?.newCa).toBe(true);
    expect(() => demoRenewal(committed, new Date(committed.release.notBefore - DAY), horizon)).toThrow(/after this run's clock/);
  });
});

describe('sealpress demo --renew, 400 days after the committed certificates lapse', () => {
  test('renews under the same demo CA, one version up, and the gate passes what it passed before', async () => {
    const root = clone('renewed');
    const before = await runGate({ root, now: new Date(committed.release.notBefore + 26 * DAY), cache: false });
    const at = new Date(committed.release.notAfter + 400 * DAY);
    const r = await cli(['demo', '--renew', '--root', root, '--now', at.toISOString(), '--bits', '2048']);
    expect(r.code, r.err).toBe(0);
    const renewed = readDemoMaterial(root)!;
    expect(renewed.ca.fingerprint).toBe(committed.ca.fingerprint);
    expect(renewed.release.notBefore).toBeLessThan(at.getTime());
    expect(demoRenewal(renewed, at, DEFAULT_EXPIRES_DAYS * DAY)).toBeUndefined();
    expect(trustVersion(root)).toBe(trustVersion(SOURCE) + 1);
    const after = await runGate({ root, now: at, cache: false });
    if (!before.ok || !after.ok) throw new Error('gate configuration');
    // The same entries publish, the same are held back (the demo's embargo lies beyond this clock).
    const held = (plan: typeof after.plan) => plan.entries.filter((e) => e.status !== 'publishable').map((e) => `${e.path} ${e.status}`);
    expect(summarise(after.plan).publishable).toBe(summarise(before.plan).publishable);
    expect(held(after.plan)).toEqual(held(before.plan));
  }, 120_000);
});

describe('a clock before the demo was made', () => {
  test('publish refuses with the reason and a fix, and publishes nothing', async () => {
    const root = clone('early');
    const r = await cli(['publish', '--root', root, '--mirror', join(root, 'mirrors', 'a'), '--now', new Date(committed.release.notBefore - DAY).toISOString()]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/issued .*after this run's clock/);
    expect(r.err).toContain('sealpress demo --new-ca --issued-at');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(root, 'mirrors', 'a'))).toBe(false);
    expect(trustVersion(root)).toBe(trustVersion(SOURCE));
  });
});

describe('two clones on one machine, on the real clock', () => {
  let a: string;
  let b: string;
  let firstA: { code: number; out: string; err: string };
  let due: boolean;

  beforeAll(async () => {
    a = clone('clone-a');
    b = clone('clone-b');
    due = demoRenewal(committed, new Date(), DEFAULT_EXPIRES_DAYS * DAY) !== undefined;
    firstA = await publish(a);
  }, 300_000);

  test('npm start publishes v1 on any date, renewing the demo on this machine only when it has lapsed', () => {
    expect(firstA.code, firstA.err).toBe(0);
    expect((JSON.parse(firstA.out) as { version: number }).version).toBe(1);
    expect(firstA.err.includes('renewing the DEMO')).toBe(due);
    expect(trustVersion(a)).toBe(trustVersion(SOURCE) + (due ? 1 : 0));
    // The renewal is a change of trust material: the audit trail has it.
    expect(readFileSync(join(a, '.sealpress', 'audit', 'log.jsonl'), 'utf8').includes('"change":"demo-renewal"')).toBe(due);
  });

  test('verify, a second publish (v2), verify again', async () => {
    const v1 = await verify(a);
    expect(v1.code, v1.out + v1.err).toBe(0);
    const second = await publish(a);
    expect(second.code, second.err).toBe(0);
    expect((JSON.parse(second.out) as { version: number }).version).toBe(2);
    expect(second.err).not.toContain('renewing the DEMO');
    const v2 = await verify(a);
    expect(v2.code, v2.out + v2.err).toBe(0);
    expect(v2.out).toMatch(/^OK .*release v2/m);
  }, 300_000);

  test('watch, on the real clock, finds a defacement, restores it and records the incident', async () => {
    const page = join(a, 'mirrors', 'a', SUB, 'index.html');
    const original = readFileSync(page);
    unlinkSync(page);
    writeFileSync(page, '<h1>defaced</h1>');
    const r = await cli(['watch', join(a, 'mirrors', 'a'), '--root', a, '--count', '1', '--interval', '1']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('restored');
    expect(readFileSync(page).equals(original)).toBe(true);
    const log = readFileSync(join(a, '.sealpress', 'audit', 'log.jsonl'), 'utf8');
    expect(log).toContain('"action":"incident"');
    expect(log).toContain('"action":"restore"');
  }, 120_000);

  test('the other clone publishes its own v1: verify and audit verify pass in both, no rollback alarm', async () => {
    const first = await publish(b);
    expect(first.code, first.err).toBe(0);
    expect((JSON.parse(first.out) as { version: number }).version).toBe(1);
    for (const root of [b, a]) {
      const v = await verify(root);
      expect(v.code, v.out + v.err).toBe(0);
      expect(v.out).not.toContain('RELEASE_ROLLBACK');
      const audit = await cli(['audit', 'verify', '--root', root]);
      expect(audit.code, audit.out + audit.err).toBe(0);
      expect(audit.out + audit.err).not.toMatch(/AUDIT_SEAL_MISSING|RELEASE_ROLLBACK/);
    }
  }, 300_000);
});
