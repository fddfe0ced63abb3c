/**
 * One gate run: load → parse → validate → plan. I/O happens here, in order
 * (config, entries, then the assets they reference); every decision is made by
 * the pure stages, with the clock fixed once for the run.
 */
import { hasErrors, type Diagnostic } from '../diagnostics/index.ts';
import { loadAssets, loadContent, loadSiteGroup } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { parseEntry } from '../parse/index.ts';
import { planEntries, type Plan } from '../plan/index.ts';
import { prepareEntry, validateEntry, type ValidatedEntry } from '../validate/index.ts';

export interface GateOptions {
  root: string;
  now: Date;
  /** Judge only these sites' entries. */
  sites?: ReadonlySet<string>;
}

export type GateResult =
  | { ok: true; group: SiteGroup; plan: Plan; configDiagnostics: Diagnostic[] }
  | { ok: false; configDiagnostics: Diagnostic[] };

export function runGate(options: GateOptions): GateResult {
  const { root, now } = options;
  const config = loadSiteGroup(root);
  if (!config.group || hasErrors(config.diagnostics)) return { ok: false, configDiagnostics: config.diagnostics };
  const group = config.group;

  const loadOptions: { maxEntryBytes: number; sites?: ReadonlySet<string> } = { maxEntryBytes: group.limits.maxEntryBytes };
  if (options.sites) loadOptions.sites = options.sites;
  const content = loadContent(root, loadOptions);

  const parsed = content.entries.map((loaded) => ({ loaded, result: parseEntry(loaded) }));
  const prepared = parsed.map(({ result }) => (result.ok ? prepareEntry(result.entry) : undefined));
  const wanted = new Set<string>();
  for (const p of prepared) for (const ref of p?.references ?? []) if (ref.path) wanted.add(ref.path);
  const assets = loadAssets(root, wanted, group.limits.maxAssetBytes);

  const validated = parsed.map(({ loaded, result }, i): ValidatedEntry => {
    const prep = prepared[i];
    if (result.ok && prep) {
      const v = validateEntry(result.entry, prep, group, assets);
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
      findings: [...loaded.findings, ...(result.ok ? [] : result.findings)],
    };
    if (loaded.digest !== undefined) v.digest = loaded.digest;
    return v;
  });
  const plan = planEntries(validated, content.diagnostics, now);
  return { ok: true, group, plan, configDiagnostics: config.diagnostics };
}
