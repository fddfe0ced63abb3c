/**
 * Hostile input: record files anyone with commit access can write. Every one
 * must give a stable problem code, refuse the entries it could concern, and
 * never throw. Also the canonical JSON and DSSE primitives under them.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { decide, prepareRecords, prepareRecordsParallel, recordFindings, verifyApprovals, type ApprovalRecordFile } from '../../pipeline/approve/index.ts';
import {
  addSignature,
  canonicalBytes,
  canonicalJson,
  decodeBase64,
  encodeBase64,
  pae,
  parseEnvelope,
  parseStrictJson,
  PAYLOAD_TYPES,
  signEnvelope,
  TrustError,
  type Trust,
} from '../../pipeline/trust/index.ts';
import { MAIN, makeTestPki, NOW, xxgkEntry, PKI_SETUP_TIMEOUT, type TestPki } from './pki.ts';
import { approve, editEnvelope, signRawApproval, submit } from './records.ts';

let pki: TestPki;
let trust: Trust;
let valid: ApprovalRecordFile;
beforeAll(async () => {
  pki = await makeTestPki();
  trust = pki.trust();
  valid = approve(pki.people.zhang.signer, xxgkEntry());
}, PKI_SETUP_TIMEOUT);

const E = () => xxgkEntry();
/** Where the hostile files are planted: E's column folder. */
const HERE = `content/${MAIN}/tzgg/planted.dsse.json`;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const validPayload = () => JSON.parse(dec(decodeBase64(JSON.parse(dec(valid.bytes)).payload as string)!)) as Record<string, unknown>;
const asFile = (bytes: Uint8Array): ApprovalRecordFile => ({ file: HERE, bytes });

function judge(records: ApprovalRecordFile[]) {
  return verifyApprovals(E(), [...records, approve(pki.people.li.signer, E())], trust, NOW);
}

