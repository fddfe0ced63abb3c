import { describe, expect, test } from 'vitest';
import {
  applyWaivers,
  checkEntry,
  draftWaiver,
  fingerprintOf,
  readWaiver,
  sha256Hex,
  signWaiver,
  toSarif,
  CHECK_RULES,
  unusedWaivers,
  WAIVER_PAYLOAD_TYPE,
  type VerifiedWaiver,
  type WaiverPayload,
} from '../../pipeline/check/index.ts';
import { createGroupCa, generateSigningKey, inspectCertificate, issueCertificate, pae, parseEnvelope, parseStrictJsonBytes, verifyPae } from '../../pipeline/trust/index.ts';
import { loadDemoConfig } from './helpers.ts';

const config = loadDemoConfig();
const PATH = 'content/19900000000/tzgg/2026-11-arrears-notice.md';
const TEXT = [
  '---',
  'title: 欠税公告',
  '---',
  '| 纳税人 | 证件号码 | 欠税金额 |',
  '| --- | --- | --- |',
  '| 王某某 | 11010519491231002X | 56,789.00 |',
  '| 李某某 | 44030419900307123X | 1,200.00 |',
  '',
  '经办人手机：13812345678',
].join('\n');
const DIGEST = sha256Hex(TEXT);
const NOW = Date.parse('2026-11-20T00:00:00Z');

function payload(overrides: Partial<WaiverPayload> = {}): WaiverPayload {
  const findings = checkEntry(TEXT, config, { file: PATH });
  const first = findings.find((f) => f.rule === 'personal-id')!;
  return {
    type: 'waiver',
    version: 1,
    id: '2026-11-arrears-01',
    path: PATH,
    digest: DIGEST,
    rule: 'personal-id',
    fingerprint: fingerprintOf(first),
    justification: '《税收征收管理法》第四十五条：欠税公告依法公开纳税人的身份证件号码',
    signedAt: '2026-11-19T08:00:00.000Z',
    signedAtMs: Date.parse('2026-11-19T08:00:00.000Z'),
    signer: 'sec.admin1',
    ...overrides,
  };
}

const waived = (w: WaiverPayload[], text = TEXT, digest = DIGEST) =>
  applyWaivers(checkEntry(text, config, { file: PATH }), w.map((p) => ({ payload: p })), digest, { now: NOW });

describe('a waiver covers exactly one finding', () => {
  test('the named value in the named file version, and nothing else', () => {
    const result = waived([payload()]);
    expect(result.map((f) => [f.rule, f.line, f.suppressed?.waiver])).toEqual([
      ['personal-id', 6, '2026-11-arrears-01'],
      ['personal-id', 7, undefined],
      ['personal-mobile', 9, undefined],
    ]);
    expect(result[0]!.suppressed!.justification).toContain('第四十五条');
  });

  test('a changed entry is not covered (the digest binds the bytes)', () => {
    const changed = TEXT.replace('56,789.00', '56,789.01');
    expect(waived([payload()], changed, sha256Hex(changed)).some((f) => f.suppressed)).toBe(false);
  });

  test.for([
    { name: 'another rule', change: { rule: 'personal-mobile' as const } },
    { name: 'another value', change: { fingerprint: sha256Hex('44030419900307123X').replace(/./, 'f') } },
    { name: 'another file', change: { path: 'content/19900000000/tzgg/other.md' } },
    { name: 'another position', change: { at: { line: 7, column: 9 } } },
    { name: 'expired', change: { expires: '2026-11-19T09:00:00.000Z', expiresMs: Date.parse('2026-11-19T09:00:00.000Z') } },
  ])('$name: nothing is covered', ({ change }) => {
    expect(waived([payload(change)]).some((f) => f.suppressed)).toBe(false);
  });

  test('pinned to its line and column it covers that occurrence only', () => {
    const text = `${TEXT}\n\n再次列明：11010519491231002X`;
    const both = waived([payload({ digest: sha256Hex(text) })], text, sha256Hex(text));
    expect(both.filter((f) => f.suppressed).map((f) => f.line)).toEqual([6, 11]);
    const one = waived([payload({ digest: sha256Hex(text), at: { line: 11, column: 6 } })], text, sha256Hex(text));
    expect(one.filter((f) => f.suppressed).map((f) => f.line)).toEqual([11]);
  });

  test('a waiver that covers nothing is reported as unused', () => {
    const stale = payload({ digest: sha256Hex('old bytes') });
    const findings = checkEntry(TEXT, config, { file: PATH });
    expect(unusedWaivers(findings, [{ payload: stale }], PATH, DIGEST).map((w) => w.payload.id)).toEqual(['2026-11-arrears-01']);
    expect(unusedWaivers(findings, [{ payload: payload() }], PATH, DIGEST)).toEqual([]);
  });

  test('a waived finding is a SARIF result with an external suppression', () => {
    const sarif = toSarif(waived([payload()]), { toolVersion: '0.1.0', informationUri: 'https://www.tax.example.gov.cn/sealpress/', rules: CHECK_RULES, lang: 'en' });
    const results = sarif.runs[0]!.results;
    expect(results[0]!.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: payload().justification, properties: { waiver: '2026-11-arrears-01' } }]);
    expect(results[1]!.suppressions).toBeUndefined();
  });
});

