/**
 * Where a release signer's key comes from besides a key file: CI secrets (the
 * encrypted PEM text in the environment) or, in the demo repository only, the
 * demo's release key, whose passphrase is public. The demo's certificates are
 * renewed first when the signer's would lapse before a release made now
 * expires (pipeline/demo/renew.ts), so the demo runs on any date.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PASSPHRASE, DEMO_RELEASE_CERT, DEMO_RELEASE_KEY, DEMO_RENEWED_PATHS, demoRenewal, readDemoMaterial, renewDemo } from '../demo/index.ts';
import { SealpressError } from '../errors/index.ts';
import { decryptKeyPem, inspectCertificate, keyMatches, TrustError, type Signer } from '../trust/index.ts';
import { PASSPHRASE_ENV } from '../pki/passphrases.ts';
import { keyStep, loadSigner, type Passphrases } from '../pki/signers.ts';
import type { AuditSink } from './audit.ts';

export const RELEASE_KEY_ENV = 'SEALPRESS_RELEASE_KEY';
export const RELEASE_CERT_ENV = 'SEALPRESS_RELEASE_CERT';

/** A signer from an encrypted key and a certificate as text; `where` names them in errors. */
export function signerFromPem(keyPem: string, certPem: string, passphrase: string, where: string): Signer {
  const inspected = inspectCertificate(certPem);
  if (!inspected.ok) throw new SealpressError('CONFIG_INVALID', { zh: `${where} 的证书：${inspected.message}`, en: `the certificate for ${where}: ${inspected.message}` });
  const key = decryptKeyPem(keyPem.trimStart(), passphrase, where);
  if (!keyMatches(key, inspected.cert)) throw new TrustError('KEY_CERT_MISMATCH', { zh: `密钥 ${where} 与其证书不匹配`, en: `the key ${where} does not belong to its certificate` });
  return { key, certPem: inspected.cert.pem };
}

/** The demo release key's files and published passphrase, or undefined outside the demo. */
export interface DemoReleaseKey {
  keyPem: string;
  certPem: string;
  passphrase: string;
  where: string;
}

/**
 * In the demo repository: renew the demo's throwaway certificates when the
 * release signer's would lapse before a release made at `now` expires
 * (recorded in the audit sink: a change of trust material, even the demo's,
 * belongs in the audit trail), then hand over the demo's release key.
 * Undefined outside the demo. `note` receives what a person should be told.
 */
export async function demoReleaseKey(root: string, release: { now: Date; expiresInMs: number; audit: AuditSink; note: (text: string) => void }): Promise<DemoReleaseKey | undefined> {
  const demo = readDemoMaterial(root);
  if (!demo) return undefined;
  const due = demoRenewal(demo, release.now, release.expiresInMs);
  if (due) {
    release.note(`note: renewing the DEMO's throwaway certificates on this machine: ${due.why}`);
    const renewed = await renewDemo({ root, now: release.now, newCa: due.newCa });
    await release.audit.record({ action: 'trust', outcome: 'ok', details: { change: 'demo-renewal', reason: due.why, version: renewed.version, ca: renewed.caFingerprint, newCa: renewed.newCa, people: renewed.people, records: renewed.records.length } });
    release.note(`note: the demo now has new keys for ${renewed.people} people${renewed.newCa ? ` under a new demo CA ${renewed.caFingerprint}` : ` under the same demo CA`}, trust documents v${renewed.version} and ${renewed.records.length} records signed again; rewritten: ${DEMO_RENEWED_PATHS.join(', ')}`);
  }
  release.note(`warning: signing with the DEMO release key (${DEMO_RELEASE_KEY}, passphrase published in the README): for the demo only`);
  return { keyPem: readFileSync(join(root, DEMO_RELEASE_KEY), 'utf8'), certPem: readFileSync(join(root, DEMO_RELEASE_CERT), 'utf8'), passphrase: DEMO_PASSPHRASE, where: DEMO_RELEASE_KEY };
}

/** The release signers' key files as given on the command line (--key, --cert, --passphrase-file, by position). */
export interface ReleaseKeyFiles {
  key?: readonly string[] | undefined;
  cert?: readonly string[] | undefined;
  'passphrase-file'?: readonly string[] | undefined;
}

export interface ReleaseSignerSources {
  root: string;
  /** The environment: $SEALPRESS_RELEASE_KEY, $SEALPRESS_RELEASE_CERT, $SEALPRESS_PASSPHRASE. */
  env: Readonly<Record<string, string | undefined>>;
  passphrases: Passphrases;
  now: Date;
  expiresInMs: number;
  audit: AuditSink;
  note: (text: string) => void;
}

/**
 * The release signers: key files; else the key in $SEALPRESS_RELEASE_KEY (CI
 * secrets); else, in the demo repository only, the demo's release key
 * (announced through `note`).
 */
export async function releaseSigners(files: ReleaseKeyFiles, o: ReleaseSignerSources): Promise<Signer[]> {
  const keys = files.key ?? [];
  const certs = files.cert ?? [];
  const passphraseFiles = files['passphrase-file'] ?? [];
  if (certs.length > keys.length || passphraseFiles.length > keys.length) throw new SealpressError('USAGE', { zh: '--cert 或 --passphrase-file 的个数多于 --key', en: 'more --cert or --passphrase-file than --key options' });
  if (keys.length > 0) {
    const out: Signer[] = [];
    for (const [i, key] of keys.entries()) {
      out.push((await loadSigner({ key, cert: certs[i], passphraseFile: passphraseFiles[i], option: '--key', passphraseOption: '--passphrase-file' }, o.passphrases)).signer);
    }
    return out;
  }
  const envKey = o.env[RELEASE_KEY_ENV];
  if (envKey) {
    const certPem = o.env[RELEASE_CERT_ENV];
    if (!certPem) throw new SealpressError('USAGE', { zh: `已设置 $${RELEASE_KEY_ENV}，但未设置 $${RELEASE_CERT_ENV}：请同时给出发布签名人的证书`, en: `$${RELEASE_KEY_ENV} is set but $${RELEASE_CERT_ENV} is not: give the release signer's certificate too` });
    const passphrase = o.env[PASSPHRASE_ENV];
    if (!passphrase) throw new SealpressError('USAGE', { zh: `$${RELEASE_KEY_ENV} 中是加密密钥：请在 $${PASSPHRASE_ENV} 中设置其口令`, en: `$${RELEASE_KEY_ENV} holds an encrypted key: set $${PASSPHRASE_ENV} to its passphrase` });
    return [await keyStep(() => signerFromPem(envKey, certPem, passphrase, `$${RELEASE_KEY_ENV}`))];
  }
  const demo = await demoReleaseKey(o.root, { now: o.now, expiresInMs: o.expiresInMs, audit: o.audit, note: o.note });
  if (demo) return [await keyStep(() => signerFromPem(demo.keyPem, demo.certPem, demo.passphrase, demo.where))];
  throw new SealpressError('USAGE', { zh: `没有发布密钥：请给出 --key FILE（发布签名人的加密密钥），或设置 $${RELEASE_KEY_ENV} 和 $${RELEASE_CERT_ENV}`, en: `no release key: give --key FILE (the release signer's encrypted key) or set $${RELEASE_KEY_ENV} and $${RELEASE_CERT_ENV}` });
}