describe('malformed record files are refused with a stable code', () => {
  test.for<{ name: string; bytes: () => Uint8Array; detail: string }>([
    { name: 'truncated JSON', bytes: () => valid.bytes.slice(0, Math.floor(valid.bytes.length / 2)), detail: 'ENVELOPE_JSON' },
    { name: 'not UTF-8', bytes: () => new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d]), detail: 'ENVELOPE_JSON' },
    { name: 'a byte-order mark before the JSON', bytes: () => new Uint8Array([0xef, 0xbb, 0xbf, ...valid.bytes]), detail: 'ENVELOPE_JSON' },
    { name: 'empty file', bytes: () => new Uint8Array(), detail: 'ENVELOPE_JSON' },
    { name: 'a JSON array', bytes: () => enc('[]'), detail: 'ENVELOPE_SHAPE' },
    { name: 'payload of the wrong type', bytes: () => editEnvelope(valid, (d) => ((d as Record<string, unknown>).payload = 42)).bytes, detail: 'ENVELOPE_SHAPE' },
    { name: 'signatures not a list', bytes: () => editEnvelope(valid, (d) => ((d as Record<string, unknown>).signatures = { sig: 'x' })).bytes, detail: 'ENVELOPE_SHAPE' },
    { name: 'signature without its certificate', bytes: () => editEnvelope(valid, (d) => delete (d.signatures[0] as Partial<(typeof d.signatures)[0]>).cert).bytes, detail: 'ENVELOPE_SHAPE' },
    { name: 'payload not base64', bytes: () => editEnvelope(valid, (d) => (d.payload = '@@not base64@@')).bytes, detail: 'ENVELOPE_BASE64' },
    { name: 'payload base64 with a line break', bytes: () => editEnvelope(valid, (d) => (d.payload = `${d.payload.slice(0, 8)}\n${d.payload.slice(8)}`)).bytes, detail: 'ENVELOPE_BASE64' },
    { name: 'signature not base64', bytes: () => editEnvelope(valid, (d) => (d.signatures[0]!.sig = 'sig!')).bytes, detail: 'ENVELOPE_BASE64' },
    { name: 'no signature', bytes: () => editEnvelope(valid, (d) => (d.signatures = [])).bytes, detail: 'ENVELOPE_NO_SIGNATURES' },
    { name: '10,000 signatures', bytes: () => editEnvelope(valid, (d) => (d.signatures = Array.from({ length: 10_000 }, () => ({ keyid: 'k', sig: 'AAAA', cert: 'c' })))).bytes, detail: 'ENVELOPE_TOO_MANY_SIGNATURES' },
    { name: 'the same signature twice', bytes: () => editEnvelope(valid, (d) => d.signatures.push({ ...d.signatures[0]! })).bytes, detail: 'ENVELOPE_DUPLICATE_SIGNATURE' },
    { name: 'over 1 MiB', bytes: () => new Uint8Array([...valid.bytes, ...new Uint8Array(1024 * 1024).fill(0x20)]), detail: 'ENVELOPE_TOO_LARGE' },
    { name: 'a duplicated key in the envelope', bytes: () => enc(dec(valid.bytes).replace('"payloadType"', '"payload": "e30=",\n  "payloadType"')), detail: 'ENVELOPE_JSON' },
    { name: 'nesting 100,000 deep', bytes: () => enc('['.repeat(100_000)), detail: 'ENVELOPE_JSON' },
    { name: 'a trust document in place of a record', bytes: () => pki.files().policy!, detail: 'ENVELOPE_PAYLOAD_TYPE' },
    { name: 'two signatures on one record', bytes: () => signEnvelope(PAYLOAD_TYPES.approval, canonicalBytes(validPayload()), [pki.people.zhang.signer, pki.people.li.signer]), detail: 'RECORD_SIGNATURE_COUNT' },
    { name: 'keyid of another certificate', bytes: () => editEnvelope(valid, (d) => (d.signatures[0]!.keyid = pki.people.li.fingerprint)).bytes, detail: 'KEYID_MISMATCH' },
    { name: 'garbage certificate', bytes: () => editEnvelope(valid, (d) => (d.signatures[0]!.cert = 'not a certificate')).bytes, detail: 'CERT_UNREADABLE' },
    { name: 'two certificates in the cert field', bytes: () => editEnvelope(valid, (d) => (d.signatures[0]!.cert = pki.people.zhang.certPem + pki.people.li.certPem)).bytes, detail: 'CERT_UNREADABLE' },
    { name: 'signed payload that is not JSON', bytes: () => signRawApproval('{"type":"approval",', pki.people.zhang.signer, HERE).bytes, detail: 'PAYLOAD_JSON' },
    { name: 'signed payload with a duplicated key', bytes: () => signRawApproval(dec(canonicalBytes(validPayload())).replace('{', '{"decision":"approve",'), pki.people.zhang.signer, HERE).bytes, detail: 'PAYLOAD_JSON' },
    { name: 'signed payload with a number out of range', bytes: () => signRawApproval(dec(canonicalBytes(validPayload())).replace('"policyVersion":1', '"policyVersion":1e400'), pki.people.zhang.signer, HERE).bytes, detail: 'PAYLOAD_JSON' },
    { name: 'signed payload with wrong types', bytes: () => signRawApproval({ ...validPayload(), entries: 'all', policyVersion: '1' }, pki.people.zhang.signer, HERE).bytes, detail: 'PAYLOAD_SCHEMA' },
    { name: 'signed payload missing required fields', bytes: () => signRawApproval({ type: 'approval', version: 1 }, pki.people.zhang.signer, HERE).bytes, detail: 'PAYLOAD_SCHEMA' },
    { name: 'signed payload of a version this gate does not read', bytes: () => signRawApproval({ ...validPayload(), version: 2 }, pki.people.zhang.signer, HERE).bytes, detail: 'PAYLOAD_SCHEMA' },
    { name: 'signed payload with a date without a time zone', bytes: () => signRawApproval({ ...validPayload(), signedAt: '2026-09-30 08:00' }, pki.people.zhang.signer, HERE).bytes, detail: 'PAYLOAD_SCHEMA' },
    {
      name: 'signed payload with a .. path among its entries',
      bytes: () => {
        const p = validPayload();
        (p.entries as Record<string, unknown>[]).push({ ...(p.entries as Record<string, unknown>[])[0], path: `content/${MAIN}/../../etc/x.md` });
        return signRawApproval(p, pki.people.zhang.signer, HERE).bytes;
      },
      detail: 'PAYLOAD_SCHEMA',
    },
  ])('$name → APPROVAL_MALFORMED ($detail)', ({ bytes, detail }) => {
    const r = judge([asFile(bytes())]);
    expect(r.status).toBe('refused');
    expect(r.findings.map((f) => `${f.code}/${f.detail ?? ''}`)).toEqual([`APPROVAL_MALFORMED/${detail}`]);
    expect(r.findings[0]?.file).toBe(HERE);
  });

  test('10,000 signatures are refused before any is looked at (fast)', () => {
    const sig = (JSON.parse(dec(valid.bytes)) as { signatures: { sig: string }[] }).signatures[0]!.sig;
    const bytes = editEnvelope(valid, (d) => (d.signatures = Array.from({ length: 10_000 }, (_, i) => ({ keyid: `k${i}`, sig: sig.slice(0, 40), cert: 'c' })))).bytes;
    expect(bytes.length).toBeLessThan(1024 * 1024);
    const t0 = performance.now();
    const prepared = prepareRecords([asFile(bytes)], trust);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(recordFindings(prepared).map((f) => f.detail)).toEqual(['ENVELOPE_TOO_MANY_SIGNATURES']);
  });

  test('an unreadable record in another column\'s folder does not concern this entry', () => {
    const r = judge([{ file: `content/${MAIN}/zcwj/planted.dsse.json`, bytes: enc('{') }]);
    expect(r.status).toBe('pending');
  });

  test.for([
    { file: 'approvals/planted.dsse.json', status: 'refused' },
    { file: 'content/_approvals/planted.json', status: 'refused' },
    { file: `content/_approvals/${MAIN}/planted.json`, status: 'refused' },
    { file: `content/_approvals/${MAIN}/tzgg/2026/planted.json`, status: 'refused' },
    { file: `content/_approvals/${MAIN}/zcwj/planted.json`, status: 'pending' },
    { file: 'content/_approvals/19901000000/planted.json', status: 'pending' },
  ])('an unreadable record at $file concerns this entry: $status', ({ file, status }) => {
    expect(judge([{ file, bytes: enc('{') }]).status).toBe(status);
  });

  test('a record with a bad signature field still names the entries its payload claims', () => {
    const bytes = editEnvelope(valid, (d) => (d.signatures[0]!.sig = 'sig!')).bytes;
    const r = verifyApprovals(E(), [{ file: 'elsewhere/x.dsse.json', bytes }], trust, NOW);
    expect(r.status).toBe('refused');
    expect(verifyApprovals(xxgkEntry({ path: `content/${MAIN}/tzgg/other.md` }), [{ file: 'elsewhere/x.dsse.json', bytes }], trust, NOW).status).toBe('pending');
  });

  test('random single-byte corruption never throws, never approves changed content, and refuses what it breaks', () => {
    const original = parseEnvelope(valid.bytes);
    if (!original.ok) throw new Error('fixture');
    // With the writer's submission and 李强's approval beside it, 张伟's intact record makes the entry publishable:
    // every outcome below is then the corruption's doing.
    const others = [submit(pki.people.zhao.signer, E()), approve(pki.people.li.signer, E())];
    expect(decide(E(), prepareRecords([asFile(valid.bytes), ...others], trust), NOW).status).toBe('approved');
    let approved = 0;
    fc.assert(
      fc.property(fc.nat({ max: valid.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const bytes = new Uint8Array(valid.bytes);
        bytes[at] = bytes[at]! ^ flip;
        const prepared = prepareRecords([asFile(bytes), ...others], trust);
        const r = decide(E(), prepared, NOW);
        if (r.status === 'approved') {
          approved++;
          // Only a change that leaves the signed payload as it was (whitespace between tokens, say) may pass.
          const mutated = parseEnvelope(bytes);
          expect(mutated.ok && mutated.envelope.payloadBase64).toBe(original.envelope.payloadBase64);
        } else {
          // Anything else refuses the record itself: pending (it now names another entry) or refused (it names this one).
          expect(prepared.records[0]?.problem).toBeDefined();
        }
      }),
      { numRuns: 400 },
    );
    expect(approved).toBeLessThan(40);
  });

  test('every refused record is listed for the run report, also one that names no existing entry', () => {
    const bytes = editEnvelope(valid, (d) => (d.signatures[0]!.sig = 'sig!')).bytes;
    const prepared = prepareRecords([{ file: 'content/x/y/z.dsse.json', bytes }, approve(pki.people.li.signer, E())], trust);
    expect(recordFindings(prepared).map((f) => `${f.code}/${f.detail ?? ''} ${f.file}`)).toEqual(['APPROVAL_MALFORMED/ENVELOPE_BASE64 content/x/y/z.dsse.json']);
  });

  test('prepareRecordsParallel (signatures verified in worker threads) decides exactly as prepareRecords', async () => {
    const li = approve(pki.people.li.signer, E());
    // 张伟's record carrying 李强's signature (over another payload): forged.
    const forged = editEnvelope(valid, (d) => (d.signatures[0]!.sig = (JSON.parse(dec(li.bytes)) as { signatures: { sig: string }[] }).signatures[0]!.sig));
    const others = Array.from({ length: 6 }, (_, i) => xxgkEntry({ path: `content/${MAIN}/tzgg/p${i}.md` }));
    const records = [valid, li, forged, asFile(enc('{')), ...others.map((e) => approve(pki.people.zhang.signer, e)), approve(pki.impostor.signer, others[0]!)];
    const serial = prepareRecords(records, trust);
    const parallel = await prepareRecordsParallel(records, trust, { workers: 2, threshold: 0 });
    for (const e of [E(), ...others]) expect(decide(e, parallel, NOW)).toEqual(decide(e, serial, NOW));
    expect(recordFindings(parallel)).toEqual(recordFindings(serial));
    expect(recordFindings(parallel).map((f) => f.code).sort()).toEqual(['APPROVAL_CERT_UNTRUSTED', 'APPROVAL_MALFORMED', 'APPROVAL_SIGNATURE_INVALID']);
  });

  test('random bytes never throw', () => {
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(randomBytes(1)[0]! * 4);
      expect(() => prepareRecords([{ file: HERE, bytes }], trust)).not.toThrow();
    }
  });
});

