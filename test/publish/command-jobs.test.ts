/**
 * The jobs the commands call, called directly with a fixed clock, a fake
 * audit recorder and no terminal: the gate run of check, report and build and
 * what each records, the signing job's refusal, and the pki helpers the keys
 * and trust commands print from.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AuditEvent } from '../../pipeline/audit/index.ts';
import { buildJob } from '../../pipeline/build/index.ts';
import { writeDemoTrust } from '../../pipeline/demo/index.ts';
import { EXIT } from '../../pipeline/errors/index.ts';
import { DEFAULT_ROOT_DAYS, frozenLines, keyBits, listKeys, listLines, passphrasesFrom, readTrustState, trustProblemLines, trustStatusJson, trustStatusLines, validityDays, warnDays } from '../../pipeline/pki/index.ts';
import { checkJob, mirrorLines, type RecordAct } from '../../pipeline/publish/index.ts';
import { lineReader } from '../../pipeline/diagnostics/index.ts';
import { reportJob } from '../../pipeline/report/index.ts';
import { signJob, waiveJob } from '../../pipeline/sign/index.ts';
import { columnChangePath, columnRequestJob } from '../../pipeline/govern/index.ts';
import { MAX_CA_DAYS, MAX_CERT_DAYS } from '../../pipeline/trust/index.ts';
import { entry, fixtureGroupPki, makeRepo, MAIN, NOW, SUB, writePersonKey, type TestRepo } from '../helpers/repo.ts';

const PASS = 'correct horse battery staple';
const B = `content/${MAIN}/bszn/b.md`;
let repo: TestRepo;
let keys: string;

/** A recorder that keeps the events and gives back the act's code (or 5, when told to fail). */
function recorder(fail = false): { record: RecordAct; events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return { events, record: async (event, code) => (events.push(event), fail ? EXIT.AUDIT : code) };
}

beforeAll(async () => {
  repo = makeRepo({ [B]: entry({ title: '电子发票办理指南' }) });
  writeDemoTrust(repo.root, await fixtureGroupPki(repo.root));
  keys = mkdtempSync(join(tmpdir(), 'sealpress-keys-'));
}, 120_000);
afterAll(() => {
  repo.cleanup();
  rmSync(keys, { recursive: true, force: true });
});

describe('checkJob: the gate with the archive memory, recorded as action gate', () => {
  test('judged: an entry awaiting approval is not refused; the run is recorded ok with its counts', async () => {
    const { record, events } = recorder();
    const r = await checkJob({ root: repo.root, now: NOW, cache: false, env: {}, record });
    expect(r.kind).toBe('judged');
    expect(r.code).toBe(EXIT.OK);
    expect(events).toMatchObject([{ action: 'gate', outcome: 'ok', details: { command: 'check', entries: 1, pending: 1 } }]);
    expect(events[0]!.actor).toBeUndefined();
  });
  test('an unknown site: exit 2, recorded as failed; $CI names the actor', async () => {
    const { record, events } = recorder();
    const r = await checkJob({ root: repo.root, now: NOW, cache: false, site: '19999999999', env: { CI: 'true' }, record });
    expect(r).toMatchObject({ kind: 'unknown-site', code: EXIT.CONFIG, sites: [MAIN, SUB] });
    expect(events).toMatchObject([{ action: 'gate', actor: 'ci', outcome: 'failed', details: { reason: 'unknown-site' } }]);
  });
  test('a run the audit log refuses to record ends with exit 5', async () => {
    expect((await checkJob({ root: repo.root, now: NOW, cache: false, env: {}, record: recorder(true).record })).code).toBe(EXIT.AUDIT);
  });
  test('an invalid configuration: its diagnostics, exit 2, recorded as failed', async () => {
    const broken = makeRepo({ 'sites/group.yaml': 'name: [' });
    try {
      const { record, events } = recorder();
      const r = await checkJob({ root: broken.root, now: NOW, cache: false, env: {}, record });
      expect(r.kind).toBe('config');
      expect(r.kind === 'config' && r.diagnostics.length).toBeGreaterThan(0);
      expect(events).toMatchObject([{ outcome: 'failed', details: { reason: 'config-invalid' } }]);
      const built = recorder();
      const b = await buildJob({ root: broken.root, now: NOW, cache: false, env: {}, record: built.record, note: () => {} });
      expect(b.code).toBe(EXIT.CONFIG);
      expect(built.events).toMatchObject([{ action: 'gate', outcome: 'failed', details: { command: 'build', reason: 'config-invalid' } }]);
    } finally {
      broken.cleanup();
    }
  });
});

