/**
 * Parse and verify every approval record file once, for all entries: the
 * expensive part (one RSA verification per record, one certificate check per
 * distinct certificate) happens here, and `decide` then judges each entry
 * with map lookups. Pure: the records' bytes and the verified trust in, no
 * I/O, no clock (the clock-dependent checks, a signing time in the future
 * and a certificate expired now whose records were not frozen, are made by
 * `decide`).
 *
 * Records are found by what they sign, not by where they lie: a record
 * "names" an entry when one of its items carries the entry's path. A record
 * that cannot be read far enough to know what it names is held against every
 * entry of the site or column folder it sits in (see folderScope), or of the
 * whole group: fail closed (Trust model 1).
 *
 * prepareRecordsParallel gives the same result with the RSA verifications in
 * worker threads, for runs with thousands of single-entry records.
 */
import { availableParallelism } from 'node:os';
import {
  chainProblemText,
  inspectCertificate,
  MAX_SIGNATURES,
  PAYLOAD_TYPES,
  pae,
  parseEnvelope,
  parseStrictJsonBytes,
  payloadDigest,
  revokedRecord,
  revokedRecordMessage,
  revokedRecordText,
  signingTimeProblem,
  verifyPae,
  type CertInfo,
  type Envelope,
  type RosterPerson,
  type Trust,
} from '../trust/index.ts';
import { chinaDate } from '../util/dates.ts';
import { finding, said, type ApprovalFinding, type RecordProblem } from './findings.ts';
import type { Text } from '../messages/text.ts';
import { ENTRY_PATH, readApproval, type ApprovalItem, type ApprovalPayload } from './record.ts';
import { VerifyPool } from './verify-pool.ts';

/** Below this many records, starting worker threads costs more than it saves. */
const PARALLEL_THRESHOLD = 2000;

/** A record file as the caller found it. */
export interface ApprovalRecordFile {
  /** Repo-relative path, for findings. */
  file: string;
  bytes: Uint8Array;
}

export interface PreparedRecord {
  file: string;
  /** Set when the record as a whole is refused; it then refuses every entry it names. */
  problem?: RecordProblem;
  /** The verified payload (absent when the record could not be verified). */
  payload?: ApprovalPayload;
  person?: RosterPerson;
  cert?: CertInfo;
  /** SHA-256 of the signed payload, once verified: what a revocation freezes. */
  digest?: string;
  /** Frozen by every revocation of its signer (trust/signer.ts revokedRecord): it counts even once the certificate has expired. */
  frozen?: boolean;
}

/** A record's mention of one entry path. `item` is absent when the record was not verified. */
export interface RecordRef {
  record: PreparedRecord;
  item?: ApprovalItem;
}

export interface PreparedRecords {
  trust: Trust;
  records: PreparedRecord[];
  /** Entry path → the records that name it. */
  byPath: ReadonlyMap<string, readonly RecordRef[]>;
  /** Entry digest → verified approvals of those bytes (to recognise a moved entry). */
  byDigest: ReadonlyMap<string, readonly RecordRef[]>;
  /** Unreadable records, each held against every entry whose path starts with `scope`. */
  unattributed: readonly { record: PreparedRecord; scope: string }[];
}

type CertCheck = { ok: true; cert: CertInfo; chain: Text | undefined } | { ok: false; message: string };

/** What is known about a record before its signature is checked, or the final outcome. */
type Opened =
  | { done: Outcome }
  | { file: string; envelope: Envelope; cert: CertInfo; chain: Text | undefined; paeBytes: Uint8Array; sig: Uint8Array };

interface Outcome {
  record: PreparedRecord;
  unverifiedPaths: string[];
}

/** Parse and verify every record once. Synchronous; see prepareRecordsParallel for large runs. */
export function prepareRecords(records: readonly ApprovalRecordFile[], trust: Trust): PreparedRecords {
  const checkCert = certChecker(trust);
  const outcomes = records.map(({ file, bytes }) => {
    const opened = open(file, bytes, checkCert);
    return 'done' in opened ? opened.done : finish(opened, verifyPae(opened.cert.publicKey, opened.paeBytes, opened.sig), trust);
  });
  return index(outcomes, trust);
}

/**
 * The same result as prepareRecords, with the RSA verifications spread over
 * worker threads (node:crypto in each). One RSA-3072 verification costs about
 * 50 µs, so 20,000 single-entry records are a second of one core; parsing
 * stays on this thread. Below `threshold` records it runs inline.
 */
