/**
 * The verifier's memory (rollback protection, Trust model 7): the highest
 * release version seen per group and CA. It only ever grows. A state file that
 * cannot be read is an error, never a reset: forgetting what was seen would
 * let a mirror serve an old release again.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseStrictJsonBytes } from '../trust/canonical.ts';
import { normaliseFingerprint } from '../trust/certs.ts';
import { acquireLockSync, fsErrorCode, readCappedSync, unreadableBecause, writeFileAtomicSync } from '../fs/index.ts';
import { ReleaseError } from './errors.ts';
import { MAX_RELEASE_VERSION } from './read.ts';

const STATE_FORMAT = 1;
/** A state file holds a few groups; anything this large is not one. */
const MAX_STATE_BYTES = 1024 * 1024;

interface State {
  format: typeof STATE_FORMAT;
  seen: Record<string, number>;
}

export class SeenVersions {
  /**
   * `scope` narrows the memory to one trust domain that shares a CA with
   * others: the demo, whose CA key is published, so every clone of it is a
   * group of its own (verifierMemory in the CLI sets it for the demo only; a
   * real group's memory is per CA and group, whichever checkout verifies).
   */
  constructor(
    readonly file: string,
    readonly scope?: string,
  ) {}

  private scoped(key: string): string {
    return this.scope === undefined ? key : `${key} @${this.scope}`;
  }

  /** The key of a group under a CA: the same group name under another CA is another trust domain. */
  static key(group: string, caFingerprint: string): string {
    const fp = normaliseFingerprint(caFingerprint);
    if (fp === undefined) throw new ReleaseError('RELEASE_INVALID_ARGUMENT', { zh: 'CA 指纹不是 SHA-256 指纹', en: 'the CA fingerprint is not a SHA-256 fingerprint' });
    return `${fp} ${group}`;
  }

  /** The highest version recorded under `key`, or undefined if none was. */
  last(key: string): number | undefined {
    const state = this.load();
    const k = this.scoped(key);
    return Object.hasOwn(state.seen, k) ? state.seen[k] : undefined;
  }

  /**
   * Record that `version` was seen and verified. Equal to the last is a no-op;
   * lower is SEEN_VERSION_LOWER (the caller should have refused the release).
   */
  record(key: string, version: number): void {
    if (!Number.isInteger(version) || version < 1 || version > MAX_RELEASE_VERSION) {
      throw new ReleaseError('RELEASE_INVALID_ARGUMENT', { zh: `${version} 不是发布版本号`, en: `${version} is not a release version` });
    }
    // Read, compare and write under a lock: two verifiers sharing the file (a watch per mirror) must not
    // overwrite each other's newer record with an older one.
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const got = acquireLockSync(`${this.file}.lock`);
    if (!got.ok) {
      if (got.reason === 'io') throw new ReleaseError('RELEASE_IO', { zh: `无法创建 ${got.file}（${fsErrorCode(got.cause) ?? (got.cause as Error).message}）`, en: `${got.file} cannot be created (${fsErrorCode(got.cause) ?? (got.cause as Error).message})` }, { cause: got.cause, path: got.file });
      throw new ReleaseError('RELEASE_IO', { zh: `${got.file} 被另一个核验进程持有（${got.holder}）；如没有核验进程在运行，请删除该文件`, en: `${got.file} is held by another verifier (${got.holder}); if none is running, delete it` }, { path: got.file });
    }
    try {
      this.recordLocked(this.scoped(key), version);
    } finally {
      got.lock.release();
    }
  }

  private recordLocked(key: string, version: number): void {
    const state = this.load();
    const had = Object.hasOwn(state.seen, key) ? state.seen[key] : undefined;
    if (had !== undefined && version < had) {
      throw new ReleaseError('SEEN_VERSION_LOWER', { zh: `版本 ${version} 低于 ${key} 已见过的版本 ${had}：拒绝降低记忆（否则会重新允许版本回退）`, en: `version ${version} is lower than version ${had} already seen for ${key}: refusing to lower the memory (that would reopen rollback)` }, { path: this.file });
    }
    if (had === version) return;
    state.seen[key] = version;
    const seen = Object.fromEntries(Object.entries(state.seen).sort(([a], [b]) => (a < b ? -1 : 1)));
    try {
      writeFileAtomicSync(this.file, new TextEncoder().encode(`${JSON.stringify({ format: STATE_FORMAT, seen }, null, 2)}\n`), 0o644);
    } catch (e) {
      throw new ReleaseError('RELEASE_IO', { zh: `无法写入 ${this.file}（${(e as NodeJS.ErrnoException).code ?? (e as Error).message}）：核验方将会忘记这个发布版本`, en: `${this.file} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): the verifier would forget this release` }, { cause: e, path: this.file });
    }
  }

  private corrupt(why: string, cause?: unknown): ReleaseError {
    return new ReleaseError(
      'SEEN_STATE_CORRUPT',
      `${this.file}: the record of release versions already seen cannot be read (${why}). Without it this verifier cannot detect a rollback. Restore it from a backup; delete it only if you are sure no mirror serves an older release, since the next release seen becomes the new floor`,
      { path: this.file, ...(cause === undefined ? {} : { cause }) },
    );
  }

  private load(): State {
    let bytes: Buffer;
    try {
      bytes = readCappedSync(this.file, MAX_STATE_BYTES);
    } catch (e) {
      const code = fsErrorCode(e);
      // First run: nothing seen yet. Any other failure must not be mistaken for that.
      if (code === 'ENOENT') return { format: STATE_FORMAT, seen: Object.create(null) as Record<string, number> };
      if (code === 'ELOOP' || code === 'EFTYPE' || code === 'EFBIG') throw this.corrupt(unreadableBecause(e), e);
      throw new ReleaseError('RELEASE_IO', { zh: `无法读取 ${this.file}（${code ?? (e as Error).message}）`, en: `${this.file} cannot be read (${code ?? (e as Error).message})` }, { cause: e, path: this.file });
    }
    const json = parseStrictJsonBytes(bytes);
    if (!json.ok) throw this.corrupt(`not well-formed JSON: ${json.message}`);
    const v = json.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw this.corrupt('not a JSON object');
    const o = v as Record<string, unknown>;
    if (o.format !== STATE_FORMAT) throw this.corrupt(`format must be ${STATE_FORMAT}`);
    const s = o.seen;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw this.corrupt('"seen" must be an object');
    const seen = Object.create(null) as Record<string, number>;
    for (const [key, version] of Object.entries(s)) {
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > MAX_RELEASE_VERSION) throw this.corrupt(`the version of ${JSON.stringify(key.slice(0, 100))} is not a release version`);
      seen[key] = version;
    }
    return { format: STATE_FORMAT, seen };
  }
}
