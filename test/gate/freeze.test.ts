/**
 * Back-dated signatures on the other records signed by one person: waivers
 * (a security administrator) and column change requests (the office). A
 * revoked or expired key can still sign and claim any time; such a record
 * counts only if a revocation froze it (trust/signer.ts revokedRecord,
 * expiredUnfrozen). Pure verifiers, real keys (test/helpers/repo.ts), fixed clocks.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { draftWaiver, signWaiver } from '../../pipeline/check/index.ts';
import { expiringWarnings, freezable, verifiedSignedRecords } from '../../pipeline/gate/freeze.ts';
import { verifyWaivers } from '../../pipeline/gate/waivers.ts';
import { columnChangePath, signColumnChange, verifyColumnChanges, type ColumnChangeDraft } from '../../pipeline/govern/index.ts';
import { loadSiteGroup } from '../../pipeline/load/index.ts';
import type { SiteGroup } from '../../pipeline/model/index.ts';
import { PAYLOAD_TYPES, payloadDigest, signTrustDocument, verifyTrust, type Trust, type TrustFiles } from '../../pipeline/trust/index.ts';
import { writeDemoTrust, type DemoPerson, type DemoPki } from '../../pipeline/demo/index.ts';
import { APPROVED_AT, fixtureGroupPki, ISSUED, MAIN, makeRepo, NOW, SUB, SUB_YAML, type TestRepo } from '../helpers/repo.ts';

const DAY = 86_400_000;
/** The fixture certificates live 90 days from ISSUED: by this clock every one has expired. */
const LATER = new Date(ISSUED.getTime() + 100 * DAY);
const signer = (p: DemoPerson) => ({ key: p.keys.privateKey, certPem: p.certPem! });
const payloadOf = (bytes: Uint8Array) => Buffer.from((JSON.parse(new TextDecoder().decode(bytes)) as { payload: string }).payload, 'base64');

let repo: TestRepo;
let pki: DemoPki;
let group: SiteGroup;
let files: TrustFiles;
let waiver: { file: string; bytes: Uint8Array };
let request: { file: string; bytes: Uint8Array };

beforeAll(async () => {
  repo = makeRepo({ [`sites/${SUB}/site.yaml`]: SUB_YAML.replace('columns: [tzgg, bszn, nszx, gzdt]', 'columns: [tzgg, bszn, nszx, gzdt, tsfw]\nextraColumns:\n  - { id: tsfw, name: 特色服务, type: guide, category: bsfw }\n') });
  pki = await fixtureGroupPki(repo.root);
  writeDemoTrust(repo.root, pki);
  group = loadSiteGroup(repo.root).group!;
  files = Object.fromEntries(Object.entries(pki.files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v])) as TrustFiles;
  const draft = draftWaiver({ rule: 'personal-id', file: `content/${MAIN}/tzgg/x.md`, line: 3, column: 1, message: 'x', severity: 'error', fingerprint: 'cd'.repeat(32) } as never, { id: 'w-1', digest: 'ab'.repeat(32), justification: '欠税公告依法公开纳税人识别信息' });
  waiver = { file: 'content/_waivers/w-1.json', bytes: signWaiver({ draft, signer: signer(pki.admins[0]!), now: APPROVED_AT }) };
  const add: ColumnChangeDraft = { id: 'add-tsfw', site: SUB, action: 'add', column: 'tsfw', definition: { name: '特色服务', type: 'guide', category: 'bsfw' }, reason: '开设特色服务栏目', department: '纳税服务科', requested: '2026-10-15' };
  request = { file: columnChangePath(SUB, 'add-tsfw'), bytes: signColumnChange({ draft: add, signer: signer(pki.office), now: APPROVED_AT }) };
}, 120_000);

afterAll(() => repo?.cleanup());

/** The fixture trust with this revocation list, signed by the two administrators who are not revoked in any case here. */
function trustWith(revoked: unknown[], now: Date): Trust {
  const revocations = signTrustDocument({ type: 'revocations', version: 2, signedAt: NOW.toISOString(), revoked }, PAYLOAD_TYPES.revocations, [signer(pki.admins[1]!), signer(pki.admins[2]!)]);
  const result = verifyTrust({ ...files, revocations }, { now });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.trust;
}

