/**
 * Judge one entry's approvals against the policy. Pure and cheap: the records
 * were parsed and verified once by `prepareRecords`; the clock is an argument.
 *
 * Who wrote the entry is proven by signatures, never by the front matter
 * (Trust model 9): its AUTHORS are the signers of every submission that names
 * its path, whatever version they submitted (whoever submitted a version is a
 * co-author). An approval by an author is a self-approval (Trust model 4). The
 * front matter's `author` is checked too, as an extra refusal: it can only
 * take an approval away, never give one.
 *
 * Precedence (first that applies wins):
 *   1. refused    a record that names this entry is bad: unreadable, forged,
 *                 untrusted or expired certificate, revoked signer (or a
 *                 revoked or now expired key's record not frozen), a policy
 *                 version ahead of the repository's, out of scope (an
 *                 approval by someone who cannot fill a slot, a submission by
 *                 someone without a writer grant for it), self-approval,
 *                 signed in the future, or naming another site/column for
 *                 this path. A bad record is never skipped: someone must look
 *                 at it (Trust model 1).
 *   2. approved   a writer submitted the CURRENT bytes, and the distinct valid
 *                 approvers of the current bytes (signed after the latest
 *                 withdrawal, if any) fill every slot of the policy
 *                 requirement. Approvals of older versions are then history.
 *   3. pending    SUBMISSION_MISSING / SUBMISSION_STALE: the approvals are
 *                 complete, but no writer submitted these bytes (say, an
 *                 approver edited the entry and approved the edit).
 *   4. withdrawn  a valid withdrawal names the entry (a record present, or one
 *                 the signed release remembers) and it was not approved
 *                 again since: it is off the site; the record is kept.
 *   5. refused    APPROVAL_STALE: an approval exists, but for other bytes (the
 *                 entry or an asset changed after it); or APPROVAL_MOVED: this
 *                 exact entry was approved at another path.
 *   6. pending    nothing wrong; THRESHOLD_NOT_MET says what is missing, with
 *                 SUBMISSION_MISSING / SUBMISSION_STALE when the current
 *                 bytes are not submitted either.
 *
 * An approval need not be signed after the submission. Both bind the same
 * bytes, so their order proves nothing about who wrote them; what matters is
 * who the authors are, and that set is every submitter of any version, at any
 * time: a submission signed after an approval makes its signer an author, and
 * their earlier approval is refused from then on. A withdrawal is an
 * approver's act; a submission never withdraws, and a writer without an
 * approver role cannot withdraw (APPROVAL_OUT_OF_SCOPE).
 */
import { CLOCK_SKEW_MS, type CertInfo, type RosterPerson, type Trust } from '../trust/index.ts';
import { chinaDate, chinaTime } from '../util/dates.ts';
import { expiredFinding } from './expiry.ts';
import { finding, said, type ApprovalFinding } from './findings.ts';
import type { Text } from '../messages/text.ts';
import { maxMatching } from './matching.ts';
import { canFill, canSubmit, describeSlots, requirementsFor, scopeExplanation, slotsOf, writerScopeExplanation, type ApprovalEntry, type Slot } from './policy.ts';
import { prepareRecords, type ApprovalRecordFile, type PreparedRecord, type PreparedRecords, type RecordRef } from './prepare.ts';
import type { ApprovalItem } from './record.ts';

export type ApprovalStatus = 'approved' | 'pending' | 'refused' | 'withdrawn';

export interface ApprovalResult {
  status: ApprovalStatus;
  /** Person ids of the distinct valid signers of the current bytes, sorted. */
  signers: string[];
  /** When approved: the record files whose approvals counted, sorted (a release names them). */
  records?: string[];
  /** When approved: the time of the latest approval that counted (the reports' approval turnaround). */
  approvedAtMs?: number;
  findings: ApprovalFinding[];
}

const RENEW: Text = { zh: '请审批人对当前版本重新审批（`sealpress approve`）', en: 'ask for a new approval of the current version (`sealpress approve`)' };
const SUBMIT = (entry: ApprovalEntry): Text => ({
  zh: `由撰稿人用 \`sealpress submit ${entry.path}\` 签署提交当前版本，再由审批人审批`,
  en: `the writer signs the current version with \`sealpress submit ${entry.path}\`, then the approvers approve it`,
});

