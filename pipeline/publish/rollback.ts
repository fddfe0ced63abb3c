/**
 * `rollback --to VERSION`: publish an earlier release's content again as a new,
 * higher version, signed anew under today's trust documents. Verifiers never
 * see a version go backwards (their rollback protection stays on), and the
 * new manifest says which release it repeats (`rollbackOf`).
 *
 * The earlier release is checked first, at the time it was made: its
 * signature must have been valid then, so a forged archive entry is never
 * re-signed. Its files are taken from the archive by digest; none is rebuilt.
 */
import { PublishError } from './errors.ts';
import { deployMirror, type MirrorOutcome } from './mirrors.ts';
import { releaseFromArchive, signAndCheck, type TrustBytes } from './release.ts';
import type { Plan } from '../plan/index.ts';
import { carryLedger, RELEASE_FORMAT, RELEASE_TRUST_FILES, RELEASE_TRUST_KEYS, trustDigests, verifyRelease, type ReleaseArchive, type ReleaseLedger } from '../release/index.ts';
import { loadMemory, refuseTrustRollback } from './memory.ts';
import { inspectCertificate, isoInstant, parseEnvelope, revocationAt, verifyTrust, type Signer, type TrustFiles } from '../trust/index.ts';
import type { AuditSink } from './audit.ts';

export interface RollbackOptions {
  archive: ReleaseArchive;
  to: number;
  signers: readonly Signer[];
  /** The trust documents in force now (the repository's sites/trust/). */
  trust: TrustBytes;
  now: Date;
  expiresInMs: number;
  anchorFingerprint?: string;
  mirrors: readonly string[];
  audit: AuditSink;
  /** The gate's plan now: entries withdrawn or taken down since the old release are not published again. */
  currentPlan: Plan;
  /**
   * The gate's ledger now, run with the latest release's memory: the rollback
   * release remembers at least what the latest release did (the memory never
   * goes back with the content).
   */
  ledger?: ReleaseLedger;
}

/** Signers of the envelope (among `signers`, who counted) revoked at `now` under the current trust documents. */
function revokedSince(envelope: Uint8Array, signers: readonly string[], trust: TrustBytes, now: Date, anchorFingerprint: string | undefined): string[] {
  const files: TrustFiles = {};
  for (const name of RELEASE_TRUST_FILES) files[RELEASE_TRUST_KEYS[name]] = trust[name];
  const verified = verifyTrust(files, { now, ...(anchorFingerprint ? { anchorFingerprint } : {}) });
  if (!verified.ok) {
    throw new PublishError('TRUST_UNREADABLE', { zh: `sites/trust/ 下的信任文件现在无法通过核验：${verified.problems[0]?.zh.message ?? '原因不明'}`, en: `the trust documents under sites/trust/ do not verify now: ${verified.problems[0]?.message ?? 'unknown problem'}` }, { fix: { zh: '回退前先修复信任材料（`sealpress trust verify`）', en: 'repair the trust material (`sealpress trust verify`) before rolling back' } });
  }
  const parsed = parseEnvelope(envelope, { maxBytes: envelope.length + 1 });
  if (!parsed.ok) return [...signers];
  const out = new Set<string>();
  for (const sig of parsed.envelope.signatures) {
    const cert = inspectCertificate(sig.cert);
    if (!cert.ok || cert.cert.uid === undefined || !signers.includes(cert.cert.uid)) continue;
    if (revocationAt(verified.trust.revocationIndex, cert.cert.uid, cert.cert.fingerprint, now.getTime())) out.add(cert.cert.uid);
  }
  return [...out].sort();
}

export interface RollbackSummary {
  ok: boolean;
  version: number;
  rollbackOf: number;
  files: number;
  signers: string[];
  mirrors: MirrorOutcome[];
}

