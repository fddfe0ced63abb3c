/**
 * What the review desk shows, as data: the queue of one approver (待我审核)
 * and, for one entry, everything they should see before they sign: the state
 * the gate gives it, who signed what (the signed records are the history),
 * who still must, what changed since the version a colleague approved (from
 * git, found again by the digest the approval bound) and whether this person
 * may approve or reject it. The gate is the judge: every view runs it (its
 * facts cache makes that cheap) and nothing here decides anything itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decide, type ApprovalItem, type AssetDigest, type Decision } from '../approve/index.ts';
import { auditShow } from '../publish/audit-log.ts';
import { sha256Hex } from '../fs/index.ts';
import type { PlanEntry } from '../plan/index.ts';
import { approvalEntryOf, approvalQueue, entryProblems, judged, signerStanding, statusLine, type Unreviewable } from '../sign/index.ts';
import type { CertInfo } from '../trust/index.ts';
import { chinaTime } from '../util/dates.ts';
import { say } from '../messages/text.ts';
import { needsReader, ReaderPool, type ReadDocument } from '../read/index.ts';
import { assetChanges, textDiff, type AssetChange, type TextDiff } from './diff.ts';
import { committedVersion } from './versions.ts';

export interface BoardRequest {
  root: string;
  now: Date;
  trustAnchor?: string | undefined;
  cert: CertInfo;
  /** Where the audit log is read from ($SEALPRESS_AUDIT_LOG). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One signed record that names the entry, as the gate verified it. */
export interface RecordView {
  file: string;
  decision?: Decision;
  who?: string;
  at?: string;
  atMs?: number;
  reason?: string;
  /** It binds the entry's current bytes and assets. */
  current: boolean;
  /** Why the gate refuses the record, when it does. */
  problem?: string;
}

/** The version the desk compares with: the one the latest approval signed. */
export type Baseline =
  | { kind: 'never' }
  | { kind: 'same'; by: string; at: string }
  | { kind: 'diff'; by: string; at: string; commit: string; text: TextDiff; assets: AssetChange[] }
  | { kind: 'unavailable'; by: string; at: string; why: string; assets: AssetChange[] };

export interface EntryView {
  entry: PlanEntry;
  title: string;
  siteName: string;
  columnName: string;
  departmentName: string;
  /** The state in a line, as `check` and `approve` give it. */
  status: string;
  records: RecordView[];
  /** Names of those whose valid approvals of the current bytes count. */
  approvedBy: string[];
  /** Who can still give a missing approval (empty when none is missing or nobody can). */
  canApprove: { id: string; name: string }[];
  needs?: string;
  baseline: Baseline;
  /** The entry's text, when the file still has the bytes the gate judged. */
  source?: string;
  sourceProblem?: string;
  /** Why this person may not approve / reject it (empty: they may). */
  approveProblems: string[];
  rejectProblems: string[];
  /** The audit log's lines about this entry (newest last), or why there are none. */
  audit: string[];
}

export type BoardResult<T> = Unreviewable | T;

/**
 * One version of an entry as a string: its path, digest and its assets'
 * digests. The page carries the key of what it showed; the desk signs only
 * when the record would bind exactly that.
 */
export function versionKey(e: { path: string; digest?: string | undefined; assets: readonly { path: string; digest: string }[] }): string {
  return sha256Hex(JSON.stringify([e.path, e.digest ?? '', e.assets.map((a) => [a.path, a.digest]).sort()]));
}

function recordViews(refs: readonly { record: { file: string; problem?: { message: string; zh: { message: string } }; payload?: { decision: Decision; signedAt: string; signedAtMs: number; reason?: string }; person?: { name: string; id: string } }; item?: ApprovalItem }[], e: PlanEntry): RecordView[] {
  const current = versionKey(e);
  const out = refs.map(({ record, item }): RecordView => {
    const v: RecordView = { file: record.file, current: false };
    if (record.problem) v.problem = record.problem.zh.message;
    const p = record.payload;
    if (p) {
      v.decision = p.decision;
      v.at = chinaTime(new Date(p.signedAtMs));
      v.atMs = p.signedAtMs;
      if (p.reason !== undefined) v.reason = p.reason;
    }
    if (record.person) v.who = `${record.person.name}（${record.person.id}）`;
    if (item) v.current = versionKey(item) === current;
    return v;
  });
  return out.sort((a, b) => (a.atMs ?? 0) - (b.atMs ?? 0) || (a.file < b.file ? -1 : 1));
}