export async function prepareRecordsParallel(
  records: readonly ApprovalRecordFile[],
  trust: Trust,
  options: { workers?: number; threshold?: number } = {},
): Promise<PreparedRecords> {
  const workers = options.workers ?? availableParallelism();
  if (records.length < (options.threshold ?? PARALLEL_THRESHOLD) || workers < 2) return prepareRecords(records, trust);
  const checkCert = certChecker(trust);
  const pool = new VerifyPool(workers);
  try {
    const pending: Promise<Outcome>[] = [];
    for (const { file, bytes } of records) {
      const opened = open(file, bytes, checkCert);
      if ('done' in opened) pending.push(Promise.resolve(opened.done));
      else pending.push(pool.verify(opened.cert.fingerprint, opened.cert.publicKey, opened.paeBytes, opened.sig).then((ok) => finish(opened, ok, trust)));
    }
    pool.flush();
    return index(await Promise.all(pending), trust);
  } finally {
    await pool.close();
  }
}

function certChecker(trust: Trust): (pem: string) => CertCheck {
  // Each distinct certificate is parsed and chain-checked once per run.
  const certs = new Map<string, CertCheck>();
  return (pem) => {
    let c = certs.get(pem);
    if (!c) {
      const inspected = inspectCertificate(pem);
      c = inspected.ok ? { ok: true, cert: inspected.cert, chain: chainProblemText(inspected.cert, trust.anchor.cert) } : { ok: false, message: inspected.message };
      certs.set(pem, c);
    }
    return c;
  };
}

function index(outcomes: readonly Outcome[], trust: Trust): PreparedRecords {
  const byPath = new Map<string, RecordRef[]>();
  const byDigest = new Map<string, RecordRef[]>();
  const unattributed: { record: PreparedRecord; scope: string }[] = [];
  const push = (map: Map<string, RecordRef[]>, key: string, ref: RecordRef) => {
    const list = map.get(key);
    if (list) list.push(ref);
    else map.set(key, [ref]);
  };
  for (const { record, unverifiedPaths } of outcomes) {
    if (record.payload && !record.problem) {
      for (const item of record.payload.entries) {
        const ref = { record, item };
        push(byPath, item.path, ref);
        if (record.payload.decision === 'approve') push(byDigest, item.digest, ref);
      }
    } else if (record.payload) {
      // Verified bytes, refused signer: it names its entries for sure.
      for (const item of record.payload.entries) push(byPath, item.path, { record, item });
    } else if (unverifiedPaths.length > 0) {
      for (const path of unverifiedPaths) push(byPath, path, { record });
    } else {
      unattributed.push({ record, scope: folderScope(record.file) });
    }
  }
  return { trust, records: outcomes.map((o) => o.record), byPath, byDigest, unattributed };
}

/**
 * The entries an unreadable record is held against, as a path prefix. A record
 * kept under a site's (and column's) folder, directly under content/ or under
 * content/_approvals/, concerns that site (column); anywhere else it concerns
 * every entry of the group. An unreadable record is never ignored.
 */
function folderScope(file: string): string {
  const rel = file.startsWith(`${APPROVALS_FOLDER}/`) ? file.slice(APPROVALS_FOLDER.length + 1) : file.startsWith('content/') ? file.slice('content/'.length) : undefined;
  const folders = rel?.split('/').slice(0, -1) ?? [];
  const [site, column] = folders;
  if (site === undefined || !SITE_FOLDER.test(site)) return '';
  return column === undefined ? `content/${site}/` : `content/${site}/${column}/`;
}

const APPROVALS_FOLDER = 'content/_approvals';
const SITE_FOLDER = /^\d{11}$/;

/** Paths an unverified payload claims to name: used only to refuse those entries, never to approve. */
function claimedPaths(payload: Uint8Array | undefined): string[] {
  if (!payload) return [];
  const json = parseStrictJsonBytes(payload);
  if (!json.ok || typeof json.value !== 'object' || json.value === null) return [];
  const entries = (json.value as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) return [];
  const out = new Set<string>();
  for (const e of entries.slice(0, 10_000)) {
    const path = typeof e === 'object' && e !== null ? (e as { path?: unknown }).path : undefined;
    if (typeof path === 'string' && ENTRY_PATH.test(path)) out.add(path);
  }
  return [...out];
}

const RESIGN: Text = {
  zh: '请签名人重新签署该条目（`sealpress approve`；撰稿人提交用 `sealpress submit`），并删除本记录',
  en: 'ask the signer to sign the entry again (`sealpress approve`, or `sealpress submit` for a writer\'s submission), and delete this record',
};

