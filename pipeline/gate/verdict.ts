/**
 * What a gate run says, for the people and programs that read it (`check`,
 * CI, the review desk): the entries of one site or all, whether anything is
 * refused, the counts per status, the memory the gate judged with, and the
 * machine-readable shape (`check --format json`).
 */
import { messageText, shownFix, shownMessage, type Diagnostic } from '../diagnostics/index.ts';
import type { Lang } from '../messages/text.ts';
import type { SiteGroup } from '../model/index.ts';
import { approvalsLine, countsText, summarise, type Plan, type PlanEntry } from '../plan/index.ts';
import type { ReleaseMemory } from '../release/index.ts';

export interface GateVerdict {
  /** The entries judged for the site and files asked about (all when none). */
  entries: PlanEntry[];
  /** The plan-wide findings (files under content/ that are not entries, trust material, records) that concern the scope. */
  diagnostics: Diagnostic[];
  /** An entry in scope is refused, or a file is (a plan-wide error in scope). */
  refused: boolean;
  counts: ReturnType<typeof summarise>;
  /** The sites judged. */
  sites: string[];
}

/**
 * What a run is asked about: one site, and/or files and folders (POSIX paths
 * relative to the repository, a writer's own). The whole group is judged
 * either way (the main site adopts sub-site entries, records span sites);
 * the scope only chooses what is reported and what decides the exit code.
 */
export interface VerdictScope {
  site?: string | undefined;
  paths?: readonly string[] | undefined;
}

// content/<site>/…, sites/<site>/…, content/_approvals/<site>/…, content/_waivers/<site>/…
const SITE_FOLDER = /^(?:content\/(?:_[a-z]+\/)?|sites\/)(\d{11})\//;

/** The site whose folder a repository file lies in, or undefined for a group-wide file (sites/group.yaml, the trust material). */
export function siteOfFile(file: string): string | undefined {
  return SITE_FOLDER.exec(file)?.[1];
}

const within = (file: string, paths: readonly string[]) => paths.some((p) => p === '' || file === p || file.startsWith(`${p}/`));

/**
 * Whether a finding's file concerns the scope. Asked about files, only those
 * files (and an error of no site, such as trust material that does not
 * verify, which stops them too); asked about a site, everything but the other
 * sites' files.
 */
export function inScope(d: Pick<Diagnostic, 'file' | 'severity'>, scope: VerdictScope): boolean {
  const site = d.file === undefined ? undefined : siteOfFile(d.file);
  if (scope.site !== undefined && site !== undefined && site !== scope.site) return false;
  if (scope.paths === undefined) return true;
  return (d.file !== undefined && within(d.file, scope.paths)) || (site === undefined && d.severity === 'error');
}

/** The verdict of a plan for a scope (the whole group when it is empty; the caller checks that the site exists). */
export function gateVerdict(plan: Plan, group: SiteGroup, scope: VerdictScope = {}): GateVerdict {
  const { site, paths } = scope;
  const entries = plan.entries.filter((e) => (site === undefined || e.site === site) && (paths === undefined || within(e.path, paths) || e.assets.some((a) => within(a.path, paths))));
  const diagnostics = plan.diagnostics.filter((d) => inScope(d, scope));
  const refused = entries.some((e) => e.status === 'refused') || diagnostics.some((d) => d.severity === 'error');
  return { entries, diagnostics, refused, counts: summarise({ ...plan, entries }), sites: site === undefined ? [...group.sites.keys()] : [site] };
}

/** What the gate remembered, in a line: the archive's latest release it judged with, or why it remembers nothing. */
export function memoryNote(memory: ReleaseMemory | undefined, dir: string, lang: Lang = 'en'): string {
  if (lang === 'zh') {
    return memory
      ? `记忆：${dir} 中的发布版本 v${memory.version}（${memory.createdAt}）：${memory.ledger ? `记得 ${memory.ledger.withdrawals.length} 次撤下，信任文件版本 ${Object.entries(memory.ledger.trust).map(([d, v]) => `${d} v${v}`).join('、')}` : '该版本生成于发布版本开始记录之前：不记得任何内容'}`
      : `记忆：无（${dir} 中没有发布版本）：无法得知记录已被删除的撤下或被回退的信任文件；请用 --archive DIR 指定发布归档`;
  }
  return memory
    ? `memory: release v${memory.version} (${memory.createdAt}) in ${dir}: ${memory.ledger ? `${memory.ledger.withdrawals.length} withdrawal(s) remembered, trust versions ${Object.entries(memory.ledger.trust).map(([d, v]) => `${d} v${v}`).join(', ')}` : 'made before releases kept a memory: it remembers nothing'}`
    : `memory: none (no release in ${dir}): a withdrawal whose record was deleted, or a trust document rolled back, cannot be known; give --archive DIR`;
}

