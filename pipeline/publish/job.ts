/**
 * The gate and publication jobs as one call each, for any shell (the command
 * line, the review desk): `checkJob` runs the gate with the archive's memory
 * and records the run; `publishJob` and `rollbackJob` find the release signers, read
 * where the archive lives and what its latest release remembers, run the
 * gate, and hand over to publish() or rollback(). They take what they touch
 * (root, clock, environment, passphrase source, audit sink, progress
 * callbacks) as options; none reads process.env or writes to a terminal.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { unsignedActor, type AuditEvent } from '../audit/index.ts';
import type { Diagnostic } from '../diagnostics/index.ts';
import { EXIT, exitCodeFor, SealpressError } from '../errors/index.ts';
import { gateVerdict, inScope, runGate, type GateVerdict } from '../gate/index.ts';
import type { Plan } from '../plan/index.ts';
import type { ReleaseMemory } from '../release/index.ts';
import type { Passphrases } from '../pki/signers.ts';
import { ReleaseArchive } from '../release/index.ts';
import type { AuditSink, RecordAct } from './audit.ts';
import { publish, type PublishOptions, type PublishResult } from './publish.ts';
import { readTrustBytes } from './release.ts';
import { rollback, type RollbackSummary } from './rollback.ts';
import { releaseSigners, type ReleaseKeyFiles } from './signers.ts';
import { archiveDir, archiveMemory, type VerifierEnv } from './verifier.ts';

/** What both jobs are given. */
export interface ReleaseJobOptions {
  root: string;
  now: Date;
  /** --key, --cert, --passphrase-file; none: $SEALPRESS_RELEASE_KEY, else the demo's key. */
  keys: ReleaseKeyFiles;
  env: VerifierEnv;
  passphrases: Passphrases;
  /** --archive, else $SEALPRESS_ARCHIVE, else .sealpress/archive. */
  archive?: string | undefined;
  trustAnchor?: string | undefined;
  mirrors: readonly string[];
  expiresInMs: number;
  audit: AuditSink;
  /** What a person should be told (the demo key, a renewal). */
  note: (text: string) => void;
}

export interface PublishJobOptions extends ReleaseJobOptions {
  offsite: readonly string[];
  cache?: boolean;
  onProgress?: PublishOptions['onProgress'];
}