/** Everything before the signature check: the envelope, its one signature, the certificate. */
function open(file: string, bytes: Uint8Array, checkCert: (pem: string) => CertCheck): Opened {
  const refuse = (problem: RecordProblem, payload?: Uint8Array): Opened => ({ done: { record: { file, problem }, unverifiedPaths: claimedPaths(payload) } });

  const parsed = parseEnvelope(bytes, { payloadType: PAYLOAD_TYPES.approval, maxSignatures: MAX_SIGNATURES });
  if (!parsed.ok) {
    const first = parsed.problems[0];
    return refuse(
      {
        code: 'APPROVAL_MALFORMED',
        ...said(
          { zh: `无法读取审批记录：${parsed.problems.map((p) => p.message).join('; ')}`, en: `the approval record cannot be read: ${parsed.problems.map((p) => p.message).join('; ')}` },
          { zh: '从仓库历史中恢复该记录，或删除后重新申请审批', en: 'restore the record from the repository history or delete it and ask for a new approval' },
        ),
        ...(first ? { detail: first.code } : {}),
      },
      parsed.unverifiedPayload,
    );
  }
  const { envelope } = parsed;
  const sig = envelope.signatures[0];
  if (!sig || envelope.signatures.length !== 1) {
    return refuse({ code: 'APPROVAL_MALFORMED', ...said({ zh: `一份审批记录只能有一个签名；本记录有 ${envelope.signatures.length} 个`, en: `an approval record carries exactly one signature; this one has ${envelope.signatures.length}` }, RESIGN), detail: 'RECORD_SIGNATURE_COUNT' }, envelope.payload);
  }
  const checked = checkCert(sig.cert);
  if (!checked.ok) {
    return refuse({ code: 'APPROVAL_MALFORMED', ...said({ zh: `无法读取记录中嵌入的证书：${checked.message}`, en: `the embedded certificate cannot be read: ${checked.message}` }, RESIGN), detail: 'CERT_UNREADABLE' }, envelope.payload);
  }
  if (sig.keyid !== checked.cert.fingerprint) {
    return refuse({ code: 'APPROVAL_MALFORMED', ...said({ zh: '签名的 keyid 与嵌入证书的指纹不一致', en: 'the signature\'s keyid is not the fingerprint of the embedded certificate' }, RESIGN), detail: 'KEYID_MISMATCH' }, envelope.payload);
  }
  return { file, envelope, cert: checked.cert, chain: checked.chain, paeBytes: pae(envelope.payloadType, envelope.payload), sig: sig.sig };
}

