/**
 * Signing and verifying releases with a real test PKI, and the TUF attack
 * table at manifest level: every refusal has a stable code.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  canonicalBytes,
  decodeBase64,
  encodeBase64,
  signEnvelope,
} from '../../pipeline/trust/index.ts';
import {
  MAX_RELEASE_ENVELOPE_BYTES,
  RELEASE_PAYLOAD_TYPE,
  ReleaseError,
  signRelease,
  siteManifestBytes,
  siteManifestSource,
  splitRelease,
  verifyRelease,
  type ReleaseManifest,
  type ReleaseProblemCode,
  type ReleaseTrustFile,
  type VerifyReleaseOptions,
} from '../../pipeline/release/index.ts';
import { PKI_SETUP_TIMEOUT } from '../trust/pki.ts';
import { EXPIRES, makeReleaseFixture, MAIN, NOW, SUB, type ReleaseFixture } from './fixture.ts';

let fx: ReleaseFixture;
let trust: Record<ReleaseTrustFile, Uint8Array>;
let manifest: ReleaseManifest;
beforeAll(async () => {
  fx = await makeReleaseFixture();
  trust = fx.trustFiles();
  manifest = fx.manifest(trust);
}, PKI_SETUP_TIMEOUT);

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

/** The site manifests of the fixture's files and entries (format 2): the same for every fixture manifest that keeps them. */
function verify(envelope: Uint8Array, files = trust, options: Partial<VerifyReleaseOptions> = {}) {
  return verifyRelease(envelope, files, { now: NOW, anchorFingerprint: fx.pki.ca.fingerprint, siteManifests: siteManifestSource(siteManifestBytes(manifest)), ...options });
}

/** The distinct problem codes, in the order first reported. */
function codes(result: ReturnType<typeof verify>): ReleaseProblemCode[] {
  return result.ok ? [] : [...new Set(result.problems.map((p) => p.code))];
}

/** Edit the payload of a signed envelope, keeping its signatures (a mirror's forgery). */
function editPayload(envelope: Uint8Array, edit: (m: Record<string, unknown>) => void): Uint8Array {
  const doc = JSON.parse(text(envelope)) as { payload: string };
  const payload = JSON.parse(text(decodeBase64(doc.payload)!)) as Record<string, unknown>;
  edit(payload);
  doc.payload = encodeBase64(canonicalBytes(payload));
  return bytes(JSON.stringify(doc));
}

describe('sign → verify', () => {
  test('a release signed by the release signer verifies, pinned, with the signer named', () => {
    const result = verify(signRelease(manifest, [fx.chen]));
    expect(codes(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.signers).toEqual(['p-chenjing']);
    expect(result.manifest).toEqual(manifest);
    expect(result.trust.policy.release.threshold).toBe(1);
    expect(result.warnings.map((w) => w.code)).not.toContain('TRUST_ANCHOR_NOT_PINNED');
  });

  test('unpinned: verifies, and warns that the CA is taken from the mirror', () => {
    const result = verifyRelease(signRelease(manifest, [fx.chen]), trust, { now: NOW, siteManifests: siteManifestSource(siteManifestBytes(manifest)) });
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.code)).toContain('TRUST_ANCHOR_NOT_PINNED');
  });

  test('threshold 2 met by two distinct release signers', () => {
    const files = fx.trustFiles({ roster: fx.rosterPayload(), policy: fx.pki.policyPayload({ release: { threshold: 2 } }) });
    const result = verify(signRelease(fx.manifest(files), [fx.chen, fx.lin]), files);
    expect(codes(result)).toEqual([]);
    expect(result.ok && result.signers).toEqual(['p-chenjing', 'p-linfeng']);
  });

  test('an extra signature by an approver is ignored with a warning when the threshold is met', () => {
    const result = verify(signRelease(manifest, [fx.chen, fx.approver]));
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.code)).toContain('RELEASE_SIGNATURE_IGNORED');
  });

  test('signing refuses a manifest verifiers would refuse, and an empty signer list', () => {
    const bad = { ...manifest, files: [{ path: '../etc/passwd', size: 1, sha256: 'a'.repeat(64) }] };
    expect(() => signRelease(bad, [fx.chen])).toThrow(expect.objectContaining({ code: 'RELEASE_MANIFEST_INVALID' }));
    expect(() => signRelease(manifest, [])).toThrow(ReleaseError);
  });

  test('signing with a key that is not the certificate’s is refused at signing time', () => {
    expect(() => signRelease(manifest, [{ key: fx.pki.rogue.privateKey, certPem: fx.pki.people.chen.certPem }])).toThrow(expect.objectContaining({ code: 'KEY_CERT_MISMATCH' }));
  });
});

