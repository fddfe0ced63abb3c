/**
 * Judge one entry's approvals against the policy. Pure and cheap: the records
 * were parsed and verified once by `prepareRecords`; the clock is an argument.
 *
 * Precedence (first that applies wins):
 *   1. refused    a record that names this entry is bad: unreadable, forged,
 *                 untrusted or expired certificate, revoked signer, a policy
 *                 version ahead of the repository's, out of scope,
 *                 self-approval, signed in the future, or naming another
 *                 site/column for this path. A bad record is never skipped:
 *                 someone must look at it (Trust model 1).
 *   2. approved   the distinct valid signers of the CURRENT bytes (signed after
 *                 the latest withdrawal, if any) fill every slot of the policy
 *                 requirement. Approvals of older versions are then history.
 *   3. withdrawn  a valid withdrawal names the entry (a record present, or one
 *                 the signed release remembers) and it was not approved
 *                 again since: it is off the site; the record is kept.
 *   4. refused    APPROVAL_STALE: an approval exists, but for other bytes (the
 *                 entry or an asset changed after it); or APPROVAL_MOVED: this
 *                 exact entry was approved at another path.
 *   5. pending    nothing wrong; THRESHOLD_NOT_MET says what is missing.
 */
import { CLOCK_SKEW_MS, type CertInfo, type RosterPerson, type Trust } from '../trust/index.ts';
import { chinaDate } from '../util/dates.ts';
import { finding, type ApprovalFinding } from './findings.ts';
import { maxMatching } from './matching.ts';
import { canFill, describeSlots, requirementsFor, scopeExplanation, slotsOf, type ApprovalEntry } from './policy.ts';
import { prepareRecords, type ApprovalRecordFile, type PreparedRecord, type PreparedRecords } from './prepare.ts';
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

const RENEW = 'ask for a new approval of the current version (`sealpress approve`)';

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
  const stale: ApprovalFinding[] = [];
  let names: AuthorNames | undefined;
  const authorNames = () => (names ??= splitAuthor(entry.author));
  for (const ref of prepared.byPath.get(entry.path) ?? []) {
    const { record, item } = ref;
    const { payload, person, cert } = record;
    if (record.problem || !payload || !person || !cert || !item) {
      if (record.problem) bad.push(finding(record.problem, record.file));
      continue;
    }
    const file = record.file;
    if (payload.signedAtMs > t + CLOCK_SKEW_MS) {
      bad.push({ code: 'APPROVAL_FUTURE', file, message: `${person.name} signed this record at ${payload.signedAt}, which is later than the gate's clock (${now.toISOString()})`, fix: 'check the clock of the approver\'s machine; delete the record and sign again' });
      continue;
    }
    if (item.site !== entry.site || item.column !== entry.column) {
      bad.push({
        code: 'APPROVAL_MOVED',
        file,
        message: `${person.name}'s record names ${entry.path} in site ${item.site}, column ${item.column}; the entry is in site ${entry.site}, column ${entry.column}`,
        fix: RENEW,
      });
      continue;
    }
    const fillable = slots.some((s) => canFill(person, s, entry));
    if (!fillable) {
      bad.push({ code: 'APPROVAL_OUT_OF_SCOPE', file, message: `${person.name} may not ${payload.decision} this entry: ${scopeExplanation(person, require, entry)}`, fix: 'ask an approver whose scope covers this site, column and department' });
      continue;
    }
    if (payload.decision === 'withdraw') {
      withdrawals.push({ person, at: payload.signedAtMs, record });
      continue;
    }
    if (isAuthor(authorNames(), person, cert)) {
      bad.push({
        code: 'APPROVAL_SELF',
        file,
        message: `${person.name} (${person.id}) approved an entry whose author is ${entry.author ? `"${entry.author}"` : 'not named'}: nobody approves their own entry`,
        fix: 'delete this record and ask another approver',
      });
      continue;
    }
    const why = staleness(item, entry, person.name, payload.signedAtMs);
    if (why) {
      stale.push({ code: 'APPROVAL_STALE', file, message: why, fix: RENEW });
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
  if (match.size === slots.length) {
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
          message: `${withdrawal.person.name} withdrew this entry on ${chinaDate(withdrawal.at)}${reason ? ` (${reason})` : ''}: it is taken off the site${withdrawal.record.payload ? '' : '; the signed release remembers this withdrawal although its record file is missing or changed'}`,
          fix: 'to publish it again, the approvals the policy requires must be signed after the withdrawal',
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
  const threshold: ApprovalFinding = {
    code: 'THRESHOLD_NOT_MET',
    file: entry.path,
    message: `needs ${describeSlots(require, missing, entry)}${have}`,
    fix: 'ask the approvers the policy names to sign this entry (`sealpress approve`)',
  };

  if (stale.length > 0) return { status: 'refused', signers, findings: [...stale, threshold] };
  if (people.length === 0) {
    const moved = movedFindings(entry, prepared);
    if (moved.length > 0) return { status: 'refused', signers, findings: [...moved, threshold] };
  }
  return { status: 'pending', signers, findings: [threshold] };
}

/** Convenience for one entry: prepare the records, then decide. For many entries, prepare once. */
export function verifyApprovals(entry: ApprovalEntry, records: readonly ApprovalRecordFile[], trust: Trust, now: Date): ApprovalResult {
  return decide(entry, prepareRecords(records, trust), now);
}

/** Why an approval no longer covers the entry's current bytes (a message), or undefined when it does. */
function staleness(item: ApprovalItem, entry: ApprovalEntry, who: string, at: number): string | undefined {
  if (item.digest !== entry.digest) return `the entry changed after ${who} approved it on ${chinaDate(at)}`;
  if (sameAssets(item.assets, entry.assets)) return undefined;
  const on = chinaDate(at);
  const current = new Map(entry.assets.map((a) => [a.path, a.digest]));
  const approved = new Map(item.assets.map((a) => [a.path, a.digest]));
  for (const [path, digest] of current) {
    const was = approved.get(path);
    if (was === undefined) return `the entry now references ${path}, which was not part of what ${who} approved on ${on}`;
    if (was !== digest) return `the asset ${path} changed after ${who} approved the entry on ${on}`;
  }
  for (const path of approved.keys()) {
    if (!current.has(path)) return `the entry no longer references ${path}, which was part of what ${who} approved on ${on}`;
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
      message: `${record.person?.name ?? 'an approver'} approved these exact bytes as ${item.path}; an approval is bound to the path, site and column, so it does not follow the entry to ${entry.path}`,
      fix: RENEW,
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