/** The current bytes as the gate judged them, or why they cannot be shown. */
function currentSource(root: string, e: PlanEntry): { source?: string; problem?: string } {
  const abs = join(root, e.path);
  if (!existsSync(abs)) return { problem: '文件已被删除' };
  const bytes = readFileSync(abs);
  if (sha256Hex(bytes) !== e.digest) return { problem: '文件在审核期间被修改：请刷新本页，审核并签署的是刷新后的版本' };
  return { source: bytes.toString('utf8') };
}

async function baselineOf(root: string, e: PlanEntry, refs: readonly { record: { problem?: unknown; payload?: { decision: Decision; signedAtMs: number }; person?: { name: string } }; item?: ApprovalItem }[]): Promise<Baseline> {
  const approvals = refs
    .filter((r) => !r.record.problem && r.record.payload?.decision === 'approve' && r.item && r.record.person)
    .sort((a, b) => b.record.payload!.signedAtMs - a.record.payload!.signedAtMs);
  const now: AssetDigest[] = e.assets.map((a) => ({ path: a.path, digest: a.digest }));
  const shown = versionKey(e);
  const differs = (item: ApprovalItem) => versionKey(item) !== shown;
  // The newest approved version that is not this one: what changed since a colleague approved it, even when someone approved this one since.
  const last = approvals.find((a) => differs(a.item!));
  const current = approvals.find((a) => !differs(a.item!));
  if (!last || !e.digest) return current ? { kind: 'same', by: current.record.person!.name, at: chinaTime(new Date(current.record.payload!.signedAtMs)) } : { kind: 'never' };
  const by = last.record.person!.name;
  const at = chinaTime(new Date(last.record.payload!.signedAtMs));
  const item = last.item!;
  const assets = assetChanges(item.assets, now);
  await documentDiffs(root, assets);
  if (item.digest === e.digest) return { kind: 'diff', by, at, commit: '', text: { rows: [], added: 0, removed: 0 }, assets };
  const found = committedVersion(root, e.path, new Set([item.digest]));
  if (found.kind === 'none') return { kind: 'unavailable', by, at, why: found.why, assets };
  const source = currentSource(root, e);
  if (source.source === undefined) return { kind: 'unavailable', by, at, why: source.problem ?? '', assets };
  return { kind: 'diff', by, at, commit: found.version.commit, text: textDiff(new TextDecoder().decode(found.version.bytes), source.source), assets };
}

/** A document's extracted text as lines: each piece under its place in the file (第3页, Sheet2 › C14…). */
function documentLines(doc: ReadDocument): string {
  return doc.texts.map((t) => `【${t.where}】${t.text.replace(/\s*\n\s*/g, ' ')}`).join('\n');
}

/**
 * For each changed document among the assets, the diff of its extracted text:
 * the approved version from git (by digest), the current one from disk, both
 * read by the gate's readers in a worker with their limits.
 */
async function documentDiffs(root: string, changes: AssetChange[]): Promise<void> {
  const changed = changes.filter((c) => c.change === 'changed' && c.before && needsReader(c.path));
  if (changed.length === 0) return;
  const pool = new ReaderPool({ workers: 1 });
  try {
    for (const c of changed) {
      const old = committedVersion(root, c.path, new Set([c.before!]));
      if (old.kind === 'none') {
        c.textProblem = `找不到批准时的文件：${old.why}`;
        continue;
      }
      const abs = join(root, c.path);
      const now = existsSync(abs) ? new Uint8Array(readFileSync(abs)) : undefined;
      if (!now || sha256Hex(now) !== c.after) {
        c.textProblem = '文件在审核期间被修改：请刷新本页';
        continue;
      }
      const [a, b] = [await pool.read(c.path, old.version.bytes), await pool.read(c.path, now)];
      if (!a.ok || !b.ok) {
        c.textProblem = `文件无法读取：${say((!a.ok ? a.refusal : (b as Extract<typeof b, { ok: false }>).refusal).message, 'zh')}`;
        continue;
      }
      c.text = textDiff(documentLines(a.doc), documentLines(b.doc));
    }
  } finally {
    await pool.close();
  }
}

