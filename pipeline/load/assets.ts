/**
 * Read the assets that entries reference (images, attachments), each once. The
 * caller has already confined the paths to the entry's site folder; here we
 * refuse links anywhere along the path and files over the size limit, and note
 * files a browser would run as a page (markup/files.ts) for the validator to refuse.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { activeFileText } from '../markup/files.ts';
import { imageSize } from '../util/image-size.ts';
import { readPlainSync, sha256Hex } from '../fs/index.ts';

import type { Diagnostic } from '../diagnostics/index.ts';

export type AssetRead =
  | { ok: true; path: string; size: number; digest: string; width?: number; height?: number; imageType?: string; findings?: Diagnostic[]; active?: string; activeZh?: string }
  | { ok: false; path: string; problem: 'missing' | 'hostile' | 'too-large' | 'not-a-file'; detail: string; detailZh?: string };

/** Looks at an asset's bytes while they are in memory; `digest` is their SHA-256 (hashed once, here). */
export type AssetInspector = (path: string, bytes: Uint8Array, digest: string) => Diagnostic[];

export function loadAssets(root: string, paths: Iterable<string>, maxBytes: number, inspect?: AssetInspector): Map<string, AssetRead> {
  const realRoot = realpathSync(root);
  const out = new Map<string, AssetRead>();
  for (const path of paths) {
    if (out.has(path)) continue;
    out.set(path, readAsset(root, realRoot, path, maxBytes, inspect));
  }
  return out;
}

function readAsset(root: string, realRoot: string, path: string, maxBytes: number, inspect: AssetInspector | undefined): AssetRead {
  const abs = join(root, path);
  let stat;
  try {
    stat = lstatSync(abs);
  } catch {
    return { ok: false, path, problem: 'missing', detail: 'no such file', detailZh: '没有该文件' };
  }
  if (stat.isSymbolicLink()) return { ok: false, path, problem: 'hostile', detail: 'the file is a symlink', detailZh: '该文件是符号链接' };
  if (!stat.isFile()) return { ok: false, path, problem: 'not-a-file', detail: 'not a regular file', detailZh: '不是普通文件' };
  // A linked folder along the way would make the real path differ from the written one.
  if (realpathSync(abs) !== join(realRoot, path)) return { ok: false, path, problem: 'hostile', detail: 'a folder on its path is a symlink', detailZh: '其路径上有文件夹是符号链接' };
  const got = readPlainSync(abs, maxBytes);
  if (!got.ok) {
    if (got.problem === 'too-large') return { ok: false, path, problem: 'too-large', detail: `${got.size} bytes; the limit is ${maxBytes}`, detailZh: `${got.size} 字节；上限为 ${maxBytes} 字节` };
    // Swapped for a link or a folder since it was looked at: as hostile as a link in the first place.
    return { ok: false, path, problem: got.problem === 'missing' ? 'missing' : 'hostile', detail: got.detail };
  }
  const bytes = got.bytes;
  const size = imageSize(bytes);
  const read: AssetRead = { ok: true, path, size: bytes.length, digest: sha256Hex(bytes) };
  const findings = inspect?.(path, bytes, read.digest);
  if (findings && findings.length > 0) read.findings = findings;
  // A file a browser would run as a page is never published (by name and by content).
  const active = activeFileText(path, bytes);
  if (active !== undefined) {
    read.active = active.en;
    read.activeZh = active.zh;
  }
  if (size) {
    read.width = size.width;
    read.height = size.height;
    read.imageType = size.type;
  }
  return read;
}