export async function rollback(options: RollbackOptions): Promise<RollbackSummary> {
  const { archive, to, now } = options;
  if (!archive.versions().includes(to)) {
    throw new PublishError('ARCHIVE_MISSING', { zh: `发布归档 ${archive.dir} 中没有发布版本 v${to}（现有：${archive.versions().join(', ') || '无'}）`, en: `release v${to} is not in the archive ${archive.dir} (it has ${archive.versions().join(', ') || 'none'})` }, { fix: { zh: '选择归档中已有的版本，或用异地副本恢复发布归档', en: 'pick a version the archive holds, or restore the archive from its off-site copy' } });
  }
  const old = await releaseFromArchive(archive, to);
  // Checked as of its own creation time: expired long ago, but it must have been genuinely signed.
  const checked = verifyRelease(old.envelope, old.trust, { now: new Date(old.manifest.createdAt), siteManifests: old.siteManifests, ...(options.anchorFingerprint ? { anchorFingerprint: options.anchorFingerprint } : {}) });
  if (!checked.ok) {
    throw new PublishError('RELEASE_REFUSED', { zh: `归档中的发布版本 v${to} 未通过核验：${checked.problems.map((p) => `${p.zh.message} [${p.code}]`).join('；')}`, en: `release v${to} in the archive does not verify: ${checked.problems.map((p) => `${p.message} [${p.code}]`).join('; ')}` }, { fix: { zh: '不要回退到该版本；对照异地副本检查发布归档', en: 'do not roll back to it; check the archive against its off-site copy' } });
  }
  for (const f of checked.manifest.files) {
    if (!archive.has(f.sha256)) throw new PublishError('ARCHIVE_MISSING', { zh: `发布版本 v${to} 列出了 ${f.path}，但其内容 ${f.sha256.slice(0, 12)}… 在归档中缺失`, en: `release v${to} lists ${f.path}, whose content ${f.sha256.slice(0, 12)}… is missing from the archive` }, { fix: { zh: '用异地副本恢复发布归档', en: 'restore the archive from its off-site copy' } });
  }
  // What has happened since must hold: a key revoked since (a compromise) signed nothing worth repeating,
  // and an entry withdrawn or taken down since must not come back with the old pages.
  const revoked = revokedSince(old.envelope, checked.signers, options.trust, now, options.anchorFingerprint);
  if (revoked.length > 0) {
    throw new PublishError('RELEASE_REFUSED', { zh: `发布版本 v${to} 由 ${revoked.join('、')} 签署，其后已被吊销：不再重新发布`, en: `release v${to} was signed by ${revoked.join(', ')}, revoked since: it is not published again` }, { fix: { zh: '回退到由有效密钥签署的发布版本，或发布新版本', en: 'roll back to a release signed by a key in good standing, or publish a new release' } });
  }
  const current = new Map(options.currentPlan.entries.map((e) => [e.path, e.status]));
  const gone = checked.manifest.entries.filter((e) => current.get(e.path) === 'withdrawn' || current.get(e.path) === 'unpublished').map((e) => `${e.path} (${current.get(e.path)})`);
  if (gone.length > 0) {
    throw new PublishError('RELEASE_REFUSED', { zh: `发布版本 v${to} 包含此后已从网站下线的 ${gone.length} 个条目：${gone.slice(0, 10).join(', ')}${gone.length > 10 ? ', …' : ''}`, en: `release v${to} publishes ${gone.length} entr${gone.length === 1 ? 'y' : 'ies'} taken off the sites since: ${gone.slice(0, 10).join(', ')}${gone.length > 10 ? ', …' : ''}` }, { fix: { zh: '发布新版本（`sealpress publish`），新版本不含这些条目', en: 'publish a new release (`sealpress publish`), which leaves them out' } });
  }
  const version = (archive.latest() ?? 0) + 1;
  const head = await options.audit.head();
  const { audit: _sealed, commit, ledger: _older, ...kept } = checked.manifest;
  // The newest memory wins: the latest release's ledger with what the gate saw now, never the old release's alone.
  const latest = await loadMemory(archive, options.anchorFingerprint ? { anchorFingerprint: options.anchorFingerprint } : {});
  refuseTrustRollback(latest, options.trust, now, options.anchorFingerprint);
  const ledger = options.ledger ? carryLedger({ withdrawals: latest?.ledger?.withdrawals ?? [], trust: options.ledger.trust }, options.ledger.withdrawals, options.ledger.trust) : latest?.ledger;
  const manifest = {
    ...kept,
    ...(commit ? { commit } : {}),
    // Signed in today's format whatever the format of the release it repeats.
    format: RELEASE_FORMAT,
    version,
    createdAt: isoInstant(now.getTime()),
    expires: isoInstant(now.getTime() + options.expiresInMs),
    rollbackOf: to,
    trust: trustDigests(options.trust),
    ...(head ? { audit: head } : {}),
    ...(ledger ? { ledger } : {}),
  };
  const made = signAndCheck(manifest, { signers: options.signers, trust: options.trust, now, ...(options.anchorFingerprint ? { anchorFingerprint: options.anchorFingerprint } : {}) });
  for (const name of RELEASE_TRUST_FILES) archive.putBytes(options.trust[name]);
  archive.putRelease(version, made.envelope, made.manifest);
  await options.audit.record({ action: 'rollback', outcome: 'ok', actor: made.signers[0] ?? 'ci', details: { signers: made.signers, version, rollbackOf: to } });

  const mirrors: MirrorOutcome[] = [];
  for (const target of options.mirrors) {
    const outcome = await deployMirror({ target, archive, manifest: made.manifest, envelope: made.envelope, trust: options.trust });
    mirrors.push(outcome);
    await options.audit.record({ action: 'deploy', outcome: outcome.ok ? 'ok' : 'failed', details: { version, mirror: target, rollbackOf: to } });
  }
  return { ok: mirrors.every((m) => m.ok), version, rollbackOf: to, files: made.manifest.files.length, signers: made.signers, mirrors };
}
