/**
 * What the administration acts did, as a program reads it (`json`) and as a
 * person reads it (`lines`): `keys` and `trust` print these, and the review
 * desk can show the same. Warnings stay on the results (said after them).
 */
import type { TrustResult } from '../trust/index.ts';
import { grantText } from '../trust/index.ts';
import { TRUST_DIR, TRUST_FILES } from '../load/index.ts';
import type { CountersignPreview, CountersignResult } from './countersign.ts';
import type { InitResult } from './init.ts';
import type { IssueResult } from './issue.ts';
import type { ListResult } from './list.ts';
import type { RevokeResult } from './revoke.ts';
import { frozenLines, frozenSummary } from './roster.ts';
import type { RotateResult } from './rotate.ts';
import { docSummary, DOCUMENT_KINDS, type TrustState } from './state.ts';
import { chinaTime } from '../util/dates.ts';

export interface Described {
  json: Record<string, unknown>;
  lines: string[];
}

export function describeInit(r: InitResult): Described {
  const json = { caFingerprint: r.caFingerprint, group: r.group, threshold: r.threshold, securityAdmins: r.securityAdmins, trustFiles: r.trustFiles, keyFiles: r.keyFiles, rootExpires: r.rootExpires };
  const lines = [
    `created the group CA of ${r.group} and ${r.adminCount} security administrators (threshold ${r.threshold})`,
    `  wrote ${r.trustFiles.join(', ')}`,
    `  private keys (encrypted, 0600) and certificates in ${r.keyDir}:`,
    ...r.keyFiles.map((f) => `    ${f}`),
    `  certificates valid until ${r.certificatesUntil}; the root expires ${r.rootExpires}`,
    '',
    `CA fingerprint (SHA-256): ${r.caFingerprint}`,
    'Pin it in CI, outside the repository, so that whoever can commit cannot swap the trust chain:',
    `  SEALPRESS_TRUST_ANCHOR=${r.caFingerprint}`,
    'Keep ca.key.pem offline; give each administrator their own key; commit sites/trust/.',
  ];
  return { json, lines };
}

export function describeIssue(r: IssueResult): Described {
  const json = { id: r.id, fingerprint: r.fingerprint, notAfter: r.notAfter.toISOString(), roles: r.roles, rosterVersion: r.rosterVersion, signers: r.signers, keyFiles: r.keyFiles, trustFiles: r.trustFiles };
  const lines = [
    `${r.existing ? 'new certificate for' : 'issued'} ${r.name} (${r.id}), ${r.department} at ${r.site}: ${r.roles.map(grantText).join('; ')}`,
    `  certificate ${r.fingerprint} valid until ${chinaTime(r.notAfter)}`,
    ...r.keyFiles.map((f) => `  wrote ${f}`),
    `  roster v${r.rosterVersion}, signed by ${r.signers.join(', ')} (${r.trustFiles.join(', ')})`,
    `Give ${r.base}.key.pem and ${r.base}.cert.pem to ${r.name} in person; the passphrase separately.`,
  ];
  return { json, lines };
}

export function describeRotate(r: RotateResult, now: Date): Described {
  const rotated = r.rotated.map((k) => ({ id: k.id, fingerprint: k.fingerprint, notAfter: k.notAfter.toISOString() }));
  const json = { rotated, revoked: r.revoked, frozenRecords: frozenSummary(r.frozen), rosterVersion: r.rosterVersion, revocationsVersion: r.revocationsVersion, keyFiles: r.keyFiles, trustFiles: r.trustFiles };
  const lines = [
    ...r.rotated.map((k) => `rotated ${k.name} (${k.id}): new certificate ${k.fingerprint} valid until ${chinaTime(k.notAfter)}`),
    ...r.keyFiles.map((f) => `  wrote ${f}`),
    `  roster v${r.rosterVersion}, signed by ${r.rosterSigners.join(', ')}`,
  ];
  if (r.revoked.length > 0) {
    lines.push(`  retired (revoked from ${chinaTime(now)}, ${r.reason}): ${r.revoked.map((f) => f.slice(0, 16)).join(', ')} (revocations v${r.revocationsVersion})`, ...frozenLines(r.frozen));
  } else lines.push('  no old certificate to retire');
  return { json, lines };
}

/** A revocation made (not one that was already in force). */
export function describeRevoke(r: RevokeResult): Described {
  const json = { revoked: r.entry, frozenRecords: frozenSummary(r.frozen), revocationsVersion: r.revocationsVersion, signers: r.signers };
  const lines = [`revoked ${r.subject} from ${r.entry.effective} (${r.entry.reason})`, `  revocations v${r.revocationsVersion}, signed by ${r.signers.join(', ')}`, ...frozenLines(r.frozen)];
  return { json, lines };
}

