/**
 * One gate run: load → parse → validate → plan. I/O happens here, in order
 * (config, entries, then the assets they reference); every decision is made by
 * the pure stages, with the clock fixed once for the run.
 */
import { hasErrors, type Diagnostic } from '../diagnostics/index.ts';
import { loadApprovalRecords, loadAssets, loadContent, loadSiteGroup, loadTrustFiles } from '../load/index.ts';
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
  /** Worker threads for parsing (default: the number of cores). */
  workers?: number;
  /** SHA-256 fingerprint of the group CA, pinned from outside the repository. */
  trustAnchor?: string;
}

export type GateResult =
  | { ok: true; group: SiteGroup; plan: Plan; configDiagnostics: Diagnostic[] }
  | { ok: false; configDiagnostics: Diagnostic[] };

export async function runGate(options: GateOptions): Promise<GateResult> {
  const { root, now } = options;
  const config = loadSiteGroup(root);
  if (!config.group || hasErrors(config.diagnostics)) return { ok: false, configDiagnostics: config.diagnostics };
  const group = config.group;

  const loadOptions: { maxEntryBytes: number; sites?: ReadonlySet<string> } = { maxEntryBytes: group.limits.maxEntryBytes };
  if (options.sites) loadOptions.sites = options.sites;
  const content = loadContent(root, loadOptions);

  const cache = options.cache === false ? undefined : FactsCache.open(join(root, '.sealpress'));
  const facts = await analyseAll(content.entries, { ...(cache ? { cache } : {}), ...(options.workers ? { workers: options.workers } : {}) });
  const wanted = new Set<string>();
  for (const f of facts) for (const ref of f?.references ?? []) if (ref.path) wanted.add(ref.path);
  const assets = loadAssets(root, wanted, group.limits.maxAssetBytes);

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
  const plan = planEntries(validated, [...content.diagnostics, ...trustFiles.diagnostics, ...records.diagnostics, ...approvals.diagnostics], now, approvals.judge);
  return { ok: true, group, plan, configDiagnostics: config.diagnostics };
}
