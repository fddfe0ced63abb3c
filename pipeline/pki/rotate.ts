/**
 * Rotating keys: a new key and certificate for people already in the roster
 * (the normal act every three months: certificates live at most 90 days). The
 * new fingerprint is added to the roster, and the old certificates are
 * retired: revoked from now in a new revocations version that freezes the
 * signed records they made which count now, so those stay valid after the
 * certificates expire.
 */
import { SealpressError } from '../errors/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { issueCertificate, revocationAt, withCertificates, withRevocations, type RevocationEntry, type RosterPerson, type Signer, type TrustFiles } from '../trust/index.ts';
import { freshKeyName, generateKeys, prepareKeyDir, writeNewKeys, type NewKey } from './keyfiles.ts';
import { digestsOf, freezable, personRevoked, signedRecordsOf, type SignedRecord } from './roster.ts';
import { keyStep, newPassphrase, openAdmins, openCa, type AdminKeys } from './signers.ts';
import { readTrustState, signDoc, trustOrRefused, verifiedOrRefused, writeTrustFiles, type ActOptions, type Refused } from './state.ts';

export interface RotateOptions extends ActOptions {
  group: SiteGroup;
  /** The people, each once. */
  ids: readonly string[];
  caKey: { path: string | undefined; passphraseFile: string | undefined };
  admins: AdminKeys;
  /** The passphrase file for the new key of the person at the same position. */
  passphraseFiles: readonly string[];
  keyDir: string | undefined;
  days: number;
  bits: number;
  /** Why the old certificates are retired; by default 密钥轮换. */
  reason?: string | undefined;
}

export interface RotateResult {
  rotated: { id: string; name: string; fingerprint: string; notAfter: Date }[];
  /** The fingerprints of the retired certificates. */
  revoked: string[];
  /** The signed records the retirement froze. */
  frozen: SignedRecord[];
  reason: string;
  rosterVersion: number;
  rosterSigners: string[];
  revocationsVersion: number;
  keyFiles: string[];
  trustFiles: string[];
}

export async function rotateKeys(options: RotateOptions): Promise<RotateResult | Refused> {
  const { root, now, anchor, ids, notify } = options;
  const state = readTrustState(root, now, anchor);
  const trust = trustOrRefused(state, 'rotating keys');
  if ('refused' in trust) return trust;
  const found = ids.map((id) => trust.people.get(id));
  const unknown = ids.filter((_, i) => !found[i]);
  if (unknown.length > 0) throw new SealpressError('USAGE', `not in the roster: ${unknown.join(', ')} (use keys issue for a new person)`);
  const people = found as RosterPerson[];
  for (const id of ids) {
    const revoked = personRevoked(trust, id, now);
    if (revoked) return revoked;
  }
  const keyDir = prepareKeyDir(options.keyDir, root, notify);

  const caKey = await openCa(options.caKey, trust.anchor.cert, options.passphrases);
  const admins = await openAdmins(options.admins, trust.root, options.passphrases);
  const passphrases: string[] = [];
  for (const [i, p] of people.entries()) {
    passphrases.push(await newPassphrase(options.passphrases, { what: `the new key of ${p.name} (${p.id})`, file: options.passphraseFiles[i], option: '--passphrase-file' }));
  }
  const pairs = await generateKeys(ids.length, options.bits, notify);
  const newKeys: NewKey[] = [];
  for (const [i, p] of people.entries()) {
    const person = { id: p.id, name: p.name, department: p.department };
    const cert = await keyStep(() => issueCertificate({ ca: { certPem: trust.anchor.cert.pem, key: caKey }, person, publicKey: pairs[i]!.publicKey, now, days: options.days }));
    newKeys.push({ person, key: pairs[i]!.privateKey, cert, passphrase: passphrases[i]!, base: freshKeyName(keyDir, p.id, now) });
  }
  // An administrator rotating their own key signs with the new one, so that
  // retiring the old certificate does not cancel their own signature on these very documents.
  const signers: Signer[] = admins.map((a) => {
    const mine = newKeys.find((k) => k.person.id === a.cert.uid);
    return mine ? { key: mine.key, certPem: mine.cert.certPem } : a.signer;
  });

  const changes: TrustFiles = {};
  changes.roster = signDoc('roster', withCertificates(state.files.roster!, now, newKeys.map((k) => ({ id: k.person.id, fingerprint: k.cert.fingerprint }))), signers);
  // The old certificates are retired, always: once one expires its records count only if a revocation froze them
  // (trust/signer.ts), so each is revoked from now with the records it signed that count now.
  const revokedNow: string[] = [];
  const retired: SignedRecord[] = [];
  const reason = options.reason?.trim() || '密钥轮换';
  const additions: RevocationEntry[] = [];
  const signedRecords = signedRecordsOf(root, options.group, trust);
  for (const p of people) {
    for (const fp of p.certificates) {
      if (revocationAt(trust.revocationIndex, p.id, fp, now.getTime())) continue;
      const frozen = freezable(signedRecords, { certificate: fp }, now.getTime());
      additions.push({ certificate: fp, effective: now.toISOString(), reason, frozen: digestsOf(frozen) });
      revokedNow.push(fp);
      retired.push(...frozen);
    }
  }
  if (additions.length > 0) changes.revocations = signDoc('revocations', withRevocations(state.files.revocations!, now, additions), signers);
  const after = verifiedOrRefused(state, changes, now, anchor);
  if ('refused' in after) return after;

  const keyFiles = writeNewKeys(root, keyDir, newKeys);
  const written = writeTrustFiles(root, changes);
  return {
    rotated: newKeys.map((k) => ({ id: k.person.id, name: k.person.name, fingerprint: k.cert.fingerprint, notAfter: k.cert.notAfter })),
    revoked: revokedNow,
    frozen: retired,
    reason,
    rosterVersion: after.roster.version,
    rosterSigners: after.signedBy.roster,
    revocationsVersion: after.revocations.version,
    keyFiles,
    trustFiles: written,
  };
}