describe('reportJob', () => {
  const base = { now: NOW, from: '2026-01-01', to: '2026-11-27', format: 'json' as const, cache: false, env: {}, note: () => {} };
  test('written: the text goes to output before the gate run is recorded ok', async () => {
    const { record, events } = recorder();
    const order: string[] = [];
    const r = await reportJob({ ...base, root: repo.root, record: async (e, c) => (order.push('record'), record(e, c)), output: (text) => order.push(JSON.parse(text) ? 'output' : '') });
    expect(r).toEqual({ kind: 'written', code: EXIT.OK });
    expect(order).toEqual(['output', 'record']);
    expect(events).toMatchObject([{ action: 'gate', outcome: 'ok', details: { command: 'report', from: '2026-01-01', to: '2026-11-27', format: 'json' } }]);
  });
  test('a sheet that does not load stops before the gate: nothing recorded', async () => {
    const { record, events } = recorder();
    const r = await reportJob({ ...base, root: repo.root, sheet: 'sites/assessment/none.yaml', record, output: () => {} });
    expect(r.kind).toBe('sheet-invalid');
    expect(events).toEqual([]);
  });
});

describe('signJob: nothing is signed outside the signer\'s scope, and the refusal is recorded', () => {
  test('an approver of the sub-site approving a main-site entry', async () => {
    const pki = await fixtureGroupPki(repo.root);
    const { key } = writePersonKey(keys, 'ap-sub', pki.approverOf.get(`${SUB}/bgs`)!, PASS, repo.root);
    const { record, events } = recorder();
    const lines: string[] = [];
    const r = await signJob({
      root: repo.root,
      now: NOW,
      decision: 'approve',
      paths: [B],
      key: { key, cert: undefined, passphraseFile: undefined, option: '--key', passphraseOption: '--passphrase-file' },
      passphrases: passphrasesFrom({ env: { SEALPRESS_PASSPHRASE: PASS }, terminal: { interactive: () => false, prompt: () => Promise.reject(new Error('not asked')) }, warn: () => {} }),
      review: (l) => lines.push(l),
      confirm: () => Promise.reject(new Error('a refusal asks nothing')),
      record,
    });
    expect(r.kind).toBe('refused');
    expect(r.kind === 'refused' && r.code).toBe(EXIT.REFUSED);
    expect(r.kind === 'refused' && r.problems.join('\n')).toMatch(new RegExp(B));
    expect(lines[0]).toMatch(/of 1 entry by/);
    expect(events).toMatchObject([{ action: 'approve', outcome: 'refused' }]);
  });
});

describe('columnRequestJob and waiveJob: shown, asked, and written only when the gate accepts', () => {
  const passphrases = () => passphrasesFrom({ env: { SEALPRESS_PASSPHRASE: PASS }, terminal: { interactive: () => false, prompt: () => Promise.reject(new Error('not asked')) }, warn: () => {} });
  const keyFiles = (key: string) => ({ key, cert: undefined, passphraseFile: undefined, option: '--key', passphraseOption: '--passphrase-file' });
  const input = { site: SUB, action: 'drop' as const, column: 'zcwj', reason: '本局无政策文件发布职能', department: '办公室' };
  test('an approver without the office role: refused, nothing left behind; declined: nothing signed', async () => {
    const pki = await fixtureGroupPki(repo.root);
    const ap = writePersonKey(keys, 'ap-col', pki.approverOf.get(`${SUB}/bgs`)!, PASS, repo.root);
    const review: string[] = [];
    const r = await columnRequestJob({ root: repo.root, now: NOW, input, key: keyFiles(ap.key), passphrases: passphrases(), review: (l) => review.push(l), confirm: async () => true });
    expect(r).toMatchObject({ kind: 'refused', why: expect.stringMatching(/office-approver/) });
    expect(review[1]).toBe('change      drop zcwj');
    expect(existsSync(join(repo.root, columnChangePath(SUB, 'drop-zcwj')))).toBe(false);
    const office = writePersonKey(keys, 'office-col', pki.office, PASS, repo.root);
    expect(await columnRequestJob({ root: repo.root, now: NOW, input, key: keyFiles(office.key), passphrases: passphrases(), review: () => {}, confirm: async () => false })).toEqual({ kind: 'declined' });
  });
  test('an option the tree refuses is a usage error, before any key is opened', async () => {
    await expect(columnRequestJob({ root: repo.root, now: NOW, input: { ...input, site: '19999999999' }, key: keyFiles('/nonexistent.key.pem'), passphrases: passphrases(), review: () => {}, confirm: async () => true })).rejects.toMatchObject({ code: 'USAGE' });
  });
  test('waiveJob: no such finding, before any key is opened; nothing recorded', async () => {
    const { record, events } = recorder();
    const r = await waiveJob({ root: repo.root, now: NOW, path: B, rule: 'personal-id', line: 3, justification: '依法公告', key: keyFiles('/nonexistent.key.pem'), passphrases: passphrases(), review: () => {}, confirm: async () => true, record });
    expect(r.kind).toBe('no-finding');
    expect(events).toEqual([]);
  });
});

