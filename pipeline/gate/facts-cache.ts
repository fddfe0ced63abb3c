/**
 * Entry facts cached by (path, format, SHA-256 of the bytes), and attachment
 * findings by (path, SHA-256), salted with a hash
 * of the analyser's own source and the locked dependency versions: a change to
 * the parser or the rules empties the cache by itself. It holds facts derived
 * from bytes, never decisions: every run judges them again against the current
 * configuration and assets (an attachment's findings are waived afresh each
run). An unchanged attachment is therefore never read again: reading a
document is what costs. Lives in .sealpress/ (not committed); `--no-cache`
 * bypasses it, and CI starts without one.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedEntry } from '../load/index.ts';
import { sha256Hex } from '../fs/index.ts';
import type { EntryFacts } from '../validate/index.ts';
import type { CheckFinding } from '../check/index.ts';

const PIPELINE = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Folders whose code decides what the facts are. */
const ANALYSER_DIRS = ['parse', 'validate', 'util', 'diagnostics', 'load', 'model', 'check', 'markup', 'read'];

let salt: string | undefined;
function analyserSalt(): string {
  if (salt) return salt;
  const parts: string[] = [];
  for (const dir of ANALYSER_DIRS) {
    for (const name of readdirSync(join(PIPELINE, dir)).filter((n) => /\.(ts|mjs|js)$/.test(n)).sort()) parts.push(name, readFileSync(join(PIPELINE, dir, name), 'utf8'));
  }
  try {
    parts.push(readFileSync(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8'));
  } catch {
    // An installed copy without a lock file: the package version still separates caches.
  }
  salt = sha256Hex(parts.join('\u0000')).slice(0, 16);
  return salt;
}

/**
 * An entry's facts as kept: the body, the file's text after its front matter,
 * is kept as where it starts in the file's bytes (`bodyAt`), not as text. It is
 * half of what the facts weigh, and the gate holds the bytes again on every run.
 */
type StoredFacts = Omit<EntryFacts, 'body'> & { body?: string; bodyAt?: number };

/** The layout of the file, in its name: a sealpress that keeps facts another way never reads it (an older one would take `bodyAt` for no body). */
const CACHE_FORMAT = 2;

interface Stored {
  entries: Record<string, StoredFacts>;
  attachments: Record<string, CheckFinding[]>;
}

/** The text of `bytes` from byte `at` (a BOM there is text: it is not the file's first character). */
const suffixDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function textFrom(bytes: Uint8Array, at: number): string | undefined {
  if (!Number.isSafeInteger(at) || at < 0 || at > bytes.length) return undefined;
  try {
    return suffixDecoder.decode(bytes.subarray(at));
  } catch {
    return undefined;
  }
}

/** The facts as kept: the body by its byte offset when the file's bytes give it back exactly, else as text. */
function toStored(bytes: Uint8Array | undefined, facts: EntryFacts): StoredFacts {
  if (facts.body === undefined || bytes === undefined) return facts;
  const { body, ...rest } = facts;
  const at = bytes.length - Buffer.byteLength(body);
  return textFrom(bytes, at) === body ? { ...rest, bodyAt: at } : facts;
}

export class FactsCache {
  private readonly seen = new Map<string, StoredFacts | undefined>();
  /** Whether this run found facts the file does not hold (set, setAttachment). */
  private changed = false;
  private readonly seenAttachments = new Map<string, CheckFinding[]>();
  private readonly stored: Map<string, StoredFacts>;
  private readonly storedAttachments: Map<string, CheckFinding[]>;
  hits = 0;
  /** Attachments whose findings came from the cache (not read again). */
  attachmentHits = 0;

  private constructor(
    private readonly file: string,
    stored: Partial<Stored>,
  ) {
    this.stored = new Map(Object.entries(stored.entries ?? {}));
    this.storedAttachments = new Map(Object.entries(stored.attachments ?? {}));
  }

  /** `configSalt`: a digest of any configuration the facts depend on (the checks'). */
  static open(workDir: string, configSalt = ''): FactsCache {
    const file = join(workDir, 'cache', `facts-${sha256Hex(`${analyserSalt()}${configSalt}\u0000${CACHE_FORMAT}`).slice(0, 16)}.json`);
    let stored: Partial<Stored> = {};
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Stored>;
    } catch {
      // No cache yet, or an unreadable one: start empty (it is only a cache).
    }
    return new FactsCache(file, stored);
  }

  private key(e: LoadedEntry): string | undefined {
    return e.digest === undefined ? undefined : `${e.path}\u0000${e.format}\u0000${e.digest}`;
  }

  get(e: LoadedEntry): EntryFacts | undefined {
    const key = this.key(e);
    const hit = key === undefined ? undefined : this.stored.get(key);
    if (!hit || hit.digest !== e.digest) return undefined;
    const { bodyAt, ...facts } = hit;
    if (bodyAt !== undefined) {
      // The key holds the bytes' digest, so these are the bytes the body was found in; anything doubtful is analysed again.
      const body = e.bytes ? textFrom(e.bytes, bodyAt) : undefined;
      if (body === undefined) return undefined;
      (facts as EntryFacts).body = body;
    }
    this.hits++;
    this.seen.set(key!, hit);
    return facts as EntryFacts;
  }

  set(e: LoadedEntry, facts: EntryFacts | undefined): void {
    const key = this.key(e);
    if (key === undefined) return;
    this.seen.set(key, facts && toStored(e.bytes, facts));
    this.changed = true;
  }

  /** The findings of an attachment with these bytes at this path, before waivers. */
  getAttachment(path: string, digest: string): CheckFinding[] | undefined {
    const key = `${path}\u0000${digest}`;
    const hit = this.storedAttachments.get(key);
    if (hit) {
      this.attachmentHits++;
      this.seenAttachments.set(key, hit);
    }
    return hit;
  }

  setAttachment(path: string, digest: string, findings: CheckFinding[]): void {
    this.seenAttachments.set(`${path}\u0000${digest}`, findings);
    this.changed = true;
  }

  /**
   * Write the facts of this run's entries (older ones are dropped), atomically.
   * A run that found every entry and attachment of the file, and nothing else,
   * leaves it as it is (at 10,000 entries it is 24 MB of JSON).
   */
  save(): void {
    if (!this.changed && this.seen.size === this.stored.size && this.seenAttachments.size === this.storedAttachments.size) return;
    mkdirSync(dirname(this.file), { recursive: true });
    for (const name of readdirSync(dirname(this.file))) {
      if (name.startsWith('facts-') && join(dirname(this.file), name) !== this.file) rmSync(join(dirname(this.file), name), { force: true });
    }
    const tmp = `${this.file}.tmp-${process.pid}`;
    const stored: Stored = { entries: Object.fromEntries([...this.seen].filter((e): e is [string, StoredFacts] => e[1] !== undefined)), attachments: Object.fromEntries(this.seenAttachments) };
    writeFileSync(tmp, JSON.stringify(stored));
    renameSync(tmp, this.file);
  }
}