describe('readWaiver collects every problem', () => {
  const raw = () => {
    const { signedAtMs: _s, ...rest } = payload();
    return rest as Record<string, unknown>;
  };
  test('a well-formed payload reads', () => {
    const read = readWaiver(raw());
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.value).toEqual(payload());
  });
  test.for([
    { name: 'wrong type', change: { type: 'approval' }, problem: 'type' },
    { name: 'other version', change: { version: 2 }, problem: 'version' },
    { name: 'unknown rule', change: { rule: 'no-such-rule' }, problem: 'rule' },
    { name: 'a secret cannot be waived', change: { rule: 'secret-private-key' }, problem: 'cannot be waived' },
    { name: 'bad digest', change: { digest: 'ABC' }, problem: 'digest' },
    { name: 'bad fingerprint', change: { fingerprint: '12' }, problem: 'fingerprint' },
    { name: 'path with ..', change: { path: 'content/../sites/group.yaml' }, problem: 'path' },
    { name: 'empty justification', change: { justification: ' ' }, problem: 'justification' },
    { name: 'bad position', change: { at: { line: 0, column: 1, extra: true } }, problem: 'at' },
    { name: 'expires before signing', change: { expires: '2026-01-01T00:00:00Z' }, problem: 'expires' },
    { name: 'no signer', change: { signer: undefined }, problem: 'signer' },
  ])('$name', ({ change, problem }) => {
    const read = readWaiver({ ...raw(), ...change });
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems.join('\n')).toContain(problem);
  });
  test('several problems at once', () => {
    const read = readWaiver({ ...raw(), digest: 'x', fingerprint: 'y', rule: 'z' });
    expect(read.ok ? [] : read.problems).toHaveLength(3);
  });
});

describe('the signed record and the verification hook', () => {
  test('sign as a security administrator, verify the DSSE envelope, read, apply', () => {
    const now = new Date('2026-11-19T08:00:00Z');
    const caKeys = generateSigningKey(2048);
    const ca = createGroupCa({ groupName: '国家税务总局示例省税务局网站群', days: 365, now: new Date('2026-01-01T00:00:00Z'), key: caKeys });
    const admin = generateSigningKey(2048);
    const cert = issueCertificate({ ca, person: { id: 'sec.admin1', name: '安全管理员甲', department: 'xxzx' }, publicKey: admin.publicKey, now, days: 30 });
    const findings = checkEntry(TEXT, config, { file: PATH });
    const draft = draftWaiver(findings[0]!, { id: '2026-11-arrears-01', digest: DIGEST, justification: payload().justification, pinPosition: true });
    const file = signWaiver({ draft, signer: { key: admin.privateKey, certPem: cert.certPem }, now });

    // What the gate does with the record (pipeline/trust: parse, verify the signature over PAE, read).
    const parsed = parseEnvelope(file, { payloadType: WAIVER_PAYLOAD_TYPE });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const signature = parsed.envelope.signatures[0]!;
    const signerCert = inspectCertificate(signature.cert);
    expect(signerCert.ok && signerCert.cert.uid).toBe('sec.admin1');
    if (!signerCert.ok) return;
    expect(verifyPae(signerCert.cert.publicKey, pae(parsed.envelope.payloadType, parsed.envelope.payload), signature.sig)).toBe(true);
    const json = parseStrictJsonBytes(parsed.envelope.payload);
    expect(json.ok).toBe(true);
    const read = readWaiver(json.ok ? json.value : undefined);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.value.signer).toBe('sec.admin1');
    const verified: VerifiedWaiver[] = [{ payload: read.value }];
    expect(applyWaivers(findings, verified, DIGEST).filter((f) => f.suppressed).map((f) => f.line)).toEqual([6]);

    // A tampered payload no longer verifies.
    const tampered = Buffer.from(parsed.envelope.payload);
    tampered[tampered.indexOf(0x36)] = 0x37; // a digit of the line number or digest
    expect(verifyPae(signerCert.cert.publicKey, pae(parsed.envelope.payloadType, tampered), signature.sig)).toBe(false);
  }, 60_000);

  test('signing refuses a payload that breaks the schema', () => {
    const admin = generateSigningKey(2048);
    const ca = createGroupCa({ groupName: 'g', days: 365, now: new Date('2026-01-01T00:00:00Z') });
    const cert = issueCertificate({ ca, person: { id: 'sec.admin1', name: 'a', department: 'd' }, publicKey: admin.publicKey, now: new Date('2026-11-01T00:00:00Z'), days: 30 });
    expect(() => signWaiver({ draft: { type: 'waiver', version: 1, id: 'x', rule: 'secret-token' }, signer: { key: admin.privateKey, certPem: cert.certPem }, now: new Date('2026-11-02T00:00:00Z') })).toThrow(/schema/);
  }, 60_000);
});