describe('the limits and summaries the keys and trust commands print', () => {
  test.for([
    { name: 'default bits', run: () => keyBits(undefined), expected: 3072 },
    { name: '2048 bits for tests', run: () => keyBits('2048'), expected: 2048 },
    { name: 'default certificate days', run: () => validityDays(undefined, MAX_CERT_DAYS, MAX_CERT_DAYS, '--days'), expected: MAX_CERT_DAYS },
    { name: 'default root days', run: () => validityDays(undefined, DEFAULT_ROOT_DAYS, MAX_CA_DAYS, '--root-days'), expected: 1825 },
    { name: 'default warn days', run: () => warnDays(undefined), expected: 14 },
  ])('$name', ({ run, expected }) => {
    expect(run()).toBe(expected);
  });
  test.for([
    { name: 'fewer than 2048 bits', run: () => keyBits('1024') },
    { name: 'a certificate longer than 90 days', run: () => validityDays('91', MAX_CERT_DAYS, MAX_CERT_DAYS, '--days') },
    { name: 'zero days', run: () => validityDays('0', MAX_CERT_DAYS, MAX_CERT_DAYS, '--days') },
    { name: 'negative warn days', run: () => warnDays('-1') },
  ])('$name is a usage error', ({ run }) => {
    expect(run).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
  test('a revocation that froze nothing says so in one line; records are listed for review', () => {
    expect(frozenLines([])).toHaveLength(1);
    const lines = frozenLines([{ kind: 'approval', file: 'content/_approvals/a.json' } as never]);
    expect(lines).toEqual([expect.stringMatching(/froze 1 approval record\(s\), 0 waiver\(s\), 0 column change request\(s\)/), '    content/_approvals/a.json', expect.stringMatching(/review this list/)]);
  });
  test('trust status as JSON: each document at a glance', () => {
    const json = trustStatusJson(readTrustState(repo.root, NOW, undefined), NOW);
    expect(json).toMatchObject({ ok: true, now: NOW.toISOString(), root: { threshold: expect.any(Number) }, roster: { version: expect.any(Number) } });
  });
  test('trust status as lines: OK with the CA and each document; problems with their fix when it does not verify', () => {
    const lines = trustStatusLines(readTrustState(repo.root, NOW, undefined));
    expect(lines[0]).toBe('trust material in sites/trust/: OK');
    expect(lines.filter((l) => /^ {2}(roster|policy|revocations) +v\d+, signed /.test(l))).toHaveLength(3);
    const wrong = readTrustState(repo.root, NOW, '00'.repeat(32));
    expect(trustStatusLines(wrong)[0]).toMatch(/DOES NOT VERIFY/);
    expect(trustProblemLines(wrong.result, ['a.json: unreadable'])).toEqual(['  a.json: unreadable', expect.stringMatching(/\[[A-Z_]+\]\n {4}fix: /)]);
  });
  test('keys list as lines: a line per person and per certificate', () => {
    const r = listKeys({ root: repo.root, now: NOW, warnDays: 14, certDirs: [] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const lines = listLines(r, NOW);
    expect(lines[0]).toMatch(new RegExp(`^roster v\\d+: ${r.people.length} people`));
    expect(lines.filter((l) => l.startsWith('  cert ')).length).toBe(r.people.reduce((n, p) => n + p.certificates.length, 0));
  });
  test('a mirror line says deployed and verified, deployed unverified (rsync), or FAILED with why', () => {
    expect(mirrorLines([
      { target: '/srv/a', ok: true, verified: true },
      { target: 'rsync:b:/srv', ok: true, verified: false },
      { target: '/srv/c', ok: false, error: 'disk full' },
    ] as never)).toEqual(['mirror /srv/a: deployed and verified', expect.stringMatching(/^mirror rsync:b:\/srv: deployed \(an rsync destination is not verified/), 'mirror /srv/c: FAILED: disk full']);
  });
  test('a mirror line says how its files got there: copied, or linked from the release it served before', () => {
    expect(mirrorLines([
      { target: '/srv/a', ok: true, verified: true, transfer: { copied: 37, reflinked: 0, hardlinked: 5938, refused: 0 } },
      { target: '/srv/b', ok: true, verified: true, transfer: { copied: 40, reflinked: 5932, hardlinked: 0, refused: 3 } },
      { target: 'rsync:c:/srv', ok: true, verified: false, transfer: { copied: 37, reflinked: 0, hardlinked: 5938 } },
    ] as never)).toEqual([
      'mirror /srv/a: deployed and verified (files: 37 copied, 5938 hard-linked)',
      'mirror /srv/b: deployed and verified (files: 40 copied, 5932 reflinked, 3 refused in the previous tree (altered or damaged there))',
      expect.stringMatching(/^mirror rsync:c:\/srv: deployed \(files: 37 copied, 5938 hard-linked\) \(an rsync destination is not verified/),
    ]);
  });
  test('the same mirror lines in Chinese (issue 15)', () => {
    expect(mirrorLines([
      { target: '/srv/a', ok: true, verified: true, transfer: { copied: 37, reflinked: 0, hardlinked: 5938, refused: 0 } },
      { target: '/srv/c', ok: false, error: 'disk full' },
    ] as never, 'zh')).toEqual(['镜像 /srv/a：已部署并通过核验（文件：复制 37 个，硬链接 5938 个）', '镜像 /srv/c：失败：disk full']);
  });
  test('lineReader gives a source line for an excerpt, and nothing for a file it cannot read', () => {
    const lineOf = lineReader(repo.root);
    expect(lineOf(B, 2)).toBe('title: 电子发票办理指南');
    expect(lineOf('content/none.md', 1)).toBeUndefined();
  });
});