/** Everything after the signature check: the payload, then who signed and whether they could. */
function finish(opened: Exclude<Opened, { done: Outcome }>, signatureOk: boolean, trust: Trust): Outcome {
  const { file, envelope, cert } = opened;
  const refuse = (problem: RecordProblem): Outcome => ({ record: { file, problem }, unverifiedPaths: claimedPaths(envelope.payload) });
  if (!signatureOk) {
    return refuse({
      code: 'APPROVAL_SIGNATURE_INVALID',
      ...said(
        { zh: `用 ${cert.name ?? '签名人'} 的证书核验，签名与记录内容不符：记录在签署后被改动，或系伪造`, en: `the signature does not match the record's content with the certificate of ${cert.name ?? 'the signer'}: the record was edited after signing, or forged` },
        { zh: '删除本记录，请审批人重新审批；如无人有意改动过该记录，请报告保密管理员', en: 'delete this record and ask the approver for a new approval; tell the security administrators if nobody edited it on purpose' },
      ),
    });
  }

  // From here the payload is what the certificate's key signed.
  const json = parseStrictJsonBytes(envelope.payload);
  const read = json.ok ? readApproval(json.value) : undefined;
  if (!json.ok || !read?.ok) {
    const why = !json.ok ? `not well-formed JSON: ${json.message}` : read && !read.ok ? read.problems.slice(0, 20).join('; ') : 'unreadable';
    return refuse({ code: 'APPROVAL_MALFORMED', ...said({ zh: `已签名的审批内容不符合格式要求：${why}`, en: `the signed approval breaks the schema: ${why}` }, RESIGN), detail: json.ok ? 'PAYLOAD_SCHEMA' : 'PAYLOAD_JSON' });
  }
  const payload = read.value;
  const digest = payloadDigest(envelope.payload);
  const record: PreparedRecord = { file, payload, cert, digest };
  const refuseVerified = (problem: RecordProblem): Outcome => {
    record.problem = problem;
    return { record, unverifiedPaths: [] };
  };
  const who = cert.name ?? payload.signer;

  if (opened.chain !== undefined) {
    return refuseVerified({
      code: 'APPROVAL_CERT_UNTRUSTED',
      ...said(
        { zh: `本记录使用以 ${who} 名义的证书签署，但${opened.chain.zh}：无法证明签名人身份`, en: `the record is signed with a certificate in the name of ${who}, but ${opened.chain.en}: it does not prove who signed` },
        { zh: '删除本记录；审批人用本站群 CA 签发给本人的证书重新签署，并由保密管理员调查该记录的来源', en: 'delete the record; the approver signs again with the certificate the group CA issued them, and the security administrators look into who made this one' },
      ),
    });
  }
  const person = trust.personByCertificate.get(cert.fingerprint);
  if (!person) {
    return refuseVerified({
      code: 'APPROVAL_CERT_UNTRUSTED',
      ...said(
        { zh: `${who} 的证书（${cert.fingerprint.slice(0, 16)}…）不在已签名的人员名册中`, en: `the certificate of ${who} (${cert.fingerprint.slice(0, 16)}…) is not listed in the signed roster` },
        { zh: '（证书合法的）由保密管理员将该证书加入名册，记录即可生效', en: 'the security administrators add the certificate to the roster (if it is legitimate), then the record counts' },
      ),
    });
  }
  record.person = person;
  if (person.id !== cert.uid) {
    return refuseVerified({
      code: 'APPROVAL_CERT_UNTRUSTED',
      ...said(
        { zh: `名册将该证书登记在 ${person.name}（${person.id}）名下，但证书载明的是 ${cert.uid ?? '（无）'}`, en: `the roster lists this certificate under ${person.name} (${person.id}), but the certificate names ${cert.uid ?? 'nobody'}` },
        { zh: '由保密管理员更正名册', en: 'the security administrators correct the roster' },
      ),
    });
  }
  if (payload.signer !== person.id) {
    return refuseVerified({
      code: 'APPROVAL_CERT_UNTRUSTED',
      ...said({ zh: `记录称由 ${payload.signer} 签署，但证书属于 ${person.name}（${person.id}）`, en: `the record says it is signed by ${payload.signer}, but the certificate is ${person.name}'s (${person.id})` }, RESIGN),
    });
  }
  const time = signingTimeProblem(cert, trust.anchor.cert, payload.signedAtMs);
  if (time) {
    return refuseVerified({
      code: time.kind === 'expired' ? 'APPROVAL_CERT_EXPIRED' : 'APPROVAL_CERT_NOT_YET_VALID',
      ...said(
        { zh: `${person.name} 签署于 ${chinaDate(payload.signedAtMs)}（${payload.signedAt}），但${time.zh}`, en: `${person.name} signed on ${chinaDate(payload.signedAtMs)} (${payload.signedAt}), but ${time.message}` },
        { zh: `${person.name} 领取新证书（\`sealpress keys rotate --id ${person.id}\`）后重新签署`, en: `${person.name} gets a new certificate (\`sealpress keys rotate --id ${person.id}\`) and signs again` },
      ),
    });
  }
  const revoked = revokedRecord(trust.revocationIndex, person.id, cert.fingerprint, digest, payload.signedAtMs);
  if (revoked.problem) {
    return refuseVerified({
      code: revoked.problem.kind === 'revoked' ? 'APPROVAL_REVOKED' : 'APPROVAL_NOT_FROZEN',
      ...said(
        { zh: `${person.name} 签署于 ${chinaDate(payload.signedAtMs)}（${payload.signedAt}），但${revokedRecordText(revoked.problem, payload.signedAt).zh}`, en: `${person.name} signed on ${chinaDate(payload.signedAtMs)} (${payload.signedAt}), but ${revokedRecordMessage(revoked.problem, payload.signedAt)}` },
        { zh: '请目前有签名权的审批人重新审批', en: 'ask an approver who holds signing rights now for a new approval' },
      ),
    });
  }
  if (revoked.frozen) record.frozen = true;
  if (payload.policyVersion > trust.policy.version) {
    return refuseVerified({
      code: 'APPROVAL_POLICY_AHEAD',
      ...said(
        { zh: `${person.name} 依据第 ${payload.policyVersion} 版审批规则审批，但仓库中的审批规则为第 ${trust.policy.version} 版：审批规则可能被回退`, en: `${person.name} approved under policy version ${payload.policyVersion}, but the repository's policy is version ${trust.policy.version}: the policy may have been rolled back` },
        { zh: '恢复最新的已签名 policy.dsse.json，并报告保密管理员', en: 'restore the latest signed policy.dsse.json; tell the security administrators' },
      ),
    });
  }
  return { record, unverifiedPaths: [] };
}

/**
 * Every refused record, once, for the run's report: a bad record that names no
 * existing entry concerns no entry's status, but must still be seen (and the
 * gate may choose to fail the run on it).
 */
export function recordFindings(prepared: PreparedRecords): ApprovalFinding[] {
  return prepared.records.flatMap((r) => (r.problem ? [finding(r.problem, r.file)] : []));
}
