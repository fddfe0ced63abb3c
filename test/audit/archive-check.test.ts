/**
 * The audit log checked against the release archive, as library calls: which
 * archive and memory count for which log, and a missing log that releases
 * sealed (a log cut to nothing), without the command line.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { checkAuditArchive, verifySealedLog } from '../../pipeline/publish/index.ts';
import { history, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());

describe('which archive a log is checked against', () => {
  test('a log named alone may belong to another repository: no archive, no seals, nothing wrong', () => {
    tmp = tempDir();
    expect(checkAuditArchive({ root: tmp.dir, log: tmp.file('log.jsonl'), env: {} })).toEqual({ seals: [], sealNote: '', memoryNote: '', sealsVerified: false, problems: [] });
  });

  test('a verifier memory without an archive to compare it with is a usage error', () => {
    tmp = tempDir();
    expect(() => checkAuditArchive({ root: tmp!.dir, log: tmp!.file('log.jsonl'), state: tmp!.file('seen.json'), env: {} })).toThrow(/--state compares a release archive with what this verifier has seen: give --archive DIR/);
  });

  test('a folder that is no site group and has no releases: no seals, and it says the memory was not compared', () => {
    tmp = tempDir();
    const check = checkAuditArchive({ root: tmp.dir, env: {} });
    expect(check.seals).toEqual([]);
    expect(check.problems).toEqual([]);
    expect(check.memoryNote).toMatch(/^not compared with a verifier's memory of releases seen: no site group is known/);
  });
});

describe('a log that is missing', () => {
  test('nothing sealed it: there is simply no log', () => {
    tmp = tempDir();
    expect(verifySealedLog(`${tmp.dir}/none.jsonl`, [])).toBe('missing');
  });

  test('releases sealed it up to seq 7: the log was cut to nothing (AUDIT_TRUNCATED)', () => {
    tmp = tempDir();
    const result = verifySealedLog(`${tmp.dir}/none.jsonl`, [{ seq: 3, hash: 'a'.repeat(64) }, { seq: 7, hash: 'b'.repeat(64) }]);
    expect(result).toMatchObject({ ok: false, entries: 0, firstBad: { seq: 7, code: 'AUDIT_TRUNCATED' } });
  });

  test('a log that is there and intact verifies', () => {
    tmp = tempDir();
    const { lines } = history(3);
    const log = tmp.file('log.jsonl', lines.join(''));
    expect(verifySealedLog(log, [])).toMatchObject({ ok: true, entries: 3 });
  });
});