interface Valid {
  person: RosterPerson;
  at: number;
  file: string;
}

/**
 * A withdrawal of this entry that the signed release remembers (Trust model 10:
 * taking out is permanent). It counts like a present one even when its record
 * file has been deleted or changed.
 */
export interface RememberedWithdrawal {
  /** The record file it was seen in. */
  record: string;
  atMs: number;
  /** Person id of the signer. */
  signer: string;
}

export function decide(entry: ApprovalEntry, prepared: PreparedRecords, now: Date, remembered: readonly RememberedWithdrawal[] = []): ApprovalResult {
  const t = now.getTime();
  const { require } = requirementsFor(prepared.trust.policy, entry);
  const slots = slotsOf(require);
  const bad: ApprovalFinding[] = [];

  for (const u of prepared.unattributed) {
    if (entry.path.startsWith(u.scope) && u.record.problem) bad.push(finding(u.record.problem, u.record.file));
  }

  const approvals: Valid[] = [];
  const withdrawals: { person: Pick<RosterPerson, 'name'>; at: number; record: PreparedRecord }[] = [];
  const rejections: (Valid & { reason: string })[] = [];
  const stale: ApprovalFinding[] = [];
  const refs = prepared.byPath.get(entry.path) ?? [];
  // The authors first: every signer of a submission of this path, any version (even a record refused for another reason).
  const authors = submittersOf(refs);
  let submitted = false;
  let staleSubmission: { person: RosterPerson; at: number; file: string; item: ApprovalItem } | undefined;
  let names: AuthorNames | undefined;
  const authorNames = () => (names ??= splitAuthor(entry.author));
  for (const ref of refs) {
    const { record, item } = ref;
    const { payload, person, cert } = record;
    if (record.problem || !payload || !person || !cert || !item) {
      if (record.problem) bad.push(finding(record.problem, record.file));
      continue;
    }
    const file = record.file;
    if (payload.signedAtMs > t + CLOCK_SKEW_MS) {
      bad.push({
        code: 'APPROVAL_FUTURE',
        file,
        ...said(
          { zh: `${person.name} 签署本记录的时间为 ${payload.signedAt}，晚于发布关口的当前时间（${chinaTime(now)}）`, en: `${person.name} signed this record at ${payload.signedAt}, which is later than the gate's clock (${chinaTime(now)})` },
          { zh: '检查签名人电脑的时钟；删除本记录后重新签署', en: 'check the clock of the signer\'s machine; delete the record and sign again' },
        ),
      });
      continue;
    }
    const expired = expiredFinding(record, now);
    if (expired) {
      bad.push(expired);
      continue;
    }
    if (item.site !== entry.site || item.column !== entry.column) {
      bad.push({
        code: 'APPROVAL_MOVED',
        file,
        ...said(
          { zh: `${person.name} 的记录写明 ${entry.path} 属于站点 ${item.site}、栏目 ${item.column}；而该条目实际在站点 ${entry.site}、栏目 ${entry.column}`, en: `${person.name}'s record names ${entry.path} in site ${item.site}, column ${item.column}; the entry is in site ${entry.site}, column ${entry.column}` },
          payload.decision === 'submit' ? SUBMIT(entry) : RENEW,
        ),
      });
      continue;
    }
    if (payload.decision === 'submit') {
      // A submission counts only from a writer whose grant covers this entry (Trust model 3, for writers).
      if (!canSubmit(person, entry)) {
        const why = writerScopeExplanation(person, entry);
        bad.push({
          code: 'SUBMISSION_OUT_OF_SCOPE',
          file,
          ...said(
            { zh: `${person.name} 无权提交本条目：${why.zh}`, en: `${person.name} may not submit this entry: ${why.en}` },
            { zh: '删除本记录；由权限覆盖该站点、栏目和部门的撰稿人提交本条目（`sealpress submit`）', en: 'delete this record; a writer whose scope covers this site, column and department submits the entry (`sealpress submit`)' },
          ),
        });
        continue;
      }
      if (staleness(item, entry, person.name, payload.signedAtMs, 'submitted') === undefined) submitted = true;
      else if (!staleSubmission || payload.signedAtMs > staleSubmission.at) staleSubmission = { person, at: payload.signedAtMs, file, item };
      continue;
    }
    const fillable = slots.some((s) => canFill(person, s, entry));
    if (!fillable) {
      const why = scopeExplanation(person, require, entry);
      const act = payload.decision === 'withdraw' ? '撤下' : '审批';
      bad.push({
        code: 'APPROVAL_OUT_OF_SCOPE',
        file,
        ...said(
          { zh: `${person.name} 无权${act}本条目：${why.zh}`, en: `${person.name} may not ${payload.decision} this entry: ${why.en}` },
          { zh: '请权限覆盖该站点、栏目和部门的审批人办理', en: 'ask an approver whose scope covers this site, column and department' },
        ),
      });
      continue;
    }
    if (payload.decision === 'withdraw') {
      withdrawals.push({ person, at: payload.signedAtMs, record });
      continue;
    }
    if (payload.decision === 'reject') {
      // A rejection holds back the bytes it names; once they change it is history (the desk shows it on the next version).
      if (staleness(item, entry, person.name, payload.signedAtMs, 'approved') === undefined) rejections.push({ person, at: payload.signedAtMs, file, reason: payload.reason ?? '' });
      continue;
    }
    const own = authors.get(person.id);
    if (own) {
      bad.push({
        code: 'APPROVAL_SELF',
        file,
        ...said(
          { zh: `${person.name}（${person.id}）审批了本人作为撰稿人提交的条目（${own.file}，${chinaDate(own.at)}）：无论作者字段写的是谁，任何人都不得审批自己撰写的条目`, en: `${person.name} (${person.id}) approved an entry they submitted as its writer (${own.file}, ${chinaDate(own.at)}): nobody approves an entry they wrote, whatever its author field says` },
          { zh: '删除本记录，请未提交过该条目任何版本的审批人审批', en: 'delete this record and ask an approver who did not submit any version of the entry' },
        ),
      });
      continue;
    }
    if (isAuthor(authorNames(), person, cert)) {
      bad.push({
        code: 'APPROVAL_SELF',
        file,
        ...said(
          { zh: `${person.name}（${person.id}）审批的条目作者${entry.author ? `为“${entry.author}”` : '未署名'}：任何人都不得审批自己的条目`, en: `${person.name} (${person.id}) approved an entry whose author is ${entry.author ? `"${entry.author}"` : 'not named'}: nobody approves their own entry` },
          { zh: '删除本记录，请其他审批人审批', en: 'delete this record and ask another approver' },
        ),
      });
      continue;
    }
    const why = staleness(item, entry, person.name, payload.signedAtMs, 'approved');
    if (why) {
      stale.push({ code: 'APPROVAL_STALE', file, ...said(why, RENEW) });
      continue;
    }
    approvals.push({ person, at: payload.signedAtMs, file });
  }

  // What the release remembers counts like a present record: deleting the file does not undo the withdrawal.
  for (const w of remembered) withdrawals.push({ person: prepared.trust.people.get(w.signer) ?? { name: w.signer }, at: w.atMs, record: { file: w.record } });

  if (bad.length > 0) return { status: 'refused', signers: [], findings: bad };

  // Approvals count only if signed after the latest withdrawal.
  const withdrawal = withdrawals.reduce<(typeof withdrawals)[number] | undefined>((a, w) => (a === undefined || w.at > a.at ? w : a), undefined);
  const counted = withdrawal ? approvals.filter((a) => a.at > withdrawal.at) : approvals;
  const people = [...new Map(counted.map((a) => [a.person.id, a.person])).values()];
  const candidates = people.map((p) => slots.flatMap((s, i) => (canFill(p, s, entry) ? [i] : [])));
  const match = maxMatching(candidates, slots.length);
  const signers = people.map((p) => p.id).sort();
  // A rejection of these bytes stands until its signer approves them after it (fail closed: another approver's signature does not overrule it).
  const standing = rejections.filter((r) => !approvals.some((a) => a.person.id === r.person.id && a.at > r.at)).sort((a, b) => a.at - b.at);
  if (standing.length > 0 && !withdrawals.some((w) => standing.every((r) => w.at > r.at))) {
    return { status: 'pending', signers, findings: standing.map(rejectedFinding) };
  }
  // What stands when no writer submitted the current bytes.
  const unsubmitted: ApprovalFinding[] = submitted ? [] : [submissionFinding(entry, staleSubmission)];
  if (match.size === slots.length) {
    if (unsubmitted.length > 0) return { status: 'pending', signers, findings: unsubmitted };
    return { status: 'approved', signers, findings: [], records: [...new Set(counted.map((a) => a.file))].sort(), approvedAtMs: Math.max(...counted.map((a) => a.at)) };
  }

  if (withdrawal) {
    const reason = withdrawal.record.payload?.reason;
    return {
      status: 'withdrawn',
      signers,
      findings: [
        {
          code: 'APPROVAL_WITHDRAWN',
          file: withdrawal.record.file,
          ...said(
            {
              zh: `${withdrawal.person.name}于 ${chinaDate(withdrawal.at)} 撤下了本条目${reason ? `（${reason}）` : ''}：已从网站下线${withdrawal.record.payload ? '' : '；撤下记录文件虽已缺失或被改动，但已签名的发布版本记得这次撤下'}`,
              en: `${withdrawal.person.name} withdrew this entry on ${chinaDate(withdrawal.at)}${reason ? ` (${reason})` : ''}: it is taken off the site${withdrawal.record.payload ? '' : '; the signed release remembers this withdrawal although its record file is missing or changed'}`,
            },
            { zh: '如需重新发布，须在撤下之后重新签署审批规则要求的全部审批', en: 'to publish it again, the approvals the policy requires must be signed after the withdrawal' },
          ),
        },
      ],
    };
  }

  const missing = new Map<number, number>();
  match.owner.forEach((o, i) => {
    const slot = slots[i];
    if (o === undefined && slot) missing.set(slot.requirement, (missing.get(slot.requirement) ?? 0) + 1);
  });
  const have = people.length ? `; approved so far by ${people.map((p) => p.name).join(', ')}` : '';
  const haveZh = people.length ? `；已审批：${people.map((p) => p.name).join('、')}` : '';
  const slotsText = describeSlots(require, missing, entry);
  const open = slots.filter((_, i) => match.owner[i] === undefined);
  const approvers = whoCanApprove(prepared.trust, open, entry, (p) => authors.has(p.id) || namesAuthor(authorNames(), p) || people.some((q) => q.id === p.id));
  const threshold: ApprovalFinding = {
    code: 'THRESHOLD_NOT_MET',
    file: entry.path,
    ...said(
      {
        zh: `还需 ${slotsText.zh} 审批${haveZh}；${approvers.length ? `可审批人：${approvers.map((p) => `${p.name}（${p.id}）`).join('、')}` : '名册中目前没有人能审批'}`,
        en: `needs ${slotsText.en}${have}; ${approvers.length ? `who can approve it: ${approvers.map((p) => `${p.name} (${p.id})`).join(', ')}` : 'nobody on the roster can approve it now'}`,
      },
      approvers.length
        ? { zh: '请其中一人签署审批本条目（`sealpress approve`）', en: 'ask one of them to sign this entry (`sealpress approve`)' }
        : { zh: '由办公室将覆盖本条目的审批人角色授予一名非撰稿人（`sealpress keys role`），再由其签署', en: 'the office grants an approver role covering this entry to someone who did not write it (`sealpress keys role`), who then signs it' },
    ),
    approvers: approvers.map((p) => ({ id: p.id, name: p.name })),
  };

  if (stale.length > 0) return { status: 'refused', signers, findings: [...stale, ...unsubmitted, threshold] };
  if (people.length === 0) {
    const moved = movedFindings(entry, prepared);
    if (moved.length > 0) return { status: 'refused', signers, findings: [...moved, ...unsubmitted, threshold] };
  }
  return { status: 'pending', signers, findings: [...unsubmitted, threshold] };
}

