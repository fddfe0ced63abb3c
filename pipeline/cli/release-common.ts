/**
 * What `publish`, `rollback`, `verify` and `watch` share: where the archive,
 * the audit log and the verifier's memory live, whose key signs a release,
 * and which CA a verifier trusts.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_PASSPHRASE, DEMO_RELEASE_CERT, DEMO_RELEASE_KEY, DEMO_RENEWED_PATHS, demoRenewal, readDemoMaterial, renewDemo } from '../demo/index.ts';
import { SealpressError } from '../errors/index.ts';
import { TRUST_DIR } from '../load/index.ts';
import { loadMemory, type AuditSink, type MirrorOutcome } from '../publish/index.ts';
import { ReleaseArchive, SeenVersions, type ReleaseMemory } from '../release/index.ts';
import { commandAuditSink } from './audit-hook.ts';
import { decryptKeyPem, inspectCertificate, keyMatches, normaliseFingerprint, TrustError, type Signer } from '../trust/index.ts';
import type { Io } from './output.ts';
import { keyStep, loadSigner, PASSPHRASE_ENV } from './passphrase.ts';

export const ARCHIVE_ENV = 'SEALPRESS_ARCHIVE';
export const RELEASE_KEY_ENV = 'SEALPRESS_RELEASE_KEY';
export const RELEASE_CERT_ENV = 'SEALPRESS_RELEASE_CERT';
export const STATE_ENV = 'SEALPRESS_STATE_DIR';

export const SIGNER_OPTIONS = {
  key: { type: 'string', multiple: true },
  cert: { type: 'string', multiple: true },
  'passphrase-file': { type: 'string', multiple: true },
} as const;

export const SIGNER_HELP = `  --key FILE             a release signer's encrypted private key (repeat for a
                         threshold above 1); else $${RELEASE_KEY_ENV} holds the
                         encrypted PEM text and $${RELEASE_CERT_ENV} the certificate (CI)
  --cert FILE            the certificate for each --key (default: .key.pem → .cert.pem)
  --passphrase-file FILE the passphrase for each --key (first line); else $${PASSPHRASE_ENV}`;

/** The release archive: --archive, else $SEALPRESS_ARCHIVE, else <root>/.sealpress/archive. */
export function archiveDir(option: string | undefined, root: string): string {
  return resolve(option ?? process.env[ARCHIVE_ENV] ?? join(root, '.sealpress', 'archive'));
}

/**
 * The gate's memory for `check` and `rollback`: the latest release in the
 * archive, verified (loadMemory), or undefined when the archive holds none.
 */
export async function archiveMemory(option: string | undefined, root: string, anchor: string | undefined): Promise<{ dir: string; memory: ReleaseMemory | undefined }> {
  const dir = archiveDir(option, root);
  return { dir, memory: await loadMemory(new ReleaseArchive(dir), anchor ? { anchorFingerprint: anchor } : {}) };
}

/** The audit log of a publication command: --audit-log, else $SEALPRESS_AUDIT_LOG or the repository's. */
export function auditSink(io: Io, values: { 'audit-log'?: string | undefined; now?: string | undefined }, root: string): ReturnType<typeof commandAuditSink> {
  return commandAuditSink(io, { root, now: values.now, log: values['audit-log'] === undefined ? undefined : resolve(values['audit-log']) });
}

/** The verifier's memory of versions seen: --state, else $SEALPRESS_STATE_DIR or ~/.local/state/sealpress. */
export function statePath(option: string | undefined): string {
  if (option) return resolve(option);
  const dir = process.env[STATE_ENV] ?? join(homedir(), '.local', 'state', 'sealpress');
  return join(dir, 'seen-versions.json');
}

/**
 * The verifier's memory for a check under `anchor`. Every clone of the demo
 * has the same CA (its key is published so that clones can renew it) yet
 * publishes its own releases, so in the demo the memory is kept per checkout:
 * two demos on one machine never see each other's versions as a rollback. A
 * real group's memory stays per CA and group, across checkouts, with its full
 * rollback and freeze protection: the scope needs a CA whose signed subject
 * says DEMO, which no marker file can fake.
 */
export function verifierMemory(option: string | undefined, root: string, anchor: string): SeenVersions {
  const demo = readDemoMaterial(root);
  const scope = demo && demo.ca.fingerprint === normaliseFingerprint(anchor) ? realpathSync(root) : undefined;
  return new SeenVersions(statePath(option), scope);
}

/** Whole days → ms, for --expires-in. */
export function expiresIn(option: string | undefined, fallbackDays: number): number {
  const days = option === undefined ? fallbackDays : Number(option);
  if (!(Number.isFinite(days) && days > 0 && days <= 366)) throw new SealpressError('USAGE', `--expires-in must be a number of days from 0 to 366, found "${option}"`);
  return days * 86_400_000;
}

/**
 * The release signers: --key files; else the key in $SEALPRESS_RELEASE_KEY (CI
 * secrets); else, in the demo repository only, the demo's release key, whose
 * passphrase is public (clearly announced on stderr). The demo's certificates
 * are renewed first when the signer's would lapse before a release made at
 * `release.now` expires (pipeline/demo/renew.ts), so the demo runs on any date.
 */