/** Gate, build, sign, archive, deploy and verify (publish()), with the signers and the archive found as the options say. */
export async function publishJob(o: PublishJobOptions): Promise<PublishResult> {
  const { root, now, expiresInMs, audit } = o;
  const signers = await releaseSigners(o.keys, { root, env: o.env, passphrases: o.passphrases, now, expiresInMs, audit, note: o.note });
  return publish({
    root,
    now,
    signers,
    archiveDir: archiveDir(o.archive, root, o.env),
    offsite: o.offsite,
    mirrors: o.mirrors,
    expiresInMs,
    ...(o.cache === false ? { cache: false } : {}),
    ...(o.trustAnchor ? { trustAnchor: o.trustAnchor } : {}),
    audit,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
}

export type RollbackJobResult = { ok: false; reason: 'config'; diagnostics: Diagnostic[] } | { ok: true; summary: RollbackSummary };

/** Publish release `to` again as a new version (rollback()), judged by the gate as of now with the archive's memory. */
export async function rollbackJob(o: ReleaseJobOptions & { to: number }): Promise<RollbackJobResult> {
  const { root, now, expiresInMs, audit } = o;
  // First, as the demo may renew its trust material here: the gate below must judge by what the release will bind.
  const signers = await releaseSigners(o.keys, { root, env: o.env, passphrases: o.passphrases, now, expiresInMs, audit, note: o.note });
  const anchor = o.trustAnchor;
  // The gate as of now: what was withdrawn or taken down since must not come back with the old pages.
  const { memory } = await archiveMemory(o.archive, root, anchor, o.env);
  const gate = await runGate({ root, now, ...(anchor ? { trustAnchor: anchor } : {}), ...(memory ? { memory } : {}) });
  if (!gate.ok) return { ok: false, reason: 'config', diagnostics: gate.configDiagnostics };
  const summary = await rollback({
    currentPlan: gate.plan,
    ...(gate.ledger ? { ledger: gate.ledger } : {}),
    archive: new ReleaseArchive(archiveDir(o.archive, root, o.env)),
    to: o.to,
    signers,
    trust: readTrustBytes(root),
    now,
    expiresInMs,
    ...(anchor ? { anchorFingerprint: anchor } : {}),
    mirrors: o.mirrors,
    audit,
  });
  return { ok: true, summary };
}

export interface CheckJob {
  root: string;
  now: Date;
  cache: boolean;
  trustAnchor?: string | undefined;
  /** --archive, else $SEALPRESS_ARCHIVE, else .sealpress/archive: the latest release's memory. */
  archive?: string | undefined;
  /** Report only this site's entries and files (the whole group is still judged). */
  site?: string | undefined;
  /** Report only these files and folders, relative to the repository (see repoPaths); the whole group is still judged. */
  paths?: readonly string[] | undefined;
  env: VerifierEnv;
  record: RecordAct;
}

/** What the gate run came to; `code` is its exit code once recorded in the audit log. */
export type CheckOutcome =
  | { kind: 'memory'; error: SealpressError; code: number }
  | { kind: 'config'; diagnostics: Diagnostic[]; code: number }
  | { kind: 'unknown-site'; sites: string[]; code: number }
  | { kind: 'judged'; plan: Plan; verdict: GateVerdict; configDiagnostics: Diagnostic[]; memory: ReleaseMemory | undefined; dir: string; code: number };

/** The gate over content/, with the memory of the archive's latest release (its signature verified), recorded as action gate. */
export async function checkJob(o: CheckJob): Promise<CheckOutcome> {
  const { root, record } = o;
  const failed = (reason: string): AuditEvent => ({ action: 'gate', ...unsignedActor(o.env), outcome: 'failed', details: { command: 'check', reason } });
  let remembered: Awaited<ReturnType<typeof archiveMemory>>;
  try {
    remembered = await archiveMemory(o.archive, root, o.trustAnchor, o.env);
  } catch (error) {
    if (!(error instanceof SealpressError)) throw error;
    return { kind: 'memory', error, code: await record(failed('memory-unverified'), exitCodeFor(error.code)) };
  }
  const { memory, dir } = remembered;
  const result = await runGate({ root, now: o.now, cache: o.cache, ...(o.trustAnchor ? { trustAnchor: o.trustAnchor } : {}), ...(memory ? { memory } : {}) });
  if (!result.ok) return { kind: 'config', diagnostics: result.configDiagnostics, code: await record(failed('config-invalid'), EXIT.CONFIG) };
  const { plan, group } = result;
  if (o.site !== undefined && !group.sites.has(o.site)) return { kind: 'unknown-site', sites: [...group.sites.keys()], code: await record(failed('unknown-site'), EXIT.CONFIG) };
  const scope = { site: o.site, paths: o.paths };
  const verdict = gateVerdict(plan, group, scope);
  const event: AuditEvent = { action: 'gate', ...unsignedActor(o.env), sites: verdict.sites, outcome: verdict.refused ? 'refused' : 'ok', details: { command: 'check', entries: verdict.entries.length, ...verdict.counts, ...(o.paths ? { paths: o.paths.length } : {}) } };
  const code = await record(event, verdict.refused ? EXIT.REFUSED : EXIT.OK);
  return { kind: 'judged', plan, verdict, configDiagnostics: result.configDiagnostics.filter((d) => inScope(d, scope)), memory, dir, code };
}

/**
 * The files and folders a writer names (`check content/…/notice.md`), as
 * POSIX paths relative to the repository: each must exist and lie inside it.
 * `cwd` is where relative names start from.
 */
export function repoPaths(root: string, cwd: string, names: readonly string[]): string[] {
  return names.map((name) => {
    const abs = resolve(cwd, name);
    const rel = relative(root, abs);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new SealpressError('USAGE', { zh: `${name} 在仓库（${root}）之外：请指定仓库中的文件或文件夹`, en: `${name} is outside the repository (${root}): name files and folders under it` });
    if (!existsSync(abs)) throw new SealpressError('USAGE', { zh: `${name}：没有该文件或文件夹`, en: `${name}: no such file or folder` });
    return rel.split(sep).join('/');
  });
}
