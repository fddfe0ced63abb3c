/**
 * What a verifier of mirrors trusts and remembers, decided from what it is
 * given (options, the environment's values, a checkout of the group) rather
 * than read from the process: which CA it trusts, the trust-document versions
 * a mirror may not go below, its memory of versions seen (Trust model 7), and
 * where the release archive is. `verify`, `watch`, `audit verify`, `check`,
 * `publish` and `rollback` share them.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readDemoMaterial } from '../demo/index.ts';
import { EXIT, SealpressError } from '../errors/index.ts';
import { loadTrustFiles, TRUST_DIR } from '../load/index.ts';
import { ReleaseArchive, SeenVersions, type ReleaseMemory } from '../release/index.ts';
import { inspectCertificate, normaliseFingerprint, verifyTrust } from '../trust/index.ts';
import { auditRecorder, type AuditSink } from './audit.ts';
import { loadMemory } from './memory.ts';
import { verifyTarget, type TrustFloor, type VerifyReport } from './verify.ts';

export const ARCHIVE_ENV = 'SEALPRESS_ARCHIVE';
export const STATE_ENV = 'SEALPRESS_STATE_DIR';
export const TRUST_ANCHOR_ENV = 'SEALPRESS_TRUST_ANCHOR';

/** The environment values these decisions read (the caller passes process.env or its own). */
export type VerifierEnv = Readonly<Record<string, string | undefined>>;

/** The release archive: the option, else $SEALPRESS_ARCHIVE, else <root>/.sealpress/archive. */
export function archiveDir(option: string | undefined, root: string, env: VerifierEnv): string {
  return resolve(option ?? env[ARCHIVE_ENV] ?? join(root, '.sealpress', 'archive'));
}

/**
 * The gate's memory for `check` and `rollback`: the latest release in the
 * archive, verified (loadMemory), or undefined when the archive holds none.
 */
export async function archiveMemory(option: string | undefined, root: string, anchor: string | undefined, env: VerifierEnv): Promise<{ dir: string; memory: ReleaseMemory | undefined }> {
  const dir = archiveDir(option, root, env);
  return { dir, memory: await loadMemory(new ReleaseArchive(dir), anchor ? { anchorFingerprint: anchor } : {}) };
}

