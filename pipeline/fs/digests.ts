/**
 * SHA-256 of the build's own files (dist/, the stages), remembered by inode
 * between uses and between runs, so a file that did not change is not read
 * again: a one-entry publish at 10,000 entries hashes the same 29,000 files
 * of dist/ three times (the judge of reused sites, the main site's tree, the
 * release listing), at about 0.6 s each.
 *
 * A digest is reused when the path's inode (device and number) has the size
 * and modification time, to the nanosecond, that it had when it was hashed. The inode, not
 * the path, so the hard links the build makes (the main site's tree taken
 * again with a new group search) are not read again. The change time is
 * left out for the same reason: making a link changes it.
 *
 * What this trusts: a file written by hand keeps its inode but gets a new
 * modification time, so it is read again; one whose time was set back on
 * purpose (`touch -r`) is not. No published byte depends on it: the archive
 * stores each object only after hashing the bytes it copies, and a mirror
 * receives the archive's objects, never dist/'s files. Digests of mirror
 * files (verify, deploy) never come from here.
 *
 * A file modified in the last seconds before it is hashed is not remembered:
 * written again within the clock's tick, it would keep its time (git's
 * "racily clean" case). Kept in `.sealpress/cache/digests.json`, with only the
 * entries the last run used.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hashFileSync } from './hash.ts';
import { writeFileAtomicSync } from './durable.ts';

interface Remembered {
  size: bigint;
  mtimeNs: bigint;
  sha256: string;
}

/** Bumped when the file's meaning changes: an older file is ignored. */
const FORMAT = 1;
/** Files modified this recently when the cache is written are not kept in it. */
const RACY_NS = 2_000_000_000n;

export class FileDigests {
  #known = new Map<string, Remembered>();
  #used = new Set<string>();
  /** Whether a digest was remembered since the last load or save (what a save would write differs from the file). */
  #changed = false;

  /**
   * SHA-256 and size of a regular file; a link or special file is refused as
   * by hashFileSync (the errors are its own).
   */
  hash(path: string, buffer?: Buffer): { sha256: string; size: number } {
    const st = lstatSync(path, { bigint: true, throwIfNoEntry: false });
    if (!st?.isFile()) return hashFileSync(path, buffer);
    const key = `${st.dev}:${st.ino}`;
    const known = this.#known.get(key);
    if (known && known.size === st.size && known.mtimeNs === st.mtimeNs) {
      this.#used.add(key);
      return { sha256: known.sha256, size: Number(known.size) };
    }
    // Stat before reading: a file changed while it is read gets a new time, so it is read again next time.
    const digest = hashFileSync(path, buffer);
    // A file modified within the last seconds may be written again within the clock's tick, keeping its time: not remembered.
    if (BigInt(digest.size) === st.size && st.mtimeNs <= BigInt(Date.now()) * 1_000_000n - RACY_NS) {
      this.#known.set(key, { size: st.size, mtimeNs: st.mtimeNs, sha256: digest.sha256 });
      this.#used.add(key);
      this.#changed = true;
    }
    return digest;
  }

  /** Adds what `file` remembers; a missing, damaged or older file adds nothing. */
  load(file: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return;
    }
    const { format, files } = (parsed ?? {}) as { format?: unknown; files?: unknown };
    if (format !== FORMAT || !Array.isArray(files)) return;
    for (const row of files as unknown[]) {
      if (!Array.isArray(row) || row.length !== 4) continue;
      const [key, size, mtimeNs, sha256] = row as unknown[];
      if (typeof key !== 'string' || typeof size !== 'string' || typeof mtimeNs !== 'string' || typeof sha256 !== 'string') continue;
      if (!/^\d+:\d+$/.test(key) || !/^\d+$/.test(size) || !/^\d+$/.test(mtimeNs) || !/^[0-9a-f]{64}$/.test(sha256)) continue;
      if (!this.#known.has(key)) this.#known.set(key, { size: BigInt(size), mtimeNs: BigInt(mtimeNs), sha256 });
    }
  }

  /**
   * Writes the digests used since the last save and forgets the others (a
   * long-lived process, the live preview, keeps only what its last build
   * used). A run that used every digest it knew and learnt none leaves the
   * file as it is.
   */
  save(file: string): void {
    const unchanged = !this.#changed && this.#used.size === this.#known.size && existsSync(file);
    const kept = new Map<string, Remembered>();
    for (const key of this.#used) kept.set(key, this.#known.get(key)!);
    this.#known = kept;
    this.#used = new Set();
    this.#changed = false;
    if (unchanged) return;
    const rows = [...kept].map(([key, known]) => [key, String(known.size), String(known.mtimeNs), known.sha256]);
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomicSync(file, Buffer.from(`${JSON.stringify({ format: FORMAT, files: rows })}\n`));
  }

}

/** The process's digests of the build's files: buildSites loads and saves them, the release listing reads them. */
export const builtFileDigests = new FileDigests();
