/**
 * Read and check `<stage>/bundle.json`. Every problem is collected and reported
 * once, naming the file; nothing is rendered from a bundle that fails a check
 * (fail closed: a draft in a publish bundle, an MDX module outside the stage, an
 * entry in a column the site has not enabled).
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SealpressError } from '../../pipeline/errors/index.ts';
import { activeFile } from '../../pipeline/markup/files.ts';
import { BUNDLE_VERSION } from '../../pipeline/stage/bundle.ts';
import { bundleSchema, type Bundle, type BundleEntryData } from './bundle-schema.ts';

export const BUNDLE_FILE = 'bundle.json';
/** Environment variable naming the absolute stage dir; pipeline/render sets it. */
export const STAGE_ENV = 'SEALPRESS_STAGE';
/**
 * Environment variable naming several stage dirs (a JSON array of absolute
 * paths): one `astro build` renders every site of the list, each under
 * `/<site code>/` of its output (pipeline/render/render-site.ts splits it).
 */
export const STAGES_ENV = 'SEALPRESS_STAGES';

/**
 * Environment variable giving, for some sites of the build, the share of
 * their pages it renders: a JSON object of site code → `[index, count]`. A
 * large site rendered again alone is split between builds that run at once
 * (pipeline/build/build.ts); each page is rendered by exactly one of them
 * (pageShard), and the shares are merged into one tree before it is indexed.
 */
export const SHARDS_ENV = 'SEALPRESS_SHARDS';

/** Each split site's share of its pages in this build; empty when no site is split. */
export function shardsFromEnv(env: NodeJS.ProcessEnv = process.env): Map<string, readonly [index: number, count: number]> {
  const text = env[SHARDS_ENV];
  if (text === undefined) return new Map();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const valid = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && v.every(Number.isSafeInteger) && v[1] >= 2 && v[0] >= 0 && v[0] < v[1];
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every(valid)) {
    throw new SealpressError('PLAN_INVALID', `${SHARDS_ENV} must be a JSON object of site code → [index, count] with 0 ≤ index < count (it is ${text}). Run the build through pipeline/render, which sets it.`);
  }
  return new Map(Object.entries(value as Record<string, [number, number]>));
}

/** Which of `count` shares renders the page of a route with these params: FNV-1a of their JSON, so every build agrees. */
export function pageShard(params: Record<string, string | undefined>, count: number): number {
  const key = JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k] ?? null]));
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}

/** The stage dirs of this build: every one of SEALPRESS_STAGES, else the one SEALPRESS_STAGE. */
export function stageDirsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = env[STAGES_ENV];
  if (list === undefined) return [stageDirFromEnv(env)];
  let dirs: unknown;
  try {
    dirs = JSON.parse(list);
  } catch {
    dirs = undefined;
  }
  if (!Array.isArray(dirs) || dirs.length === 0 || !dirs.every((d) => typeof d === 'string' && isAbsolute(d))) {
    throw new SealpressError('PLAN_MISSING', `${STAGES_ENV} must be a JSON array of absolute stage dirs (it is ${list}). Run the build through pipeline/render, which sets it.`);
  }
  return dirs as string[];
}

/** Whether this process renders several sites, each under `/<code>/` (SEALPRESS_STAGES). */
export function rendersSeveralSites(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[STAGES_ENV] !== undefined;
}

export function stageDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const stage = env[STAGE_ENV];
  if (!stage || !isAbsolute(stage)) {
    throw new SealpressError(
      'PLAN_MISSING',
      `${STAGE_ENV} is ${stage ? `not absolute (${stage})` : 'not set'}: the renderer needs the absolute path of a stage dir holding ${BUNDLE_FILE}. Run the build through pipeline/render (renderSite/previewSite), which sets it; for the types tsc needs, run \`npx tsx pipeline/render/sync-types.ts\` instead of \`astro sync\`.`,
    );
  }
  return stage;
}

/** Site path of an entry's article page. */
export function entryPath(entry: Pick<BundleEntryData, 'id'>): string {
  return `/${entry.id}/`;
}

/** Absolute path of an entry's MDX module, confined to the stage dir. */
export function mdxModulePath(stageDir: string, mdxFile: string): string | undefined {
  if (isAbsolute(mdxFile) || mdxFile.includes('\\')) return undefined;
  const root = resolve(stageDir);
  const file = resolve(root, mdxFile);
  return file.startsWith(root + sep) && file.endsWith('.mdx') ? file : undefined;
}

