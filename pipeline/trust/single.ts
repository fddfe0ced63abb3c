/**
 * Records signed by one person (a waiver, a column change request): a DSSE
 * envelope of the expected type with exactly one signature, whose certificate
 * verifies it, and a payload that reads under its schema. Who the signer is
 * allowed to be is the caller's question; this answers only "who signed what".
 */
import { parseStrictJsonBytes } from './canonical.ts';
import { inspectCertificate, type CertInfo } from './certs.ts';
import type { Read } from './documents.ts';
import { pae, parseEnvelope, verifyPae } from './dsse.ts';
import type { Text } from '../messages/text.ts';

/** `payload` is the signed payload bytes (a revocation freezes records by their digest). */
export type SingleSigned<T> = { ok: true; value: T; cert: CertInfo; payload: Uint8Array } | { ok: false; problem: Text };

/** `what` names the record in messages ("the waiver", "the request"). */
export function openSingleSigned<T>(bytes: Uint8Array, payloadType: string, read: (value: unknown) => Read<T>, what: Text): SingleSigned<T> {
  const parsed = parseEnvelope(bytes, { payloadType });
  if (!parsed.ok) {
    const why = parsed.problems.map((p) => p.message).join('; ');
    return { ok: false, problem: { zh: `无法读取签名文件：${why}`, en: why } };
  }
  const { envelope } = parsed;
  const [signature, ...others] = envelope.signatures;
  if (!signature || others.length > 0) return { ok: false, problem: { zh: `${what.zh}只能有一个签名，即签署人的签名`, en: `${what.en} carries exactly one signature, its signer's` } };
  const inspected = inspectCertificate(signature.cert);
  if (!inspected.ok) return { ok: false, problem: { zh: `其证书无法读取（${inspected.message}）`, en: `its certificate cannot be read (${inspected.message})` } };
  const cert = inspected.cert;
  if (!verifyPae(cert.publicKey, pae(envelope.payloadType, envelope.payload), signature.sig)) {
    return { ok: false, problem: { zh: `签名与${what.zh}内容不符（签署后被改动，或系伪造）`, en: `the signature does not match ${what.en} (it was changed after signing, or forged)` } };
  }
  const json = parseStrictJsonBytes(envelope.payload);
  const value = json.ok ? read(json.value) : undefined;
  if (!value?.ok) {
    const why = value ? value.problems.slice(0, 5).join('; ') : undefined;
    return { ok: false, problem: why !== undefined ? { zh: `内容不符合格式要求：${why}`, en: why } : { zh: '其内容不是 JSON', en: 'its payload is not JSON' } };
  }
  return { ok: true, value: value.value, cert, payload: envelope.payload };
}

/**
 * Open each record against trust material that verified, and hand the opened
 * ones to `each`; a record that does not open, and every record when the trust
 * material did not verify (`trust` undefined), is refused with the reason.
 */
export function eachSigned<T, U>(
  records: readonly { file: string; bytes: Uint8Array }[],
  trust: U | undefined,
  open: (bytes: Uint8Array) => SingleSigned<T>,
  refuse: (file: string, why: Text) => void,
  each: (file: string, opened: Extract<SingleSigned<T>, { ok: true }>, trust: U) => void,
): void {
  for (const { file, bytes } of records) {
    if (!trust) {
      refuse(file, { zh: '信任材料未通过核验，无法核验任何签名', en: 'the trust material does not verify, so no signature can be checked' });
      continue;
    }
    const opened = open(bytes);
    if (!opened.ok) refuse(file, opened.problem);
    else each(file, opened, trust);
  }
}