export async function releaseSigners(
  values: { key?: string[] | undefined; cert?: string[] | undefined; 'passphrase-file'?: string[] | undefined },
  root: string,
  io: Io,
  release: { now: Date; expiresInMs: number; audit: AuditSink },
): Promise<Signer[]> {
  const keys = values.key ?? [];
  const certs = values.cert ?? [];
  const files = values['passphrase-file'] ?? [];
  if (certs.length > keys.length || files.length > keys.length) throw new SealpressError('USAGE', 'more --cert or --passphrase-file than --key options');
  if (keys.length > 0) {
    const out: Signer[] = [];
    for (const [i, key] of keys.entries()) {
      out.push((await loadSigner({ key, cert: certs[i], passphraseFile: files[i], option: '--key', passphraseOption: '--passphrase-file' }, io)).signer);
    }
    return out;
  }
  const envKey = process.env[RELEASE_KEY_ENV];
  if (envKey) {
    const certPem = process.env[RELEASE_CERT_ENV];
    if (!certPem) throw new SealpressError('USAGE', `$${RELEASE_KEY_ENV} is set but $${RELEASE_CERT_ENV} is not: give the release signer's certificate too`);
    const passphrase = process.env[PASSPHRASE_ENV];
    if (!passphrase) throw new SealpressError('USAGE', `$${RELEASE_KEY_ENV} holds an encrypted key: set $${PASSPHRASE_ENV} to its passphrase`);
    return [await keyStep(() => signerFromPem(envKey, certPem, passphrase, `$${RELEASE_KEY_ENV}`))];
  }
  const demo = readDemoMaterial(root);
  if (demo) {
    const due = demoRenewal(demo, release.now, release.expiresInMs);
    if (due) {
      io.err(`note: renewing the DEMO's throwaway certificates on this machine: ${due.why}`);
      const renewed = await renewDemo({ root, now: release.now, newCa: due.newCa });
      // A change of trust material, even the demo's, belongs in the audit trail.
      await release.audit.record({ action: 'trust', outcome: 'ok', details: { change: 'demo-renewal', reason: due.why, version: renewed.version, ca: renewed.caFingerprint, newCa: renewed.newCa, people: renewed.people, records: renewed.records.length } });
      io.err(`note: the demo now has new keys for ${renewed.people} people${renewed.newCa ? ` under a new demo CA ${renewed.caFingerprint}` : ` under the same demo CA`}, trust documents v${renewed.version} and ${renewed.records.length} records signed again; rewritten: ${DEMO_RENEWED_PATHS.join(', ')}`);
    }
    io.err(`warning: signing with the DEMO release key (${DEMO_RELEASE_KEY}, passphrase published in the README): for the demo only`);
    return [await keyStep(() => signerFromPem(readFileSync(join(root, DEMO_RELEASE_KEY), 'utf8'), readFileSync(join(root, DEMO_RELEASE_CERT), 'utf8'), DEMO_PASSPHRASE, DEMO_RELEASE_KEY))];
  }
  throw new SealpressError('USAGE', `no release key: give --key FILE (the release signer's encrypted key) or set $${RELEASE_KEY_ENV} and $${RELEASE_CERT_ENV}`);
}

function signerFromPem(keyPem: string, certPem: string, passphrase: string, where: string): Signer {
  const inspected = inspectCertificate(certPem);
  if (!inspected.ok) throw new SealpressError('CONFIG_INVALID', `the certificate for ${where}: ${inspected.message}`);
  const key = decryptKeyPem(keyPem.trimStart(), passphrase, where);
  if (!keyMatches(key, inspected.cert)) throw new TrustError('KEY_CERT_MISMATCH', `the key ${where} does not belong to its certificate`);
  return { key, certPem: inspected.cert.pem };
}

/**
 * The CA a verifier trusts: --trust-anchor, else $SEALPRESS_TRUST_ANCHOR, else
 * the CA certificate of the repository checkout at --root (a copy the verifier
 * already holds). Never the mirror's own ca.pem: a mirror cannot vouch for itself.
 */
export function verifierAnchor(option: string | undefined, root: string): string {
  const given = option ?? process.env['SEALPRESS_TRUST_ANCHOR'];
  if (given) {
    const fp = normaliseFingerprint(given);
    if (!fp) throw new SealpressError('USAGE', `--trust-anchor must be a SHA-256 fingerprint (64 hex digits), found "${given}"`);
    return fp;
  }
  const ca = join(root, TRUST_DIR, 'ca.pem');
  if (existsSync(ca)) {
    const inspected = inspectCertificate(readFileSync(ca, 'utf8'));
    if (inspected.ok) return inspected.cert.fingerprint;
  }
  throw new SealpressError('USAGE', `no trust anchor: give --trust-anchor FP (the group CA's SHA-256 fingerprint, from the group's published notice) or run in a checkout of the site group (${TRUST_DIR}/ca.pem)`);
}

/** One line per mirror of a publish or rollback. */
export function printMirrors(io: Io, mirrors: readonly MirrorOutcome[]): void {
  for (const m of mirrors) {
    io.out(`mirror ${m.target}: ${!m.ok ? `FAILED: ${m.error}` : m.verified ? 'deployed and verified' : 'deployed (an rsync destination is not verified from here: run sealpress verify on its URL)'}`);
  }
}
