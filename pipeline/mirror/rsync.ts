/**
 * Deploys to an rsync destination (`rsync:host:/srv/www`, `rsync:/local/path`).
 *
 * Layout on the destination:
 *
 *     DEST/.sealpress/releases/<10-digit version>-<16 hex>/<code>/…   complete trees
 *     DEST/current -> .sealpress/releases/<…>                          what the web server serves
 *
 * The web server's root for a site is `DEST/current/<code>/`.
 *
 * What is atomic and what is not:
 * - The upload is NOT atomic and need not be: it goes into a new release folder
 *   that nothing serves yet. A failed or killed upload leaves a partial folder
 *   under .sealpress/releases/ that no link points to; the next deploy's
 *   pruning removes it.
 * - The switch is one rsync of a single symlink. The receiving rsync (3.1 or
 *   later) creates a replacement symlink under a temporary name and renames it
 *   over `current` (generator.c, atomic_create), so a reader sees the old link
 *   or the new one. That holds only if: `current` is already a symlink (the
 *   first deploy creates it; a folder in the way is refused), no --temp-dir or
 *   --backup options are added, and the receiver's rsync is ≥ 3.1. We cannot
 *   check the remote version from here: that is the operator's part.
 * - Nothing is fsynced on the destination by default: a power cut there right
 *   after the switch could leave `current` pointing at files not yet on disk.
 *   When both ends run rsync ≥ 3.2.4, pass `rsyncArgs: ['--fsync']`. Either way,
 *   verify the destination after a deploy.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRsync } from '../fs/index.ts';
import { MirrorError } from './errors.ts';
import { TREE_NAME, type ReleaseInput } from './folder.ts';
import { planTree } from './layout.ts';
import { writeTree } from './tree.ts';

export interface RsyncDeployOptions extends ReleaseInput {
  /** The rsync destination, as after `rsync:` (host:/path, user@host:path, /local/path, rsync://host/module/path). */
  dest: string;
  /** Release folders kept on the destination, the new one included; at least 2. */
  keep?: number;
  rsyncPath?: string;
  /** Extra rsync arguments placed before the paths, e.g. ['-e', 'ssh -i /ci/key']. Never --temp-dir or --backup (they make the switch non-atomic). */
  rsyncArgs?: readonly string[];
  /** Where the tree is built locally before upload (default: the system temp folder). */
  workDir?: string;
  timeoutMs?: number;
  concurrency?: number;
}

export interface RsyncDeployReport {
  dest: string;
  version: number;
  /** The release folder, relative to DEST. */
  release: string;
  /** The release `current` pointed to before, when it was one of ours. */
  previous: string | null;
  files: number;
  bytes: number;
  ms: number;
  removed: string[];
}

const RELEASES = '.sealpress/releases';
const FORBIDDEN = /^--(temp-dir|backup|backup-dir|suffix|delay-updates)\b|^-[a-zA-Z]*[Tb]/;

/** DEST joined with a relative path, keeping `host:` (the remote home) as it is. */
export function joinDest(dest: string, rel: string): string {
  if (rel === '') return dest.endsWith('/') || dest.endsWith(':') ? dest : `${dest}/`;
  return dest.endsWith('/') || dest.endsWith(':') ? dest + rel : `${dest}/${rel}`;
}

async function run(rsync: string, args: readonly string[], timeoutMs: number, dest: string): Promise<string> {
  const r = await runRsync(args, { program: rsync, timeoutMs });
  if (r.ok) return r.stdout;
  const why = r.reason === 'cannot-run' ? `${r.program} cannot be run (${r.detail}): install rsync, or deploy to a folder` : `${r.status}: ${r.detail || 'no message'}`;
  throw new MirrorError('RSYNC_FAILED', `rsync to ${dest} failed: ${why}`, { ...(r.reason === 'cannot-run' ? { cause: r.cause } : {}), file: dest });
}

/** Parses `rsync --list-only` lines: permissions, size, date, time, name (and `-> target` for links). */
export function parseListing(text: string): { name: string; type: string; link: string | null }[] {
  const out: { name: string; type: string; link: string | null }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S)\S{9}\s+[\d,.]+\s+\S+\s+\S+\s+(.+)$/.exec(line);
    if (m === null) continue;
    const type = m[1]!;
    const rest = m[2]!;
    if (type === 'l') {
      const at = rest.indexOf(' -> ');
      out.push({ name: at < 0 ? rest : rest.slice(0, at), type, link: at < 0 ? null : rest.slice(at + 4) });
    } else out.push({ name: rest, type, link: null });
  }
  return out;
}