/** A standing rejection, as the writer reads it: who, when (China time), why. */
function rejectedFinding(r: Valid & { reason: string }): ApprovalFinding {
  const at = chinaTime(new Date(r.at));
  return {
    code: 'APPROVAL_REJECTED',
    file: r.file,
    ...said(
      { zh: `${r.person.name}于 ${at} 驳回了这一版本：${r.reason}`, en: `${r.person.name} rejected this version on ${at}: ${r.reason}` },
      { zh: '请按驳回理由修改条目，再重新提交（`sealpress submit`），之后重新审核', en: 'change the entry as the reason asks and submit it again (`sealpress submit`); it is then reviewed anew' },
    ),
  };
}

/** A person who submitted a version of the entry, with their earliest submission of it. */
export interface Submitter {
  person: RosterPerson;
  /** The record file and its signing time. */
  file: string;
  at: number;
}

/**
 * The entry's authors: the signers of every record with decision `submit` that
 * names the path, by person id, whatever version they submitted and whether
 * or not the record is refused for another reason (fail closed: a refused
 * submission still says who wrote). Records whose signature or certificate did
 * not verify name nobody.
 */
export function submittersOf(refs: readonly RecordRef[]): ReadonlyMap<string, Submitter> {
  const out = new Map<string, Submitter>();
  for (const { record } of refs) {
    const { payload, person } = record;
    if (payload?.decision !== 'submit' || !person) continue;
    const had = out.get(person.id);
    if (!had || payload.signedAtMs < had.at) out.set(person.id, { person, file: record.file, at: payload.signedAtMs });
  }
  return out;
}