/** The people, their roles and certificates, with warnings (keys list). */
export function listLines(r: Extract<ListResult, { ok: true }>, now: Date): string[] {
  const { trust } = r;
  const lines = [`roster v${trust.roster.version}: ${r.people.length} people (CA ${trust.anchor.fingerprint.slice(0, 16)}…${trust.anchor.pinned ? ', pinned' : ''}; ${chinaTime(now)})`];
  for (const { person, revoked, certificates } of r.people) {
    lines.push('', `${person.id}  ${person.name}  ${person.department} @ ${person.site}${revoked ? `  REVOKED from ${revoked.effective} (${revoked.reason}; ${revoked.frozen.length} record(s) frozen)` : ''}`);
    lines.push(`  roles: ${person.roles.map(grantText).join('; ')}`);
    for (const c of certificates) {
      const until = c.notAfter ? `until ${c.notAfter.slice(0, 10)}` : 'certificate not at hand';
      const extra = c.revoked ? ` from ${c.revoked.effective} (${c.revoked.reason}; ${c.revoked.frozen} record(s) frozen)` : c.status === 'EXPIRING' ? ` (in ${c.daysLeft} days)` : '';
      lines.push(`  cert ${c.fingerprint.slice(0, 16)}  ${until.padEnd(16)}  ${c.status}${extra}`);
    }
  }
  lines.push('');
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  for (const w of r.trustWarnings) lines.push(`warning: ${w.file}: ${w.message} [${w.code}]`);
  return lines;
}

/** Why trust material does not verify: the unreadable files, then each problem with its fix. */
export function trustProblemLines(result: TrustResult, unreadable: readonly string[] = []): string[] {
  const lines = unreadable.map((u) => `  ${u}`);
  if (!result.ok) for (const p of result.problems) lines.push(`  ${p.file}: ${p.message} [${p.code}]\n    fix: ${p.fix}`);
  return lines;
}

/** The trust material at a glance (trust verify): the CA, the root and each document, or why it does not verify; then the warnings. */
export function trustStatusLines(state: TrustState): string[] {
  const { result } = state;
  const lines: string[] = [];
  if (!result.ok) {
    lines.push(`trust material in ${TRUST_DIR}/: DOES NOT VERIFY (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}); the gate refuses every entry until it does`, ...trustProblemLines(result, state.unreadable));
  } else {
    const t = result.trust;
    lines.push(`trust material in ${TRUST_DIR}/: OK`);
    lines.push(`  CA           ${t.anchor.fingerprint}`);
    lines.push(`               ${t.anchor.pinned ? 'pinned from outside the repository' : 'NOT pinned: set SEALPRESS_TRUST_ANCHOR to this fingerprint in CI'}; valid until ${chinaTime(t.anchor.cert.notAfter)}`);
    lines.push(`  root         v${t.root.version}, ${t.root.group}; security administrators ${t.root.securityAdmins.join(', ')}; threshold ${t.root.threshold}; expires ${t.root.expires}`);
    for (const kind of DOCUMENT_KINDS) {
      const s = docSummary(kind, t);
      const count = kind === 'roster' ? `${String(s.people)} people` : kind === 'policy' ? `${String(s.rules)} rules + default` : `${String(s.revoked)} revoked`;
      lines.push(`  ${kind.padEnd(12)} v${String(s.version)}, signed ${String(s.signedAt)} by ${t.signedBy[kind].join(', ')}; ${count}`);
    }
  }
  for (const w of result.warnings) lines.push(`warning: ${w.file}: ${w.message} [${w.code}]\n  fix: ${w.fix}`);
  return lines;
}

/** What an administrator is about to countersign, in full (DESIGN: see exactly what you sign): the document, the signatures that count and those that do not, the payload. */
export function countersignPreviewLines(preview: CountersignPreview): string[] {
  return [
    `${preview.shownPath}: ${preview.kind} v${String(preview.version)}, signed ${preview.signedAt}`,
    `signatures that count: ${preview.before.counted.length} of the ${preview.threshold} the root requires (${preview.before.counted.join(', ') || 'none'})`,
    ...preview.before.notCounted.map((n) => `  not counted: ${n.who}: ${n.why}`),
    JSON.stringify(preview.payload, null, 2),
  ];
}

/** A countersignature written: what counts now, and whether the trust material verifies (or, for a file elsewhere, where to copy it). */
export function countersignedLines(signed: CountersignResult): string[] {
  const lines = [`signed ${signed.shownPath}: ${signed.counted.length} signature(s) count (${signed.counted.join(', ')}); the root requires ${signed.threshold}`];
  const after = signed.trustAfter;
  if (after?.result.ok) lines.push(`trust material: OK (${signed.kind} signed by ${after.result.trust.signedBy[signed.kind].join(', ')})`);
  else if (after) lines.push('trust material: does not verify yet:', ...trustProblemLines(after.result, after.unreadable));
  else if (signed.counted.length >= signed.threshold) lines.push(`the document has enough signatures; copy it to ${TRUST_DIR}/${TRUST_FILES[signed.kind]} and run \`sealpress trust verify\``);
  return lines;
}
