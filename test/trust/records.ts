/**
 * Making approval record files for tests, honest ones and forged ones.
 */
import type { KeyObject } from 'node:crypto';
import { signApproval, type ApprovalEntry, type ApprovalRecordFile, type Decision } from '../../pipeline/approve/index.ts';
import { canonicalBytes, decodeBase64, encodeBase64, pae, payloadDigest, PAYLOAD_TYPES, signEnvelope, signPae, type Signer } from '../../pipeline/trust/index.ts';
import { itemOf } from './pki.ts';

/** When the test approvals are signed, unless a case says otherwise (before NOW, inside the certificates' validity). */
export const SIGNED = new Date('2026-09-30T08:00:00Z');

let counter = 0;
/** A record file name next to the entry (the gate finds records by content, not by name). */
export function recordName(entry: { path: string }): string {
  counter++;
  return `${entry.path.replace(/\.mdx?$/, '')}.approval-${counter}.dsse.json`;
}

export function approve(
  signer: Signer,
  entries: ApprovalEntry | ApprovalEntry[],
  options: { at?: Date; decision?: Decision; reason?: string; policyVersion?: number; file?: string } = {},
): ApprovalRecordFile {
  const list = Array.isArray(entries) ? entries : [entries];
  const bytes = signApproval({
    entries: list.map(itemOf),
    decision: options.decision ?? 'approve',
    ...(options.reason === undefined ? {} : { reason: options.reason }),
    signer,
    now: options.at ?? SIGNED,
    policyVersion: options.policyVersion ?? 1,
  });
  return { file: options.file ?? recordName(list[0]!), bytes };
}

/** A writer's submission of the entries' current bytes (signed an hour before SIGNED unless `at` says otherwise). */
export function submit(signer: Signer, entries: ApprovalEntry | ApprovalEntry[], options: { at?: Date; file?: string } = {}): ApprovalRecordFile {
  return approve(signer, entries, { decision: 'submit', at: options.at ?? SUBMITTED, ...(options.file === undefined ? {} : { file: options.file }) });
}

/** When the test submissions are signed, unless a case says otherwise: before the approvals. */
export const SUBMITTED = new Date(SIGNED.getTime() - 3_600_000);

export function withdraw(signer: Signer, entry: ApprovalEntry, at: Date, reason = '错误发布'): ApprovalRecordFile {
  return approve(signer, entry, { at, decision: 'withdraw', reason });
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

type EnvelopeJson = { payloadType: string; payload: string; signatures: { keyid: string; sig: string; cert: string }[] } & Record<string, unknown>;

/** Edit the envelope JSON (signatures untouched unless the edit touches them). */
export function editEnvelope(record: ApprovalRecordFile, edit: (doc: EnvelopeJson) => void): ApprovalRecordFile {
  const doc = JSON.parse(text(record.bytes)) as EnvelopeJson;
  edit(doc);
  return { file: record.file, bytes: bytes(JSON.stringify(doc)) };
}

/** Change the signed payload and keep the old signature: tampering. */
export function editPayload(record: ApprovalRecordFile, edit: (payload: Record<string, unknown>) => void): ApprovalRecordFile {
  return editEnvelope(record, (doc) => {
    const payload = JSON.parse(text(decodeBase64(doc.payload)!)) as Record<string, unknown>;
    edit(payload);
    doc.payload = encodeBase64(canonicalBytes(payload));
  });
}

/** Replace the signature with one by another key, keeping the certificate and keyid: a forgery. */
export function resignWith(record: ApprovalRecordFile, key: KeyObject): ApprovalRecordFile {
  return editEnvelope(record, (doc) => {
    const sig = signPae(key, pae(doc.payloadType, decodeBase64(doc.payload)!));
    doc.signatures[0]!.sig = encodeBase64(sig);
  });
}

/** Sign arbitrary payload bytes as an approval (to test the schema after a valid signature). */
export function signRawApproval(payload: string | Record<string, unknown>, signer: Signer, file: string): ApprovalRecordFile {
  const body = typeof payload === 'string' ? bytes(payload) : canonicalBytes(payload);
  return { file, bytes: signEnvelope(PAYLOAD_TYPES.approval, body, [signer]) };
}

/** SHA-256 of a record's signed payload: what a revocation's `frozen` list names. */
export function frozenDigest(record: { bytes: Uint8Array }): string {
  const doc = JSON.parse(text(record.bytes)) as EnvelopeJson;
  return payloadDigest(decodeBase64(doc.payload)!);
}