/** Why the current bytes are not submitted: never submitted, or changed after the last submission. */
function submissionFinding(entry: ApprovalEntry, last: { person: RosterPerson; at: number; file: string; item: ApprovalItem } | undefined): ApprovalFinding {
  if (!last) {
    return { code: 'SUBMISSION_MISSING', file: entry.path, ...said({ zh: '此版本尚无撰稿人提交：没有人以撰稿人身份签署', en: 'no writer has submitted this version: nobody has signed it as its writer' }, SUBMIT(entry)) };
  }
  const why = staleness(last.item, entry, last.person.name, last.at, 'submitted') ?? { zh: '条目在最近一次提交后有改动', en: 'the entry changed after its last submission' };
  return { code: 'SUBMISSION_STALE', file: last.file, ...said({ zh: `${why.zh}：此版本尚无撰稿人提交`, en: `${why.en}: no writer has submitted this version` }, SUBMIT(entry)) };
}

/** Convenience for one entry: prepare the records, then decide. For many entries, prepare once. */
export function verifyApprovals(entry: ApprovalEntry, records: readonly ApprovalRecordFile[], trust: Trust, now: Date): ApprovalResult {
  return decide(entry, prepareRecords(records, trust), now);
}

/** Why an approval (or a submission) no longer covers the entry's current bytes (a message), or undefined when it does. */
function staleness(item: ApprovalItem, entry: ApprovalEntry, who: string, at: number, did: 'approved' | 'submitted'): Text | undefined {
  const didZh = did === 'approved' ? '审批' : '提交';
  if (item.digest !== entry.digest) return { zh: `${who}于 ${chinaDate(at)} ${didZh}后，条目有改动`, en: `the entry changed after ${who} ${did} it on ${chinaDate(at)}` };
  if (sameAssets(item.assets, entry.assets)) return undefined;
  const on = chinaDate(at);
  const current = new Map(entry.assets.map((a) => [a.path, a.digest]));
  const approved = new Map(item.assets.map((a) => [a.path, a.digest]));
  for (const [path, digest] of current) {
    const was = approved.get(path);
    if (was === undefined) return { zh: `条目现在引用了 ${path}，不在${who}于 ${on} ${didZh}的内容之中`, en: `the entry now references ${path}, which was not part of what ${who} ${did} on ${on}` };
    if (was !== digest) return { zh: `${who}于 ${on} ${didZh}后，附件 ${path} 有改动`, en: `the asset ${path} changed after ${who} ${did} the entry on ${on}` };
  }
  for (const path of approved.keys()) {
    if (!current.has(path)) return { zh: `条目不再引用 ${path}，而它属于${who}于 ${on} ${didZh}的内容`, en: `the entry no longer references ${path}, which was part of what ${who} ${did} on ${on}` };
  }
  return undefined;
}

