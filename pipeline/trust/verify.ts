/**
 * Verify the trust material under sites/trust/: the group CA (the anchor), the
 * root it signs, and the roster, policy and revocations that the security
 * administrators named by the root sign (Trust model 5: a writer cannot lower a
 * threshold by editing a file).
 *
 * Pure: bytes in, the clock passed in, no I/O. Fails closed: anything missing,
 * unreadable, unsigned, under-signed, tampered or expired makes the whole
 * result not ok, and every problem found is reported at once.
 *
 * Order, and why:
 *   ca.pem        self-signed CA; pinned by fingerprint when the caller knows it
 *   root          signed by the CA key; names the security administrators and the threshold
 *   revocations   signed by ≥ threshold distinct admins; read first, because it
 *                 also decides whether an admin's own signature still counts
 *   roster/policy signed by ≥ threshold distinct admins, not revoked at signing
 * Admin certificates are found by the root's person ids and the certificate's
 * UID, not through the roster, which they sign (no circularity).
 */
import type { Text } from '../messages/text.ts';
import { parseStrictJsonBytes } from './canonical.ts';
import { describeCert, inspectCertificate, issuedBy, MIN_RSA_BITS, normaliseFingerprint, validityAt, type CertInfo } from './certs.ts';
import {
  PAYLOAD_TYPES,
  readPolicy,
  readRevocations,
  readRoot,
  readRoster,
  type PolicyDocument,
  type Read,
  type RevocationsDocument,
  type RootDocument,
  type RosterDocument,
  type RosterPerson,
} from './documents.ts';
import { pae, parseEnvelope, verifyPae, type EnvelopeProblem } from './dsse.ts';
import { dutiesProblem } from './roles.ts';
import { adminSignerProblem, EMPTY_REVOCATIONS, indexRevocations, type RevocationIndex } from './signer.ts';
import { CLOCK_SKEW_MS } from './time.ts';
import { chinaTime } from '../util/dates.ts';

/** Where the trust material lives in a repository. */
export const TRUST_PATHS = {
  ca: 'sites/trust/ca.pem',
  root: 'sites/trust/root.dsse.json',
  roster: 'sites/trust/roster.dsse.json',
  policy: 'sites/trust/policy.dsse.json',
  revocations: 'sites/trust/revocations.dsse.json',
} as const;

export type TrustFileKey = keyof typeof TRUST_PATHS;
export type TrustFiles = Partial<Record<TrustFileKey, Uint8Array>>;

export type TrustProblemCode =
  | 'TRUST_MISSING'
  | 'TRUST_MALFORMED'
  | 'TRUST_SIGNATURE_INVALID'
  | 'TRUST_THRESHOLD_NOT_MET'
  | 'TRUST_ANCHOR_MISMATCH'
  | 'TRUST_ANCHOR_INVALID'
  | 'TRUST_EXPIRED'
  | 'TRUST_NOT_YET_VALID'
  /** A document older than the one the latest signed release was gated under (the gate's memory, Trust model 10). */
  | 'TRUST_ROLLBACK'
  /** A person holds duties that must be held apart (Trust model 4, trust/roles.ts). */
  | 'TRUST_DUTIES_MIXED';

export type TrustWarningCode =
  | 'TRUST_ANCHOR_NOT_PINNED'
  | 'TRUST_SIGNATURE_IGNORED'
  | 'TRUST_WEAK_THRESHOLD'
  | 'TRUST_EXPIRING';

export interface TrustProblem {
  code: TrustProblemCode;
  /** Repo-relative path of the file concerned. */
  file: string;
  /** In English. */
  message: string;
  fix: string;
  /** The message and the fix in Chinese. */
  zh: { message: string; fix: string };
}

export interface TrustWarning {
  code: TrustWarningCode;
  file: string;
  message: string;
  fix: string;
  zh: { message: string; fix: string };
}

