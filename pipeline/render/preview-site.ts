/**
 * previewSite: `astro dev` over a stage, for writers to see their entries (drafts
 * marked as drafts) before approval. Writes nothing to any dist/: Astro's dev server
 * renders on request; its state lives under the given cacheDir.
 */
import type { ChildProcess } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { astroEnv, OutputTail, spawnAstro } from './astro-process.ts';
import { prepareBuildRoot } from './build-root.ts';

export interface PreviewSiteOptions {
  root: string;
  stageDir: string;
  cacheDir: string;
  /** Default 4321. */
  port?: number;
  /** Default 127.0.0.1: a preview shows unapproved content, so not the network unless asked. */
  host?: string;
}

export interface PreviewHandle {
  /** The dev server's URL, once it listens. */
  url: string;
  child: ChildProcess;
  /** Resolves when the dev server has exited (stopped, or ended on its own). */
  done: Promise<void>;
  /** Stops the dev server; resolves when it has exited. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

export async function previewSite(opts: PreviewSiteOptions): Promise<PreviewHandle> {
  for (const name of ['root', 'stageDir', 'cacheDir'] as const) {
    if (!isAbsolute(opts[name])) throw new SealpressError('USAGE', `previewSite: ${name} must be an absolute path, got "${opts[name]}".`);
  }
  const port = opts.port ?? 4321;
  const host = opts.host ?? '127.0.0.1';
  const build = prepareBuildRoot(opts.root, opts.cacheDir);
  const env = astroEnv({ stageDir: opts.stageDir, cacheDir: opts.cacheDir, homeDir: build.home, tmpDir: build.tmp, mode: 'development' });
  const child = spawnAstro(
    opts.root,
    ['dev', '--root', build.root, '--config', build.configArg, '--port', String(port), '--host', host],
    build.root,
    env,
  );
  const output = new OutputTail();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;

  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(`astro dev did not start within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output.push(chunk);
      // Astro prints the local URL once the server listens.
      if (/Local\s+http/i.test(output.toString()) || output.toString().includes(`:${port}/`)) done();
    };
    const onClose = (code: number | null): void => fail(`astro dev exited (code ${String(code)})`);
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('close', onClose);
    }
    function done(): void {
      cleanup();
      resolve();
    }
    function fail(why: string): void {
      cleanup();
      void stop();
      reject(new SealpressError('BUILD_FAILED', { zh: `${opts.stageDir} 的预览失败：${why}。\n${output.toString().split('\n').slice(-40).join('\n')}`, en: `Preview of ${opts.stageDir} failed: ${why}.\n${output.toString().split('\n').slice(-40).join('\n')}` }));
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('close', onClose);
  });
  // Keep draining output so the child never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return { url, child, done: exited, stop };
}