/** This entry's exact bytes were approved at another path: it was moved or copied there. */
function movedFindings(entry: ApprovalEntry, prepared: PreparedRecords): ApprovalFinding[] {
  const out: ApprovalFinding[] = [];
  for (const { record, item } of prepared.byDigest.get(entry.digest) ?? []) {
    if (!item || item.path === entry.path || record.problem) continue;
    out.push({
      code: 'APPROVAL_MOVED',
      file: record.file,
      ...said(
        {
          zh: `${record.person?.name ?? '某审批人'} 审批的是位于 ${item.path} 的同一内容；审批与路径、站点和栏目绑定，不随条目移到 ${entry.path}`,
          en: `${record.person?.name ?? 'an approver'} approved these exact bytes as ${item.path}; an approval is bound to the path, site and column, so it does not follow the entry to ${entry.path}`,
        },
        RENEW,
      ),
    });
  }
  return out;
}

/** The common case, cheaply: the same assets in the same order. */
function sameAssets(a: readonly { path: string; digest: string }[], b: readonly { path: string; digest: string }[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.path !== b[i]!.path || a[i]!.digest !== b[i]!.digest) return false;
  // Order may differ with the same set; the full comparison in staleness decides then.
  return true;
}

const SEPARATORS = /[\s,，、;；/|&()（）]+/;
const norm = (s: string) => s.normalize('NFKC').trim().toLowerCase();