/** Verified trust material, parsed once, with the keys ready for fast verification. */
export interface Trust {
  anchor: {
    cert: CertInfo;
    fingerprint: string;
    /** Whether the caller pinned the CA fingerprint from outside the repository. */
    pinned: boolean;
  };
  root: RootDocument;
  roster: RosterDocument;
  policy: PolicyDocument;
  revocations: RevocationsDocument;
  /** Person id → roster entry. */
  people: ReadonlyMap<string, RosterPerson>;
  /** Certificate fingerprint → the person the roster lists it under. */
  personByCertificate: ReadonlyMap<string, RosterPerson>;
  revocationIndex: RevocationIndex;
  /** Who signed each admin-signed document (distinct person ids that counted). */
  signedBy: { roster: string[]; policy: string[]; revocations: string[] };
}

export type TrustResult = { ok: true; trust: Trust; warnings: TrustWarning[] } | { ok: false; problems: TrustProblem[]; warnings: TrustWarning[] };

export interface VerifyTrustOptions {
  now: Date;
  /** SHA-256 fingerprint of the CA certificate, known from outside the repository (CI secret or setting). */
  anchorFingerprint?: string;
}

const MAX_CA_PEM_BYTES = 64 * 1024;
const EXPIRY_WARNING_MS = 30 * 86_400_000;

class Report {
  readonly problems: TrustProblem[] = [];
  readonly warnings: TrustWarning[] = [];
  problem(code: TrustProblemCode, file: string, message: Text, fix: Text): void {
    this.problems.push({ code, file, message: message.en, fix: fix.en, zh: { message: message.zh, fix: fix.zh } });
  }
  warn(code: TrustWarningCode, file: string, message: Text, fix: Text): void {
    this.warnings.push({ code, file, message: message.en, fix: fix.en, zh: { message: message.zh, fix: fix.zh } });
  }
}

export function verifyTrust(files: TrustFiles, options: VerifyTrustOptions): TrustResult {
  const report = new Report();
  const now = options.now.getTime();
  for (const key of Object.keys(TRUST_PATHS) as TrustFileKey[]) {
    if (files[key] === undefined) {
      report.problem('TRUST_MISSING', TRUST_PATHS[key], { zh: `缺少 ${TRUST_PATHS[key]}：没有它无法核验任何审批，因此不会发布任何内容`, en: `${TRUST_PATHS[key]} is missing: without it no approval can be verified, so nothing is published` }, { zh: '从仓库历史中恢复该文件，或请保密管理员签署', en: 'restore the file from the repository history, or ask the security administrators to sign it' });
    }
  }

  const anchor = files.ca ? readAnchor(files.ca, options, now, report) : undefined;
  const root = anchor && files.root ? readRootEnvelope(files.root, anchor.cert, now, report) : undefined;

  let revocations: Signed<RevocationsDocument> | undefined;
  let roster: Signed<RosterDocument> | undefined;
  let policy: Signed<PolicyDocument> | undefined;
  if (anchor && root) {
    const ctx = { anchor: anchor.cert, root, now, report };
    if (files.revocations) revocations = readAdminSigned('revocations', files.revocations, readRevocations, ctx, (doc) => indexRevocations(doc.revoked));
    const index = revocations ? indexRevocations(revocations.doc.revoked) : EMPTY_REVOCATIONS;
    if (files.roster) roster = readAdminSigned('roster', files.roster, readRoster, ctx, () => index);
    if (files.policy) policy = readAdminSigned('policy', files.policy, readPolicy, ctx, () => index);
  }
  if (roster) rosterDuties(roster.doc, report);

  if (report.problems.length > 0 || !anchor || !root || !revocations || !roster || !policy) {
    return { ok: false, problems: report.problems, warnings: report.warnings };
  }
  const people = new Map<string, RosterPerson>();
  const personByCertificate = new Map<string, RosterPerson>();
  for (const p of roster.doc.people) {
    people.set(p.id, p);
    for (const fp of p.certificates) personByCertificate.set(fp, p);
  }
  return {
    ok: true,
    warnings: report.warnings,
    trust: {
      anchor,
      root,
      roster: roster.doc,
      policy: policy.doc,
      revocations: revocations.doc,
      people,
      personByCertificate,
      revocationIndex: indexRevocations(revocations.doc.revoked),
      signedBy: { roster: roster.signers, policy: policy.signers, revocations: revocations.signers },
    },
  };
}

