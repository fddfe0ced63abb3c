/**
 * Revoking a person (every certificate) or one certificate from an effective
 * time, in a new revocations version. A revoked or expired key's claimed
 * signing time proves nothing, so the revocation freezes, by digest, the
 * signed records of that person or certificate that count as of the effective
 * time; those stay valid, and no other record of that key will ever count.
 */
import { SealpressError } from '../errors/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { isoInstant, normaliseFingerprint, parseInstant, revocationAt, withRevocations, type RevocationEntry, type RosterPerson, type Trust } from '../trust/index.ts';
import { digestsOf, freezable, signedRecordsOf, type SignedRecord } from './roster.ts';
import { openAdmins, type AdminKeys } from './signers.ts';
import { readTrustState, signDoc, trustOrRefused, verifiedOrRefused, writeTrustFiles, type ActOptions, type Refused } from './state.ts';
import { chinaTime } from '../util/dates.ts';

function usage(message: string): SealpressError {
  return new SealpressError('USAGE', message);
}

export interface RevokeOptions extends ActOptions {
  group: SiteGroup;
  /** Who: a person by id (every certificate), or one certificate by fingerprint or a unique prefix of ≥ 12 hex digits. */
  subject: { id: string } | { cert: string };
  reason: string | undefined;
  /** From when (ISO 8601 with a zone); by default now, never later than now. */
  effective?: string | undefined;
  admins: AdminKeys;
}

export interface RevokeResult {
  /** Already revoked from an earlier time: nothing was written. */
  already?: { subject: string; effective: string; reason: string };
  subject: string;
  entry: RevocationEntry;
  frozen: SignedRecord[];
  revocationsVersion: number;
  signers: string[];
  /** Said after the result. */
  warnings: string[];
}

export async function revokeKey(options: RevokeOptions): Promise<RevokeResult | Refused> {
  const { root, now, anchor } = options;
  const reason = options.reason?.trim();
  if (!reason) throw usage('--reason TEXT is required (why: 离职, 密钥泄露, …); it is kept in the signed list');
  if ([...reason].length > 500) throw usage('--reason has more than 500 characters');
  let effectiveMs = now.getTime();
  if (options.effective !== undefined) {
    const t = parseInstant(options.effective);
    if (t === undefined) throw usage(`--effective must be an ISO 8601 instant with seconds and a zone, e.g. 2026-11-27T09:00:00+08:00; found "${options.effective}"`);
    // Freezing happens now: a later effective time would leave the records signed in between neither frozen nor refused.
    if (t > now.getTime()) throw usage(`--effective ${options.effective} is later than now (${chinaTime(now)}): a revocation freezes the records that count when it is signed, so it is signed when it takes effect; run this command at that time`);
    effectiveMs = t;
  }
  const state = readTrustState(root, now, anchor);
  const trust = trustOrRefused(state, 'revoking');
  if ('refused' in trust) return trust;

  const base = { effective: isoInstant(effectiveMs), reason };
  let entry: RevocationEntry;
  let subject: string;
  let holder: RosterPerson | undefined;
  if ('id' in options.subject) {
    holder = trust.people.get(options.subject.id);
    if (!holder) throw usage(`${options.subject.id} is not in the roster`);
    entry = { ...base, person: holder.id, frozen: [] };
    subject = `${holder.name} (${holder.id}), every certificate`;
  } else {
    const fp = resolveFingerprint(options.subject.cert, trust);
    holder = trust.personByCertificate.get(fp);
    entry = { ...base, certificate: fp, frozen: [] };
    subject = `certificate ${fp} of ${holder ? `${holder.name} (${holder.id})` : 'nobody in the roster'}`;
  }
  const byPerson = 'person' in entry;
  const already = holder ? revocationAt(trust.revocationIndex, holder.id, 'certificate' in entry ? entry.certificate : '', effectiveMs) : undefined;
  if (already && (!byPerson || already.person !== undefined)) {
    return { already: { subject, effective: already.effective, reason: already.reason }, subject, entry, frozen: [], revocationsVersion: trust.revocations.version, signers: [], warnings: [] };
  }
  const frozen = freezable(signedRecordsOf(root, options.group, trust), 'person' in entry ? { person: entry.person } : { certificate: entry.certificate }, effectiveMs);
  entry.frozen = digestsOf(frozen);
  const admins = await openAdmins(options.admins, trust.root, options.passphrases);
  const revocations = signDoc('revocations', withRevocations(state.files.revocations!, now, [entry]), admins.map((a) => a.signer));
  const after = verifiedOrRefused(state, { revocations }, now, anchor);
  if ('refused' in after) return after;
  writeTrustFiles(root, { revocations });

  const warnings: string[] = [];
  if (holder && trust.root.securityAdmins.includes(holder.id)) {
    const left = trust.root.securityAdmins.filter((a) => a !== holder.id && !after.revocationIndex.person.has(a));
    if (left.length < trust.root.threshold) warnings.push(`warning: only ${left.length} security administrator(s) remain unrevoked and the threshold is ${trust.root.threshold}: the CA key holder must sign a new root`);
  }
  return { subject, entry, frozen, revocationsVersion: after.revocations.version, signers: after.signedBy.revocations, warnings };
}

/** A full fingerprint, or a unique prefix (≥ 12 hex digits, as `keys list` shows them) of one in the roster. */
function resolveFingerprint(text: string, trust: Trust): string {
  const full = normaliseFingerprint(text);
  if (full) return full;
  const prefix = text.trim().replaceAll(':', '').toLowerCase();
  if (!/^[0-9a-f]{12,63}$/.test(prefix)) throw usage(`--cert ${text} is not a SHA-256 fingerprint (64 hex digits, or a prefix of at least 12 as keys list shows)`);
  const hits = [...trust.personByCertificate.keys()].filter((fp) => fp.startsWith(prefix));
  if (hits.length !== 1) throw usage(`--cert ${text} ${hits.length === 0 ? 'matches no certificate in the roster' : `matches ${hits.length} certificates; give more digits`}`);
  return hits[0]!;
}
