/**
 * One gate run: load → parse → validate → plan. I/O happens here, in order
 * (config, entries, then the assets they reference); every decision is made by
 * the pure stages, with the clock fixed once for the run.
 */
import { hasErrors, type Diagnostic } from '../diagnostics/index.ts';
import { checksConfigDigest, scanAttachment, scanOptions, toDiagnostic } from '../check/index.ts';
import { loadApprovalRecords, loadAssets, loadChecksConfig, loadContent, loadSiteGroup, loadTrustFiles } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { join } from 'node:path';
import { planEntries, type Plan } from '../plan/index.ts';
import { validateEntry, type ValidatedEntry } from '../validate/index.ts';
import { analyseAll } from './analyse-pool.ts';
import { approvalJudge } from './approvals.ts';
import { FactsCache } from './facts-cache.ts';

export interface GateOptions {
  root: string;
  now: Date;
  /** Judge only these sites' entries. */
  sites?: ReadonlySet<string>;
  /** Reuse entry facts from .sealpress/cache for unchanged entries (default true). */
  cache?: boolean;
  /** Worker threads for verifying approval signatures (default: the number of cores). */
  workers?: number;
  /** SHA-256 fingerprint of the group CA, pinned from outside the repository. */
  trustAnchor?: string;
}

/** Milliseconds spent in each part of a run, for `--json` and the benchmark. */
export interface GateTimings {
  load: number;
  analyse: number;
  validate: number;
  /** Verifying the trust material and every approval record, then deciding every entry. */
  approvals: number;
  total: number;
}

export type GateResult =
  | { ok: true; group: SiteGroup; plan: Plan; configDiagnostics: Diagnostic[]; timings: GateTimings }
  | { ok: false; configDiagnostics: Diagnostic[] };

export async function runGate(options: GateOptions): Promise<GateResult> {
  const { root, now } = options;
  const t0 = performance.now();
  const config = loadSiteGroup(root);
  if (!config.group || hasErrors(config.diagnostics)) return { ok: false, configDiagnostics: config.diagnostics };
  const group = config.group;

  const loadOptions: { maxEntryBytes: number; sites?: ReadonlySet<string> } = { maxEntryBytes: group.limits.maxEntryBytes };
  if (options.sites) loadOptions.sites = options.sites;
  const content = loadContent(root, loadOptions);
  const t1 = performance.now();

  const checksConfig = loadChecksConfig(root, group);
  if (!checksConfig.config || hasErrors(checksConfig.diagnostics)) return { ok: false, configDiagnostics: [...config.diagnostics, ...checksConfig.diagnostics] };
  const checks = scanOptions(checksConfig.config);
  // Entry facts now depend on the checks' configuration too: it salts the cache.
  const cache = options.cache === false ? undefined : FactsCache.open(join(root, '.sealpress'), checksConfigDigest(checksConfig.config));
  const facts = analyseAll(content.entries, { checks, ...(cache ? { cache } : {}) });
  const t2 = performance.now();
  const wanted = new Set<string>();
  for (const f of facts) for (const ref of f?.references ?? []) if (ref.path) wanted.add(ref.path);
  const assets = loadAssets(root, wanted, group.limits.maxAssetBytes, (path, bytes) => scanAttachment(path, bytes, checks, { column: path.split('/')[2] ?? '' }).map(toDiagnostic));

  const validated = content.entries.map((loaded, i): ValidatedEntry => {
    const f = facts[i];
    if (f?.parsed) {
      const v = validateEntry(loaded, f, group, assets);
      v.findings.unshift(...loaded.findings);
      return v;
    }
    const v: ValidatedEntry = {
      path: loaded.path,
      site: loaded.site,
      column: loaded.column,
      slug: loaded.slug,
      format: loaded.format,
      assets: [],
      findings: [...loaded.findings, ...(f?.findings ?? [])],
    };
    if (loaded.digest !== undefined) v.digest = loaded.digest;
    return v;
  });
  cache?.save();

  const t3 = performance.now();
  const trustFiles = loadTrustFiles(root);
  const records = loadApprovalRecords(root);
  const approvals = await approvalJudge({
    group,
    trustFiles: trustFiles.files,
    records: records.records,
    now,
    ...(options.trustAnchor ? { anchorFingerprint: options.trustAnchor } : {}),
    ...(options.workers ? { workers: options.workers } : {}),
  });
  const t4 = performance.now();
  const plan = planEntries(validated, [...content.diagnostics, ...trustFiles.diagnostics, ...records.diagnostics, ...approvals.diagnostics], now, approvals.judge);
  const t5 = performance.now();
  // Deciding happens inside planning, so the approval figure includes it (planning alone is cheap).
  const timings: GateTimings = { load: t1 - t0, analyse: t2 - t1, validate: t3 - t2, approvals: t4 - t3 + (t5 - t4), total: t5 - t0 };
  return { ok: true, group, plan, configDiagnostics: config.diagnostics, timings };
}