function readAnchor(bytes: Uint8Array, options: VerifyTrustOptions, now: number, report: Report): Trust['anchor'] | undefined {
  const file = TRUST_PATHS.ca;
  if (bytes.length > MAX_CA_PEM_BYTES) {
    report.problem('TRUST_MALFORMED', file, { zh: `文件大小为 ${bytes.length} 字节；CA 证书通常只有几 KiB`, en: `the file is ${bytes.length} bytes; a CA certificate is a few KiB` }, { zh: '从仓库历史中恢复 ca.pem', en: 'restore ca.pem from the repository history' });
    return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    report.problem('TRUST_MALFORMED', file, { zh: '文件不是 UTF-8 文本', en: 'the file is not UTF-8 text' }, { zh: '从仓库历史中恢复 ca.pem', en: 'restore ca.pem from the repository history' });
    return undefined;
  }
  const inspected = inspectCertificate(text);
  if (!inspected.ok) {
    report.problem('TRUST_MALFORMED', file, { zh: `无法读取 CA 证书：${inspected.message}`, en: `the CA certificate cannot be read: ${inspected.message}` }, { zh: '从仓库历史中恢复 ca.pem', en: 'restore ca.pem from the repository history' });
    return undefined;
  }
  const cert = inspected.cert;
  let pinned = false;
  if (options.anchorFingerprint !== undefined) {
    const expected = normaliseFingerprint(options.anchorFingerprint);
    if (expected !== cert.fingerprint) {
      report.problem(
        'TRUST_ANCHOR_MISMATCH',
        file,
        expected === undefined
          ? { zh: '传给发布关口的固定 CA 指纹不是 SHA-256 指纹', en: 'the pinned CA fingerprint given to the gate is not a SHA-256 fingerprint' }
          : { zh: `CA 证书指纹 ${cert.fingerprint} 与固定的 ${expected} 不一致：ca.pem 已被替换`, en: `the CA certificate's fingerprint ${cert.fingerprint} is not the pinned ${expected}: ca.pem was replaced` },
        { zh: 'CA 经正当程序更换的，更新 CI 设置中固定的指纹；否则恢复 ca.pem 并查明是谁改动的', en: 'if the CA was legitimately renewed, update the pinned fingerprint in the CI settings; otherwise restore ca.pem and find out who changed it' },
      );
      return undefined;
    }
    pinned = true;
  } else {
    report.warn('TRUST_ANCHOR_NOT_PINNED', file, { zh: 'CA 证书之所以被信任，只是因为它在仓库中；任何能提交代码的人都能替换它', en: 'the CA certificate is trusted because it is in the repository; whoever can commit can replace it' }, { zh: '从仓库外部（CI 设置）向发布关口传入 CA 指纹', en: 'pass the CA fingerprint to the gate from outside the repository (CI setting)' });
  }
  if (!cert.isCa || !issuedBy(cert, cert) || cert.rsaBits < MIN_RSA_BITS) {
    report.problem('TRUST_ANCHOR_INVALID', file, { zh: `ca.pem 不是带有至少 ${MIN_RSA_BITS} 位 RSA 密钥的自签名 CA 证书`, en: `ca.pem is not a self-signed CA certificate with an RSA key of at least ${MIN_RSA_BITS} bits` }, { zh: '从仓库历史中恢复 ca.pem', en: 'restore ca.pem from the repository history' });
    return undefined;
  }
  const validity = validityAt(cert, now);
  if (validity === 'expired') {
    report.problem('TRUST_EXPIRED', file, { zh: `本站群 CA 证书已于 ${chinaTime(cert.notAfter)} 到期`, en: `the group CA certificate expired ${chinaTime(cert.notAfter)}` }, { zh: '须由保密管理员新建 CA 并重新签发证书', en: 'the security administrators must create a new CA and re-issue the certificates' });
    return undefined;
  }
  if (validity === 'not-yet-valid') {
    report.problem('TRUST_NOT_YET_VALID', file, { zh: `本站群 CA 证书自 ${chinaTime(cert.notBefore)} 起才生效`, en: `the group CA certificate is valid only from ${chinaTime(cert.notBefore)}` }, { zh: '检查生成该证书的电脑时钟', en: 'check the clock of the machine that created it' });
    return undefined;
  }
  if (cert.notAfter - now < EXPIRY_WARNING_MS) {
    report.warn('TRUST_EXPIRING', file, { zh: `本站群 CA 证书将于 ${chinaTime(cert.notAfter)} 到期`, en: `the group CA certificate expires ${chinaTime(cert.notAfter)}` }, { zh: '现在就安排更换 CA', en: 'plan the CA renewal now' });
  }
  return { cert, fingerprint: cert.fingerprint, pinned };
}