/** The verifier's memory of versions seen: the option, else $SEALPRESS_STATE_DIR or ~/.local/state/sealpress. */
export function statePath(option: string | undefined, env: VerifierEnv): string {
  if (option) return resolve(option);
  const dir = env[STATE_ENV] ?? join(homedir(), '.local', 'state', 'sealpress');
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
export function verifierMemory(option: string | undefined, root: string, anchor: string, env: VerifierEnv): SeenVersions {
  const demo = readDemoMaterial(root);
  const scope = demo && demo.ca.fingerprint === normaliseFingerprint(anchor) ? realpathSync(root) : undefined;
  return new SeenVersions(statePath(option, env), scope);
}

/**
 * The CA a verifier trusts: the option, else $SEALPRESS_TRUST_ANCHOR, else
 * the CA certificate of the repository checkout at `root` (a copy the verifier
 * already holds). Never the mirror's own ca.pem: a mirror cannot vouch for itself.
 */
export function verifierAnchor(option: string | undefined, root: string, env: VerifierEnv): string {
  const given = option ?? env[TRUST_ANCHOR_ENV];
  if (given) {
    const fp = normaliseFingerprint(given);
    if (!fp) throw new SealpressError('USAGE', { zh: `--trust-anchor 应为 SHA-256 指纹（64 位十六进制数字），实际为“${given}”`, en: `--trust-anchor must be a SHA-256 fingerprint (64 hex digits), found "${given}"` });
    return fp;
  }
  const ca = join(root, TRUST_DIR, 'ca.pem');
  if (existsSync(ca)) {
    const inspected = inspectCertificate(readFileSync(ca, 'utf8'));
    if (inspected.ok) return inspected.cert.fingerprint;
  }
  throw new SealpressError('USAGE', { zh: `没有信任锚：请给出 --trust-anchor FP（本站群 CA 的 SHA-256 指纹，见本站群发布的公告），或在站群仓库中运行（${TRUST_DIR}/ca.pem）`, en: `no trust anchor: give --trust-anchor FP (the group CA's SHA-256 fingerprint, from the group's published notice) or run in a checkout of the site group (${TRUST_DIR}/ca.pem)` });
}

/**
 * The trust documents of the verifier's own checkout, when it has them and
 * they verify under the same anchor: a mirror may not bind older ones (an old
 * revocation list would hide a revoked release key).
 */
export function checkoutTrustFloor(root: string, now: Date, anchor: string): { trustFloor?: TrustFloor } {
  if (!existsSync(join(root, TRUST_DIR))) return {};
  const verified = verifyTrust(loadTrustFiles(root).files, { now, anchorFingerprint: anchor });
  if (!verified.ok) return {};
  const { root: r, roster, policy, revocations } = verified.trust;
  return { trustFloor: { root: r.version, roster: roster.version, policy: policy.version, revocations: revocations.version } };
}

export interface VerifyMirrorOptions {
  /** A folder (absolute) or an http(s) base URL. */
  target: string;
  /** A checkout of the site group: its trust documents are the floor, its demo CA scopes the memory. */
  root: string;
  now: Date;
  /** The CA fingerprint the verifier trusts (verifierAnchor). */
  anchorFingerprint: string;
  /** Folder mirrors: repair from the archive and verify again. */
  restore: boolean;
  site?: string | undefined;
  /** The archive option (archiveDir) and the state option (statePath). */
  archive?: string | undefined;
  state?: string | undefined;
  env: VerifierEnv;
  /** Where the verification, and any incident and restore, are recorded. */
  audit?: AuditSink | undefined;
}

/**
 * One verification of a mirror against its signed release, with the
 * verifier's memory and its checkout's trust floor, recorded in the audit
 * sink: an incident and the restore when it repaired the mirror, then the
 * verification. Library errors (an unreadable archive or mirror) are thrown
 * unrecorded: the caller reports and records them.
 */
export async function verifyMirror(o: VerifyMirrorOptions): Promise<VerifyReport> {
  const { target, root, now, anchorFingerprint: anchor, audit } = o;
  const report = await verifyTarget({
    target,
    now,
    anchorFingerprint: anchor,
    seen: verifierMemory(o.state, root, anchor, o.env),
    ...checkoutTrustFloor(root, now, anchor),
    ...(o.site ? { site: o.site } : {}),
    ...(o.restore ? { restoreFrom: new ReleaseArchive(archiveDir(o.archive, root, o.env)) } : {}),
  });
  if (audit) {
    const bad = [...report.modified, ...report.missing, ...report.extra];
    if (report.restored) {
      await audit.record({ action: 'incident', outcome: 'refused', sites: report.sites, details: { mirror: target, version: report.restored.version, problems: report.restored.repaired.slice(0, 50), count: report.restored.repaired.length } });
      await audit.record({ action: 'restore', outcome: report.ok ? 'ok' : 'failed', sites: report.sites, details: { mirror: target, version: report.restored.version, repaired: report.restored.repaired.length } });
    }
    await audit.record({ action: 'verify', outcome: report.ok ? 'ok' : 'refused', sites: report.sites, details: { mirror: target, ...(report.version ? { version: report.version } : {}), problems: report.problems.map((p) => p.code), files: bad.slice(0, 50), count: bad.length } });
  }
  return report;
}

/** Whether a verification is recorded in an audit log: one was named, or the checkout at root is a site group (its own log). */
export function verifyAudited(root: string, log: string | undefined): boolean {
  return log !== undefined || existsSync(join(root, 'sites', 'group.yaml'));
}

/**
 * verifyMirror as one round of `verify` or `watch`: a library error (an
 * unreadable archive or mirror) is handed to `failed`, which says it and
 * gives its exit code, then recorded in the audit sink; anything else is a
 * bug and is thrown.
 */
export async function verifyJob(o: VerifyMirrorOptions, failed: (error: SealpressError) => number): Promise<{ report: VerifyReport } | { code: number }> {
  try {
    return { report: await verifyMirror(o) };
  } catch (error) {
    if (!(error instanceof SealpressError)) throw error;
    const code = failed(error);
    await o.audit?.record({ action: 'verify', outcome: 'failed', details: { mirror: o.target, restore: o.restore, error: error.code } });
    return { code };
  }
}

export interface VerifyRoundOptions extends Omit<VerifyMirrorOptions, 'anchorFingerprint' | 'audit'> {
  /** The --trust-anchor option (verifierAnchor: else the environment's, else the checkout's CA). */
  trustAnchor?: string | undefined;
  /** The audit log named by the caller (--audit-log); without one, the checkout's own when it is a site group (verifyAudited). */
  auditLog?: string | undefined;
  /** The clock the caller was given (--now), kept in the audit entries as asOf. */
  asOf?: string | undefined;
  /** Where a step that could not be recorded is said. */
  warn: (text: string) => void;
  /** Says a library error that stopped the round and gives its exit code (verifyJob). */
  failed: (error: SealpressError) => number;
}

/** A round's report, or the exit code of the error that stopped it; `settle` turns an exit code into EXIT.AUDIT when a step could not be recorded. */
export type VerifyRound = ({ report: VerifyReport } | { code: number }) & { settle(code: number): number };

/** One verification, as `verify` runs it and `watch` runs it each round: the anchor decided, the audit sink chosen, the steps recorded (verifyJob). */
export async function verifyRound(o: VerifyRoundOptions): Promise<VerifyRound> {
  const { trustAnchor, auditLog, asOf, warn, failed, ...mirror } = o;
  const anchorFingerprint = verifierAnchor(trustAnchor, o.root, o.env);
  const audit = verifyAudited(o.root, auditLog) ? auditRecorder(warn, { root: o.root, now: asOf, log: auditLog === undefined ? undefined : resolve(auditLog), env: o.env }) : undefined;
  const outcome = await verifyJob({ ...mirror, anchorFingerprint, audit }, failed);
  return { ...outcome, settle: (code) => audit?.settle(code) ?? code };
}

/** The exit code of a verification's report: 0 the mirror matches (after any restore), 1 it does not. */
export function verifiedCode(report: VerifyReport): number {
  return report.ok ? EXIT.OK : EXIT.REFUSED;
}

export interface WatchOptions {
  /** How many rounds (Infinity: until the process is stopped). */
  rounds: number;
  /** The pause between two rounds. */
  intervalMs: number;
  /** The clock each round runs at (watching is on the real clock). */
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  /** One round at that time (verifyRound); a failed round was said and recorded by it. */
  round: (now: Date) => Promise<VerifyRound>;
  /** A round's report, and when it ran, for the caller to show. */
  onReport: (report: VerifyReport, at: Date) => void;
}

/**
 * `watch`: verify a mirror round after round; a failed round (an unreadable
 * archive, a refused restore) does not stop watching. The exit code is the
 * last round's (0 it matched, 1 it did not, or the code of the error that
 * stopped it), EXIT.AUDIT when any round could not be recorded.
 */
export async function watchMirror(o: WatchOptions): Promise<number> {
  let last: number = EXIT.REFUSED;
  let unrecorded = false;
  for (let round = 1; round <= o.rounds; round++) {
    const outcome = await o.round(o.clock());
    if (outcome.settle(EXIT.OK) === EXIT.AUDIT) unrecorded = true;
    if ('code' in outcome) last = outcome.code;
    else {
      last = verifiedCode(outcome.report);
      o.onReport(outcome.report, o.clock());
    }
    if (round < o.rounds) await o.sleep(o.intervalMs);
  }
  return unrecorded ? EXIT.AUDIT : last;
}
