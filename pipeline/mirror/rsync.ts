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
 * - The upload sends only what changed: `--link-dest` points the receiver at
 *   the release `current` served until now, and `--checksum` makes it hard-link
 *   a file from there only when its size and full checksum match the file
 *   being sent (so a page altered in place there is sent again, not carried
 *   forward). Times are not preserved (-t would refuse every link: the local
 *   tree is new); permissions are (-p with --chmod), so a file whose mode was
 *   changed there is copied, not linked. The receiver's checksum (MD5 or
 *   xxh128, as the two ends agree) is not a signature: a file crafted to
 *   collide in the old tree would come forward, which needs write access to
 *   that tree, where it could as well be altered in place; verify the
 *   destination either way. Linked files share the inode with the previous
 *   release folder (the trade-off is described in tree.ts).
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
import { writeTree, type DeployReportBase, type TransferCounts } from './tree.ts';

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

export interface RsyncDeployReport extends DeployReportBase {
  dest: string;
  /** The release folder, relative to DEST. */
  release: string;
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
    // 1. The complete tree, built and hash-checked locally (not fsynced: it is only the upload's source).
    const tree = join(work, 'tree');
    await mkdir(tree);
    const written = await writeTree(tree, layout, options.objects, { concurrency: options.concurrency ?? 8, durable: false });

    // 2. The releases folder exists (DEST too), then: what `current` points to now (to link from it, and to keep it
    //    for readers in flight); a folder there is not ours, and is refused before anything is uploaded.
    const skeleton = join(work, 'skeleton');
    await mkdir(join(skeleton, RELEASES), { recursive: true });
    await run(rsync, [...extra, '-r', '--chmod=D755', '--', `${skeleton}/`, joinDest(dest, '')], timeoutMs, dest);
    const top = parseListing(await run(rsync, [...extra, '-l', '--list-only', '--', joinDest(dest, '')], timeoutMs, dest));
    const current = top.find((e) => e.name === 'current');
    if (current !== undefined && current.type !== 'l') {
      throw new MirrorError('TARGET_NOT_OURS', `${joinDest(dest, 'current')} exists and is not a symlink; sealpress will not replace it. Move it away (nothing of the new release was uploaded).`, { file: dest });
    }
    const prevName = current?.link?.startsWith(`${RELEASES}/`) ? current.link.slice(RELEASES.length + 1) : null;
    const previous = prevName !== null && TREE_NAME.test(prevName) ? prevName : null;

    // 3. The upload, where nothing serves it yet; files unchanged since `previous` are hard-linked there, not sent.
    //    -r -l -p: folders, links as links, modes (--chmod: readable by the web server whatever the local umask);
    //    one itemize line per file sent or copied (`%i` alone: no file name to parse).
    const uploaded = await run(
      rsync,
      [...extra, '-rlp', '--checksum', '--chmod=D755,F644', '--out-format=%i', ...(previous === null ? [] : [`--link-dest=../${previous}`]), '--', `${tree}/`, joinDest(dest, `${RELEASES}/${name}/`)],
      timeoutMs,
      dest,
    );
    const copied = uploaded.split('\n').filter((l) => /^[>c]f/.test(l)).length;
    const transfer: TransferCounts = { copied, reflinked: 0, hardlinked: written.files - copied };

    // 4. The switch: one symlink, sent from a folder that holds only it (so DEST/current is never treated as a folder to copy into).
    const linkDir = join(work, 'link');
    await mkdir(linkDir);
    await symlink(`${RELEASES}/${name}`, join(linkDir, 'current'));
    await run(rsync, [...extra, '-rl', '--', `${linkDir}/`, joinDest(dest, '')], timeoutMs, dest);

    // 5. Prune: keep the new release, the previous one and the newest others up to `keep`.
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
    return { dest, version: options.manifest.version, release: `${RELEASES}/${name}`, previous: previous === null ? null : `${RELEASES}/${previous}`, files: written.files, bytes: written.bytes, transfer, ms: Math.round(performance.now() - started), removed: doomed };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