function envelopeProblems(file: string, problems: readonly EnvelopeProblem[], report: Report, unsignedCode: TrustProblemCode): void {
  for (const p of problems) {
    const code = p.code === 'ENVELOPE_NO_SIGNATURES' ? unsignedCode : 'TRUST_MALFORMED';
    report.problem(code, file, { zh: `${p.message} [${p.code}]`, en: `${p.message} [${p.code}]` }, { zh: '从仓库历史中恢复该文件，或用 `sealpress trust sign` 重新签署', en: 'restore the file from the repository history, or have it signed again with `sealpress trust sign`' });
  }
}

function readRootEnvelope(bytes: Uint8Array, ca: CertInfo, now: number, report: Report): RootDocument | undefined {
  const file = TRUST_PATHS.root;
  const parsed = parseEnvelope(bytes, { payloadType: PAYLOAD_TYPES.root });
  if (!parsed.ok) {
    envelopeProblems(file, parsed.problems, report, 'TRUST_SIGNATURE_INVALID');
    return undefined;
  }
  const { envelope } = parsed;
  const signed = pae(envelope.payloadType, envelope.payload);
  // Every signature on the root must be the CA's, checked with the anchor's key (never the embedded cert).
  const bad = envelope.signatures.filter((s) => !verifyPae(ca.publicKey, signed, s.sig));
  if (bad.length > 0) {
    report.problem('TRUST_SIGNATURE_INVALID', file, { zh: `根文件上的 ${envelope.signatures.length} 个签名中有 ${bad.length} 个无法用本站群 CA 密钥核验：根文件在 CA 签署后被改动，或由其他密钥签署`, en: `${bad.length} of ${envelope.signatures.length} signature(s) on the root do not verify with the group CA key: the root was changed after the CA signed it, or signed by another key` }, { zh: '恢复 root.dsse.json，或请 CA 密钥持有人签署新的根文件', en: 'restore root.dsse.json, or have the CA key holder sign a new root' });
    return undefined;
  }
  const root = readPayload(file, envelope.payload, readRoot, report);
  if (!root) return undefined;
  if (root.expiresMs <= now) {
    report.problem('TRUST_EXPIRED', file, { zh: `根文件已于 ${root.expires} 到期：依据过期的信任材料，审批不可信`, en: `the root expired ${root.expires}: approvals cannot be trusted on stale trust material` }, { zh: '由 CA 密钥持有人签署有效期更晚的新根文件', en: 'the CA key holder signs a new root with a later expiry' });
    return undefined;
  }
  if (root.threshold === 1) {
    report.warn('TRUST_WEAK_THRESHOLD', file, { zh: '一名保密管理员即可单独更改人员名册、审批规则和吊销清单', en: 'one security administrator alone can change the roster, policy and revocations' }, { zh: '在新的根文件中将门限提高到 2', en: 'raise the threshold to 2 in a new root' });
  }
  if (root.expiresMs - now < EXPIRY_WARNING_MS) report.warn('TRUST_EXPIRING', file, { zh: `根文件将于 ${root.expires} 到期`, en: `the root expires ${root.expires}` }, { zh: '请 CA 密钥持有人尽快签署新的根文件', en: 'have the CA key holder sign a new root soon' });
  return root;
}

