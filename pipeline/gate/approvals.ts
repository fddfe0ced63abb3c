/**
 * The approval half of the gate: verify the trust material, verify every
 * approval record (approvals, withdrawals, writers' submissions) once, then
 * judge each entry against them (approve/). The result plugs into the planner
 * as a pure function of the entry.
 */
import { decide, prepareRecordsParallel, recordFindings, type ApprovalEntry, type ApprovalFinding, type PreparedRecord } from '../approve/index.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import type { RuleId } from '../diagnostics/rules.ts';
import { type RecordFile } from '../load/index.ts';
import { sha256Hex } from '../fs/index.ts';
import { expiringWarnings, type ExpiringRecord } from './freeze.ts';
import type { FrontMatter, SiteGroup } from '../model/index.ts';
import type { ApprovalJudge } from '../plan/index.ts';
import { assetDigests, type ValidatedEntry } from '../validate/index.ts';
import { contentPathProblem, withdrawalsByEntry, type LedgerWithdrawal, type ReleaseMemory } from '../release/index.ts';
import { CLOCK_SKEW_MS, SITE_CODE, type TrustResult } from '../trust/index.ts';
import { chinaDate } from '../util/dates.ts';

function ruleOf(code: ApprovalFinding['code']): { rule: RuleId; severity: 'error' | 'warning' | 'info' } {
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
    case 'APPROVAL_REJECTED':
      return { rule: 'approval-rejected', severity: 'warning' };
    default:
      return { rule: 'approval-invalid', severity: 'error' };
  }
}

/**
 * What the approval stage knows about an entry: its place in the group, who
 * its front matter names, and the bytes an approval binds (Trust model 2).
 * The one definition, for the gate's judge and for whoever signs (pipeline/sign).
 */
export function approvalEntry(
  entry: Pick<ValidatedEntry, 'path' | 'site' | 'column' | 'assets'> & { frontMatter: Pick<FrontMatter, 'department' | 'author'>; digest: string },
  group: SiteGroup,
): ApprovalEntry {
  return {
    path: entry.path,
    site: entry.site,
    column: entry.column,
    category: group.columns.get(entry.column)?.category ?? '',
    siteKind: group.sites.get(entry.site)?.kind ?? 'sub',
    department: entry.frontMatter.department,
    author: entry.frontMatter.author,
    digest: entry.digest,
    assets: assetDigests(entry.assets),
  };
}

export interface ApprovalSetup {
  judge: ApprovalJudge;
  /** Trust problems and warnings, and unreadable record files. */
  diagnostics: Diagnostic[];
  /** Every valid withdrawal among the records, for the next release to remember (empty when the trust material does not verify). */
  withdrawals: LedgerWithdrawal[];
}


