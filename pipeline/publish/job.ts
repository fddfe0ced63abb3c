/**
 * The publication jobs as one call each, for any shell (the command line, the
 * review desk): `publishJob` and `rollbackJob` find the release signers, read
 * where the archive lives and what its latest release remembers, run the
 * gate, and hand over to publish() or rollback(). They take what they touch
 * (root, clock, environment, passphrase source, audit sink, progress
 * callbacks) as options; none reads process.env or writes to a terminal.
 */
import type { Diagnostic } from '../diagnostics/index.ts';
import { runGate } from '../gate/index.ts';
import type { Passphrases } from '../pki/signers.ts';
import { ReleaseArchive } from '../release/index.ts';
import type { AuditSink } from './audit.ts';
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
