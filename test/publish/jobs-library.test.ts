/**
 * What moved out of the command line, called directly (no CLI, no process.env,
 * no terminal): the audit recorder, the passphrase sources, the release
 * signers' sources, and the audit log's reading for a person.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readAuditLog } from '../../pipeline/audit/index.ts';
import { EXIT, SealpressError } from '../../pipeline/errors/index.ts';
import { passphrasesFrom, PASSPHRASE_ENV, type PassphraseTerminal } from '../../pipeline/pki/index.ts';
import { auditBound, auditRecorder, auditShow, auditVerify, formatEntry, recordAudit, releaseSigners, RELEASE_KEY_ENV } from '../../pipeline/publish/index.ts';
import { bytesOf, history, rehashed, tempDir } from '../audit/helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

const noTerminal: PassphraseTerminal = { interactive: () => false, prompt: () => Promise.reject(new Error('not asked')) };
const request = { what: 'the key of 王建国 (sa-1)', option: '--passphrase-file' };

describe('passphrasesFrom: a file, else the environment, else the terminal', () => {
  test('a file given wins over the environment; only its first line counts', async () => {
    const file = tmp.file('pass.txt', 'correct horse battery\nsecond line\n');
    chmodSync(file, 0o600);
    const p = passphrasesFrom({ env: { [PASSPHRASE_ENV]: 'from-env' }, terminal: noTerminal, warn: () => {} });
    expect(await p.existing({ ...request, file })).toBe('correct horse battery');
  });
  test('a file others can read is used, with a warning', async () => {
    const file = tmp.file('loose.txt', 'correct horse battery\n');
    chmodSync(file, 0o644);
    const warnings: string[] = [];
    await passphrasesFrom({ env: {}, terminal: noTerminal, warn: (t) => warnings.push(t) }).existing({ ...request, file });
    expect(warnings.join('\n')).toMatch(/chmod 600/);
  });
  test.for([
    { name: 'an empty file', file: 'empty.txt', text: '' },
    { name: 'a missing file', file: 'absent.txt', text: undefined },
  ])('$name is a usage error', async ({ file, text }) => {
    const path = text === undefined ? join(tmp.dir, file) : tmp.file(file, text);
    await expect(passphrasesFrom({ env: {}, terminal: noTerminal, warn: () => {} }).existing({ ...request, file: path })).rejects.toMatchObject({ code: 'USAGE' });
  });
  test('the environment when no file is given', async () => {
    expect(await passphrasesFrom({ env: { [PASSPHRASE_ENV]: 'from-env' }, terminal: noTerminal, warn: () => {} }).existing(request)).toBe('from-env');
  });
  test('no file, no environment, no terminal: a usage error naming the option, never a hang', async () => {
    await expect(passphrasesFrom({ env: {}, terminal: noTerminal, warn: () => {} }).existing(request)).rejects.toThrow(/--passphrase-file FILE or set SEALPRESS_PASSPHRASE/);
  });
  test('a new passphrase on a terminal is asked twice; two different answers write nothing', async () => {
    const answers = ['a long passphrase 1', 'a long passphrase 2'];
    const asked: string[] = [];
    const terminal: PassphraseTerminal = { interactive: () => true, prompt: async (q) => (asked.push(q), answers.shift()!) };
    await expect(passphrasesFrom({ env: {}, terminal, warn: () => {} }).fresh(request)).rejects.toThrow(/differ/);
    expect(asked).toHaveLength(2);
  });
});

describe('releaseSigners: key files, else $SEALPRESS_RELEASE_KEY, else the demo key', () => {
  const base = { env: {}, passphrases: passphrasesFrom({ env: {}, terminal: noTerminal, warn: () => {} }), now: new Date('2026-11-27T09:00:00+08:00'), expiresInMs: 7 * 86_400_000, audit: { record: async () => {}, head: async () => undefined }, note: () => {} };
  test('more certificates than keys is a usage error', async () => {
    await expect(releaseSigners({ key: ['a.key.pem'], cert: ['a.cert.pem', 'b.cert.pem'] }, { ...base, root: tmp.dir })).rejects.toMatchObject({ code: 'USAGE' });
  });
  test('a key in the environment without its certificate is a usage error', async () => {
    await expect(releaseSigners({}, { ...base, root: tmp.dir, env: { [RELEASE_KEY_ENV]: 'PEM' } })).rejects.toThrow(/SEALPRESS_RELEASE_CERT is not/);
  });
  test('no key anywhere outside the demo: a usage error', async () => {
    await expect(releaseSigners({}, { ...base, root: tmp.dir })).rejects.toThrow(/no release key/);
  });
});

describe('recordAudit and auditRecorder: a log that cannot be appended to is exit 5, said once', () => {
  test('appended: the act keeps its exit code, and --now is kept as asOf', async () => {
    const log = join(tmp.dir, 'ok', 'log.jsonl');
    expect(await recordAudit(() => {}, { root: tmp.dir, log, now: '2026-11-27T09:00:00+08:00', env: {} }, { action: 'gate', outcome: 'refused' }, EXIT.REFUSED)).toBe(EXIT.REFUSED);
    const read = readAuditLog(log, {});
    expect(read !== 'missing' && read.ok && read.entries).toBe(1);
  });
  test('not appended: EXIT.AUDIT, a warning naming the action; a recorder settles every code to 5', async () => {
    const blocked = tmp.file('blocked', 'a file, not a folder');
    const warnings: string[] = [];
    const run = { root: tmp.dir, log: join(blocked, 'log.jsonl'), env: {} };
    expect(await recordAudit((t) => warnings.push(t), run, { action: 'approve', outcome: 'ok' }, EXIT.OK)).toBe(EXIT.AUDIT);
    expect(warnings[0]).toMatch(/approve \(ok\) was NOT recorded/);
    const sink = auditRecorder(() => {}, run);
    expect(sink.settle(EXIT.MIRROR)).toBe(EXIT.MIRROR);
    await sink.record({ action: 'deploy', outcome: 'ok' });
    expect(sink.settle(EXIT.OK)).toBe(EXIT.AUDIT);
  });
});

describe('auditVerify and auditShow: what a person and a program read', () => {
  const good = history(12);
  const read = (log: string) => ({ root: tmp.dir, log, env: {} });
  test('an intact log verifies, with its head and the unsealed tail', () => {
    const r = auditVerify(read(tmp.file('good.jsonl', bytesOf(good.lines))));
    expect(r.outcome).toBe('ok');
    expect(r.lines[0]).toMatch(/12 entries, chain intact, head seq 12/);
    expect(r.lines.at(-1)).toMatch(/entries 1–12 are not yet sealed/);
    expect(r.json).toMatchObject({ ok: true, entries: 12, seals: 0 });
  });
  test('an edited entry: broken, named FILE:LINE seq N with its code', () => {
    const lines = [...good.lines];
    lines[4] = `${JSON.stringify(rehashed(good.entries[4]!, { actor: 'someone-else' }))}\n`;
    const r = auditVerify(read(tmp.file('edited.jsonl', bytesOf(lines))));
    expect(r.outcome).toBe('broken');
    expect(r.problems[0]).toMatch(/edited\.jsonl:\d+ seq \d+: .*\[AUDIT_/);
  });
  test('no log: missing', () => {
    expect(auditVerify(read(join(tmp.dir, 'none.jsonl'))).outcome).toBe('missing');
  });
  test('show filters the verified entries and counts them', () => {
    const r = auditShow({ ...read(tmp.file('show.jsonl', bytesOf(good.lines))), filter: { action: 'approve' } });
    expect(r.outcome).toBe('ok');
    expect(r.lines.at(-1)).toBe(`${r.lines.length - 1} of 12 verified entries`);
    expect(r.lines.slice(0, -1).every((l) => / approve /.test(l))).toBe(true);
    expect(r.lines[0]).toBe(formatEntry(good.entries.find((e) => e.action === 'approve')!));
  });
  test.for([
    { name: 'a date alone: --from is its first instant (China time)', which: 'from' as const, text: '2026-11-01', iso: '2026-10-31T16:00:00.000Z' },
    { name: 'a date alone: --to is its last instant', which: 'to' as const, text: '2026-11-01', iso: '2026-11-01T15:59:59.999Z' },
  ])('$name', ({ which, text, iso }) => {
    expect(auditBound(which, text).toISOString()).toBe(iso);
  });
  test('a bound that is not a date is a usage error', () => {
    expect(() => auditBound('from', 'yesterday')).toThrow(SealpressError);
  });
});
