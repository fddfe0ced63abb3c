/**
 * Approval records: a DSSE envelope (payloadType application/vnd.sealpress.approval+json)
 * with ONE signature, the signer's, and the signer's certificate embedded.
 * The payload binds the decision to bytes (Trust model 2): each entry's path,
 * site, column and SHA-256, and the SHA-256 of every asset it references. A
 * batch approval covers many entries.
 *
 * Four decisions share the format: `approve`, `withdraw` and `reject` (驳回,
 * with its reason) by approvers, and `submit` by a writer, who signs the exact
 * bytes they wrote. The signers of
 * an entry's submissions are its authors: that is what separation of duties is
 * checked against (Trust model 4 and 9), not the front matter's `author`,
 * which anyone who can edit the file can rewrite.
 */
import {
  canonicalBytes,
  inspectCertificate,
  MAX_ENVELOPE_BYTES,
  PAYLOAD_TYPES,
  PERSON_ID,
  Reader,
  SHA256_HEX,
  signEnvelope,
  SITE_CODE,
  SLUG_ID,
  TrustError,
  type Read,
  type Signer,
} from '../trust/index.ts';

export const APPROVAL_VERSION = 1;
export const DECISIONS = ['approve', 'withdraw', 'submit', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Most entries one record may cover (the 1 MiB envelope limit usually bites first). */
export const MAX_ENTRIES_PER_RECORD = 5000;
const MAX_ASSETS_PER_ENTRY = 1000;

export interface AssetDigest {
  path: string;
  digest: string;
}

/** What an approval says about one entry. */
export interface ApprovalItem {
  path: string;
  site: string;
  column: string;
  digest: string;
  assets: AssetDigest[];
}

export interface ApprovalPayload {
  type: 'approval';
  version: typeof APPROVAL_VERSION;
  decision: Decision;
  reason?: string;
  signedAt: string;
  signedAtMs: number;
  policyVersion: number;
  /** Person id of the signer; must equal the UID of the certificate that signed. */
  signer: string;
  entries: ApprovalItem[];
}

/** content/<site>/<column>/<slug>.md|.mdx, without `.`/`..` segments. */
export const ENTRY_PATH = /^content\/[^/\\\u0000-\u001f]+\/[^/\\\u0000-\u001f]+\/[^/\\\u0000-\u001f]+\.mdx?$/;
/** A repo-relative POSIX path. */
const REPO_PATH = /^(?!\/)[^\\\u0000-\u001f]{1,500}$/;

function hasDotSegment(path: string): boolean {
  return path.split('/').some((s) => s === '.' || s === '..' || s === '');
}

/** Read a verified approval payload, collecting every problem. */
export function readApproval(value: unknown): Read<ApprovalPayload> {
  const r = new Reader();
  const o = r.object(value, '');
  if (!o) return { ok: false, problems: r.problems };
  r.literal(o, 'type', '', 'approval');
  const version = o.version;
  if (version !== APPROVAL_VERSION) r.problem('version', `is ${JSON.stringify(version)}; this gate reads version ${APPROVAL_VERSION}`);
  const decision = r.oneOf(o, 'decision', '', DECISIONS);
  const reason = r.optionalString(o, 'reason', '', { max: 500 });
  if (decision === 'reject' && !reason?.trim()) r.problem('reason', 'is required for a rejection: the writer is told why');
  const signedAt = r.instant(o, 'signedAt', '');
  const policyVersion = r.integer(o, 'policyVersion', '', 1);
  const signer = r.string(o, 'signer', '', { pattern: PERSON_ID, hint: 'a person id' });
  const list = r.array(o, 'entries', '', 1, MAX_ENTRIES_PER_RECORD);
  const entries: ApprovalItem[] = [];
  const paths = new Set<string>();
  list?.forEach((e, i) => {
    const at = `entries[${i}]`;
    const eo = r.object(e, at);
    if (!eo) return;
    const path = r.string(eo, 'path', at, { pattern: ENTRY_PATH, hint: 'content/<site>/<column>/<slug>.md', max: 500 });
    if (path !== undefined && hasDotSegment(path)) r.problem(`${at}.path`, 'has an empty, . or .. segment');
    const site = r.string(eo, 'site', at, { pattern: SITE_CODE, hint: 'an 11-digit site code' });
    const column = r.string(eo, 'column', at, { pattern: SLUG_ID, hint: 'a column id' });
    const digest = r.string(eo, 'digest', at, { pattern: SHA256_HEX, hint: 'a SHA-256 in lower-case hex' });
    const assetList = r.array(eo, 'assets', at, 0, MAX_ASSETS_PER_ENTRY);
    const assets: AssetDigest[] = [];
    const assetPaths = new Set<string>();
    assetList?.forEach((a, j) => {
      const aat = `${at}.assets[${j}]`;
      const ao = r.object(a, aat);
      if (!ao) return;
      const apath = r.string(ao, 'path', aat, { pattern: REPO_PATH, hint: 'a repo-relative path', max: 500 });
      const adigest = r.string(ao, 'digest', aat, { pattern: SHA256_HEX, hint: 'a SHA-256 in lower-case hex' });
      if (apath !== undefined && hasDotSegment(apath)) r.problem(`${aat}.path`, 'has an empty, . or .. segment');
      if (apath !== undefined && assetPaths.has(apath)) r.problem(`${aat}.path`, `${apath} is listed twice`);
      if (apath !== undefined) assetPaths.add(apath);
      if (apath !== undefined && adigest !== undefined) assets.push({ path: apath, digest: adigest });
    });
    if (path !== undefined && paths.has(path)) r.problem(`${at}.path`, `${path} is listed twice`);
    if (path !== undefined) paths.add(path);
    if (path !== undefined && site !== undefined && column !== undefined && digest !== undefined && assetList) {
      entries.push({ path, site, column, digest, assets });
    }
  });
  if (r.problems.length > 0 || !decision || !signedAt || policyVersion === undefined || signer === undefined || !list) {
    return { ok: false, problems: r.problems.length ? r.problems : ['unreadable'] };
  }
  const payload: ApprovalPayload = { type: 'approval', version: APPROVAL_VERSION, decision, signedAt: signedAt.text, signedAtMs: signedAt.t, policyVersion, signer, entries };
  if (reason !== undefined) payload.reason = reason;
  return { ok: true, value: payload };
}

export interface SignApprovalOptions {
  entries: readonly ApprovalItem[];
  decision: Decision;
  /** Why, e.g. 错误发布 for a withdrawal. */
  reason?: string;
  signer: Signer;
  now: Date;
  /** Version of the policy the approver saw. */
  policyVersion: number;
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Sign an approval, a withdrawal or a submission of one or more entries. Returns the record file bytes. */
export function signApproval(options: SignApprovalOptions): Uint8Array {
  const inspected = inspectCertificate(options.signer.certPem);
  if (!inspected.ok || inspected.cert.uid === undefined) throw new TrustError('INVALID_ARGUMENT', { zh: '签名人证书无法读取或未载明人员编号（UID）', en: 'the signer certificate cannot be read or names no person id (UID)' });
  const payload: Record<string, unknown> = {
    type: 'approval',
    version: APPROVAL_VERSION,
    decision: options.decision,
    signedAt: options.now.toISOString(),
    policyVersion: options.policyVersion,
    signer: inspected.cert.uid,
    // Sorted, so the same batch signed twice gives the same payload.
    entries: [...options.entries].sort(byPath).map((e) => ({
      path: e.path,
      site: e.site,
      column: e.column,
      digest: e.digest,
      assets: [...e.assets].sort(byPath).map((a) => ({ path: a.path, digest: a.digest })),
    })),
  };
  if (options.reason !== undefined) payload.reason = options.reason;
  const bytes = canonicalBytes(payload);
  const checked = readApproval(JSON.parse(new TextDecoder().decode(bytes)));
  if (!checked.ok) throw new TrustError('DOCUMENT_INVALID', { zh: `审批记录不符合格式要求：${checked.problems.slice(0, 10).join('; ')}`, en: `the approval breaks its schema: ${checked.problems.slice(0, 10).join('; ')}` });
  const file = signEnvelope(PAYLOAD_TYPES.approval, bytes, [options.signer]);
  if (file.length > MAX_ENVELOPE_BYTES) {
    throw new TrustError('RECORD_TOO_LARGE', { zh: `该记录将有 ${file.length} 字节；发布关口最多读取 ${MAX_ENVELOPE_BYTES} 字节：请分批签署`, en: `the record would be ${file.length} bytes; gates read at most ${MAX_ENVELOPE_BYTES}: split the batch` });
  }
  return file;
}