export async function approvalJudge(options: {
  group: SiteGroup;
  /** The trust material, verified once for the run. */
  trust: TrustResult;
  records: readonly RecordFile[];
  now: Date;
  workers?: number;
  /** Other signed records that count now (waivers, column changes): their certificates' expiry is warned about with the approvals'. */
  otherSigned?: readonly ExpiringRecord[];
  /** What the latest signed release remembers. */
  memory?: Pick<ReleaseMemory, 'version' | 'ledger'>;
}): Promise<ApprovalSetup> {
  const { group, now } = options;
  const diagnostics: Diagnostic[] = [];
  const trust = options.trust;
  for (const w of trust.warnings) diagnostics.push(diagnostic('trust-warning', 'warning', w.file, undefined, { zh: `${w.zh.message} [${w.code}]`, en: `${w.message} [${w.code}]` }, { fix: { zh: w.zh.fix, en: w.fix } }));
  if (!trust.ok) {
    for (const p of trust.problems) diagnostics.push(diagnostic('trust-invalid', 'error', p.file, undefined, { zh: `${p.zh.message} [${p.code}]`, en: `${p.message} [${p.code}]` }, { fix: { zh: p.zh.fix, en: p.fix } }));
    const why = trust.problems[0];
    return {
      diagnostics,
      withdrawals: [],
      judge: {
        verified: false,
        note: `the trust material does not verify (${trust.problems.length} problem${trust.problems.length === 1 ? '' : 's'}): nothing can be published until it does`,
        zh: { note: `信任材料未通过核验（${trust.problems.length} 个问题）：核验通过前不能发布任何内容` },
        judge: (entry) => ({
          status: 'refused',
          findings: [
            diagnostic(
              'trust-invalid',
              'error',
              entry.path,
              undefined,
              { zh: `信任材料未通过核验，予以拒绝：${why ? `${why.file}：${why.zh.message}` : '原因不明'}`, en: `refused because the trust material does not verify: ${why ? `${why.file}: ${why.message}` : 'unknown problem'}` },
              {
                fix: { zh: '恢复 sites/trust/ 下的信任文件，或请保密管理员签署变更（`sealpress trust sign`）', en: 'restore the trust files under sites/trust/ or have the security administrators sign the change (`sealpress trust sign`)' },
              },
            ),
          ],
        }),
      },
    };
  }
  const prepared = await prepareRecordsParallel(options.records, trust.trust, options.workers ? { workers: options.workers } : {});
  // A refused record shows up even when it names no entry that exists.
  for (const f of recordFindings(prepared)) {
    const { rule } = ruleOf(f.code);
    diagnostics.push(diagnostic(rule === 'approval-stale' ? 'approval-stale' : 'approval-invalid', 'error', f.file, undefined, { zh: `${f.zh.message} [${f.code}${f.detail ? `/${f.detail}` : ''}]`, en: `${f.message} [${f.code}${f.detail ? `/${f.detail}` : ''}]` }, { fix: { zh: f.zh.fix, en: f.fix } }));
  }
  // Records that count now but would be refused once their certificate expires unretired: warn ahead, once per certificate, whatever kind of record it signed.
  const counting = prepared.records.flatMap((r) => (!r.problem && r.person && r.cert ? [{ file: r.file, person: r.person, cert: r.cert, frozen: r.frozen === true }] : []));
  diagnostics.push(...expiringWarnings([...counting, ...(options.otherSigned ?? [])], now));
  const pinned = trust.trust.anchor.pinned;
  // A release names the records behind each entry by digest; hashed once each, when first needed.
  const recordBytes = new Map(options.records.map((r) => [r.file, r.bytes]));
  const recordDigests = new Map<string, string>();
  const digestOf = (file: string): string => {
    let d = recordDigests.get(file);
    if (d === undefined) {
      const bytes = recordBytes.get(file);
      d = bytes ? sha256Hex(bytes) : '';
      recordDigests.set(file, d);
    }
    return d;
  };
  const withdrawals = seenWithdrawals(prepared.records, now, digestOf);
  const remembered = withdrawalsByEntry(options.memory?.ledger);
  if (options.memory) diagnostics.push(...missingWithdrawals(remembered, withdrawals, options.memory.version, digestOf));
  return {
    diagnostics,
    withdrawals,
    judge: {
      verified: true,
      note: `approvals verified against policy v${trust.trust.policy.version}, roster v${trust.trust.roster.version}, revocations v${trust.trust.revocations.version}; CA ${trust.trust.anchor.fingerprint.slice(0, 16)}… ${pinned ? '(pinned)' : '(taken from the repository: pin it with --trust-anchor or SEALPRESS_TRUST_ANCHOR)'}`,
      zh: {
        note: `已依据审批规则 v${trust.trust.policy.version}、人员名册 v${trust.trust.roster.version}、吊销清单 v${trust.trust.revocations.version} 核验审批；CA ${trust.trust.anchor.fingerprint.slice(0, 16)}…${pinned ? '（已固定）' : '（取自仓库：请用 --trust-anchor 或 SEALPRESS_TRUST_ANCHOR 固定）'}`,
      },
      judge: (entry) => {
        const result = decide(
          approvalEntry(entry, group),
          prepared,
          now,
          (remembered.get(entry.path) ?? []).map((w) => ({ record: w.record, atMs: w.atMs, signer: w.signer })),
        );
        return {
          status: result.status,
          ...(result.records ? { records: result.records.map((file) => ({ file, sha256: digestOf(file) })) } : {}),
          ...(result.approvedAtMs !== undefined ? { approvedAt: new Date(result.approvedAtMs).toISOString() } : {}),
          findings: result.findings.map((f) => {
            const { rule, severity } = ruleOf(f.code);
            const where = f.file === entry.path ? '' : ` (record ${f.file})`;
            const whereZh = f.file === entry.path ? '' : `（记录 ${f.file}）`;
            return diagnostic(rule, severity, entry.path, undefined, { zh: `${f.zh.message}${whereZh}`, en: `${f.message}${where}` }, { fix: { zh: f.zh.fix, en: f.fix }, code: f.code });
          }),
        };
      },
    },
  };
}

