/**
 * The approval half of the gate: verify the trust material, verify every
 * approval record (approvals, withdrawals, writers' submissions) once, then
 * judge each entry against them (approve/). The result plugs into the planner
 * as a pure function of the entry.
 */
import { decide, prepareRecordsParallel, recordFindings, type ApprovalFinding } from '../approve/index.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import type { RuleId } from '../diagnostics/rules.ts';
import { sha256, type RecordFile } from '../load/index.ts';
import { expiringWarnings } from './freeze.ts';
import type { SiteGroup } from '../model/index.ts';
import type { ApprovalJudge } from '../plan/index.ts';
import { assetDigests } from '../validate/index.ts';
import type { TrustResult } from '../trust/index.ts';

function ruleOf(code: ApprovalFinding['code']): { rule: RuleId; severity: 'error' | 'info' } {
  switch (code) {
    case 'THRESHOLD_NOT_MET':
      return { rule: 'approval-pending', severity: 'info' };
    case 'SUBMISSION_MISSING':
    case 'SUBMISSION_STALE':
      return { rule: 'submission-pending', severity: 'info' };
    case 'APPROVAL_STALE':
      return { rule: 'approval-stale', severity: 'error' };
    case 'APPROVAL_WITHDRAWN':
      return { rule: 'withdrawn', severity: 'info' };
    default:
      return { rule: 'approval-invalid', severity: 'error' };
  }
}

export interface ApprovalSetup {
  judge: ApprovalJudge;
  /** Trust problems and warnings, and unreadable record files. */
  diagnostics: Diagnostic[];
}

export async function approvalJudge(options: {
  group: SiteGroup;
  /** The trust material, verified once for the run. */
  trust: TrustResult;
  records: readonly RecordFile[];
  now: Date;
  workers?: number;
}): Promise<ApprovalSetup> {
  const { group, now } = options;
  const diagnostics: Diagnostic[] = [];
  const trust = options.trust;
  for (const w of trust.warnings) diagnostics.push(diagnostic('trust-warning', 'warning', w.file, undefined, `${w.message} [${w.code}]`, { fix: w.fix }));
  if (!trust.ok) {
    for (const p of trust.problems) diagnostics.push(diagnostic('trust-invalid', 'error', p.file, undefined, `${p.message} [${p.code}]`, { fix: p.fix }));
    const why = trust.problems[0];
    return {
      diagnostics,
      judge: {
        verified: false,
        note: `the trust material does not verify (${trust.problems.length} problem${trust.problems.length === 1 ? '' : 's'}): nothing can be published until it does`,
        judge: (entry) => ({
          status: 'refused',
          findings: [
            diagnostic('trust-invalid', 'error', entry.path, undefined, `refused because the trust material does not verify: ${why ? `${why.file}: ${why.message}` : 'unknown problem'}`, {
              fix: 'restore the trust files under sites/trust/ or have the security administrators sign the change (`sealpress trust sign`)',
            }),
          ],
        }),
      },
    };
  }
  const prepared = await prepareRecordsParallel(options.records, trust.trust, options.workers ? { workers: options.workers } : {});
  // A refused record shows up even when it names no entry that exists.
  for (const f of recordFindings(prepared)) {
    const { rule } = ruleOf(f.code);
    diagnostics.push(diagnostic(rule === 'approval-stale' ? 'approval-stale' : 'approval-invalid', 'error', f.file, undefined, `${f.message} [${f.code}${f.detail ? `/${f.detail}` : ''}]`, { fix: f.fix }));
  }
  // Records that count now but would be refused once their certificate expires unretired: warn ahead.
  diagnostics.push(...expiringWarnings(prepared.records.flatMap((r) => (!r.problem && r.person && r.cert ? [{ file: r.file, person: r.person, cert: r.cert, frozen: r.frozen === true }] : [])), now));
  const pinned = trust.trust.anchor.pinned;
  // A release names the records behind each entry by digest; hashed once each, when first needed.
  const recordBytes = new Map(options.records.map((r) => [r.file, r.bytes]));
  const recordDigests = new Map<string, string>();
  const digestOf = (file: string): string => {
    let d = recordDigests.get(file);
    if (d === undefined) {
      const bytes = recordBytes.get(file);
      d = bytes ? sha256(bytes) : '';
      recordDigests.set(file, d);
    }
    return d;
  };
  return {
    diagnostics,
    judge: {
      verified: true,
      note: `approvals verified against policy v${trust.trust.policy.version}, roster v${trust.trust.roster.version}, revocations v${trust.trust.revocations.version}; CA ${trust.trust.anchor.fingerprint.slice(0, 16)}… ${pinned ? '(pinned)' : '(taken from the repository: pin it with --trust-anchor or SEALPRESS_TRUST_ANCHOR)'}`,
      judge: (entry) => {
        const column = group.columns.get(entry.column);
        const site = group.sites.get(entry.site);
        const result = decide(
          {
            path: entry.path,
            site: entry.site,
            column: entry.column,
            category: column?.category ?? '',
            siteKind: site?.kind ?? 'sub',
            department: entry.frontMatter.department,
            author: entry.frontMatter.author,
            digest: entry.digest,
            assets: assetDigests(entry.assets),
          },
          prepared,
          now,
        );
        return {
          status: result.status,
          ...(result.records ? { records: result.records.map((file) => ({ file, sha256: digestOf(file) })) } : {}),
          ...(result.approvedAtMs !== undefined ? { approvedAt: new Date(result.approvedAtMs).toISOString() } : {}),
          findings: result.findings.map((f) => {
            const { rule, severity } = ruleOf(f.code);
            const where = f.file === entry.path ? '' : ` (record ${f.file})`;
            return diagnostic(rule, severity, entry.path, undefined, `${f.message}${where} [${f.code}]`, { fix: f.fix });
          }),
        };
      },
    },
  };
}