interface Attack {
  name: string;
  /** Build the envelope (and optionally other trust files / options) for the attack. */
  make: () => { envelope: Uint8Array; files?: Record<ReleaseTrustFile, Uint8Array>; options?: Partial<VerifyReleaseOptions> };
  expected: ReleaseProblemCode[] | 'ok';
}

const at = (iso: string) => new Date(iso);
const revoked = (who: Record<string, unknown>, effective: string) => [{ ...who, effective, reason: '离职' }];

describe('the TUF attack table, at manifest level', () => {
  const attacks: Attack[] = [
    {
      name: 'forged signature (one byte of the signature flipped)',
      make: () => {
        const doc = JSON.parse(text(signRelease(manifest, [fx.chen]))) as { signatures: { sig: string }[] };
        const sig = decodeBase64(doc.signatures[0]!.sig)!;
        sig[10] = sig[10]! ^ 1;
        doc.signatures[0]!.sig = encodeBase64(sig);
        return { envelope: bytes(JSON.stringify(doc)) };
      },
      expected: ['RELEASE_SIGNATURE_INVALID'],
    },
    {
      name: 'manifest edited after signing (a site manifest digest swapped)',
      make: () => ({ envelope: editPayload(signRelease(manifest, [fx.chen]), (m) => ((m.sites as { manifest: { sha256: string } }[])[0]!.manifest.sha256 = 'e'.repeat(64))) }),
      expected: ['RELEASE_SIGNATURE_INVALID'],
    },
    { name: 'signed by an approver (no release role)', make: () => ({ envelope: signRelease(manifest, [fx.approver]) }), expected: ['RELEASE_SIGNER_NOT_AUTHORISED', 'RELEASE_THRESHOLD_NOT_MET'] },
    { name: 'signed with a certificate from another CA (same subject)', make: () => ({ envelope: signRelease(manifest, [fx.impostor]) }), expected: ['RELEASE_SIGNER_NOT_AUTHORISED', 'RELEASE_THRESHOLD_NOT_MET'] },
    { name: 'signed by an admin (no release role)', make: () => ({ envelope: signRelease(manifest, [fx.pki.admins[0]!.signer]) }), expected: ['RELEASE_SIGNER_NOT_AUTHORISED', 'RELEASE_THRESHOLD_NOT_MET'] },
    {
      name: 'a CA-issued release certificate the roster does not list',
      make: () => {
        const files = fx.trustFiles({ roster: fx.pki.rosterPayload() });
        return { envelope: signRelease(fx.manifest(files), [fx.lin]), files };
      },
      expected: ['RELEASE_SIGNER_NOT_AUTHORISED', 'RELEASE_THRESHOLD_NOT_MET'],
    },
    {
      name: 'release key revoked before createdAt',
      make: () => {
        const files = fx.trustFiles({ revocations: fx.pki.revocationsPayload(revoked({ person: 'p-chenjing' }, '2026-09-20T00:00:00Z')) });
        return { envelope: signRelease(fx.manifest(files), [fx.chen]), files };
      },
      expected: ['RELEASE_SIGNER_REVOKED', 'RELEASE_THRESHOLD_NOT_MET'],
    },
    {
      name: 'release key revoked after createdAt, before now: invalidates the releases it signed',
      make: () => {
        const files = fx.trustFiles({ revocations: fx.pki.revocationsPayload(revoked({ certificate: fx.pki.people.chen.fingerprint }, '2026-10-01T01:30:00Z')) });
        return { envelope: signRelease(fx.manifest(files), [fx.chen]), files };
      },
      expected: ['RELEASE_SIGNER_REVOKED', 'RELEASE_THRESHOLD_NOT_MET'],
    },
    {
      name: 'revocation effective only after now: still valid',
      make: () => {
        const files = fx.trustFiles({ revocations: fx.pki.revocationsPayload(revoked({ person: 'p-chenjing' }, '2026-10-05T00:00:00Z')) });
        return { envelope: signRelease(fx.manifest(files), [fx.chen]), files };
      },
      expected: 'ok',
    },
    { name: 'signer certificate expired at createdAt', make: () => ({ envelope: signRelease(manifest, [fx.chenOld]) }), expected: ['RELEASE_SIGNER_CERT_INVALID', 'RELEASE_THRESHOLD_NOT_MET'] },
    {
      // The signer picks createdAt: an expired certificate must not sign a release dated back inside its validity.
      name: 'back-dated: an expired certificate signs a release dated inside its validity',
      make: () => ({ envelope: signRelease(fx.manifest(trust, { createdAt: '2026-05-15T00:00:00Z', expires: '2027-05-14T00:00:00Z' }), [fx.chenOld]) }),
      expected: ['RELEASE_SIGNER_CERT_INVALID', 'RELEASE_THRESHOLD_NOT_MET'],
    },
    {
      name: 'a release that claims to stay valid for more than 366 days',
      // Signed by a genuine release key (signRelease itself would refuse to sign it).
      make: () => ({ envelope: signEnvelope(RELEASE_PAYLOAD_TYPE, canonicalBytes({ ...manifest, expires: '2099-01-01T00:00:00Z' }), [fx.chen]) }),
      expected: ['RELEASE_MALFORMED'],
    },
    {
      name: 'a release signer whose grant covers one site only cannot sign the group\'s release',
      make: () => {
        const roster = fx.rosterPayload() as { people: { id: string; roles: { role: string; sites: unknown }[] }[] };
        for (const g of roster.people.find((p) => p.id === 'p-linfeng')!.roles) g.sites = [MAIN];
        const files = fx.trustFiles({ roster });
        return { envelope: signRelease(fx.manifest(files), [fx.lin]), files };
      },
      expected: ['RELEASE_SIGNER_NOT_AUTHORISED', 'RELEASE_THRESHOLD_NOT_MET'],
    },
    {
      name: 'threshold 2, one signer',
      make: () => {
        const files = fx.trustFiles({ policy: fx.pki.policyPayload({ release: { threshold: 2 } }) });
        return { envelope: signRelease(fx.manifest(files), [fx.chen]), files };
      },
      expected: ['RELEASE_THRESHOLD_NOT_MET'],
    },
    {
      name: 'threshold 2, two signatures by the same person (two certificates)',
      make: () => {
        const files = fx.trustFiles({ policy: fx.pki.policyPayload({ release: { threshold: 2 } }) });
        return { envelope: signRelease(fx.manifest(files), [fx.chen, fx.chenB]), files };
      },
      expected: ['RELEASE_THRESHOLD_NOT_MET'],
    },
    {
      name: 'threshold 2, one release signer and one approver',
      make: () => {
        const files = fx.trustFiles({ policy: fx.pki.policyPayload({ release: { threshold: 2 } }) });
        return { envelope: signRelease(fx.manifest(files), [fx.chen, fx.approver]), files };
      },
      expected: ['RELEASE_SIGNER_NOT_AUTHORISED', 'RELEASE_THRESHOLD_NOT_MET'],
    },
    { name: 'freeze: exactly at expires', make: () => ({ envelope: signRelease(manifest, [fx.chen]), options: { now: at(EXPIRES) } }), expected: ['RELEASE_EXPIRED'] },
    { name: 'freeze: 1 ms before expires is fine', make: () => ({ envelope: signRelease(manifest, [fx.chen]), options: { now: new Date(at(EXPIRES).getTime() - 1) } }), expected: 'ok' },
    { name: 'rollback: lower than the last version seen', make: () => ({ envelope: signRelease(manifest, [fx.chen]), options: { lastSeenVersion: 8 } }), expected: ['RELEASE_ROLLBACK'] },
    { name: 'the same version seen again is fine', make: () => ({ envelope: signRelease(manifest, [fx.chen]), options: { lastSeenVersion: 7 } }), expected: 'ok' },
    {
      name: 'created 6 minutes in the future',
      make: () => ({ envelope: signRelease(fx.manifest(trust, { createdAt: '2026-10-01T02:06:00Z' }), [fx.chen]) }),
      expected: ['RELEASE_NOT_YET_VALID'],
    },
    { name: 'created 4 minutes in the future (clock skew) is fine', make: () => ({ envelope: signRelease(fx.manifest(trust, { createdAt: '2026-10-01T02:04:00Z' }), [fx.chen]) }), expected: 'ok' },
    {
      name: 'trust-document swap: the mirror serves another (validly signed) roster',
      make: () => ({ envelope: signRelease(manifest, [fx.chen]), files: { ...trust, 'roster.dsse.json': fx.trustFiles({ roster: { ...fx.rosterPayload(), version: 2 } })['roster.dsse.json'] } }),
      expected: ['RELEASE_TRUST_MISMATCH'],
    },
    {
      name: 'trust-document swap: another (validly signed) policy without the threshold',
      make: () => {
        const strict = fx.trustFiles({ policy: fx.pki.policyPayload({ release: { threshold: 2 } }) });
        return { envelope: signRelease(fx.manifest(strict), [fx.chen, fx.lin]), files: trust };
      },
      expected: ['RELEASE_TRUST_MISMATCH'],
    },
    { name: 'trust documents tampered (roster edited)', make: () => ({ envelope: signRelease(manifest, [fx.chen]), files: { ...trust, 'roster.dsse.json': editPayload(trust['roster.dsse.json'], (r) => (r.version = 9)) } }), expected: ['RELEASE_TRUST_INVALID'] },
    { name: 'trust anchor not the pinned one', make: () => ({ envelope: signRelease(manifest, [fx.chen]), options: { anchorFingerprint: fx.pki.otherCa.fingerprint } }), expected: ['RELEASE_TRUST_INVALID'] },
    { name: 'a release of another group', make: () => ({ envelope: signRelease(fx.manifest(trust, { group: '另一个网站群' }), [fx.chen]) }), expected: ['RELEASE_TRUST_MISMATCH'] },
    { name: 'envelope larger than maxBytes', make: () => ({ envelope: signRelease(manifest, [fx.chen]), options: { maxBytes: 1000 } }), expected: ['RELEASE_MALFORMED'] },
    { name: 'endless data: one byte over the default 64 MiB limit', make: () => ({ envelope: new Uint8Array(MAX_RELEASE_ENVELOPE_BYTES + 1) }), expected: ['RELEASE_MALFORMED'] },
    { name: 'not JSON', make: () => ({ envelope: bytes('<html>defaced</html>') }), expected: ['RELEASE_MALFORMED'] },
    { name: 'a trust document passed off as a release (payload type)', make: () => ({ envelope: fx.pki.signDoc('policy', fx.pki.policyPayload()) }), expected: ['RELEASE_MALFORMED'] },
    {
      name: 'no signatures',
      make: () => {
        const doc = JSON.parse(text(signRelease(manifest, [fx.chen]))) as { signatures: unknown[] };
        doc.signatures = [];
        return { envelope: bytes(JSON.stringify(doc)) };
      },
      expected: ['RELEASE_THRESHOLD_NOT_MET'],
    },
    ...(
      [
        ['a path with ..', `${'19900000000'}/../../etc/passwd`],
        ['an absolute path', '/etc/passwd'],
        ['a backslash', `${'19900000000'}\\index.html`],
        ['a NUL', `${'19900000000'}/index.html\u0000.png`],
        ['a site code not in the release', '19999999999/index.html'],
        ['under the metadata folder', `${'19900000000'}/.well-known/sealpress/release.dsse.json`],
      ] as const
    ).map(
      ([what, path]): Attack => ({
        name: `bad path, signed by the release signer anyway: ${what}`,
        make: () => {
          const payload = JSON.parse(text(canonicalBytes(manifest))) as { files: { path: string; size: number; sha256: string }[] };
          payload.files = [{ path, size: 1, sha256: 'a'.repeat(64) }];
          return { envelope: signEnvelope(RELEASE_PAYLOAD_TYPE, canonicalBytes(payload), [fx.chen]) };
        },
        expected: ['RELEASE_MALFORMED'],
      }),
    ),
  ];

  test.for(attacks)('$name', ({ make, expected }) => {
    const { envelope, files, options } = make();
    const result = verify(envelope, files ?? trust, options ?? {});
    if (expected === 'ok') expect(codes(result)).toEqual([]);
    else {
      expect(codes(result)).toEqual(expected);
      // Every refusal says what to do.
      if (!result.ok) for (const p of result.problems) expect(p.fix.length).toBeGreaterThan(0);
    }
  });

  test('every problem is reported at once: expired, rollback and from another group together', () => {
    const m = fx.manifest(trust, { group: '另一个网站群' });
    const result = verify(signRelease(m, [fx.chen]), trust, { now: at(EXPIRES), lastSeenVersion: 9 });
    expect(codes(result).sort()).toEqual(['RELEASE_EXPIRED', 'RELEASE_ROLLBACK', 'RELEASE_TRUST_MISMATCH']);
  });

  test('verification is pure: the same inputs give the same result, and the inputs are not changed', () => {
    const envelope = signRelease(manifest, [fx.chen]);
    const before = Buffer.from(envelope).toString('base64');
    const a = verify(envelope);
    const b = verify(envelope);
    expect(a).toEqual(b);
    expect(Buffer.from(envelope).toString('base64')).toBe(before);
  });
});

