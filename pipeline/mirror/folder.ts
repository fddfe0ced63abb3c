/**
 * Atomic deploys to a folder mirror.
 *
 * The target path (/srv/mirror-a) is a symlink into a store beside it:
 *
 *     /srv/mirror-a -> .mirror-a.sealpress/0000000002-<16 hex>
 *     /srv/.mirror-a.sealpress/
 *         0000000001-…/   previous tree (kept for readers in flight)
 *         0000000002-…/   current tree
 *         .staging-…/     a tree being built (or left by a killed run)
 *         .link-…         a symlink about to be renamed over the target
 *         lock            pid and host of the deploy in progress (pipeline/fs/lock)
 *
 * A deploy builds the whole new tree in a staging folder, fsyncs it, renames it
 * to its final name, then replaces the target symlink with rename(2), which is
 * atomic: a reader resolving the target gets the old tree or the new one, never
 * a mix, whenever the process dies. Leftovers of a killed run are removed by the
 * next deploy. nginx serves `<target>/<code>/` and follows the symlink per request.
 *
 * The staging tree takes the files that did not change from the tree the
 * target points to (reflink, else hard link, each checked against the
 * manifest first), and copies only the others from the archive: see tree.ts
 * for how, and for what sharing an inode with the previous tree means.
 * Pruning removes names only, so a file still linked from a kept tree stays.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, readdirSync, renameSync, rmdirSync, unlinkSync, type Dirent } from 'node:fs';
import { lstat, mkdir, readdir, readlink, rename, rmdir, symlink, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { acquireLock, readCappedSync, syncDir, type HeldLock } from '../fs/index.ts';
import { MANIFEST_FILE, MIRROR_META_DIR, RELEASE_PAYLOAD_TYPE, SITE_MANIFEST_FILE, type ReleaseManifest } from '../release/manifest.ts';
import { MAX_SITE_MANIFEST_BYTES } from '../release/sites.ts';
import { MAX_RELEASE_ENVELOPE_BYTES } from '../release/verify.ts';
import { MirrorError } from './errors.ts';
import { planTree, type TreeLayout } from './layout.ts';
import { DIR_MODE, holdsExactly, LINK_METHODS, writeTree, type LinkMethod, type ObjectSource, type PreviousTree, type TransferCounts, type DeployReportBase } from './tree.ts';

export interface ReleaseInput {
  /** A manifest whose signature the caller has verified. */
  manifest: ReleaseManifest;
  /** The signed envelope of that manifest, as stored (written into every site). */
  envelopeBytes: Uint8Array;
  /** Trust documents by file name (ca.pem, root.dsse.json, …); each must match the manifest's digest. */
  trustFiles: Readonly<Record<string, Uint8Array>>;
  objects: ObjectSource;
}

export interface FolderDeployOptions extends ReleaseInput {
  target: string;
  /** Trees kept in the store, the new one included; at least 2 (the new and the previous). */
  keep?: number;
  /** Files copied at once. */
  concurrency?: number;
  /**
   * How files unchanged since the tree the target points to are taken from
   * it, in the order tried, before a copy from the archive (tree.ts): default
   * reflink then hard link; [] copies every file.
   */
  link?: readonly LinkMethod[];
}

export interface FolderDeployReport extends DeployReportBase {
  target: string;
  /** Absolute path of the tree the target now points to. */
  tree: string;
  /** Of `ms`, removing the trees `keep` no longer keeps (after the switch). */
  pruneMs: number;
}

export interface StorePaths {
  target: string;
  parent: string;
  store: string;
}

/** Names of complete trees: the zero-padded version sorts like the number. */
export const TREE_NAME = /^(\d{10})-[0-9a-f]{16}$/;
const STAGING_PREFIX = '.staging-';
const LINK_PREFIX = '.link-';
const LOCK = 'lock';

export function storePaths(target: string): StorePaths {
  const abs = resolve(target);
  const parent = dirname(abs);
  return { target: abs, parent, store: join(parent, `.${basename(abs)}.sealpress`) };
}