function auditLines(request: BoardRequest, path: string): string[] {
  try {
    const r = auditShow({ root: request.root, env: request.env ?? {}, filter: { entry: path } } as Parameters<typeof auditShow>[0]);
    if (r.outcome === 'missing') return [];
    return [...r.lines, ...r.problems];
  } catch (error) {
    return [`审计日志无法读取：${(error as Error).message}`];
  }
}

/** The entries waiting for this person (approvalQueue), and whether their certificate can sign at all. */
export async function deskQueue(
  request: BoardRequest,
): Promise<BoardResult<{ kind: 'queue'; entries: PlanEntry[]; person?: { id: string; name: string }; problems: string[]; titles: Map<string, string>; sites: Map<string, string>; columns: Map<string, string> }>> {
  const j = await judged(request);
  if (j.kind !== 'judged') return j;
  const { person, problems } = signerStanding(request.cert, j.trust, request.now, 'zh');
  const entries = approvalQueue(j.plan.entries, { group: j.group, trust: j.trust, prepared: j.prepared, cert: request.cert }, request.now);
  const titles = new Map(entries.map((e) => [e.path, e.frontMatter?.title ?? e.path]));
  const sites = new Map([...j.group.sites.values()].map((s) => [s.code, s.name]));
  const columns = new Map([...j.group.columns.values()].map((c) => [c.id, c.name]));
  return { kind: 'queue', entries, problems, titles, sites, columns, ...(person ? { person: { id: person.id, name: person.name } } : {}) };
}

/** Everything the desk shows of one entry; `missing` when the gate knows no such entry. */
export async function deskEntry(request: BoardRequest, path: string): Promise<BoardResult<{ kind: 'entry'; view: EntryView } | { kind: 'missing' }>> {
  const j = await judged(request);
  if (j.kind !== 'judged') return j;
  const e = j.plan.entries.find((x) => x.path === path);
  if (!e) return { kind: 'missing' };
  const { group, trust, prepared } = j;
  const { person, problems: standing } = signerStanding(request.cert, trust, request.now, 'zh');
  const refs = prepared.byPath.get(e.path) ?? [];
  const ae = approvalEntryOf(e, group);
  const decided = ae ? decide(ae, prepared, request.now) : undefined;
  const threshold = decided?.findings.find((f) => f.code === 'THRESHOLD_NOT_MET');
  const approvedBy = (decided?.signers ?? []).map((id) => trust.people.get(id)?.name ?? id);
  const ctx = (decision: Decision) => ({ decision, group, trust, prepared, person, cert: request.cert, lang: 'zh' as const });
  const site = group.sites.get(e.site);
  const current = currentSource(request.root, e);
  const view: EntryView = {
    entry: e,
    title: e.frontMatter?.title ?? e.path,
    siteName: site?.name ?? e.site,
    columnName: group.columns.get(e.column)?.name ?? e.column,
    departmentName: site?.departments.find((d) => d.id === e.frontMatter?.department)?.name ?? e.frontMatter?.department ?? '',
    status: statusLine(e, 'zh'),
    records: recordViews(refs, e),
    approvedBy,
    canApprove: threshold?.approvers ?? [],
    ...(threshold ? { needs: threshold.zh.message } : {}),
    baseline: await baselineOf(request.root, e, refs),
    ...(current.source !== undefined ? { source: current.source } : { sourceProblem: current.problem ?? '' }),
    approveProblems: [...standing, ...entryProblems(e, ctx('approve'))],
    rejectProblems: [...standing, ...entryProblems(e, ctx('reject'))],
    audit: auditLines(request, e.path),
  };
  return { kind: 'entry', view };
}
