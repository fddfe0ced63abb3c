/**
 * `build` as one call: buildSites, with its gate run recorded in the audit log
 * (the sites built and the count of entries per status, or why it failed). A
 * usage error did nothing worth recording; any other failure is recorded,
 * then thrown to the caller. The environment ($CI, for the actor) and the
 * audit recorder are given.
 */
import type { Lang } from '../messages/text.ts';
import { unsignedActor } from '../audit/index.ts';
import { EXIT, SealpressError } from '../errors/index.ts';
import { countsText, summarise } from '../plan/index.ts';
import type { RecordAct } from '../publish/audit.ts';
import { buildSites, reasonZh, rebuiltLine, siteDoneLine, type BuildEvent, type BuildOptions, type BuildResult } from './build.ts';

/** The build and its exit code once recorded (EXIT.AUDIT when the entry could not be appended). */
export async function buildJob(o: BuildOptions & { env: NodeJS.ProcessEnv; record: RecordAct; note: (text: string) => void }): Promise<{ result: BuildResult; code: number }> {
  const { env, record, note, ...options } = o;
  const gate = { action: 'gate', ...unsignedActor(env), ...(options.sites ? { sites: [...options.sites] } : {}) } as const;
  let result: BuildResult;
  try {
    result = await buildSites(options);
  } catch (error) {
    // A failed build is recorded, then reported by the caller as before (exit 3); a usage error did nothing worth recording.
    if (error instanceof SealpressError && error.code === 'USAGE') throw error;
    const code = await record({ ...gate, outcome: 'failed', details: { command: 'build', error: error instanceof SealpressError ? error.code : 'ERROR' } }, EXIT.BUILD);
    if (code !== EXIT.BUILD) note('sealpress build: the build failed (below), and that failure is not in the audit log');
    throw error;
  }
  if (!result.ok) return { result, code: await record({ ...gate, outcome: 'failed', details: { command: 'build', reason: 'config-invalid' } }, EXIT.CONFIG) };
  const built = result.sites.map((s) => s.code);
  const rebuilt = result.sites.filter((s) => s.action === 'rebuilt').map((s) => s.code);
  return { result, code: await record({ ...gate, sites: built, outcome: 'ok', details: { command: 'build', rebuilt, entries: result.plan.entries.length, ...summarise(result.plan) } }, EXIT.OK) };
}

/** A build's progress, in a line (stderr: progress, not the result). */
export function buildProgressLine(event: BuildEvent, lang: Lang = 'en'): string {
  if (lang === 'zh') {
    if (event.type === 'gate') return `发布关口：${event.plan.entries.length} 个条目，用时 ${event.durationMs.toFixed(0)} 毫秒：${countsText(summarise(event.plan), lang)}`;
    if (event.type === 'site-start') return `构建 ${event.code}：${event.entries} 个条目……`;
    return siteDoneLine(event, lang);
  }
  if (event.type === 'gate') return `gate: ${event.plan.entries.length} entries in ${event.durationMs.toFixed(0)} ms: ${countsText(summarise(event.plan))}`;
  if (event.type === 'site-start') return `build ${event.code}: ${event.entries} entries…`;
  return siteDoneLine(event);
}

/** What a build did, as `build` prints it: its JSON summary, or a line per site. */
export function buildSummary(result: Extract<BuildResult, { ok: true }>, lang: Lang = 'en'): { json: unknown; lines: string[] } {
  const ACTION_ZH = { rebuilt: '重新构建', reused: '沿用', 'search-refreshed': '更新搜索' } as const;
  const site = (s: (typeof result.sites)[number]) =>
    lang === 'zh' ? `${s.code}：${s.pages} 个页面，${s.entries} 个条目 → ${s.outDir}（${ACTION_ZH[s.action]}：${reasonZh(s.reason)}）` : `${s.code}: ${s.pages} pages, ${s.entries} entries → ${s.outDir} (${s.action}: ${s.reason})`;
  return {
    json: { gateMs: Math.round(result.gateMs), summary: summarise(result.plan), sites: result.sites.map(({ files, ...s }) => ({ ...s, files: files.length })) },
    lines: [...result.sites.map(site), rebuiltLine(result.sites, lang)],
  };
}