export type TargetState =
  | { kind: 'absent' }
  | { kind: 'ours'; tree: string }
  | { kind: 'empty-dir' }
  | { kind: 'plain-dir' }
  | { kind: 'foreign-link'; dest: string }
  | { kind: 'other' };

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export async function readTargetState(paths: StorePaths): Promise<TargetState> {
  let st;
  try {
    st = await lstat(paths.target);
  } catch (error) {
    if (errno(error) === 'ENOENT') return { kind: 'absent' };
    throw new MirrorError('MIRROR_IO', { zh: `无法检查 ${paths.target}：${(error as Error).message}`, en: `${paths.target} cannot be examined: ${(error as Error).message}` }, { cause: error, file: paths.target });
  }
  if (st.isSymbolicLink()) {
    const dest = await readlink(paths.target);
    const resolved = resolve(paths.parent, dest);
    if (dirname(resolved) === paths.store && TREE_NAME.test(basename(resolved))) return { kind: 'ours', tree: basename(resolved) };
    return { kind: 'foreign-link', dest };
  }
  if (st.isDirectory()) return (await readdir(paths.target)).length === 0 ? { kind: 'empty-dir' } : { kind: 'plain-dir' };
  return { kind: 'other' };
}

export async function storeExists(paths: StorePaths): Promise<boolean> {
  try {
    return (await lstat(paths.store)).isDirectory();
  } catch {
    return false;
  }
}

function notOurs(paths: StorePaths, state: TargetState, hasStore: boolean): MirrorError {
  const what = state.kind === 'plain-dir' ? 'a folder with files in it' : state.kind === 'foreign-link' ? 'a symlink to somewhere sealpress did not write' : 'not a folder';
  const whatZh = state.kind === 'plain-dir' ? '一个含有文件的文件夹' : state.kind === 'foreign-link' ? '一个指向非 sealpress 写入位置的符号链接' : '不是文件夹';
  const fix = hasStore
    ? 'It was a sealpress mirror (its store is beside it) and someone replaced it: run verify with --restore, which keeps the current content aside as evidence.'
    : 'sealpress never deletes files it did not write: give an empty or new folder, or move this one away first.';
  const fixZh = hasStore
    ? '这原是 sealpress 镜像（其存储在旁边），但已被人替换：请用 --restore 运行 verify，它会将当前内容另行保存作为证据。'
    : 'sealpress 从不删除不是它写入的文件：请指定空的或新的文件夹，或先将此文件夹移走。';
  return new MirrorError('TARGET_NOT_OURS', { zh: `${paths.target} 是${whatZh}，不是 sealpress 部署的镜像。${fixZh}`, en: `${paths.target} is ${what}, not a mirror sealpress deployed. ${fix}` }, { file: paths.target });
}

/**
 * One deploy at a time per target: a second one would remove the first one's
 * staging folder as a leftover. The lock of a deploy whose process is gone
 * (killed) is taken over, by pipeline/fs/lock's one rule. A deploy does not
 * wait for a live one: it takes minutes, and the caller is told at once.
 */
async function lockStore(store: string): Promise<HeldLock> {
  const got = await acquireLock(join(store, LOCK), { timeoutMs: 0 });
  if (got.ok) return got.lock;
  if (got.reason === 'io') throw new MirrorError('MIRROR_IO', { zh: `无法创建锁文件 ${got.file}：${(got.cause as Error).message}`, en: `cannot create the lock ${got.file}: ${(got.cause as Error).message}` }, { cause: got.cause, file: got.file });
  if (got.reason === 'breaking') throw new MirrorError('TARGET_BUSY', { zh: `锁文件 ${got.lock} 已失效（持有者 ${got.lockHolder}），但 ${got.file} 表明另一个部署正在解除它：${got.holder}。如果没有部署在运行，请删除 ${got.file}。`, en: `the lock ${got.lock} is stale (held by ${got.lockHolder}), but ${got.file} says another deploy is breaking it: ${got.holder}. If no deploy is running, delete ${got.file}.` }, { file: got.file });
  throw new MirrorError('TARGET_BUSY', { zh: `另一个部署（${got.holder}）持有 ${got.file}。请等待其完成；如该进程已不存在，请删除锁文件。`, en: `another deploy (${got.holder}) holds ${got.file}. Wait for it to finish; if that process is gone, delete the lock file.` }, { file: got.file });
}