/**
 * A finding as JSON shows it: its fields, with `message` and `fix` in the
 * language (the English is `message` when lang is en); the Chinese copy the
 * finding carries (`zh`) is not repeated.
 */
export function findingJson(d: Diagnostic, lang: Lang): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Field by field, in the finding's own order: only the two texts change.
  for (const [key, value] of Object.entries(d)) {
    if (key === 'zh') continue;
    out[key] = key === 'message' ? messageText(d, lang) : key === 'fix' ? shownFix(d, lang) : value;
  }
  return out;
}

/** `check --format json`: { now, approvals, memory, summary, entries: [{ path, site, column, status, findings }], diagnostics }; messages and fixes in `lang`. */
export function verdictJson(plan: Plan, verdict: GateVerdict, memory: ReleaseMemory | undefined, dir: string, lang: Lang): unknown {
  return {
    now: plan.now,
    approvals: { verified: plan.approvals.verified, note: lang === 'zh' ? (plan.approvals.zh?.note ?? plan.approvals.note) : plan.approvals.note },
    memory: { archive: dir, release: memory?.version ?? null, withdrawals: memory?.ledger?.withdrawals.length ?? 0 },
    summary: verdict.counts,
    entries: verdict.entries.map((e) => ({
      path: e.path,
      site: e.site,
      column: e.column,
      status: e.status,
      findings: e.findings.map((f: Diagnostic) => ({
        rule: f.rule,
        severity: f.severity,
        message: shownMessage(f, lang),
        line: f.line,
        column: f.column,
        // A finding inside an attachment: which file, and where in it (a sheet and cell, a page, a paragraph, a property).
        ...(f.attachment !== undefined ? { attachment: f.attachment } : {}),
        ...(f.location !== undefined ? { location: f.location } : {}),
        ...(f.fix ? { fix: shownFix(f, lang) } : {}),
      })),
    })),
    diagnostics: verdict.diagnostics.map((d) => findingJson(d, lang)),
  };
}

/** A gate run as `check` shows it. */
export interface Judged {
  plan: Plan;
  verdict: GateVerdict;
  /** Warnings about the configuration (errors stop the run before judging), those that concern the scope. */
  configDiagnostics: readonly Diagnostic[];
  memory: ReleaseMemory | undefined;
  /** The archive the memory was read from. */
  dir: string;
}

/**
 * `check` as text: the findings to show (the configuration's, the plan's,
 * and each entry's, but a publishable entry's only for what a writer should
 * still see: a warning, a waiver), then the counts, how approvals were
 * checked and what the gate remembered.
 */
export function checkText(r: Judged, lang: Lang = 'en'): { findings: Diagnostic[]; summary: string[] } {
  const { plan, verdict } = r;
  const shown = verdict.entries.filter((e) => e.status !== 'publishable' || e.findings.some((f) => f.severity !== 'info' || f.suppressed));
  return {
    findings: [...r.configDiagnostics, ...verdict.diagnostics, ...shown.flatMap((e) => e.findings)],
    summary: ['', lang === 'zh' ? `共 ${verdict.entries.length} 个条目：${countsText(verdict.counts, lang)}` : `${verdict.entries.length} entries: ${countsText(verdict.counts)}`, approvalsLine(plan, lang), memoryNote(r.memory, r.dir, lang)],
  };
}

/** Every finding of a gate run, of every entry, at its position (code-review tools show them all: SARIF). */
export function allFindings(r: Pick<Judged, 'verdict'>): Diagnostic[] {
  return [...r.verdict.diagnostics, ...r.verdict.entries.flatMap((e) => e.findings)];
}
