/**
 * Signing one record for a batch of entries, with the gate as the judge on
 * both sides: review (the gate runs, the signer sees exactly what they sign
 * and why they may not), then, once the caller has confirmed and signed the
 * bytes, write the record and gate again. `approve`, `withdraw` and `submit`
 * share it; the review desk calls the same functions. The key stays with the
 * caller: only the certificate comes in for the review.
 */
import type { Lang } from '../messages/text.ts';
import { sha256Hex } from '../fs/index.ts';
import { existsSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { prepareRecordsParallel, signApproval, type ApprovalItem, type Decision, type PreparedRecords } from '../approve/index.ts';
import { listedEntries, type AuditEvent } from '../audit/index.ts';
import { shownMessage, type Diagnostic } from '../diagnostics/index.ts';
import { SealpressError } from '../errors/index.ts';
import { runGate } from '../gate/index.ts';
import { loadApprovalRecords, loadTrustFiles } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import type { Plan, PlanEntry } from '../plan/index.ts';
import { isoInstant, verifyTrust, type CertInfo, type RosterPerson, type Signer, type Trust, type TrustFiles, type TrustResult } from '../trust/index.ts';
import { approvalEntryOf, approvalItem, approvalQueue, describeEntry, entryProblems, policyNeeds, recordPath, signerStanding, statusLine, submitters } from './decide.ts';
import { chinaTime } from '../util/dates.ts';

export interface SigningRequest {
  /** The repository. */
  root: string;
  /** The signing time and the gate's clock. */
  now: Date;
  /** The CA fingerprint pinned from outside the repository. */
  trustAnchor?: string | undefined;
  decision: Decision;
  /** The entries, as given (relative to the current folder or to root). */
  paths: readonly string[];
  /** Why (withdraw). */
  reason?: string | undefined;
  /** The signer's certificate. */
  cert: CertInfo;
  /** The language of the findings shown (their messages, the entries' state after signing); default English. */
  lang?: Lang | undefined;
}

/** What the signer is shown and what would be signed. */
export interface SigningReview {
  kind: 'review';
  request: SigningRequest;
  group: SiteGroup;
  trust: Trust;
  entries: PlanEntry[];
  /** What the record binds, one item per readable entry. */
  items: ApprovalItem[];
  /** The signer in the roster; undefined when not listed (problems says so). */
  person: RosterPerson | undefined;
  /** Why nothing may be signed, `<path>: <why>` per entry; empty when the signer may sign. */
  problems: string[];
  /** The review, line by line (a heading, then each entry as describeEntry gives it). */
  lines: string[];
  sites: string[];
}

export type SigningReviewResult =
  /** The site group configuration (sites/) is invalid: nothing can be reviewed. */
  | { kind: 'config'; diagnostics: Diagnostic[] }
  /** The trust material does not verify: nothing signed could be verified. */
  | { kind: 'trust'; files: TrustFiles; result: TrustResult; unreadable: string[] }
  | SigningReview;

/** An entry argument as a repo-relative POSIX path: relative to the current folder, else to root. */
export function entryPath(root: string, arg: string): string {
  const candidates = [resolve(arg), resolve(root, arg)];
  for (const abs of candidates) {
    const rel = relative(root, abs);
    if (!rel.startsWith('..') && !isAbsolute(rel) && existsSync(abs)) return rel.split(sep).join('/');
  }
  const rel = relative(root, resolve(root, arg));
  return rel.split(sep).join('/');
}

const TITLES: Record<Decision, string> = { approve: 'Approval', withdraw: 'Withdrawal', submit: 'Submission', reject: 'Rejection' };
const TITLES_ZH: Record<Decision, string> = { approve: '审批', withdraw: '撤下', submit: '提交', reject: '驳回' };

async function gate(request: Pick<SigningRequest, 'root' | 'now' | 'trustAnchor'>) {
  return runGate({ root: request.root, now: request.now, ...(request.trustAnchor ? { trustAnchor: request.trustAnchor } : {}) });
}

export type Unreviewable = Exclude<SigningReviewResult, SigningReview>;

/** The gate's plan, the verified trust and the records as the gate verified them, or why there are none. */
export async function judged(request: Pick<SigningRequest, 'root' | 'now' | 'trustAnchor'>): Promise<Unreviewable | { kind: 'judged'; group: SiteGroup; plan: Plan; trust: Trust; prepared: PreparedRecords }> {
  const { root, now } = request;
  const before = await gate(request);
  if (!before.ok) return { kind: 'config', diagnostics: before.configDiagnostics };
  const loaded = loadTrustFiles(root);
  const result = verifyTrust(loaded.files, { now, ...(request.trustAnchor ? { anchorFingerprint: request.trustAnchor } : {}) });
  if (!result.ok) return { kind: 'trust', files: loaded.files, result, unreadable: loaded.diagnostics.map((d) => `${d.file}: ${d.message}`) };
  // The records as the gate verified them: who submitted each entry (its authors) and what this signer already signed.
  const prepared = await prepareRecordsParallel(loadApprovalRecords(root).records, result.trust);
  return { kind: 'judged', group: before.group, plan: before.plan, trust: result.trust, prepared };
}

/** The entries waiting for an approval that the certificate's holder may sign now (approvalQueue), as the gate judges them at `now`. */
export async function reviewQueue(request: Pick<SigningRequest, 'root' | 'now' | 'trustAnchor' | 'cert'>): Promise<Unreviewable | { kind: 'queue'; entries: PlanEntry[] }> {
  const j = await judged(request);
  if (j.kind !== 'judged') return j;
  return { kind: 'queue', entries: approvalQueue(j.plan.entries, { group: j.group, trust: j.trust, prepared: j.prepared, cert: request.cert }, request.now) };
}

/** Run the gate and decide whether the signer may sign the request; nothing is written. */
export async function reviewSigning(request: SigningRequest): Promise<SigningReviewResult> {
  const { root, now, decision, cert } = request;
  const j = await judged(request);
  if (j.kind !== 'judged') return j;
  const { group, plan, trust, prepared } = j;

  const paths = [...new Set(request.paths.map((p) => entryPath(root, p)))];
  const byPath = new Map(plan.entries.map((e) => [e.path, e]));
  const missing = paths.filter((p) => !byPath.has(p));
  if (missing.length > 0) throw new SealpressError('USAGE', { zh: `发布关口不认识该条目：${missing.join(', ')}（条目应为 content/<站点>/<栏目>/<slug>.md 或 .mdx）`, en: `not an entry the gate knows: ${missing.join(', ')} (entries are content/<site>/<column>/<slug>.md or .mdx)` });
  const entries = paths.map((p) => byPath.get(p)!);

  const lang = request.lang ?? 'en';
  const { person, problems } = signerStanding(cert, trust, now, lang);
  const ctx = { decision, group, trust, prepared, person, cert, lang };
  const roles = person?.roles.map((g) => g.role).join(' + ');
  const lines =
    lang === 'zh'
      ? [`${TITLES_ZH[decision]}：共 ${entries.length} 个条目，签署人 ${person ? `${person.name}（${person.id}），${roles}` : (cert.name ?? '未知签署人')}，时间 ${chinaTime(now)}，依据审批规则 v${trust.policy.version}${request.reason ? `；理由：${request.reason}` : ''}：`]
      : [`${TITLES[decision]} of ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} by ${person ? `${person.name} (${person.id}), ${roles}` : (cert.name ?? 'unknown signer')}, at ${chinaTime(now)}, under policy v${trust.policy.version}${request.reason ? `; reason: ${request.reason}` : ''}:`];
  const items: ApprovalItem[] = [];
  for (const e of entries) {
    const ae = approvalEntryOf(e, group);
    if (ae) items.push(approvalItem(ae));
    for (const w of entryProblems(e, ctx)) problems.push(`${e.path}: ${w}`);
    lines.push('', ...describeEntry(e, group, ae ? policyNeeds(ae, trust, lang) : '', submitters(prepared, e.path), lang));
  }
  lines.push('');
  return { kind: 'review', request, group, trust, entries, items, person, problems, lines, sites: [...new Set(entries.map((e) => e.site))] };
}

/** The audit entry of a refused review: the actor is named only when the roster knows the certificate; otherwise its fingerprint is what is known. */
export function refusalEvent(review: SigningReview): AuditEvent {
  const audited = listedEntries(review.entries.map((e) => e.path));
  const who = review.person ? { actor: review.person.id } : {};
  const details = { ...audited.details, certificate: review.request.cert.fingerprint, problems: review.problems.length };
  return { action: review.request.decision, ...who, sites: review.sites, entries: audited.entries, outcome: 'refused', details };
}

/** Sign the reviewed batch (only when it has no problems). Returns the record file bytes. */
export function signReview(review: SigningReview & { person: RosterPerson }, signer: Signer): Uint8Array {
  const { decision, reason, now } = review.request;
  return signApproval({ entries: review.items, decision, ...(reason !== undefined ? { reason } : {}), signer, now, policyVersion: review.trust.policy.version });
}

/** An entry after signing. */
export interface SignedEntry {
  path: string;
  before: PlanEntry['status'];
  status: PlanEntry['status'] | 'missing';
  /** The state in a line (statusLine). */
  line: string;
  findings: Diagnostic[];
}

export interface SignedRecord {
  /** The record, repo-relative. */
  record: string;
  sha256: string;
  signer: string;
  signedAt: string;
  entries: SignedEntry[];
  /** What the audit log records of it. */
  event: AuditEvent;
  /** The site group configuration became unreadable between the two gate runs (the entries are then `missing`). */
  afterDiagnostics?: Diagnostic[];
}

/** Refuse to write through a linked folder: the gate would not read a record there, and it could land outside the repository. */
function assertPlainFolders(root: string, rel: string): void {
  const parts = rel.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const abs = join(root, ...parts.slice(0, i));
    if (existsSync(abs) && lstatSync(abs).isSymbolicLink()) throw new SealpressError('CONFIG_INVALID', { zh: `${parts.slice(0, i).join('/')} 是符号链接；审批记录只写入普通文件夹`, en: `${parts.slice(0, i).join('/')} is a symlink; approval records are written only into plain folders` });
  }
}