function readPayload<T>(file: string, payload: Uint8Array, read: (v: unknown) => Read<T>, report: Report): T | undefined {
  const json = parseStrictJsonBytes(payload);
  if (!json.ok) {
    report.problem('TRUST_MALFORMED', file, { zh: `已签名的内容不是格式正确的 JSON：${json.message}`, en: `the signed payload is not well-formed JSON: ${json.message}` }, { zh: '签署更正后的文件', en: 'sign a corrected document' });
    return undefined;
  }
  const doc = read(json.value);
  if (!doc.ok) {
    report.problem('TRUST_MALFORMED', file, { zh: `已签名的内容不符合格式要求：${doc.problems.join('; ')}`, en: `the signed payload breaks the schema: ${doc.problems.join('; ')}` }, { zh: '签署更正后的文件', en: 'sign a corrected document' });
    return undefined;
  }
  return doc.value;
}

interface Signed<T> {
  doc: T;
  signers: string[];
}

function readAdminSigned<T extends { signedAtMs: number; signedAt: string; expiresMs?: number; expires?: string }>(
  kind: 'roster' | 'policy' | 'revocations',
  bytes: Uint8Array,
  read: (v: unknown) => Read<T>,
  ctx: { anchor: CertInfo; root: RootDocument; now: number; report: Report },
  revocationsFor: (doc: T) => RevocationIndex,
): Signed<T> | undefined {
  const { anchor, root, now, report } = ctx;
  const file = TRUST_PATHS[kind];
  const parsed = parseEnvelope(bytes, { payloadType: PAYLOAD_TYPES[kind] });
  if (!parsed.ok) {
    envelopeProblems(file, parsed.problems, report, 'TRUST_THRESHOLD_NOT_MET');
    return undefined;
  }
  const { envelope } = parsed;
  const signed = pae(envelope.payloadType, envelope.payload);

  // 1. Every signature must verify over the stored bytes with the certificate it carries.
  const certs: CertInfo[] = [];
  let broken = false;
  envelope.signatures.forEach((s, i) => {
    const inspected = inspectCertificate(s.cert);
    if (!inspected.ok) {
      report.problem('TRUST_MALFORMED', file, { zh: `第 ${i + 1} 个签名附带的证书无法读取：${inspected.message}`, en: `signature ${i + 1} carries an unreadable certificate: ${inspected.message}` }, { zh: '删除该签名，请管理员重新签署', en: 'remove that signature and have the admin sign again' });
      broken = true;
      return;
    }
    if (s.keyid !== inspected.cert.fingerprint) {
      report.problem('TRUST_MALFORMED', file, { zh: `第 ${i + 1} 个签名：keyid 与其附带证书的指纹不一致`, en: `signature ${i + 1}: the keyid is not the fingerprint of the certificate it carries` }, { zh: '删除该签名，请管理员重新签署', en: 'remove that signature and have the admin sign again' });
      broken = true;
      return;
    }
    if (!verifyPae(inspected.cert.publicKey, signed, s.sig)) {
      report.problem('TRUST_SIGNATURE_INVALID', file, { zh: `${describeCert(inspected.cert)} 的签名与文件内容不符：文件在签署后被改动，或签名系伪造`, en: `the signature of ${describeCert(inspected.cert)} does not match the document: it was edited after signing, or the signature is forged` }, { zh: `从仓库历史中恢复 ${kind}.dsse.json，或请 ${root.threshold} 名保密管理员签署新版本`, en: `restore ${kind}.dsse.json from the repository history, or have ${root.threshold} security administrators sign the new version` });
      broken = true;
      return;
    }
    certs.push(inspected.cert);
  });
  if (broken) return undefined;

  // 2. The payload those signatures cover.
  const doc = readPayload(file, envelope.payload, read, report);
  if (!doc) return undefined;
  const revoked = revocationsFor(doc);

  // 3. Count distinct security administrators whose certificate was good when they signed.
  const counted = new Set<string>();
  const notCounted: string[] = [];
  for (const cert of certs) {
    const who = describeCert(cert);
    const uid = cert.uid;
    let reason = adminSignerProblem(cert, anchor, root.securityAdmins, revoked, doc.signedAtMs);
    if (reason === undefined && uid !== undefined && counted.has(uid)) reason = 'signed twice: one person counts once';
    if (reason === undefined && uid !== undefined) counted.add(uid);
    else notCounted.push(`${who}: ${reason}`);
  }
  if (counted.size < root.threshold) {
    report.problem(
      'TRUST_THRESHOLD_NOT_MET',
      file,
      { zh: `由 ${counted.size} 名不同的保密管理员签署${counted.size ? `（${[...counted].join('、')}）` : ''}；根文件要求 ${root.threshold} 名${notCounted.length ? `。未计入：${notCounted.join('; ')}` : ''}`, en: `signed by ${counted.size} distinct security administrator(s)${counted.size ? ` (${[...counted].join(', ')})` : ''}; the root requires ${root.threshold}${notCounted.length ? `. Not counted: ${notCounted.join('; ')}` : ''}` },
      { zh: `请再有 ${root.threshold - counted.size} 名保密管理员会签（\`sealpress trust sign\`）`, en: `have ${root.threshold - counted.size} more security administrator(s) countersign it (\`sealpress trust sign\`)` },
    );
    return undefined;
  }
  for (const n of notCounted) report.warn('TRUST_SIGNATURE_IGNORED', file, { zh: `有一个签名未计入：${n}`, en: `a signature was not counted: ${n}` }, { zh: '删除该签名，或为签名人签发有效证书', en: 'remove it, or issue the signer a valid certificate' });

  if (doc.signedAtMs > now + CLOCK_SKEW_MS) {
    report.problem('TRUST_NOT_YET_VALID', file, { zh: `签署时间为 ${doc.signedAt}，晚于当前时间`, en: `signed at ${doc.signedAt}, which is in the future` }, { zh: '检查签署电脑的时钟后重新签署', en: 'check the clock of the machine that signed it and sign again' });
    return undefined;
  }
  if (doc.expiresMs !== undefined && doc.expiresMs <= now) {
    report.problem('TRUST_EXPIRED', file, { zh: `已于 ${doc.expires ?? ''} 到期`, en: `expired ${doc.expires ?? ''}` }, { zh: '由保密管理员签署新版本', en: 'the security administrators sign a new version' });
    return undefined;
  }
  return { doc, signers: [...counted].sort() };
}

/**
 * Separation of duties (Trust model 4), one rule with one outcome: a roster
 * that gives one person duties that must be held apart is refused, as
 * `keys issue` refuses to write it. A warning would let a roster signed by
 * hand make a security administrator an approver of content.
 */
function rosterDuties(roster: RosterDocument, report: Report): void {
  for (const p of roster.people) {
    const problem = dutiesProblem(p.roles.map((r) => r.role));
    if (problem) report.problem('TRUST_DUTIES_MIXED', TRUST_PATHS.roster, { zh: `${p.name}（${p.id}）：${problem}`, en: `${p.name} (${p.id}): ${problem}` }, { zh: '将这些角色分给不同的人，并请保密管理员签署更正后的名册', en: 'give the roles to different people, and have the security administrators sign a corrected roster' });
  }
}
