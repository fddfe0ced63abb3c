/**
 * The trust material under sites/trust/: every way of editing, under-signing,
 * or replacing it must make verifyTrust fail closed with a stable code, and
 * name the file.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  canonicalBytes,
  decodeBase64,
  encodeBase64,
  issueCertificate,
  PAYLOAD_TYPES,
  readRevocations,
  signEnvelope,
  signTrustDocument,
  TRUST_PATHS,
  verifyTrust,
  type TrustFiles,
  type TrustProblemCode,
} from '../../pipeline/trust/index.ts';
import { DOCS_SIGNED, makeTestPki, NOW, PKI_SETUP_TIMEOUT, type TestPki } from './pki.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
}, PKI_SETUP_TIMEOUT);

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

/** Replace the payload of an envelope, keeping its signatures: an edit without re-signing. */
function editPayload(envelope: Uint8Array, edit: (payload: Record<string, unknown>) => void): Uint8Array {
  const doc = JSON.parse(text(envelope)) as { payload: string };
  const payload = JSON.parse(text(decodeBase64(doc.payload)!)) as Record<string, unknown>;
  edit(payload);
  doc.payload = encodeBase64(canonicalBytes(payload));
  return bytes(JSON.stringify(doc));
}

function editEnvelope(envelope: Uint8Array, edit: (doc: { signatures: unknown[] } & Record<string, unknown>) => void): Uint8Array {
  const doc = JSON.parse(text(envelope)) as { signatures: unknown[] } & Record<string, unknown>;
  edit(doc);
  return bytes(JSON.stringify(doc));
}

function without(files: TrustFiles, key: keyof TrustFiles): TrustFiles {
  const copy = { ...files };
  delete copy[key];
  return copy;
}

function verify(files: TrustFiles, anchor?: string) {
  return verifyTrust(files, { now: NOW, ...(anchor === undefined ? {} : { anchorFingerprint: anchor }) });
}

describe('verifyTrust: the happy path', () => {
  test('default trust material verifies, pinned', () => {
    const result = verify(pki.files(), pki.ca.fingerprint);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.trust.anchor.pinned).toBe(true);
    expect(result.trust.signedBy.roster).toEqual(['p-wugang', 'p-zhoumin']);
    expect(result.trust.personByCertificate.get(pki.people.zhang.fingerprint)?.id).toBe('p-zhangwei');
    expect(result.warnings.map((w) => w.code)).toEqual([]);
  });

  test('unpinned: still ok, but says so', () => {
    const result = verify(pki.files());
    expect(result.ok && result.trust.anchor.pinned).toBe(false);
    expect(result.warnings.map((w) => w.code)).toContain('TRUST_ANCHOR_NOT_PINNED');
  });

  test('the fingerprint pin may be written with colons and in upper case', () => {
    const colons = pki.ca.fingerprint.toUpperCase().match(/../g)!.join(':');
    expect(verify(pki.files(), colons).ok).toBe(true);
  });

  test('a third admin countersigning is fine; two admins suffice', async () => {
    const { addSignature } = await import('../../pipeline/trust/index.ts');
    const roster = addSignature(pki.signDoc('roster', pki.rosterPayload(), [pki.admins[0]!.signer]), pki.admins[2]!.signer);
    const result = verify(pki.files({ roster }), pki.ca.fingerprint);
    expect(result.ok && result.trust.signedBy.roster).toEqual(['p-zhengjie', 'p-zhoumin']);
  });

  test('unknown fields in a payload are kept and ignored (forward compatibility)', () => {
    const policy = pki.signDoc('policy', pki.policyPayload({ futureField: { anything: [1, 2] } }));
    expect(verify(pki.files({ policy }), pki.ca.fingerprint).ok).toBe(true);
  });
});

interface Attack {
  name: string;
  files: () => TrustFiles;
  anchor?: 'pinned' | 'other' | 'none' | 'garbage';
  code: TrustProblemCode;
  file: keyof typeof TRUST_PATHS;
}

