/**
 * One gate run: load → parse → validate → plan. I/O happens here, in order
 * (config, entries, then the assets they reference); every decision is made by
 * the pure stages, with the clock fixed once for the run.
 */
import { diagnostic, hasErrors, type Diagnostic } from '../diagnostics/index.ts';

type WaivableDiagnostic = Diagnostic & WaivableFinding;
import { applyWaivers, checksConfigDigest, scanOptions, type ChecksConfig, type WaivableFinding } from '../check/index.ts';
import { TRUST_PATHS, verifyTrust, type Trust, type TrustResult } from '../trust/index.ts';
import { carryLedger, trustRollbacks, type LedgerTrustDoc, type ReleaseLedger, type ReleaseMemory } from '../release/index.ts';
import { verifyWaivers } from './waivers.ts';
import { loadApprovalRecords, loadChecksConfig, loadContent, loadSignedRecords, loadSiteGroup, loadTrustFiles, WAIVERS_DIR } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { join } from 'node:path';
import { planEntries, type Plan } from '../plan/index.ts';
import { validateEntry, type ValidatedEntry } from '../validate/index.ts';
import { adminRegister, governColumns, repositoryCalendar, loadColumnChanges, verifyColumnChanges, type FilingRecord, type SiteColumnChanges, type WorkCalendar } from '../govern/index.ts';
import { analyseAll } from './analyse-pool.ts';
import { loadAndCheckAssets } from './attachments.ts';
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
  /**
   * What the latest signed release remembers (loadMemory): its withdrawals
   * count as if their records were present, and trust documents older than
   * it was gated under are refused (Trust model 10). Without it the gate
   * knows only the files in front of it.
   */
  memory?: ReleaseMemory;
  /**
   * The site group and trust material as the caller already read them
   * (readGateInputs). The gate judges these bytes and reads them no second
   * time, so a release made from its verdict binds exactly the bytes it
   * verified (publish: a trust document changed on disk meanwhile cannot slip
   * into the release beside a verdict made on the old one, or the reverse).
   */
  inputs?: GateInputs;
}

/** What the gate reads before any entry: the site group and the trust material. */
export interface GateInputs {
  siteGroup: ReturnType<typeof loadSiteGroup>;
  trustFiles: ReturnType<typeof loadTrustFiles>;
}