/** Removes staging folders, temporary links and half-removed trees that a killed deploy left. */
async function removeLeftovers(store: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(store)) {
    if (name.startsWith(STAGING_PREFIX) || name.startsWith(LINK_PREFIX) || name.startsWith(REMOVING_PREFIX)) {
      await removeTree(join(store, name), store);
      removed.push(name);
    }
  }
  return removed;
}

const REMOVING_PREFIX = '.removing-';

/** A fresh name in `scratch` for something being removed: a leftover of a killed run that the next deploy removes. */
function removingName(scratch: string): string {
  return join(scratch, `${REMOVING_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * Remove a tree that a defacer may have shaped: folders nested past PATH_MAX
 * defeat a recursive rm (ENAMETOOLONG), and a tree that cannot be removed
 * would fail every later deploy. A sub-folder whose path grows long is first
 * moved up into `scratch` (a short path on the same file system), so no path
 * used here is ever longer than SHORT_PATH plus two names. Links are removed,
 * never followed.
 *
 * The calls are synchronous: an old tree is tens of thousands of unlinks, and
 * each trip through the thread pool costs more CPU than the call itself (a
 * mirror tree of the 10,000-entry bench, 11,252 folders and 29,474 files:
 * 4.4 to 4.9 s of CPU through the pool with a rename per folder, 1.0 to 1.3 s
 * synchronous; on a loaded machine the wall time is the file system's, 12 to 26 s
 * either way).
 */
export async function removeTree(root: string, scratch: string): Promise<void> {
  removeTreeSync(root, scratch);
}

/** Folder paths up to this many bytes are used as they are; a longer one is first moved to the scratch folder. */
const SHORT_PATH = 2048;

function removeTreeSync(root: string | Buffer, scratch: string): void {
  // The root itself may be a link (a temporary link of a killed deploy): remove the link, never what it points to.
  let top;
  try {
    top = lstatSync(root);
  } catch (error) {
    if (errno(error) === 'ENOENT') return;
    throw error;
  }
  if (!top.isDirectory()) {
    unlinkSync(root);
    return;
  }
  // Depth first, each folder removed as soon as it is empty (an explicit stack: nesting may be deeper than the call stack).
  // Names as bytes: a name that is not UTF-8 (a defacer's) would otherwise be read as another name, and never removed.
  const stack: { dir: Buffer; entries: Dirent<Buffer>[] | undefined; next: number }[] = [{ dir: Buffer.from(root), entries: undefined, next: 0 }];
  while (stack.length > 0) {
    const at = stack[stack.length - 1]!;
    if (at.entries === undefined) {
      try {
        at.entries = readdirSync(at.dir, { withFileTypes: true, encoding: 'buffer' });
      } catch (error) {
        stack.pop();
        if (errno(error) === 'ENOENT') continue;
        if (errno(error) === 'ENOTDIR') {
          unlinkSync(at.dir);
          continue;
        }
        throw error;
      }
    }
    const entry = at.entries[at.next++];
    if (entry === undefined) {
      stack.pop();
      try {
        rmdirSync(at.dir);
      } catch (error) {
        if (errno(error) !== 'ENOENT') throw error;
      }
      continue;
    }
    const path = Buffer.concat([at.dir, SLASH, entry.name as unknown as Buffer]);
    if (!entry.isDirectory()) unlinkSync(path);
    else if (path.length <= SHORT_PATH) stack.push({ dir: path, entries: undefined, next: 0 });
    else {
      const moved = Buffer.from(removingName(scratch));
      renameSync(path, moved);
      stack.push({ dir: moved, entries: undefined, next: 0 });
    }
  }
}

const SLASH = Buffer.from('/');

/**
 * The tree a deploy may start from instead of an empty folder: the newest of
 * those it would prune after the switch (never the tree served now, which
 * stays as the previous one). Undefined when it would prune none.
 */
function recyclableTree(store: string, current: string, keep: number): string | undefined {
  const others = readdirSync(store).filter((n) => TREE_NAME.test(n) && n !== current).sort().reverse();
  return others[Math.max(0, keep - 2)];
}

/**
 * Recycling. Writing a tree of tens of thousands of files and folders, and
 * removing the oldest after the switch, costs more than the files that
 * changed: at 10,000 entries, 11,000 folders made and removed again, 29,000
 * links made and removed, for a release that changed one page. So the tree
 * the switch would prune is renamed to be the staging folder, and swept: a
 * file of the new layout that the tree holds with exactly the manifest's size
 * and SHA-256 (a regular file, ours, with a plain mode, read through its name
 * as a linked file is) stays; anything else (a changed, extra or tampered
 * file, a link, a special file, a folder the layout does not have) is
 * removed. writeTree then writes only what is missing.
 *
 * What stays is what the previous tree shares anyway: an unchanged page's
 * inode, already linked into the tree served now. That tree is never
 * touched, and a reader never sees the recycled one (only complete trees are
 * switched to). A kill leaves the staging folder, which the next deploy
 * removes. When the sweep fails (a name it cannot handle), the staging folder
 * is left for the next deploy to remove and the new tree starts empty:
 * returns undefined.
 */
async function recycleTree(old: string, staging: string, layout: TreeLayout, store: string): Promise<Set<string> | undefined> {
  try {
    await rename(old, staging);
  } catch {
    return undefined;
  }
  try {
    return sweepRecycled(staging, layout, store);
  } catch {
    await rename(staging, removingName(store)).catch(() => undefined);
    return undefined;
  }
}

function sweepRecycled(root: string, layout: TreeLayout, scratch: string): Set<string> {
  const dirs = new Set(layout.dirs);
  const files = new Map(layout.files.map((f) => [f.path, f]));
  const kept = new Set<string>();
  const buffer = Buffer.allocUnsafe(1 << 20);
  const uid = process.getuid?.();
  /** A folder kept must be ours, with the mode a new one gets (a defacer may have opened it to others). */
  const ownFolder = (path: string | Buffer): boolean => {
    const st = lstatSync(path);
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) return false;
    if ((st.mode & 0o7777) !== DIR_MODE) chmodSync(path, DIR_MODE);
    return true;
  };
  if (!ownFolder(root)) throw new Error(`${root} is not a folder of ours`);
  // Only folders of the layout are entered: their paths are the manifest's, checked and bounded.
  const stack = [''];
  for (let rel = stack.pop(); rel !== undefined; rel = stack.pop()) {
    const dir = rel === '' ? root : join(root, rel);
    for (const entry of readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })) {
      const raw = entry.name as unknown as Buffer;
      const name = raw.toString('utf8');
      const abs = Buffer.concat([Buffer.from(`${dir}/`), raw]);
      // A name that is not UTF-8 is in no layout; it is removed by its bytes.
      const path = Buffer.from(name).equals(raw) ? (rel === '' ? name : `${rel}/${name}`) : undefined;
      if (path !== undefined && entry.isDirectory() && dirs.has(path) && ownFolder(abs)) {
        stack.push(path);
        continue;
      }
      const file = path !== undefined && entry.isFile() ? files.get(path) : undefined;
      if (file !== undefined && holdsExactly(abs.toString('utf8'), file, buffer, uid)) {
        kept.add(file.path);
        continue;
      }
      // A folder's contents may nest past PATH_MAX: removeTreeSync moves what grows long to the scratch folder.
      if (entry.isDirectory()) removeTreeSync(abs, scratch);
      else unlinkSync(abs);
    }
  }
  return kept;
}

/** Keeps the new tree, the one it replaced and the newest others up to `keep`; removes the rest. */
async function pruneTrees(store: string, current: string, previous: string | null, keep: number): Promise<string[]> {
  const others = (await readdir(store)).filter((n) => TREE_NAME.test(n) && n !== current && n !== previous).sort().reverse();
  const spare = Math.max(0, keep - (previous === null ? 1 : 2));
  const removed: string[] = [];
  for (const name of others.slice(spare)) {
    await removeTree(join(store, name), store);
    removed.push(name);
  }
  return removed;
}

/** Path → SHA-256 of the files a manifest lists, or undefined when it does not parse. */
function listedFiles(files: unknown): Map<string, string> | undefined {
  if (!Array.isArray(files)) return undefined;
  const out = new Map<string, string>();
  for (const f of files as { path?: unknown; sha256?: unknown }[]) {
    if (typeof f?.path !== 'string' || typeof f.sha256 !== 'string') return undefined;
    out.set(f.path, f.sha256);
  }
  return out;
}

/** The `files` of one site's metadata: its site manifest (format 2), else the files of every site that the release envelope lists (format 1: `whole`). */
function siteListing(meta: string): { files: unknown; whole: boolean } | undefined {
  try {
    return { files: (JSON.parse(readCappedSync(join(meta, SITE_MANIFEST_FILE), MAX_SITE_MANIFEST_BYTES).toString('utf8')) as { files?: unknown } | null)?.files, whole: false };
  } catch {
    // no site manifest: a format-1 tree
  }
  try {
    const envelope = JSON.parse(readCappedSync(join(meta, MANIFEST_FILE), MAX_RELEASE_ENVELOPE_BYTES).toString('utf8')) as { payloadType?: unknown; payload?: unknown } | null;
    if (envelope?.payloadType !== RELEASE_PAYLOAD_TYPE || typeof envelope.payload !== 'string') return undefined;
    return { files: (JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { files?: unknown } | null)?.files, whole: true };
  } catch {
    return undefined;
  }
}

/**
 * The tree the target served, with the files its metadata lists: each site's
 * site manifest, or in a format-1 tree the release envelope of the first site
 * whose envelope parses. Neither signature nor schema is checked: the listing
 * only picks which files are worth trying, and tree.ts checks each one against
 * the new manifest. A site whose listing cannot be read has its files copied.
 */
function previousTree(dir: string): PreviousTree {
  let codes: string[];
  try {
    codes = readdirSync(dir).sort();
  } catch {
    return { dir };
  }
  const files = new Map<string, string>();
  let listed = false;
  for (const code of codes) {
    const found = siteListing(join(dir, code, ...MIRROR_META_DIR.split('/')));
    const listing = listedFiles(found?.files);
    if (listing === undefined) continue;
    listed = true;
    for (const [path, sha256] of listing) files.set(path, sha256);
    if (found?.whole) break;
  }
  return listed ? { dir, files } : { dir };
}

export interface InstallOptions {
  keep: number;
  concurrency: number;
  /** Which target states this operation may replace; anything else is refused. */
  replaceable: ReadonlySet<TargetState['kind']>;
  /** Where to move a plain folder that is replaced (restore keeps it as evidence). */
  evidence?: string;
  /** Link methods for files unchanged since the tree being replaced; [] copies every file (restore). */
  link: readonly LinkMethod[];
}

export interface Installed {
  tree: string;
  previous: string | null;
  replaced: TargetState;
  files: number;
  bytes: number;
  transfer: TransferCounts;
  removed: string[];
  pruneMs: number;
}

/** The deploy machinery shared by deploy and restore: stage, fsync, switch, prune. */
export async function installRelease(paths: StorePaths, layout: TreeLayout, input: ReleaseInput, options: InstallOptions): Promise<Installed> {
  const refuseUnlessReplaceable = async (state: TargetState): Promise<void> => {
    if (!options.replaceable.has(state.kind)) throw notOurs(paths, state, await storeExists(paths));
  };
  await refuseUnlessReplaceable(await readTargetState(paths));

  await mkdir(paths.store, { recursive: true, mode: 0o755 });
  // A symlink planted as the store would send every write elsewhere.
  if (!(await lstat(paths.store)).isDirectory()) throw new MirrorError('TARGET_NOT_OURS', { zh: `${paths.store} 不是文件夹；sealpress 在那里保存其文件树。请将其移走。`, en: `${paths.store} is not a folder; sealpress keeps its trees there. Move it away.` }, { file: paths.store });
  const lock = await lockStore(paths.store);
  try {
    // Read again under the lock: the first look was only to refuse early, before creating anything.
    const state = await readTargetState(paths);
    await refuseUnlessReplaceable(state);
    const removed = await removeLeftovers(paths.store);

    const name = `${String(input.manifest.version).padStart(10, '0')}-${randomBytes(8).toString('hex')}`;
    const staging = join(paths.store, STAGING_PREFIX + name);
    const tree = join(paths.store, name);
    // A tree this deploy would prune after the switch is taken as the new tree's start, when files may be shared at all.
    const recycle = state.kind === 'ours' && options.link.includes('hardlink') ? recyclableTree(paths.store, state.tree, options.keep) : undefined;
    const kept = recycle === undefined ? undefined : await recycleTree(join(paths.store, recycle), staging, layout, paths.store);
    if (kept === undefined) await mkdir(staging, { mode: 0o755 });
    else removed.push(recycle!);
    let written;
    try {
      // The tree being replaced, when it is ours, lends its unchanged files (each checked before it is kept).
      const previous = state.kind === 'ours' && options.link.length > 0 ? previousTree(join(paths.store, state.tree)) : null;
      written = await writeTree(staging, layout, input.objects, { concurrency: options.concurrency, previous, link: options.link, ...(kept ? { kept } : {}) });
    } catch (error) {
      await removeTree(staging, paths.store).catch(() => undefined);
      throw error;
    }
    await rename(staging, tree);
    await syncDir(paths.store);

    // The link's text is relative to the target's folder, so the pair can be moved or mounted elsewhere together.
    const link = join(paths.store, LINK_PREFIX + randomBytes(8).toString('hex'));
    await symlink(join(basename(paths.store), name), link);
    if (state.kind === 'empty-dir') await rmdir(paths.target);
    else if (state.kind === 'plain-dir' || state.kind === 'other') {
      if (options.evidence === undefined) throw notOurs(paths, state, true);
      await rename(paths.target, options.evidence);
    }
    await rename(link, paths.target);
    await syncDir(paths.parent);

    const previous = state.kind === 'ours' ? state.tree : null;
    const pruneStarted = performance.now();
    removed.push(...(await pruneTrees(paths.store, name, previous, options.keep)));
    const pruneMs = Math.round(performance.now() - pruneStarted);
    return { tree, previous: previous === null ? null : join(paths.store, previous), replaced: state, ...written, removed, pruneMs };
  } finally {
    lock.release();
  }
}

const DEPLOYABLE = new Set<TargetState['kind']>(['absent', 'ours', 'empty-dir']);

/**
 * Deploys a verified release to a folder mirror atomically. The target may be
 * absent, an empty folder, or a mirror sealpress deployed; anything else is
 * refused untouched (TARGET_NOT_OURS).
 */
export async function deployToFolder(options: FolderDeployOptions): Promise<FolderDeployReport> {
  const started = performance.now();
  const layout = planTree(options.manifest, options.envelopeBytes, options.trustFiles);
  const paths = storePaths(options.target);
  await mkdir(paths.parent, { recursive: true });
  const done = await installRelease(paths, layout, options, {
    keep: Math.max(2, options.keep ?? 2),
    concurrency: options.concurrency ?? 8,
    replaceable: DEPLOYABLE,
    link: options.link ?? LINK_METHODS,
  });
  return {
    target: paths.target,
    version: options.manifest.version,
    tree: done.tree,
    previous: done.previous,
    files: done.files,
    bytes: done.bytes,
    transfer: done.transfer,
    ms: Math.round(performance.now() - started),
    removed: done.removed,
    pruneMs: done.pruneMs,
  };
}