/**
 * Write the signed record (never over another) and run the gate again: per
 * entry, whether it is publishable now or who is still needed.
 */
export async function writeSigned(review: SigningReview & { person: RosterPerson }, bytes: Uint8Array): Promise<SignedRecord> {
  const { root, now, decision, reason } = review.request;
  const person = review.person;
  const rel = recordPath(review.items, person.id, bytes, now, decision === 'approve' ? '' : `-${decision}`);
  assertPlainFolders(root, rel);
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), bytes, { flag: 'wx' });

  const after = await gate(review.request);
  const afterByPath = new Map((after.ok ? after.plan.entries : []).map((e) => [e.path, e]));
  const entries = review.entries.map((e): SignedEntry => {
    const now2 = afterByPath.get(e.path);
    return { path: e.path, before: e.status, status: now2?.status ?? 'missing', line: now2 ? statusLine(now2, review.request.lang) : review.request.lang === 'zh' ? '签署后找不到该条目' : 'not found after signing', findings: now2?.findings ?? [] };
  });
  const sha256 = sha256Hex(bytes);
  const audited = listedEntries(review.entries.map((e) => e.path));
  const details = { ...audited.details, record: rel, sha256, policy: review.trust.policy.version, ...(reason !== undefined ? { reason } : {}) };
  return {
    record: rel,
    sha256,
    signer: person.id,
    signedAt: isoInstant(now.getTime()),
    entries,
    event: { action: decision, actor: person.id, sites: review.sites, entries: audited.entries, outcome: 'ok', details },
    ...(after.ok ? {} : { afterDiagnostics: after.configDiagnostics }),
  };
}

/** `approve --json` and its siblings: { signed, record, decision, signer, signedAt, entries: [{ path, before, status, summary, findings }] }. */
export function signedJson(signed: SignedRecord, decision: Decision, lang: Lang): unknown {
  const entries = signed.entries.map((r) => ({ path: r.path, before: r.before, status: r.status, summary: r.line, findings: r.findings.map((f) => ({ rule: f.rule, severity: f.severity, message: shownMessage(f, lang) })) }));
  return { signed: true, record: signed.record, decision, signer: signed.signer, signedAt: signed.signedAt, entries };
}