/** Read the gate's inputs once, for a caller that also binds them (publish). */
export function readGateInputs(root: string): GateInputs {
  return { siteGroup: loadSiteGroup(root), trustFiles: loadTrustFiles(root) };
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

/** What column governance and the administrator register found, for the reports. */
export interface GateGovernance {
  columns: ReadonlyMap<string, SiteColumnChanges>;
  administrators: FilingRecord[];
  /** The working-day calendar the register counted by: the package with the repository's sites/calendar/ files. */
  calendar: WorkCalendar;
}

export type GateResult =
  | {
      ok: true;
      group: SiteGroup;
      plan: Plan;
      configDiagnostics: Diagnostic[];
      timings: GateTimings;
      checks: ChecksConfig;
      governance: GateGovernance;
      /** What a release of this plan remembers: the memory given, with the withdrawals and trust versions of this run added. */
      ledger: ReleaseLedger | undefined;
    }
  | { ok: false; configDiagnostics: Diagnostic[] };

export async function runGate(options: GateOptions): Promise<GateResult> {
  const { root, now } = options;
  const t0 = performance.now();
  const inputs = options.inputs ?? readGateInputs(root);
  const config = inputs.siteGroup;
  if (!config.group || hasErrors(config.diagnostics)) return { ok: false, configDiagnostics: config.diagnostics };
  const group = config.group;

  const loadOptions: { maxEntryBytes: number; sites?: ReadonlySet<string> } = { maxEntryBytes: group.limits.maxEntryBytes };
  if (options.sites) loadOptions.sites = options.sites;
  const content = loadContent(root, loadOptions);
  const t1 = performance.now();

  const checksConfig = loadChecksConfig(root, group);
  if (!checksConfig.config || hasErrors(checksConfig.diagnostics)) return { ok: false, configDiagnostics: [...config.diagnostics, ...checksConfig.diagnostics] };
  const checks = scanOptions(checksConfig.config);

  // The trust material is verified first: waivers (below) and approvals rest on it.
  const trustFiles = inputs.trustFiles;
  const verified = verifyTrust(trustFiles.files, { now, ...(options.trustAnchor ? { anchorFingerprint: options.trustAnchor } : {}) });
  // An older trust document than a release was gated under is a rollback (an older revocation list restored): refused.
  const trust = rememberedTrust(verified, options.memory);
  const waiverFiles = loadSignedRecords(root, WAIVERS_DIR);
  const { waivers, diagnostics: waiverDiagnostics } = verifyWaivers(waiverFiles.records, trust.ok ? trust.trust : undefined, now);
  // Column governance: the office's signed column change requests decide which columns each sub-site has (pipeline/govern).
  const changeFiles = loadColumnChanges(root);
  const changes = verifyColumnChanges(changeFiles.records, trust.ok ? trust.trust : undefined, group, now);
  const governance = governColumns(group, changes.changes);
  const governed = governance.group;
  // The working-day calendar: the chinese-days package with the office's sites/calendar/<year>.yaml; a broken file is reported, and its year is not covered.
  const calendar = repositoryCalendar(root);
  const register = adminRegister(governed, calendar.calendar, now);
  // A waiver or column change request that counts now, whose certificate expires unretired soon: warn ahead (gate/freeze.ts).
  // Waivers and column changes that count now: the approval half warns about their expiring certificates together with the approvals', once per certificate.
  const otherSigned = trust.ok
    ? [...waivers, ...changes.changes].flatMap((r) => {
        const p = trust.trust.personByCertificate.get(r.cert.fingerprint);
        return p ? [{ file: r.file, person: p, cert: r.cert, frozen: r.frozen }] : [];
      })
    : [];
  const governDiagnostics = [...changeFiles.diagnostics, ...changes.diagnostics, ...governance.diagnostics, ...calendar.diagnostics, ...register.diagnostics];
  const nowMs = now.getTime();

  // Entry facts now depend on the checks' configuration too: it salts the cache.
  const cache = options.cache === false ? undefined : FactsCache.open(join(root, '.sealpress'), checksConfigDigest(checksConfig.config));
  const facts = analyseAll(content.entries, { checks, ...(cache ? { cache } : {}) });
  const t2 = performance.now();
  const wanted = new Set<string>();
  for (const f of facts) for (const ref of f?.references ?? []) if (ref.path) wanted.add(ref.path);
  // Attachments are read in their format (documents by workers with a time limit) and checked; their findings are cached too.
  const assets = await loadAndCheckAssets(wanted, { root, maxBytes: group.limits.maxAssetBytes, checks, waivers, now: nowMs, ...(cache ? { cache } : {}) });

  const validated = content.entries.map((loaded, i): ValidatedEntry => {
    const f = facts[i];
    if (f?.parsed) {
      const v = validateEntry(loaded, f, governed, assets);
      v.findings = governance.review(v, v.findings);
      v.findings.unshift(...loaded.findings);
      // A signed waiver lets exactly the finding it names through, for these bytes only.
      if (waivers.length > 0 && v.digest) v.findings = applyWaivers(v.findings as WaivableDiagnostic[], waivers, v.digest, { now: nowMs });
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
  const suppressed = new Set(validated.flatMap((v) => v.findings.map((f) => f.suppressed?.waiver)).filter((w): w is string => !!w));
  for (const a of assets.values()) for (const f of (a.ok && a.findings) || []) if (f.suppressed) suppressed.add(f.suppressed.waiver);
  for (const w of waivers) {
    if (suppressed.has(w.payload.id)) continue;
    waiverDiagnostics.push(diagnostic('waiver-unused', 'warning', w.payload.path, undefined, { zh: `豁免 ${w.payload.id}（${w.payload.rule}）没有对应的现有问题：签署后文件或相关内容已有变化`, en: `waiver ${w.payload.id} (${w.payload.rule}) covers no current finding: the file or the value changed since it was signed` }, { fix: { zh: '删除该豁免，或针对当前文件重新签署豁免', en: 'remove the waiver, or have a new one signed for the current file' } }));
  }

  const t3 = performance.now();
  const records = loadApprovalRecords(root);
  const approvals = await approvalJudge({
    group: governed,
    trust,
    records: records.records,
    now,
    otherSigned,
    ...(options.workers ? { workers: options.workers } : {}),
    ...(options.memory ? { memory: options.memory } : {}),
  });
  const t4 = performance.now();
  const plan = planEntries(validated, [...content.diagnostics, ...trustFiles.diagnostics, ...waiverFiles.diagnostics, ...waiverDiagnostics, ...records.diagnostics, ...approvals.diagnostics, ...governDiagnostics], now, approvals.judge);
  const t5 = performance.now();
  // Deciding happens inside planning, so the approval figure includes it (planning alone is cheap).
  const timings: GateTimings = { load: t1 - t0, analyse: t2 - t1, validate: t3 - t2, approvals: t4 - t3 + (t5 - t4), total: t5 - t0 };
  const current = verified.ok ? { versions: trustVersions(verified.trust), ca: verified.trust.anchor.fingerprint } : undefined;
  // Trust versions count within one CA: under a new CA (a new trust domain) only the withdrawals are carried.
  const remembered = options.memory?.ledger && current && options.memory.caFingerprint !== current.ca ? { ...options.memory.ledger, trust: current.versions } : options.memory?.ledger;
  const ledger = carryLedger(remembered, approvals.withdrawals, current?.versions);
  return { ok: true, group: governed, plan, configDiagnostics: config.diagnostics, timings, checks: checksConfig.config, governance: { columns: governance.sites, administrators: register.records, calendar: calendar.calendar }, ledger };
}

/** The versions of the signed trust documents. */
export function trustVersions(trust: Trust): Record<LedgerTrustDoc, number> {
  return { root: trust.root.version, roster: trust.roster.version, policy: trust.policy.version, revocations: trust.revocations.version };
}

/**
 * The trust material as the gate may use it: refused (TRUST_ROLLBACK) when a
 * document is older than the one the remembered release was gated under, under
 * the same CA (another CA is another trust domain, with versions of its own).
 */
export function rememberedTrust(trust: TrustResult, memory: ReleaseMemory | undefined): TrustResult {
  const remembered = memory?.ledger?.trust;
  if (!trust.ok || !memory || !remembered || memory.caFingerprint !== trust.trust.anchor.fingerprint) return trust;
  const back = trustRollbacks(trustVersions(trust.trust), remembered);
  if (back.length === 0) return trust;
  return {
    ok: false,
    warnings: trust.warnings,
    problems: back.map((b) => ({
      code: 'TRUST_ROLLBACK' as const,
      file: TRUST_PATHS[b.doc],
      message: `${TRUST_PATHS[b.doc]} is version ${b.have}, older than version ${b.remembered} that signed release v${memory.version} was gated under: an older signed document was restored (a revocation or a withdrawn right may have been undone)`,
      fix: `restore the newest signed ${TRUST_PATHS[b.doc]} (version ${b.remembered} or later, from the repository history or the release archive) and tell the security administrators`,
      zh: {
        message: `${TRUST_PATHS[b.doc]} 为第 ${b.have} 版，早于已签名发布版本 v${memory.version} 经发布关口核验时所依据的第 ${b.remembered} 版：有人恢复了较旧的签名文件（吊销或撤销的权限可能因此失效）`,
        fix: `恢复最新签署的 ${TRUST_PATHS[b.doc]}（第 ${b.remembered} 版或更新，取自仓库历史或发布归档），并报告保密管理员`,
      },
    })),
  };
}