describe('a large manifest (40,000 files)', () => {
  test('signs and verifies within the default limit', () => {
    const files = Array.from({ length: 40_000 }, (_, i) => ({ path: `${MAIN}/a/${String(i).padStart(6, '0')}/index.html`, size: i, sha256: (i % 16).toString(16).repeat(64) }));
    const big = fx.manifest(trust, { files });
    const envelope = signRelease(big, [fx.chen]);
    // Format 2: the files are in the site manifests, bound by digest; the signed envelope stays small.
    const sites = siteManifestBytes(big);
    expect(sites.get(MAIN)!.length).toBeGreaterThan(1024 * 1024);
    expect(envelope.length).toBeLessThan(16 * 1024);
    const t = performance.now();
    const result = verify(envelope, trust, { siteManifests: siteManifestSource(sites) });
    const ms = performance.now() - t;
    console.log(`verifyRelease, 40,000 files, ${(envelope.length / 1024).toFixed(1)} KiB envelope, ${(sites.get(MAIN)!.length / 1048576).toFixed(1)} MiB site manifest: ${ms.toFixed(0)} ms`);
    expect(codes(result)).toEqual([]);
    expect(result.ok && result.manifest.files.length).toBe(40_000);
    // Generous: measured 0.14 s on this machine; the bound catches a quadratic check.
    expect(ms).toBeLessThan(5000);
  });
});


