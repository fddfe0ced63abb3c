/**
 * What a gate run says, for the people and programs that read it (`check`,
 * CI, the review desk): the entries of one site or all, whether anything is
 * refused, the counts per status, the memory the gate judged with, and the
 * machine-readable shape (`check --format json`).
 */
import { shownMessage, type Diagnostic } from '../diagnostics/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { countsText, summarise, type Plan, type PlanEntry } from '../plan/index.ts';
import type { ReleaseMemory } from '../release/index.ts';

export interface GateVerdict {
  /** The entries judged for the site asked about (all when none). */
  entries: PlanEntry[];
  /** An entry is refused, or a file under content/ is (a plan-wide error). */
  refused: boolean;
  counts: ReturnType<typeof summarise>;
  /** The sites judged. */
  sites: string[];
}

/** The verdict of a plan for one site (or the whole group when `site` is undefined; the caller checks that the site exists). */
export function gateVerdict(plan: Plan, group: SiteGroup, site: string | undefined): GateVerdict {
  const entries = site === undefined ? plan.entries : plan.entries.filter((e) => e.site === site);
  const refused = entries.some((e) => e.status === 'refused') || plan.diagnostics.some((d) => d.severity === 'error');
  return { entries, refused, counts: summarise({ ...plan, entries }), sites: site === undefined ? [...group.sites.keys()] : [site] };
}

/** What the gate remembered, in a line: the archive's latest release it judged with, or why it remembers nothing. */
export function memoryNote(memory: ReleaseMemory | undefined, dir: string): string {
  return memory
    ? `memory: release v${memory.version} (${memory.createdAt}) in ${dir}: ${memory.ledger ? `${memory.ledger.withdrawals.length} withdrawal(s) remembered, trust versions ${Object.entries(memory.ledger.trust).map(([d, v]) => `${d} v${v}`).join(', ')}` : 'made before releases kept a memory: it remembers nothing'}`
    : `memory: none (no release in ${dir}): a withdrawal whose record was deleted, or a trust document rolled back, cannot be known; give --archive DIR`;
}

/** `check --format json`: { now, approvals, memory, summary, entries: [{ path, site, column, status, findings }], diagnostics }. */
export function verdictJson(plan: Plan, verdict: GateVerdict, memory: ReleaseMemory | undefined, dir: string): unknown {
  return {
    now: plan.now,
    approvals: plan.approvals,
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
        message: shownMessage(f),
        line: f.line,
        column: f.column,
        // A finding inside an attachment: which file, and where in it (a sheet and cell, a page, a paragraph, a property).
        ...(f.attachment !== undefined ? { attachment: f.attachment } : {}),
        ...(f.location !== undefined ? { location: f.location } : {}),
        ...(f.fix ? { fix: f.fix } : {}),
      })),
    })),
    diagnostics: plan.diagnostics,
  };
}

/** A gate run as `check` shows it. */
export interface Judged {
  plan: Plan;
  verdict: GateVerdict;
  /** Warnings about the configuration (errors stop the run before judging). */
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
export function checkText(r: Judged): { findings: Diagnostic[]; summary: string[] } {
  const { plan, verdict } = r;
  const shown = verdict.entries.filter((e) => e.status !== 'publishable' || e.findings.some((f) => f.severity !== 'info' || f.suppressed));
  return {
    findings: [...r.configDiagnostics, ...plan.diagnostics, ...shown.flatMap((e) => e.findings)],
    summary: ['', `${verdict.entries.length} entries: ${countsText(verdict.counts)}`, `${plan.approvals.verified ? 'approvals' : 'warning'}: ${plan.approvals.note}`, memoryNote(r.memory, r.dir)],
  };
}

/** Every finding of a gate run, of every entry, at its position (code-review tools show them all: SARIF). */
export function allFindings(r: Pick<Judged, 'plan' | 'verdict'>): Diagnostic[] {
  return [...r.plan.diagnostics, ...r.verdict.entries.flatMap((e) => e.findings)];
}