export function readBundle(stageDir: string): Bundle {
  const file = join(stageDir, BUNDLE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SealpressError('PLAN_MISSING', `Cannot read the site bundle ${file}: ${(cause as Error).message}. Stage the site first (the gate writes it).`, { cause, file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new SealpressError('PLAN_INVALID', `The site bundle ${file} is not valid JSON: ${(cause as Error).message}.`, { cause, file });
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (version !== BUNDLE_VERSION) {
    throw new SealpressError('PLAN_INVALID', `The site bundle ${file} has version ${JSON.stringify(version)}; this renderer reads version ${BUNDLE_VERSION}. Re-stage with the same sealpress version.`, { file });
  }
  const parsed = bundleSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new SealpressError('PLAN_INVALID', `The site bundle ${file} is malformed:\n${problems.join('\n')}`, { file });
  }
  const problems = checkBundle(parsed.data, stageDir);
  if (problems.length > 0) {
    throw new SealpressError('PLAN_INVALID', `The site bundle ${file} is inconsistent:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { file });
  }
  return parsed.data;
}

/** Cross-field checks the schema cannot express. Pure but for the MDX file existence check. */
export function checkBundle(bundle: Bundle, stageDir: string): string[] {
  const problems: string[] = [];
  const treeColumns = new Set(bundle.group.categories.flatMap((c) => c.columns.map((col) => col.id)));
  const enabled = new Set(bundle.site.columns);
  for (const id of bundle.site.columns) {
    if (!treeColumns.has(id)) problems.push(`site.columns: "${id}" is not a column of the group's tree`);
  }
  if (!bundle.sites.some((s) => s.code === bundle.site.code)) problems.push(`sites: does not list this site (${bundle.site.code})`);
  if (bundle.site.url !== new URL(bundle.site.url).href) problems.push(`site.url: ${bundle.site.url} is not a normalised URL`);

  const seen = new Set<string>();
  for (const [i, e] of bundle.entries.entries()) {
    const at = `entries[${i}] (${e.source})`;
    if (seen.has(e.id)) problems.push(`${at}: duplicate id "${e.id}"`);
    seen.add(e.id);
    // Adopted entries carry the origin in the slug (`<origin code>-<slug>`), so the id is always column/slug.
    if (e.id !== `${e.column}/${e.slug}`) problems.push(`${at}: id "${e.id}" is not "${e.column}/${e.slug}"`);
    if (!enabled.has(e.column)) problems.push(`${at}: column "${e.column}" is not enabled for site ${bundle.site.code}`);
    if (e.draft && bundle.mode !== 'preview') problems.push(`${at}: a draft entry in a ${bundle.mode} bundle (drafts exist only in preview bundles)`);
    // Files a browser would run as a page are never served from the site (the gate refuses them: asset-active).
    for (const a of [...e.images, ...e.attachments]) {
      const active = activeFile(a.url);
      if (active !== undefined) problems.push(`${at}: ${a.url} is not published: ${active}`);
    }
    if (e.format === 'md') {
      if (e.body === undefined) problems.push(`${at}: a Markdown entry without body`);
      if (e.mdxFile !== undefined) problems.push(`${at}: a Markdown entry with mdxFile`);
    } else {
      if (e.body !== undefined) problems.push(`${at}: an MDX entry with body (MDX is rendered from mdxFile)`);
      if (e.mdxFile === undefined) {
        problems.push(`${at}: an MDX entry without mdxFile`);
      } else {
        const module = mdxModulePath(stageDir, e.mdxFile);
        if (module === undefined) problems.push(`${at}: mdxFile "${e.mdxFile}" is not a .mdx file inside the stage dir`);
        else if (!existsSync(module) || !statSync(module).isFile()) problems.push(`${at}: mdxFile ${relative(stageDir, module)} does not exist in the stage dir`);
      }
    }
  }
  problems.push(...activeAssets(stageDir));
  return problems;
}

/** Every file under the stage's public/assets/ that a browser would run as a page, by name or by its first KiB. */
export function activeAssets(stageDir: string): string[] {
  const dir = join(stageDir, 'public', 'assets');
  if (!existsSync(dir)) return [];
  const problems: string[] = [];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = join(e.parentPath, e.name);
    const fd = openSync(file, 'r');
    const head = Buffer.alloc(1024);
    let n = 0;
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    const active = activeFile(e.name, head.subarray(0, n));
    if (active !== undefined) problems.push(`public/${relative(join(stageDir, 'public'), file).split(sep).join('/')} is not published: ${active}`);
  }
  return problems;
}
