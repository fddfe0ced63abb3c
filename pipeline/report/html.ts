/**
 * The HTML report: the Astro project in src-report/ built with `astro build`
 * in a child process (same stack as the sites, see render/), with its own root
 * and cacheDir, fed by the report model. The result is one self-contained page.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { astroEnv, finished, spawnAstro } from '../render/astro-process.ts';
import { prepareBuildRoot } from '../render/build-root.ts';
import type { ReportModel } from './model.ts';

export const REPORT_SOURCE_DIR = 'src-report';

export interface ReportHtmlOptions {
  /** The repo root (src-report/ and node_modules/). */
  root: string;
  /** This build's own cache dir; never shared with a concurrent build. */
  cacheDir: string;
}

export async function renderReportHtml(report: ReportModel, opts: ReportHtmlOptions): Promise<string> {
  for (const [name, value] of Object.entries(opts)) {
    if (!isAbsolute(value)) throw new SealpressError('USAGE', `renderReportHtml: ${name} must be an absolute path, got "${value}".`);
  }
  const stageDir = join(opts.cacheDir, 'stage');
  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(stageDir, { recursive: true });
  writeFileSync(join(stageDir, 'report.json'), JSON.stringify(report));

  const build = prepareBuildRoot(opts.root, opts.cacheDir);
  const env = astroEnv({ stageDir, cacheDir: opts.cacheDir, outDir: build.dist, homeDir: build.home, tmpDir: build.tmp, mode: 'production' });
  const config = relative(build.root, join(opts.root, REPORT_SOURCE_DIR, 'astro.config.mjs'));
  let result;
  try {
    result = await finished(spawnAstro(opts.root, ['build', '--root', build.root, '--config', config], build.root, env));
  } catch (cause) {
    throw new SealpressError('BUILD_FAILED', { zh: `无法为报告启动 astro build：${(cause as Error).message}`, en: `Could not start astro build for the report: ${(cause as Error).message}` }, { cause });
  }
  if (result.code !== 0) {
    const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-40).join('\n');
    throw new SealpressError('BUILD_FAILED', { zh: `报告的 astro build 失败（${result.signal ? `信号 ${result.signal}` : `退出码 ${String(result.code)}`}）：\n${tail}`, en: `astro build of the report failed (${result.signal ? `signal ${result.signal}` : `exit code ${String(result.code)}`}):\n${tail}` }, { file: `${REPORT_SOURCE_DIR}/pages/index.astro` });
  }
  const html = readFileSync(join(build.dist, 'index.html'), 'utf8');
  // The page must open anywhere without running code: refuse to hand on one that would.
  if (/<script\b/i.test(html)) throw new SealpressError('BUILD_FAILED', { zh: '报告页面含有 <script>；报告必须在没有客户端 JavaScript 的情况下可用', en: 'the report page contains a <script>; it must work without client JavaScript' }, { file: `${REPORT_SOURCE_DIR}/pages/index.astro` });
  return html;
}