describe('format 2: site manifests bound by digest', () => {
  /** A release document signed for real, naming `bad` as the main site's manifest (a signer's mistake, or a forgery with a stolen key). */
  function signedWith(bad: Record<string, unknown>) {
    const { document, siteManifests } = splitRelease(manifest);
    const bytes = canonicalBytes(bad);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    document.sites[0]!.manifest = { sha256, size: bytes.length };
    const envelope = signEnvelope(RELEASE_PAYLOAD_TYPE, canonicalBytes(document), [fx.chen]);
    return verify(envelope, trust, { siteManifests: siteManifestSource([bytes, siteManifests.get(SUB)!]) });
  }
  const mainSite = () => JSON.parse(text(siteManifestBytes(manifest).get(MAIN)!)) as Record<string, unknown> & { files: { path: string; size: number; sha256: string }[] };

  test.each([
    ['an unknown field', (m: ReturnType<typeof mainSite>) => ({ ...m, extra: 1 }), 'extra'],
    ['another site\'s code', (m: ReturnType<typeof mainSite>) => ({ ...m, site: SUB }), 'site'],
    ['a path of another site', (m: ReturnType<typeof mainSite>) => ({ ...m, files: [...m.files, { path: `${SUB}/x.html`, size: 1, sha256: 'f'.repeat(64) }] }), `${SUB}/x.html`],
    ['a path listed twice', (m: ReturnType<typeof mainSite>) => ({ ...m, files: [...m.files, m.files[0]!] }), 'twice'],
  ])('a signed site manifest with %s is refused', (_name, edit, mentions) => {
    const result = signedWith(edit(mainSite()));
    expect(codes(result)).toEqual(['RELEASE_MALFORMED']);
    expect(!result.ok && result.problems[0]!.message).toContain(mentions);
  });

  test('the site manifests are swapped between sites: both refused', () => {
    const sites = siteManifestBytes(manifest);
    const swapped = (_sha: string, code: string) => sites.get(code === MAIN ? SUB : MAIN);
    const result = verify(signRelease(manifest, [fx.chen]), trust, { siteManifests: swapped });
    expect(codes(result)).toEqual(['RELEASE_SITE_MANIFEST_MISMATCH']);
    expect(!result.ok && result.problems.length).toBe(2);
  });

  test('a verifier of one site reads that site\'s manifest only', () => {
    const sub = siteManifestBytes(manifest).get(SUB)!;
    const asked: string[] = [];
    const result = verify(signRelease(manifest, [fx.chen]), trust, { sites: [SUB], siteManifests: (_sha, code) => (asked.push(code), code === SUB ? sub : undefined) });
    expect(codes(result)).toEqual([]);
    expect(asked).toEqual([SUB]);
    expect(result.ok && result.sitesRead).toEqual([SUB]);
    expect(result.ok && result.manifest.files.map((f) => f.path)).toEqual([`${SUB}/index.html`]);
  });

  test('a format-1 release still signs and verifies, with no site manifest', () => {
    const old = fx.manifest(trust, { format: 1 });
    const result = verify(signRelease(old, [fx.chen]), trust, { siteManifests: () => undefined });
    expect(codes(result)).toEqual([]);
    expect(result.ok && result.manifest).toEqual(old);
  });
});
