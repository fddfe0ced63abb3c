/**
 * The gate's memory, from the release archive (Trust model 10: taking out is
 * permanent). Anything in the repository can be deleted or rolled back by a
 * writer, so what must not be undone lives in the signed release manifests:
 * the latest archived release's ledger lists every withdrawal any release's
 * gate has seen and the trust documents' versions. It counts only once its
 * signature verifies; an archive whose latest release does not verify is a
 * refusal, never a fresh start (forgetting would bring withdrawn entries back).
 */
import type { Text } from '../messages/text.ts';
import { RELEASE_TRUST_FILES, RELEASE_TRUST_KEYS, verifyRelease, type ReleaseArchive, type ReleaseMemory } from '../release/index.ts';
import { rememberedTrust } from '../gate/index.ts';
import { verifyTrust, type TrustFiles } from '../trust/index.ts';
import { PublishError } from './errors.ts';
import { releaseFromArchive, type TrustBytes } from './release.ts';

const KEEP_ARCHIVE: Text = {
  zh: '用异地副本恢复发布归档（`sealpress publish --offsite` 生成）；不要为绕过此问题而删除归档中的发布版本：否则下一个发布版本会忘记它所记得的全部撤下和信任文件版本',
  en: 'restore the archive from its off-site copy (`sealpress publish --offsite` made one); do not delete releases from the archive to get past this: the next release would forget every withdrawal and trust version it remembers',
};

/**
 * The latest release's memory, verified: signed by the release role under the
 * trust documents it names, as of its own creation (a week-old release has
 * expired, yet was genuinely signed), and under `anchorFingerprint` when the
 * CA is pinned. Undefined for an archive without releases. Throws
 * MEMORY_UNVERIFIED when the latest release cannot be read or verified.
 */
export async function loadMemory(archive: ReleaseArchive, options: { anchorFingerprint?: string } = {}): Promise<ReleaseMemory | undefined> {
  const version = archive.latest();
  if (version === undefined) return undefined;
  let release: Awaited<ReturnType<typeof releaseFromArchive>>;
  try {
    // The ledger is in the signed release document: no site manifest is read (format 2).
    release = await releaseFromArchive(archive, version, { sites: [] });
  } catch (cause) {
    throw new PublishError('MEMORY_UNVERIFIED', {
        zh: `发布归档 ${archive.dir} 中最新的发布版本 v${version} 无法读取（${(cause as Error).message}），因此不知道它记得什么（撤下、信任文件版本）：不发布任何内容`,
        en: `release v${version}, the latest in the archive ${archive.dir}, cannot be read (${(cause as Error).message}), so what it remembers (withdrawals, trust versions) is unknown: nothing is published`,
      }, { cause, fix: KEEP_ARCHIVE });
  }
  const checked = verifyRelease(release.envelope, release.trust, { now: new Date(release.manifest.createdAt), siteManifests: release.siteManifests, sites: [], ...(options.anchorFingerprint ? { anchorFingerprint: options.anchorFingerprint } : {}) });
  if (!checked.ok) {
    throw new PublishError(
      'MEMORY_UNVERIFIED',
      {
        zh: `发布归档 ${archive.dir} 中最新的发布版本 v${version} 未通过核验，因此它所记得的内容（撤下、信任文件版本）不可信：${checked.problems.map((p) => `${p.zh.message} [${p.code}]`).join('；')}`,
        en: `release v${version}, the latest in the archive ${archive.dir}, does not verify, so what it remembers (withdrawals, trust versions) cannot be trusted: ${checked.problems.map((p) => `${p.message} [${p.code}]`).join('; ')}`,
      },
      { fix: KEEP_ARCHIVE },
    );
  }
  return { version, createdAt: checked.manifest.createdAt, caFingerprint: checked.trust.anchor.fingerprint, ledger: checked.manifest.ledger };
}

/**
 * Before building: refuse (TRUST_ROLLBACK) trust documents older than those
 * the remembered release was gated under, e.g. an older revocation list
 * restored to bring a revoked approver back. Trust material that does not
 * verify at all is left to the steps that report it.
 */
export function refuseTrustRollback(memory: ReleaseMemory | undefined, trust: TrustBytes, now: Date, anchorFingerprint?: string): void {
  if (!memory) return;
  const files: TrustFiles = {};
  for (const name of RELEASE_TRUST_FILES) files[RELEASE_TRUST_KEYS[name]] = trust[name];
  const checked = rememberedTrust(verifyTrust(files, { now, ...(anchorFingerprint ? { anchorFingerprint } : {}) }), memory);
  const back = checked.ok ? [] : checked.problems.filter((p) => p.code === 'TRUST_ROLLBACK');
  if (back.length > 0) {
    throw new PublishError('TRUST_ROLLBACK', { zh: back.map((p) => p.zh.message).join('；'), en: back.map((p) => p.message).join('; ') }, { file: back[0]!.file, fix: { zh: back[0]!.zh.fix, en: back[0]!.fix } });
  }
}