interface AuthorNames {
  empty: boolean;
  names: ReadonlySet<string>;
}

/** The author field as a set of normalised names: the whole field and each part of it. */
function splitAuthor(author: string): AuthorNames {
  const whole = norm(author);
  const names = new Set(author.split(SEPARATORS).map(norm).filter((s) => s !== ''));
  if (whole !== '') names.add(whole);
  return { empty: whole === '', names };
}

/**
 * The people on the roster who could fill one of the open slots now: their
 * roles cover the entry, and `excluded` (its authors, those who signed
 * already) says no. Sorted by id, so the message is stable.
 */
function whoCanApprove(trust: Trust, open: readonly Slot[], entry: ApprovalEntry, excluded: (p: RosterPerson) => boolean): RosterPerson[] {
  if (open.length === 0) return [];
  return [...trust.people.values()].filter((p) => !excluded(p) && open.some((slot) => canFill(p, slot, entry))).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Whether the author field names the person (by id or roster name); an empty one counts as everyone's. */
function namesAuthor(a: AuthorNames, person: RosterPerson): boolean {
  if (a.empty) return true;
  let mine = personNames.get(person);
  if (!mine) {
    mine = new Set([person.id, person.name].map(norm).filter((s) => s !== ''));
    personNames.set(person, mine);
  }
  for (const n of a.names) if (mine.has(n)) return true;
  return false;
}

const personNames = new WeakMap<RosterPerson, Set<string>>();
const certNames = new WeakMap<CertInfo, string[]>();

/**
 * Separation of duties (Trust model 4), failing closed: the signer is the
 * author if the author field, or any name in it, equals the person's id, their
 * roster name, or the name on their certificate. An empty author cannot be
 * checked and counts as the signer's own.
 */
export function isAuthor(author: string | AuthorNames, person: RosterPerson, cert: CertInfo): boolean {
  const a = typeof author === 'string' ? splitAuthor(author) : author;
  if (a.empty) return true;
  let mine = personNames.get(person);
  if (!mine) {
    mine = new Set([person.id, person.name].map(norm).filter((s) => s !== ''));
    personNames.set(person, mine);
  }
  let onCert = certNames.get(cert);
  if (!onCert) {
    onCert = [cert.name, cert.uid].flatMap((n) => (n === undefined || norm(n) === '' ? [] : [norm(n)]));
    certNames.set(cert, onCert);
  }
  for (const n of a.names) if (mine.has(n)) return true;
  return onCert.some((n) => a.names.has(n));
}