/** The valid withdrawals among the verified records (signed no later than the gate's clock), as a ledger lists them. */
function seenWithdrawals(records: readonly PreparedRecord[], now: Date, digestOf: (file: string) => string): LedgerWithdrawal[] {
  const out: LedgerWithdrawal[] = [];
  for (const r of records) {
    const p = r.payload;
    if (r.problem || !r.person || !p || p.decision !== 'withdraw' || p.signedAtMs > now.getTime() + CLOCK_SKEW_MS) continue;
    if (contentPathProblem(r.file, true) !== undefined) continue;
    for (const item of p.entries) {
      const site = item.path.split('/')[1] ?? '';
      // A path no site of any group can hold names no entry: there is nothing to keep off a site.
      if (!SITE_CODE.test(site) || contentPathProblem(item.path, false) !== undefined) continue;
      out.push({ entry: item.path, site, signedAt: p.signedAt, signer: r.person.id, record: r.file, sha256: digestOf(r.file) });
    }
  }
  return out;
}

/**
 * WITHDRAWAL_MISSING: a remembered withdrawal whose record file is gone or
 * has other bytes, and that no present withdrawal of the entry as late or
 * later replaces. The entry stays withdrawn either way (decide); this says
 * which file to restore.
 */
function missingWithdrawals(remembered: ReturnType<typeof withdrawalsByEntry>, present: readonly LedgerWithdrawal[], version: number, digestOf: (file: string) => string): Diagnostic[] {
  const latest = new Map<string, number>();
  for (const w of present) latest.set(w.entry, Math.max(latest.get(w.entry) ?? -Infinity, Date.parse(w.signedAt)));
  const out: Diagnostic[] = [];
  for (const [entry, list] of remembered) {
    for (const w of list) {
      const digest = digestOf(w.record);
      if (digest === w.sha256 || (latest.get(entry) ?? -Infinity) >= w.atMs) continue;
      out.push(
        diagnostic(
          'approval-invalid',
          'error',
          w.record,
          undefined,
          {
            zh: `${w.signer} 于 ${chinaDate(w.atMs)}（${w.signedAt}）撤下了 ${entry}；已签名的发布版本 v${version} 记得这次撤下，但该记录文件${digest === '' ? '已缺失' : '已被改动'}。条目仍保持撤下状态：删除撤下记录不会让条目恢复发布 [WITHDRAWAL_MISSING]`,
            en: `${w.signer} withdrew ${entry} on ${chinaDate(w.atMs)} (${w.signedAt}); signed release v${version} remembers it, but this record file is ${digest === '' ? 'missing' : 'changed'}. The entry stays withdrawn: deleting a withdrawal never brings an entry back [WITHDRAWAL_MISSING]`,
          },
          {
            fix: {
              zh: `从仓库历史中恢复该记录（\`git log --all -- ${w.record}\`，再 \`git checkout <commit> -- ${w.record}\`；其 SHA-256 为 ${w.sha256}）；如需重新发布该条目，须在撤下之后重新签署审批规则要求的全部审批`,
              en: `restore the record from the repository history (\`git log --all -- ${w.record}\`, then \`git checkout <commit> -- ${w.record}\`; its SHA-256 is ${w.sha256}); to publish the entry again, the approvals the policy requires must be signed after the withdrawal`,
            },
          },
        ),
      );
    }
  }
  return out;
}