describe('verifyTrust: attacks and accidents are refused', () => {
  const attacks: Attack[] = [
    { name: 'roster missing', files: () => without(pki.files(), 'roster'), code: 'TRUST_MISSING', file: 'roster' },
    { name: 'ca.pem missing', files: () => without(pki.files(), 'ca'), code: 'TRUST_MISSING', file: 'ca' },
    {
      name: 'roster edited without the admins\' signatures (a writer adds themselves as approver)',
      files: () =>
        pki.files({
          roster: editPayload(pki.files().roster!, (p) => {
            (p.people as { id: string; roles: unknown[] }[]).find((x) => x.id === 'p-zhaomin')!.roles.push({ role: 'approver', sites: '*', columns: '*', departments: '*' });
          }),
        }),
      code: 'TRUST_SIGNATURE_INVALID',
      file: 'roster',
    },
    {
      name: 'policy edited to lower a threshold, signatures kept',
      files: () => pki.files({ policy: editPayload(pki.files().policy!, (p) => ((p.rules as unknown[]).length = 0)) }),
      code: 'TRUST_SIGNATURE_INVALID',
      file: 'policy',
    },
    {
      name: 'revocations edited to drop an entry, signatures kept',
      files: () => {
        const signed = pki.signDoc('revocations', pki.revocationsPayload([{ person: 'p-zhangwei', effective: '2026-09-20T00:00:00Z', reason: '离职' }]));
        return pki.files({ revocations: editPayload(signed, (p) => (p.revoked = [])) });
      },
      code: 'TRUST_SIGNATURE_INVALID',
      file: 'revocations',
    },
    { name: 'policy signed by one admin only (threshold 2)', files: () => pki.files({ policy: pki.signDoc('policy', pki.policyPayload(), [pki.admins[0]!.signer]) }), code: 'TRUST_THRESHOLD_NOT_MET', file: 'policy' },
    {
      name: 'policy signed twice by one admin with two certificates',
      files: () => pki.files({ policy: pki.signDoc('policy', pki.policyPayload(), [pki.admins[0]!.signer, pki.admin1b.signer]) }),
      code: 'TRUST_THRESHOLD_NOT_MET',
      file: 'policy',
    },
    {
      name: 'policy with the same signature entry twice',
      files: () => {
        const one = pki.signDoc('policy', pki.policyPayload(), [pki.admins[0]!.signer]);
        return pki.files({ policy: editEnvelope(one, (d) => d.signatures.push(d.signatures[0])) });
      },
      code: 'TRUST_MALFORMED',
      file: 'policy',
    },
    {
      name: 'roster signed by an admin and a non-admin approver',
      files: () => pki.files({ roster: pki.signDoc('roster', pki.rosterPayload(), [pki.admins[0]!.signer, pki.people.zhang.signer]) }),
      code: 'TRUST_THRESHOLD_NOT_MET',
      file: 'roster',
    },
    {
      name: 'roster signed by an admin and an impostor certificate from another CA in an admin\'s name',
      files: () => {
        const fake = issueCertificate({ ca: pki.otherCa, person: { id: 'p-wugang', name: '吴刚', department: 'bgs' }, publicKey: pki.rogue.publicKey, now: new Date('2026-09-01T00:00:00Z'), days: 90 });
        return pki.files({ roster: pki.signDoc('roster', pki.rosterPayload(), [pki.admins[0]!.signer, { key: pki.rogue.privateKey, certPem: fake.certPem }]) });
      },
      code: 'TRUST_THRESHOLD_NOT_MET',
      file: 'roster',
    },
    { name: 'roster unsigned (empty signature list)', files: () => pki.files({ roster: editEnvelope(pki.files().roster!, (d) => (d.signatures = [])) }), code: 'TRUST_THRESHOLD_NOT_MET', file: 'roster' },
    {
      name: 'roster signed by an admin revoked before signing',
      files: () => {
        const revocations = pki.signDoc('revocations', pki.revocationsPayload([{ person: 'p-wugang', effective: '2026-09-10T00:00:00Z', reason: '调离' }]), [pki.admins[0]!.signer, pki.admins[2]!.signer]);
        return pki.files({ revocations });
      },
      code: 'TRUST_THRESHOLD_NOT_MET',
      file: 'roster',
    },
    {
      name: 'roster signed with an admin certificate that expired before signedAt',
      files: () => {
        const admin2 = pki.people.admin2;
        const old = issueCertificate({ ca: pki.ca, person: admin2, publicKey: admin2.publicKey, now: new Date('2026-05-01T00:00:00Z'), days: 30 });
        return pki.files({ roster: pki.signDoc('roster', pki.rosterPayload(), [pki.admins[0]!.signer, { key: admin2.key, certPem: old.certPem }]) });
      },
      code: 'TRUST_THRESHOLD_NOT_MET',
      file: 'roster',
    },
    {
      name: 'roster listing one certificate under two people',
      files: () => {
        const people = pki.rosterPeople();
        (people.find((x) => x.id === 'p-zhangwei') as { certificates: string[] }).certificates.push(pki.people.li.fingerprint);
        return pki.files({ roster: signValid('roster', pki.rosterPayload({ people })) });
      },
      code: 'TRUST_MALFORMED',
      file: 'roster',
    },
    {
      name: 'policy whose rule requires nobody (would publish without approval)',
      files: () => pki.files({ policy: signValid('policy', pki.policyPayload({ default: { require: [] } })) }),
      code: 'TRUST_MALFORMED',
      file: 'policy',
    },
    {
      name: 'policy asking a security-admin to approve (separation of duties)',
      files: () => pki.files({ policy: signValid('policy', pki.policyPayload({ default: { require: [{ role: 'security-admin', count: 1 }] } })) }),
      code: 'TRUST_MALFORMED',
      file: 'policy',
    },
    {
      name: 'policy requirement with a condition this gate does not know (ignoring it would widen the rule)',
      files: () => {
        const policy = pki.policyPayload();
        (policy.default as { require: Record<string, unknown>[] }).require[0]!.sameColumnOwner = true;
        return pki.files({ policy: signValid('policy', policy) });
      },
      code: 'TRUST_MALFORMED',
      file: 'policy',
    },
    {
      name: 'roster role with a scope field this gate does not know',
      files: () => {
        const people = pki.rosterPeople();
        (people.find((x) => x.id === 'p-zhangwei') as { roles: Record<string, unknown>[] }).roles[0]!.until = '2026-10-01T00:00:00Z';
        return pki.files({ roster: signValid('roster', pki.rosterPayload({ people })) });
      },
      code: 'TRUST_MALFORMED',
      file: 'roster',
    },
    { name: 'roster envelope given as the policy', files: () => pki.files({ policy: pki.files().roster! }), code: 'TRUST_MALFORMED', file: 'policy' },
    { name: 'roster truncated', files: () => pki.files({ roster: pki.files().roster!.slice(0, 200) }), code: 'TRUST_MALFORMED', file: 'roster' },
    { name: 'policy signed in the future', files: () => pki.files({ policy: pki.signDoc('policy', pki.policyPayload({ signedAt: '2026-11-01T00:00:00Z' })) }), code: 'TRUST_NOT_YET_VALID', file: 'policy' },
    { name: 'roster past its own expiry', files: () => pki.files({ roster: pki.signDoc('roster', pki.rosterPayload({ expires: '2026-09-30T00:00:00Z' })) }), code: 'TRUST_EXPIRED', file: 'roster' },
    { name: 'root expired', files: () => pki.files({ root: signTrustDocument(pki.rootPayload({ expires: '2026-10-01T02:00:00Z' }), PAYLOAD_TYPES.root, [pki.caSigner]) }), code: 'TRUST_EXPIRED', file: 'root' },
    { name: 'root edited to threshold 1, CA signature kept', files: () => pki.files({ root: editPayload(pki.files().root!, (p) => (p.threshold = 1)) }), code: 'TRUST_SIGNATURE_INVALID', file: 'root' },
    {
      name: 'root edited to add an admin, CA signature kept',
      files: () => pki.files({ root: editPayload(pki.files().root!, (p) => (p.securityAdmins as string[]).push('p-zhaomin')) }),
      code: 'TRUST_SIGNATURE_INVALID',
      file: 'root',
    },
    { name: 'root signed by an admin instead of the CA', files: () => pki.files({ root: signTrustDocument(pki.rootPayload(), PAYLOAD_TYPES.root, [pki.admins[0]!.signer]) }), code: 'TRUST_SIGNATURE_INVALID', file: 'root' },
    { name: 'root unsigned', files: () => pki.files({ root: editEnvelope(pki.files().root!, (d) => (d.signatures = [])) }), code: 'TRUST_SIGNATURE_INVALID', file: 'root' },
    {
      name: 'root with a threshold above the number of admins',
      files: () => pki.files({ root: signEnvelope(PAYLOAD_TYPES.root, canonicalBytes(pki.rootPayload({ threshold: 4 })), [pki.caSigner]) }),
      code: 'TRUST_MALFORMED',
      file: 'root',
    },
    { name: 'anchor fingerprint mismatch (ca.pem replaced by another CA)', files: () => replacedCa(), anchor: 'pinned', code: 'TRUST_ANCHOR_MISMATCH', file: 'ca' },
    { name: 'pinned fingerprint of another CA', files: () => pki.files(), anchor: 'other', code: 'TRUST_ANCHOR_MISMATCH', file: 'ca' },
    { name: 'pinned fingerprint is not a fingerprint', files: () => pki.files(), anchor: 'garbage', code: 'TRUST_ANCHOR_MISMATCH', file: 'ca' },
    { name: 'ca.pem is a leaf certificate, not a CA', files: () => pki.files({ ca: bytes(pki.people.zhang.certPem) }), anchor: 'none', code: 'TRUST_ANCHOR_INVALID', file: 'ca' },
    { name: 'ca.pem is garbage', files: () => pki.files({ ca: bytes('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n') }), code: 'TRUST_MALFORMED', file: 'ca' },
  ];

  test.for(attacks)('$name → $code', ({ files, anchor = 'pinned', code, file }) => {
    const pin = anchor === 'pinned' ? pki.ca.fingerprint : anchor === 'other' ? pki.otherCa.fingerprint : anchor === 'garbage' ? 'not-a-fingerprint' : undefined;
    const result = verify(files(), pin);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.code} ${p.file}`)).toContain(`${code} ${TRUST_PATHS[file]}`);
    for (const p of result.problems) {
      expect(p.message.length).toBeGreaterThan(10);
      expect(p.fix.length).toBeGreaterThan(5);
    }
  });

  test('without a pin, a wholesale replacement of the CA and every document verifies: that is why CI pins', () => {
    const result = verify(replacedCa());
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings.map((w) => w.code)).toContain('TRUST_ANCHOR_NOT_PINNED');
  });

  test('every problem is reported at once, not only the first', () => {
    const result = verify(without(pki.files({ policy: pki.signDoc('policy', pki.policyPayload(), [pki.admins[0]!.signer]) }), 'revocations'), pki.ca.fingerprint);
    expect(!result.ok && result.problems.map((p) => p.code).sort()).toEqual(['TRUST_MISSING', 'TRUST_THRESHOLD_NOT_MET']);
  });

  test('a non-admin signature next to enough admin signatures is ignored, with a warning', () => {
    const roster = pki.signDoc('roster', pki.rosterPayload(), [pki.admins[0]!.signer, pki.admins[1]!.signer, pki.people.zhang.signer]);
    const result = verify(pki.files({ roster }), pki.ca.fingerprint);
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings.map((w) => w.code)).toEqual(['TRUST_SIGNATURE_IGNORED']);
  });

  // Separation of duties (Trust model 4) is one rule (trust/roles.ts) with one outcome: `keys issue` refuses to
  // write such a roster, and the gate refuses the same roster signed by hand, so no entry is approved under it.
  test.for([
    { name: 'a security administrator who also approves', person: 0, add: 'approver', refused: true },
    { name: 'a security administrator who also writes', person: 0, add: 'writer', refused: true },
    { name: 'the release signer who also approves for the office', person: 'p-chenjing', add: 'office-approver', refused: true },
    { name: 'an approver who also writes (allowed: the author rule keeps them off their own entries)', person: 'p-zhangwei', add: 'writer', refused: false },
  ])('$name: refused with TRUST_DUTIES_MIXED = $refused', ({ person, add, refused }) => {
    const people = pki.rosterPeople() as { id: string; roles: unknown[] }[];
    const holder = typeof person === 'number' ? people[person]! : people.find((p) => p.id === person)!;
    holder.roles.push({ role: add, sites: '*', columns: '*', departments: '*' });
    const result = verify(pki.files({ roster: pki.signDoc('roster', pki.rosterPayload({ people })) }), pki.ca.fingerprint);
    expect(result.ok).toBe(!refused);
    if (!result.ok) expect(result.problems.map((p) => `${p.code} ${p.file} ${p.message.includes(holder.id)}`)).toEqual([`TRUST_DUTIES_MIXED ${TRUST_PATHS.roster} true`]);
  });

  test('an admin revoked AFTER signing still counts (revocation has a date)', () => {
    const revocations = pki.signDoc('revocations', pki.revocationsPayload([{ person: 'p-wugang', effective: '2026-09-20T00:00:00Z', reason: '调离' }]), [pki.admins[0]!.signer, pki.admins[2]!.signer]);
    expect(verify(pki.files({ revocations }), pki.ca.fingerprint).ok).toBe(true);
  });

  test('an admin revoked exactly at signedAt does not count', () => {
    const revocations = pki.signDoc('revocations', pki.revocationsPayload([{ person: 'p-wugang', effective: DOCS_SIGNED, reason: '调离' }]), [pki.admins[0]!.signer, pki.admins[2]!.signer]);
    const result = verify(pki.files({ revocations }), pki.ca.fingerprint);
    expect(!result.ok && result.problems.map((p) => `${p.code} ${p.file}`)).toEqual([
      `TRUST_THRESHOLD_NOT_MET ${TRUST_PATHS.roster}`,
      `TRUST_THRESHOLD_NOT_MET ${TRUST_PATHS.policy}`,
    ]);
  });
});

/** Sign without the schema check signTrustDocument makes: the admins signed a bad document. */
function signValid(kind: 'roster' | 'policy', payload: Record<string, unknown>): Uint8Array {
  return signEnvelope(PAYLOAD_TYPES[kind], canonicalBytes(payload), [pki.admins[0]!.signer, pki.admins[1]!.signer]);
}

/** The attacker replaces ca.pem with their own CA and re-signs everything with keys it issued. */
function replacedCa(): TrustFiles {
  const other = pki.otherCa;
  const mk = (id: string, name: string) => {
    const cert = issueCertificate({ ca: other, person: { id, name, department: 'bgs' }, publicKey: pki.rogue.publicKey, now: new Date('2026-09-01T00:00:00Z'), days: 90 });
    return { key: pki.rogue.privateKey, certPem: cert.certPem };
  };
  const a = mk('p-zhoumin', '周敏');
  const b = mk('p-wugang', '吴刚');
  const sign = (kind: 'roster' | 'policy' | 'revocations', payload: Record<string, unknown>) => signTrustDocument(payload, PAYLOAD_TYPES[kind], [a, b]);
  return {
    ca: bytes(other.certPem),
    root: signTrustDocument(pki.rootPayload(), PAYLOAD_TYPES.root, [{ key: other.key, certPem: other.certPem }]),
    roster: sign('roster', pki.rosterPayload()),
    policy: sign('policy', pki.policyPayload({ default: { require: [{ role: 'approver', count: 1 }] } })),
    revocations: sign('revocations', pki.revocationsPayload()),
  };
}

describe('revocations: the frozen list (digests of the records that stay valid)', () => {
  const entry = (frozen?: unknown) => ({ type: 'revocations', version: 1, signedAt: DOCS_SIGNED, revoked: [{ person: 'p-zhangwei', effective: DOCS_SIGNED, reason: '调离', ...(frozen === undefined ? {} : { frozen }) }] });
  const digest = 'ab'.repeat(32);
  test.for([
    { name: 'absent (an older document): nothing frozen', frozen: undefined, ok: true, read: [] as string[] },
    { name: 'empty', frozen: [], ok: true, read: [] },
    { name: 'distinct lower-case SHA-256 digests', frozen: [digest, 'cd'.repeat(32)], ok: true, read: [digest, 'cd'.repeat(32)] },
    { name: 'upper-case hex is not the digest the gate computes', frozen: [digest.toUpperCase()], ok: false },
    { name: 'a digest listed twice', frozen: [digest, digest], ok: false },
    { name: 'a short digest', frozen: [digest.slice(2)], ok: false },
    { name: 'a string instead of a list', frozen: digest, ok: false },
    { name: 'a number in the list', frozen: [42], ok: false },
  ])('$name', ({ frozen, ok, read }) => {
    const r = readRevocations(entry(frozen));
    expect(r.ok, JSON.stringify(r)).toBe(ok);
    if (r.ok) expect(r.value.revoked[0]!.frozen).toEqual(read);
    else expect(r.problems.join('\n')).toMatch(/revoked\[0\]\.frozen/);
  });
});