const effective = new Date(APPROVED_AT.getTime() + DAY).toISOString();
type Kind = 'waiver' | 'request';
const judge = (kind: Kind, trust: Trust, now: Date) => {
  if (kind === 'waiver') {
    const r = verifyWaivers([waiver], trust, now);
    return { counts: r.waivers.length === 1, messages: r.diagnostics.map((d) => d.message).join('\n') };
  }
  const r = verifyColumnChanges([request], trust, group, now);
  return { counts: r.changes.length === 1, messages: r.diagnostics.map((d) => d.message).join('\n') };
};
const who = (kind: Kind) => (kind === 'waiver' ? pki.admins[0]! : pki.office);
const bytesOf = (kind: Kind) => (kind === 'waiver' ? waiver.bytes : request.bytes);

describe.for<Kind>(['waiver', 'request'])('a %s signed by one person', (kind) => {
  test.for([
    { name: 'no revocation, certificate valid now: counts', revoked: () => [], now: NOW, counts: true },
    { name: 'person revoked after the claimed time, record not frozen: refused', revoked: () => [{ person: who(kind).id, effective, reason: '调离' }], now: NOW, counts: false, message: /not among those frozen at the revocation/ },
    { name: 'person revoked after the claimed time, record frozen: counts', revoked: () => [{ person: who(kind).id, effective, reason: '调离', frozen: [payloadDigest(payloadOf(bytesOf(kind)))] }], now: NOW, counts: true },
    { name: 'certificate revoked before the claimed time, even if frozen: refused', revoked: () => [{ certificate: who(kind).fingerprint, effective: new Date(APPROVED_AT.getTime() - DAY).toISOString(), reason: '密钥泄露', frozen: [payloadDigest(payloadOf(bytesOf(kind)))] }], now: NOW, counts: false, message: /revoked from/ },
    { name: 'certificate expired by the gate\'s clock, not retired: refused', revoked: () => [], now: LATER, counts: false, message: /expired .*claimed signing time cannot be trusted/ },
    { name: 'certificate expired, retired with the record frozen: counts', revoked: () => [{ certificate: who(kind).fingerprint, effective: NOW.toISOString(), reason: '证书到期', frozen: [payloadDigest(payloadOf(bytesOf(kind)))] }], now: LATER, counts: true },
  ])('$name', ({ revoked, now, counts, message }) => {
    const r = judge(kind, trustWith(revoked(), now), now);
    expect(r.counts, r.messages).toBe(counts);
    if (message) expect(r.messages).toMatch(message);
  });
});

describe('what a revocation freezes, and the warning ahead of expiry', () => {
  test('freezable: the records of that person or certificate signed before the effective time, of every kind', () => {
    const trust = trustWith([], NOW);
    const records = verifiedSignedRecords({ approvals: [], waivers: [waiver], columnChanges: [request], group }, trust);
    expect(records.map((r) => [r.kind, r.person.id])).toEqual([
      ['waiver', pki.admins[0]!.id],
      ['column-change', pki.office.id],
    ]);
    expect(freezable(records, { person: pki.office.id }, APPROVED_AT.getTime() + 1).map((r) => r.file)).toEqual([request.file]);
    expect(freezable(records, { person: pki.office.id }, APPROVED_AT.getTime())).toEqual([]);
    expect(freezable(records, { certificate: pki.admins[0]!.fingerprint! }, NOW.getTime()).map((r) => r.digest)).toEqual([payloadDigest(payloadOf(waiver.bytes))]);
  });

  test('expiringWarnings: one warning per certificate that expires within 14 days with unfrozen records; none once frozen or further off', () => {
    const trust = trustWith([], NOW);
    const records = verifiedSignedRecords({ approvals: [], waivers: [waiver], columnChanges: [request], group }, trust);
    const notAfter = records[0]!.cert.notAfter;
    expect(expiringWarnings(records, new Date(notAfter - 15 * DAY))).toEqual([]);
    const soon = expiringWarnings(records, new Date(notAfter - 3 * DAY));
    expect(soon.map((d) => [d.rule, d.severity])).toEqual([
      ['trust-warning', 'warning'],
      ['trust-warning', 'warning'],
    ]);
    expect(soon[0]!.message).toMatch(/expires .* \(in 3 days\) and no revocation has frozen them/);
    expect(soon[0]!.fix).toMatch(/sealpress keys rotate --id|sealpress keys revoke --cert/);
    expect(expiringWarnings(records.map((r) => ({ ...r, frozen: true })), new Date(notAfter - 3 * DAY))).toEqual([]);
    expect(expiringWarnings(records, new Date(notAfter))).toEqual([]);
  });
});
