/**
 * The demo on any date. The demo's certificates live 90 days like every
 * certificate of a group (the rules: credentials change every three months),
 * so a clone run after they lapse must renew them before it can sign a
 * release. The demo keeps its CA's key (encrypted under the published demo
 * passphrase), so renewal happens on the machine that runs the demo, under the
 * same CA: new throwaway keys and certificates for every person, trust
 * documents one version up, and every demo record signed again. Releases,
 * audit seals and verifiers' memories made before the renewal stay valid, as
 * they do when a real group rotates its keys.
 *
 * Only a checkout that is the demo in every respect is touched: the marker
 * file, a CA whose subject says DEMO (DEMO_CA_UNIT, pinned by its fingerprint),
 * and the demo's keys. Real trust material is never renewed here.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { runGate } from '../gate/index.ts';
import { TRUST_DIR, TRUST_FILES } from '../load/index.ts';
import { decryptKeyPem, inspectCertificate, keyMatches, parseEnvelope, TrustError, type CertInfo } from '../trust/index.ts';
import { DEMO_CA_KEY, DEMO_CA_UNIT, DEMO_CERT_DAYS, DEMO_PASSPHRASE, DEMO_RELEASE_CERT, DEMO_RELEASE_KEY, regenerateDemoTrust, type RegenerateResult } from './regenerate.ts';

const DAY_MS = 86_400_000;

/** The file that marks sites/trust/ as demo material. */
export const DEMO_MARKER = 'DEMO.md';
export const DEMO_MARKER_TEXT = `# Demo trust material: not for production

Everything in this folder was made by \`sealpress demo\` with throwaway keys that
were discarded when the command ended, except two kept in demo/keys/ encrypted
under a published passphrase: the release signer's, so that a fresh clone can
publish the demo's approved entries, and the demo CA's, so that the clone can
renew the 90-day certificates when they lapse (\`npm start\` does it and says so).
The CA's subject says DEMO. A real site group makes its own with
\`sealpress keys init\`.
`;

/** What a renewal rewrites in the working tree (the README lists them too). */
export const DEMO_RENEWED_PATHS = ['sites/trust/', 'content/_approvals/', 'content/_waivers/', 'sites/_changes/', 'demo/keys/'] as const;

export interface DemoMaterial {
  /** The demo's CA (sites/trust/ca.pem). */
  ca: CertInfo;
  /** The demo release signer's certificate (demo/keys/release-1.cert.pem). */
  release: CertInfo;
}

/** Whether a CA certificate is the demo's: its subject carries DEMO_CA_UNIT (covered by its signature and fingerprint). */
export function isDemoCa(cert: CertInfo): boolean {
  return cert.isCa && cert.department === DEMO_CA_UNIT;
}

/**
 * The demo material of a checkout, or undefined when the checkout is not the
 * demo: the marker, a demo CA and the demo's keys must all be there. I/O.
 */
export function readDemoMaterial(root: string): DemoMaterial | undefined {
  const trustDir = join(root, TRUST_DIR);
  if (!existsSync(join(trustDir, DEMO_MARKER)) || !existsSync(join(root, DEMO_RELEASE_KEY)) || !existsSync(join(root, DEMO_CA_KEY))) return undefined;
  const ca = readCert(join(trustDir, TRUST_FILES.ca));
  const release = readCert(join(root, DEMO_RELEASE_CERT));
  if (!ca || !release || !isDemoCa(ca)) return undefined;
  return { ca, release };
}

function readCert(path: string): CertInfo | undefined {
  try {
    const inspected = inspectCertificate(readFileSync(path, 'utf8'));
    return inspected.ok ? inspected.cert : undefined;
  } catch {
    return undefined;
  }
}

export interface DemoRenewal {
  /** Why the demo must be renewed, for the announcement on stderr. */
  why: string;
  /** The CA itself lapses too soon: a new demo CA (a new trust domain for verifiers). */
  newCa: boolean;
}

/**
 * Whether the demo must be renewed before a release made at `now` that
 * verifiers accept for `horizonMs`: its signer's certificate must be valid the
 * whole time, and a renewed certificate must fit inside the CA's life. Pure.
 */
