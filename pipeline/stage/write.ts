/**
 * Write a site's stage: bundle.json, the MDX modules, and a public/ folder with
 * the shared public files and the entry assets at their URLs. Assets are copied
 * from the bytes on disk only if they still hash to what the gate approved: a
 * file swapped after the gate ran stops the build instead of being published, and
 * so does a file a browser would run as a page (markup/files.ts), whatever the
 * bundle says.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { sha256Hex } from '../fs/index.ts';
import { activeFile } from '../markup/files.ts';
import type { SiteStage, StagedAsset } from './bundle-site.ts';

/** What the renderer reads first (src/loader/read-bundle.ts), and what a preview's loaders watch. */
const BUNDLE_FILE = 'bundle.json';

export function writeStage(root: string, stageDir: string, stage: SiteStage): void {
  const tmp = composeStage(root, stageDir, stage);
  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(dirname(stageDir), { recursive: true });
  renameSync(tmp, stageDir);
}

/**
 * Bring a stage a running preview reads up to date in place, keeping its folder
 * (the dev server watches files inside it): changed and new files are replaced
 * whole by renames, files the new stage lacks are removed, and bundle.json,
 * which the renderer's loaders watch, is replaced last.
 */
export function refreshStage(root: string, stageDir: string, stage: SiteStage): void {
  if (!existsSync(join(stageDir, BUNDLE_FILE))) return writeStage(root, stageDir, stage);
  const tmp = composeStage(root, stageDir, stage);
  try {
    const fresh = new Set(filesUnder(tmp));
    for (const file of fresh) {
      if (file === BUNDLE_FILE) continue;
      const target = join(stageDir, file);
      if (existsSync(target) && readFileSync(target).equals(readFileSync(join(tmp, file)))) continue;
      mkdirSync(dirname(target), { recursive: true });
      renameSync(join(tmp, file), target);
    }
    for (const file of filesUnder(stageDir)) if (!fresh.has(file)) rmSync(join(stageDir, file), { force: true });
    renameSync(join(tmp, BUNDLE_FILE), join(stageDir, BUNDLE_FILE));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}


/** Stage-relative paths of the files under `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** Where a file of the stage comes from: a shared public file, an entry asset, or an MDX module's text. */
export type StagedSource = { kind: 'public'; path: string } | { kind: 'asset'; asset: StagedAsset } | { kind: 'text'; text: string };

/**
 * Every file writeStage puts beside bundle.json, by stage-relative path with
 * `/`: the shared public files (hidden names and links are never published),
 * then each entry asset at its URL under public/ (an asset takes the place of a
 * shared file of the same path), then the MDX modules. The build digests a
 * stage from this list before writing it (build/incremental.ts).
 */
export function stagedFiles(root: string, stage: SiteStage): Map<string, StagedSource> {
  const out = new Map<string, StagedSource>();
  const shared = join(root, 'public');
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.isSymbolicLink()) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${rel}${entry.name}/`);
      else if (entry.isFile()) out.set(`${rel}${entry.name}`, { kind: 'public', path });
      else throw new SealpressError('CONFIG_INVALID', { zh: `${path} 不是普通文件，不能发布；请将其移出 public/`, en: `${path} is not a regular file and cannot be published; move it out of public/` }, { file: path });
    }
  };
  if (existsSync(shared) && !lstatSync(shared).isSymbolicLink()) walk(shared, 'public/');
  for (const asset of stage.assets) out.set(['public', ...decodeURI(asset.url).split('/').filter(Boolean)].join('/'), { kind: 'asset', asset });
  for (const file of stage.files) out.set(file.path, { kind: 'text', text: file.text });
  return out;
}

/** Write the whole stage into a fresh folder beside `stageDir` and return it. */
function composeStage(root: string, stageDir: string, stage: SiteStage): string {
  const tmp = `${stageDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'public'), { recursive: true });
  try {
    for (const [path, source] of stagedFiles(root, stage)) {
      const target = join(tmp, ...path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      if (source.kind === 'public') copyFileSync(source.path, target);
      else if (source.kind === 'text') writeFileSync(target, source.text);
      else writeFileSync(target, assetBytes(root, source.asset));
    }
    writeFileSync(join(tmp, BUNDLE_FILE), JSON.stringify(stage.bundle));
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return tmp;
}

/** An asset's bytes, if they still hash to what the gate approved and are not a file a browser would run as a page. */
function assetBytes(root: string, asset: StagedAsset): Buffer {
  const bytes = readFileSync(join(root, asset.source));
  if (sha256Hex(bytes) !== asset.digest) {
    throw new SealpressError('STAGE_TAMPERED', { zh: `${asset.source} 在发布关口读取后有改动；请重新运行构建`, en: `${asset.source} changed after the gate read it; run the build again` }, { file: asset.source });
  }
  // Defence in depth: the gate refuses such files (asset-active); the stage never publishes one, even if asked.
  const active = activeFile(asset.source, bytes) ?? activeFile(decodeURI(asset.url));
  if (active !== undefined) throw new SealpressError('STAGE_ACTIVE_FILE', `${asset.source} is not published: ${active}`, { file: asset.source });
  return bytes;
}