export async function deployToRsync(options: RsyncDeployOptions): Promise<RsyncDeployReport> {
  const started = performance.now();
  const { dest } = options;
  if (dest === '' || dest.startsWith('-')) throw new MirrorError('TARGET_INVALID', `rsync destination ${JSON.stringify(dest)} is empty or starts with "-".`);
  const extra = options.rsyncArgs ?? [];
  const bad = extra.find((a) => FORBIDDEN.test(a));
  if (bad !== undefined) throw new MirrorError('TARGET_INVALID', `rsync option ${bad} would make the switch non-atomic; remove it.`);
  const layout = planTree(options.manifest, options.envelopeBytes, options.trustFiles);
  const rsync = options.rsyncPath ?? 'rsync';
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const name = `${String(options.manifest.version).padStart(10, '0')}-${randomBytes(8).toString('hex')}`;
  const work = await mkdtemp(join(options.workDir ?? tmpdir(), 'sealpress-rsync-'));
  try {
    // 1. The complete tree, built and hash-checked locally, uploaded where nothing serves it yet.
    const up = join(work, 'up');
    const tree = join(up, RELEASES, name);
    await mkdir(tree, { recursive: true });
    const written = await writeTree(tree, layout, options.objects, options.concurrency ?? 8);
    // -r -l -t: folders, links as links, times; --chmod: readable by the web server whatever the local umask.
    await run(rsync, [...extra, '-rlt', '--chmod=D755,F644', '--', `${up}/`, joinDest(dest, '')], timeoutMs, dest);

    // 2. What `current` points to now (to keep it for readers in flight); a folder there is not ours.
    const top = parseListing(await run(rsync, [...extra, '-l', '--list-only', '--', joinDest(dest, '')], timeoutMs, dest));
    const current = top.find((e) => e.name === 'current');
    if (current !== undefined && current.type !== 'l') {
      throw new MirrorError('TARGET_NOT_OURS', `${joinDest(dest, 'current')} exists and is not a symlink; sealpress will not replace it. Move it away (the new release is uploaded under ${RELEASES}/${name}).`, { file: dest });
    }
    const prevName = current?.link?.startsWith(`${RELEASES}/`) ? current.link.slice(RELEASES.length + 1) : null;
    const previous = prevName !== null && TREE_NAME.test(prevName) ? prevName : null;

    // 3. The switch: one symlink, sent from a folder that holds only it (so DEST/current is never treated as a folder to copy into).
    const linkDir = join(work, 'link');
    await mkdir(linkDir);
    await symlink(`${RELEASES}/${name}`, join(linkDir, 'current'));
    await run(rsync, [...extra, '-rl', '--', `${linkDir}/`, joinDest(dest, '')], timeoutMs, dest);

    // 4. Prune: keep the new release, the previous one and the newest others up to `keep`.
    const keep = Math.max(2, options.keep ?? 2);
    const listed = parseListing(await run(rsync, [...extra, '--list-only', '--', joinDest(dest, `${RELEASES}/`)], timeoutMs, dest));
    const others = listed.filter((e) => e.type === 'd' && TREE_NAME.test(e.name) && e.name !== name && e.name !== previous).map((e) => e.name).sort().reverse();
    const doomed = others.slice(Math.max(0, keep - (previous === null ? 1 : 2)));
    if (doomed.length > 0) {
      // --delete from an empty folder, limited by filters to exactly the doomed folders: everything else is excluded, hence protected.
      const empty = join(work, 'empty');
      await mkdir(empty);
      await run(rsync, [...extra, '-r', '--delete', ...doomed.map((n) => `--include=/${n}/***`), '--exclude=*', '--', `${empty}/`, joinDest(dest, `${RELEASES}/`)], timeoutMs, dest);
    }
    return { dest, version: options.manifest.version, release: `${RELEASES}/${name}`, previous: previous === null ? null : `${RELEASES}/${previous}`, files: written.files, bytes: written.bytes, ms: Math.round(performance.now() - started), removed: doomed };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
