/**
 * Collecting the files of a built release tree (`<treeDir>/<site code>/…`), the
 * I/O edge of manifest creation. Every regular file is hashed (SHA-256,
 * streamed, a bounded number at a time); anything else is refused, never
 * skipped (fail closed): a symlink could publish a file from outside the tree,
 * a device or FIFO could hang the build, and a name that is not a safe path
 * segment could mean another path on a mirror.
 */
import { promises as fs, readdirSync } from 'node:fs';
import { builtFileDigests, fsErrorCode } from '../fs/index.ts';
import { join } from 'node:path';
import { SITE_CODE } from '../trust/schema.ts';
import { ReleaseError } from './errors.ts';
import { MIRROR_META_DIR, type ManifestFile } from './manifest.ts';
import { isUnderMetaDir, segmentProblem } from './paths.ts';

/** Files hashed at once: enough to keep the disk busy, few enough not to run out of descriptors. */
export const HASH_CONCURRENCY = 8;
const CHUNK = 1 << 20;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** SHA-256 and size of a file of the built tree; a link or a special file is refused with the fix. */
function hashTreeFile(path: string, buffer: Buffer): { sha256: string; size: number } {
  try {
    return builtFileDigests.hash(path, buffer);
  } catch (e) {
    const code = fsErrorCode(e);
    if (code === 'ELOOP') throw new ReleaseError('RELEASE_FILE_TYPE', { zh: `${path} 是符号链接：发布版本只收录普通文件；请用其指向的文件替换该链接`, en: `${path} is a symbolic link: a release lists regular files only; replace the link by the file it points to` }, { cause: e, path });
    if (code === 'EFTYPE') throw new ReleaseError('RELEASE_FILE_TYPE', { zh: `${path} 不是普通文件（设备、套接字或 FIFO）：请从构建结果中删除`, en: `${path} is not a regular file (a device, socket or FIFO): remove it from the built tree` }, { path });
    throw new ReleaseError('RELEASE_IO', { zh: `无法读取 ${path}（${code ?? (e as Error).message}）`, en: `${path} cannot be read (${code ?? (e as Error).message})` }, { cause: e, path });
  }
}

/** Run `work` over `items`, at most `limit` at a time; the first failure rejects (the rest finish first). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        out[i] = await work(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw failure.error;
  return out;
}

/**
 * Every regular file under `<treeDir>/<code>/` for each site code, as manifest
 * entries sorted by path, except the site's metadata folder (MIRROR_META_DIR),
 * which holds the manifest itself. Throws RELEASE_PATH_UNSAFE, RELEASE_FILE_TYPE
 * or RELEASE_IO naming the path.
 */
export async function collectReleaseFiles(treeDir: string, sites: string[]): Promise<ManifestFile[]> {
  const codes = new Set<string>();
  for (const code of sites) {
    if (!SITE_CODE.test(code)) throw new ReleaseError('RELEASE_INVALID_ARGUMENT', { zh: `${JSON.stringify(code)} 不是 11 位站点代码`, en: `${JSON.stringify(code)} is not an 11-digit site code` });
    if (codes.has(code)) throw new ReleaseError('RELEASE_INVALID_ARGUMENT', { zh: `站点 ${code} 重复给出`, en: `the site ${code} is given twice` });
    codes.add(code);
  }
  const files: ManifestFile[] = [];
  for (const code of codes) {
    const siteDir = join(treeDir, code);
    let stat;
    try {
      stat = await fs.lstat(siteDir);
    } catch (e) {
      throw new ReleaseError('RELEASE_IO', { zh: `${siteDir} 不存在：站点 ${code} 尚未构建（请先运行构建）`, en: `${siteDir} does not exist: the site ${code} was not built (run the build first)` }, { cause: e, path: siteDir });
    }
    if (!stat.isDirectory()) throw new ReleaseError('RELEASE_FILE_TYPE', { zh: `${siteDir} 不是文件夹（是符号链接或文件）：构建出的站点必须是真实的文件夹`, en: `${siteDir} is not a folder (a symbolic link or a file): the built site must be a real folder` }, { path: siteDir });
    files.push(...siteFiles(siteDir, code));
  }
  return files.sort(byPath);
}

/** The order of a release's files: by path, as UTF-16 code units compare. */
export const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * The files of one built site, `siteDir`, as a release lists them (paths start
 * with `<code>/`), sorted by path, with the same refusals as
 * collectReleaseFiles. The build lists each site's tree this way once, and a
 * publish signs that listing (BuildResult's `files`) instead of reading the
 * tree again.
 */
export function siteFiles(siteDir: string, code: string): ManifestFile[] {
  const found: { abs: string; path: string }[] = [];
  walk(siteDir, [code], found);
  found.sort(byPath);
  const buffer = Buffer.allocUnsafe(CHUNK);
  return found.map(({ abs, path }) => ({ path, ...hashTreeFile(abs, buffer) }));
}

/** Synchronous for the same reason as hashing: a built site is thousands of one-page folders. */
function walk(dir: string, segments: string[], out: { abs: string; path: string }[]): void {
  let entries;
  try {
    // Names as bytes: a name that is not UTF-8 would otherwise be silently replaced by U+FFFD and name another file.
    entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (e) {
    throw new ReleaseError('RELEASE_IO', { zh: `无法列出 ${dir}（${(e as NodeJS.ErrnoException).code ?? (e as Error).message}）`, en: `${dir} cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` }, { cause: e, path: dir });
  }
  for (const entry of entries) {
    const raw = entry.name as unknown as Buffer;
    let name: string;
    try {
      name = UTF8.decode(raw);
    } catch {
      const shown = join(dir, raw.toString('latin1'));
      throw new ReleaseError('RELEASE_PATH_UNSAFE', { zh: `${shown}：文件名不是有效的 UTF-8；请重命名该文件`, en: `${shown}: the name is not valid UTF-8; rename the file` }, { path: shown });
    }
    const abs = join(dir, name);
    const problem = segmentProblem(name);
    if (problem !== undefined) throw new ReleaseError('RELEASE_PATH_UNSAFE', `${JSON.stringify(abs)}: the name ${problem}; rename the file so that it is a plain path segment`, { path: abs });
    const inSite = [...segments.slice(1), name];
    if (entry.isDirectory()) {
      // The metadata folder is written per mirror after signing; it is checked by signature, not listed.
      if (isUnderMetaDir(inSite) && inSite.length === MIRROR_META_DIR.split('/').length) continue;
      walk(abs, [...segments, name], out);
    } else if (entry.isFile()) {
      out.push({ abs, path: [...segments, name].join('/') });
    } else if (entry.isSymbolicLink()) {
      throw new ReleaseError('RELEASE_FILE_TYPE', { zh: `${abs} 是符号链接：发布版本只收录普通文件；请用其指向的文件替换该链接`, en: `${abs} is a symbolic link: a release lists regular files only; replace the link by the file it points to` }, { path: abs });
    } else {
      throw new ReleaseError('RELEASE_FILE_TYPE', { zh: `${abs} 不是普通文件（设备、套接字或 FIFO）：请从构建结果中删除`, en: `${abs} is not a regular file (a device, socket or FIFO): remove it from the built tree` }, { path: abs });
    }
  }
}
