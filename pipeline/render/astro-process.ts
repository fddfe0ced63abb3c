/**
 * Running Astro in a child process, one per site. The child gets a per-build root
 * (see build-root.ts) and an environment built from an allowlist: nothing secret
 * (tokens, keys, passphrases) from ours reaches it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Variables passed through from our environment when set; everything else is dropped. */
const PASSED_THROUGH = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'SYSTEMROOT'] as const;

export interface AstroEnv {
  /** The one site's stage (a preview: its pages at the root), or several (a build: each under `/<code>/`). */
  stageDir: string | readonly string[];
  cacheDir: string;
  /** The Astro outDir; absent for `astro dev`. */
  outDir?: string;
  /** Per-build home and temp dirs, so nothing is shared with a concurrent build. */
  homeDir: string;
  tmpDir: string;
  mode: 'production' | 'development';
  /** Where each site's rendered entry bodies are kept between builds (src/loader/bundle-loader.ts). */
  renderedDir?: string;
  /** Sites split between builds: this build's share of each one's pages (src/loader/read-bundle.ts, SEALPRESS_SHARDS). */
  shards?: Record<string, readonly [index: number, count: number]>;
}

export function astroEnv(opts: AstroEnv, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED_THROUGH) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    HOME: opts.homeDir,
    TMPDIR: opts.tmpDir,
    NODE_ENV: opts.mode,
    ASTRO_TELEMETRY_DISABLED: '1',
    NO_COLOR: '1',
    SEALPRESS_CACHE: opts.cacheDir,
  });
  if (typeof opts.stageDir === 'string') env.SEALPRESS_STAGE = opts.stageDir;
  else env.SEALPRESS_STAGES = JSON.stringify(opts.stageDir);
  if (opts.outDir !== undefined) env.SEALPRESS_OUT = opts.outDir;
  if (opts.renderedDir !== undefined) env.SEALPRESS_RENDERED = opts.renderedDir;
  if (opts.shards !== undefined && Object.keys(opts.shards).length > 0) env.SEALPRESS_SHARDS = JSON.stringify(opts.shards);
  return env;
}

/** Astro's package dir as the repo resolves it (node_modules may be hoisted above the repo). */
export function astroPackageDir(repoRoot: string): string {
  return dirname(createRequire(join(repoRoot, 'package.json')).resolve('astro/package.json'));
}

export function astroBin(repoRoot: string): string {
  return join(astroPackageDir(repoRoot), 'astro.js');
}

/** Keeps the last `limit` characters written to it. */
export class OutputTail {
  #text = '';
  constructor(private readonly limit = 16_000) {}
  push(chunk: Buffer | string): void {
    this.#text += chunk.toString();
    if (this.#text.length > this.limit * 2) this.#text = this.#text.slice(-this.limit);
  }
  toString(): string {
    return this.#text.slice(-this.limit);
  }
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnAstro(repoRoot: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [astroBin(repoRoot), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits for the child, keeping the tail of its output. */
export function finished(child: ChildProcess): Promise<Finished> {
  const stdout = new OutputTail();
  const stderr = new OutputTail();
  child.stdout?.on('data', (c: Buffer) => stdout.push(c));
  child.stderr?.on('data', (c: Buffer) => stderr.push(c));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout: stdout.toString(), stderr: stderr.toString() }));
  });
}