export function demoRenewal(material: DemoMaterial, now: Date, horizonMs: number): DemoRenewal | undefined {
  const t = now.getTime();
  const iso = (ms: number) => new Date(ms).toISOString();
  const newCa = material.ca.notAfter < t + (DEMO_CERT_DAYS + 1) * DAY_MS || material.ca.notBefore > t;
  if (material.release.notBefore > t) {
    // Made after this run's clock (a clock set back, or --now in the past): renewing would sign with a date earlier than what exists.
    throw new SealpressError(
      'CONFIG_INVALID',
      `the demo's certificates were issued ${iso(material.release.notBefore)}, after this run's clock ${iso(t)}: run at a later --now, or remake the demo for that time with \`sealpress demo --new-ca --issued-at ISO --signed-at ISO\``,
      { file: DEMO_RELEASE_CERT },
    );
  }
  if (material.release.notAfter >= t + horizonMs && !newCa) return undefined;
  const why = newCa
    ? `the demo CA expires ${iso(material.ca.notAfter)}, too soon to certify anyone for ${DEMO_CERT_DAYS} days`
    : `the demo release signer's certificate expires ${iso(material.release.notAfter)}, before a release made now would (${iso(t + horizonMs)})`;
  return { why, newCa };
}

export interface RenewOptions {
  root: string;
  now: Date;
  /** Make a new demo CA instead of renewing under the kept one. */
  newCa?: boolean;
  bits?: number;
}

export interface RenewResult extends RegenerateResult {
  newCa: boolean;
  /** The trust documents' new version. */
  version: number;
}

/**
 * Renew the demo at `now`: certificates issued and trust documents signed
 * three hours before, records two hours before (a withdrawal an hour after its
 * approval), so that the run at `now` sees nothing "in the future". I/O: it
 * rewrites sites/trust/, content/_approvals/, content/_waivers/,
 * sites/_changes/ and demo/keys/.
 */
export async function renewDemo(options: RenewOptions): Promise<RenewResult> {
  const { root, now } = options;
  const material = readDemoMaterial(root);
  if (!material) throw new SealpressError('CONFIG_INVALID', `${root} is not the demo (${TRUST_DIR}/${DEMO_MARKER}, a demo CA and ${DEMO_CA_KEY} are needed): real trust material is renewed with \`sealpress keys\`, never here`);
  const newCa = options.newCa === true;
  const kept = newCa ? undefined : keptDemoCa(root, material);
  const gate = await runGate({ root, now, cache: false });
  if (!gate.ok) throw new SealpressError('CONFIG_INVALID', `the demo site group's configuration (sites/) is invalid: run \`sealpress check\` and fix it first`);
  const result = await regenerateDemoTrust({
    root,
    group: gate.group,
    plan: gate.plan,
    issuedAt: new Date(now.getTime() - 3 * 3_600_000),
    signedAt: new Date(now.getTime() - 2 * 3_600_000),
    ...(options.bits ? { bits: options.bits } : {}),
    ...(kept ?? {}),
  });
  writeFileSync(join(root, TRUST_DIR, DEMO_MARKER), DEMO_MARKER_TEXT);
  return { ...result, newCa, version: kept?.version ?? 1 };
}

/** The demo CA to renew under (its key decrypted with the published passphrase) and the trust documents' next version. */
export function keptDemoCa(root: string, material: DemoMaterial): { ca: { certPem: string; key: KeyObject }; version: number } {
  return { ca: { certPem: material.ca.pem, key: demoCaKey(root, material.ca) }, version: currentVersion(root) + 1 };
}

function demoCaKey(root: string, ca: CertInfo): KeyObject {
  const key = decryptKeyPem(readFileSync(join(root, DEMO_CA_KEY), 'utf8'), DEMO_PASSPHRASE, DEMO_CA_KEY);
  if (!keyMatches(key, ca)) {
    throw new TrustError('KEY_CERT_MISMATCH', `${DEMO_CA_KEY} is not the key of ${TRUST_DIR}/${TRUST_FILES.ca}: run \`sealpress demo --new-ca\` to remake the demo with a new CA`);
  }
  return key;
}

/** The highest version among the demo's trust documents (the renewed ones must be above it, or verifiers see a rollback). */
function currentVersion(root: string): number {
  let highest = 0;
  for (const name of ['root', 'roster', 'policy', 'revocations'] as const) {
    const file = `${TRUST_DIR}/${TRUST_FILES[name]}`;
    let version: unknown;
    try {
      const parsed = parseEnvelope(readFileSync(join(root, file)));
      const payload = parsed.ok ? parsed.envelope.payload : parsed.unverifiedPayload;
      version = payload ? (JSON.parse(Buffer.from(payload).toString('utf8')) as { version?: unknown }).version : undefined;
    } catch {
      version = undefined;
    }
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw new SealpressError('CONFIG_INVALID', `${file} cannot be read: run \`sealpress demo --new-ca\` to remake the demo trust material`, { file });
    }
    highest = Math.max(highest, version);
  }
  return highest;
}