describe('canonical JSON', () => {
  test('sorted keys, no whitespace, UTF-8 text as is', () => {
    expect(canonicalJson({ b: 1, a: '中文', c: [{ z: true, y: null }] })).toBe('{"a":"中文","b":1,"c":[{"y":null,"z":true}]}');
    expect(dec(canonicalBytes({ s: '税' }))).toBe('{"s":"税"}');
  });

  test.for([
    { name: 'NaN', value: { n: Number.NaN } },
    { name: 'Infinity', value: { n: Number.POSITIVE_INFINITY } },
    { name: 'undefined', value: { u: undefined } },
    { name: 'a Date', value: { d: new Date(0) } },
    { name: 'a bigint', value: { b: 1n } },
    { name: 'a Map', value: new Map() },
    { name: 'a lone surrogate', value: { s: '\ud800' } },
  ])('refuses $name', ({ value }) => {
    expect(() => canonicalJson(value)).toThrow(TrustError);
  });

  test.for([
    { name: 'duplicate keys', text: '{"a":1,"a":2}' },
    { name: 'a trailing comma', text: '{"a":1,}' },
    { name: 'a comment', text: '{"a":1 /* x */}' },
    { name: 'single quotes', text: "{'a':1}" },
    { name: 'a leading zero', text: '{"a":01}' },
    { name: 'a lone surrogate escape', text: '"\\ud800"' },
    { name: 'a number that overflows', text: '1e400' },
    { name: 'a raw control character', text: '"a\u0001b"' },
    { name: 'two values', text: '{} {}' },
    { name: 'a truncated value', text: '{"a":[1,2' },
  ])('the strict parser refuses $name', ({ text }) => {
    expect(parseStrictJson(text).ok).toBe(false);
  });

  test('the strict parser reads what canonicalJson writes, and keeps __proto__ as data', () => {
    const value = { z: [1, 2.5, -3e-7, '\u2028', 'a"b\\c'], a: { '': null, 'emoji 😀': true } };
    const back = parseStrictJson(canonicalJson(value));
    expect(back).toEqual({ ok: true, value });
    const proto = parseStrictJson('{"__proto__":{"polluted":true}}');
    expect(proto.ok && Object.getPrototypeOf(proto.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(parseStrictJson('"\\ud83d\\ude00"')).toEqual({ ok: true, value: '😀' });
  });
});

describe('DSSE', () => {
  test('PAE matches the DSSE specification\'s example', () => {
    expect(dec(pae('http://example.com/HelloWorld', enc('hello world')))).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    expect(pae('类型', enc('载荷')).subarray(0, 9).toString()).toBe('DSSEv1 6 ');
  });

  test('base64 is strict: padding required, canonical padding bits, no whitespace', () => {
    expect(dec(decodeBase64('aGVsbG8=')!)).toBe('hello');
    expect(decodeBase64('aGVsbG8')).toBeUndefined();
    expect(decodeBase64('aGVsbG9=')).toBeUndefined();
    expect(decodeBase64('aGVs bG8=')).toBeUndefined();
    expect(decodeBase64('aGVs-G8=')).toBeUndefined();
    expect(encodeBase64(enc('hello'))).toBe('aGVsbG8=');
  });

  test('a countersignature covers the stored payload bytes, unchanged', () => {
    const one = pki.signDoc('policy', pki.policyPayload(), [pki.admins[0]!.signer]);
    const two = addSignature(one, pki.admins[1]!.signer);
    const a = parseEnvelope(one);
    const b = parseEnvelope(two);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(b.envelope.payloadBase64).toBe(a.envelope.payloadBase64);
    expect(b.envelope.signatures.map((s) => s.keyid)).toEqual([pki.admins[0]!.fingerprint, pki.admins[1]!.fingerprint]);
    expect(() => addSignature(two, pki.admins[1]!.signer)).toThrow(expect.objectContaining({ code: 'SIGNATURE_DUPLICATE' }));
    expect(() => addSignature(enc('{'), pki.admins[1]!.signer)).toThrow(expect.objectContaining({ code: 'ENVELOPE_INVALID' }));
  });

  test('signing with a key that is not the certificate\'s is refused at once', () => {
    expect(() => signEnvelope(PAYLOAD_TYPES.approval, enc('{}'), [{ key: pki.rogue.privateKey, certPem: pki.people.zhang.certPem }])).toThrow(expect.objectContaining({ code: 'KEY_CERT_MISMATCH' }));
  });
});
