/**
 * Verifying a signed release (Trust model 7: a mirror proves nothing by being
 * there; the signed manifest decides). Pure: bytes in, the clock in, no I/O.
 *
 * Order, and why (TUF §5 for the time checks):
 *   envelope      size-limited, strict; type must be the release payload type
 *   trust         the trust documents given (from the mirror or the repo) must verify
 *                 on their own (verifyTrust), with the CA pinned when the caller knows it
 *   signatures    every signature must verify over the stored bytes; the payload is
 *                 read only after that
 *   binding       the manifest names the digest of each trust document: documents
 *                 other than those it was signed under are refused (a mirror serving
 *                 an old roster in which a revoked key was still listed)
 *   signers       ≥ policy.release.threshold distinct persons, each with a CA-issued
 *                 certificate listed under their id in the roster with the
 *                 release-signer role, valid at createdAt, not revoked at createdAt
 *                 nor at now (a revoked release key invalidates every manifest it
 *                 signed, as in TUF: manifests expire and are re-signed anyway)
 *   time          createdAt not in the future (5 min skew); not expired (freeze);
 *                 version not lower than the last seen (rollback; equal is the same release)
 *   site manifests (format 2, last: only for a release that passed all of the above) each
 *                 selected site's manifest must have the size and SHA-256 the signed
 *                 document names, and read strictly (sites.ts); the others are not read
 */
import { parseStrictJsonBytes } from '../trust/canonical.ts';
import { describeCert, inspectCertificate, type CertInfo } from '../trust/certs.ts';
import { pae, parseEnvelope, verifyPae } from '../trust/dsse.ts';
import { chainProblem, chainProblemText, revocationAt, signingTimeProblem } from '../trust/signer.ts';
import type { Text } from '../messages/text.ts';
import { CLOCK_SKEW_MS, isoInstant, parseInstant } from '../trust/time.ts';
import { verifyTrust, type Trust, type TrustFileKey, type TrustFiles, type TrustWarningCode } from '../trust/verify.ts';
import { RELEASE_PAYLOAD_TYPE, RELEASE_TRUST_FILES, type ReleaseManifest, type ReleaseTrustFile } from './manifest.ts';
import { expandRelease, readReleasePayload, type ReleaseDocument, type SiteManifestSource, type SiteSelection } from './sites.ts';
import { sha256Hex } from '../fs/index.ts';
import { chinaTime } from '../util/dates.ts';

/** A release manifest of a large group is several MiB; past this it is an attack on the verifier. */
export const MAX_RELEASE_ENVELOPE_BYTES = 64 * 1024 * 1024;

/** Which TrustFiles key of verifyTrust each release trust document is. */
export const RELEASE_TRUST_KEYS: Readonly<Record<ReleaseTrustFile, TrustFileKey>> = {
  'ca.pem': 'ca',
  'root.dsse.json': 'root',
  'roster.dsse.json': 'roster',
  'policy.dsse.json': 'policy',
  'revocations.dsse.json': 'revocations',
};

export type ReleaseProblemCode =
  | 'RELEASE_MALFORMED'
  | 'RELEASE_TRUST_MISMATCH'
  | 'RELEASE_TRUST_INVALID'
  | 'RELEASE_SIGNATURE_INVALID'
  | 'RELEASE_SIGNER_NOT_AUTHORISED'
  | 'RELEASE_SIGNER_REVOKED'
  | 'RELEASE_SIGNER_CERT_INVALID'
  | 'RELEASE_THRESHOLD_NOT_MET'
  | 'RELEASE_EXPIRED'
  | 'RELEASE_ROLLBACK'
  | 'RELEASE_NOT_YET_VALID'
  /** Format 2: a site manifest to be read is not there. */
  | 'RELEASE_SITE_MANIFEST_MISSING'
  /** Format 2: a site manifest's bytes are not those the signed document names (edited, another site's, an older release's). */
  | 'RELEASE_SITE_MANIFEST_MISMATCH';

export type ReleaseWarningCode = TrustWarningCode | 'RELEASE_SIGNATURE_IGNORED';

export interface ReleaseProblem {
  code: ReleaseProblemCode;
  /** In English. */
  message: string;
  fix: string;
  /** The message and the fix in Chinese. */
  zh: { message: string; fix: string };
}

export interface ReleaseWarning {
  code: ReleaseWarningCode;
  message: string;
  fix: string;
  zh: { message: string; fix: string };
}

/** A problem's (or warning's) message and fix, each in both languages. */
function said(message: Text, fix: Text): { message: string; fix: string; zh: { message: string; fix: string } } {
  return { message: message.en, fix: fix.en, zh: { message: message.zh, fix: fix.zh } };
}

export interface VerifyReleaseOptions {
  now: Date;
  /** SHA-256 of the group CA certificate, known from outside the mirror; strongly recommended. */
  anchorFingerprint?: string;
  /** The highest version this verifier has seen for this group (SeenVersions). */
  lastSeenVersion?: number;
  /** Envelope size limit; default MAX_RELEASE_ENVELOPE_BYTES. */
  maxBytes?: number;
  /** Format 2: where the site manifests come from (a mirror's site folders, the archive's objects, bytes at hand). */
  siteManifests?: SiteManifestSource;
  /**
   * Format 2: whose site manifests to read; default every site's. The manifest
   * returned then lists the files and entries of those sites only (a verifier of
   * one site needs no other). Format 1 always lists everything.
   */
  sites?: SiteSelection;
}

export type ReleaseVerification =
  | {
      ok: true;
      /** Format 2: the files and entries of the sites in `sitesRead` only. */
      manifest: ReleaseManifest;
      /** The signed document of a format-2 release (its sites name their manifests by digest). */
      document?: ReleaseDocument;
      /** The sites whose files and entries `manifest` lists. */
      sitesRead: string[];
      /** Distinct person ids whose signatures counted, sorted. */
      signers: string[];
      /** The verified trust material, for the caller's next checks (e.g. the SeenVersions key). */
      trust: Trust;
      warnings: ReleaseWarning[];
    }
  | { ok: false; problems: ReleaseProblem[]; warnings: ReleaseWarning[] };

const REPUBLISH: Text = { zh: '从发布归档重新发布（`sealpress publish`），或恢复镜像', en: 'publish the release again from the archive (`sealpress publish`), or restore the mirror' };

export function verifyRelease(envelopeBytes: Uint8Array, trustFiles: Record<ReleaseTrustFile, Uint8Array>, options: VerifyReleaseOptions): ReleaseVerification {
  const problems: ReleaseProblem[] = [];
  const warnings: ReleaseWarning[] = [];
  const refuse = () => ({ ok: false as const, problems, warnings });
  const now = options.now.getTime();
  if (!Number.isFinite(now)) throw new TypeError('verifyRelease: options.now is not a valid date');

  // 1. The envelope.
  const parsed = parseEnvelope(envelopeBytes, { payloadType: RELEASE_PAYLOAD_TYPE, maxBytes: options.maxBytes ?? MAX_RELEASE_ENVELOPE_BYTES });
  if (!parsed.ok) {
    for (const p of parsed.problems) {
      problems.push(
        p.code === 'ENVELOPE_NO_SIGNATURES'
          ? { code: 'RELEASE_THRESHOLD_NOT_MET', ...said({ zh: `发布清单未签名 [${p.code}]`, en: `the release manifest is not signed [${p.code}]` }, { zh: '请发布签名人签署（`sealpress publish`）', en: 'have the release signer sign it (`sealpress publish`)' }) }
          : { code: 'RELEASE_MALFORMED', ...said({ zh: `无法读取发布清单的签名信封：${p.message} [${p.code}]`, en: `the release manifest envelope cannot be read: ${p.message} [${p.code}]` }, REPUBLISH) },
      );
    }
    return refuse();
  }
  const { envelope } = parsed;

  // 2. The trust material, on its own.
  const files: TrustFiles = {};
  for (const name of RELEASE_TRUST_FILES) {
    const bytes = trustFiles[name];
    if (bytes instanceof Uint8Array) files[RELEASE_TRUST_KEYS[name]] = bytes;
  }
  const trusted = verifyTrust(files, { now: options.now, ...(options.anchorFingerprint === undefined ? {} : { anchorFingerprint: options.anchorFingerprint }) });
  for (const w of trusted.warnings) warnings.push({ code: w.code, ...said({ zh: `${w.file}：${w.zh.message}`, en: `${w.file}: ${w.message}` }, { zh: w.zh.fix, en: w.fix }) });
  if (!trusted.ok) {
    for (const p of trusted.problems) problems.push({ code: 'RELEASE_TRUST_INVALID', ...said({ zh: `${p.file}：${p.zh.message} [${p.code}]`, en: `${p.file}: ${p.message} [${p.code}]` }, { zh: p.zh.fix, en: p.fix }) });
    return refuse();
  }
  const trust = trusted.trust;

  // 3. Every signature must verify over the stored bytes with the certificate it carries.
  const signed = pae(envelope.payloadType, envelope.payload);
  const certs: CertInfo[] = [];
  envelope.signatures.forEach((s, i) => {
    const inspected = inspectCertificate(s.cert);
    if (!inspected.ok) {
      problems.push({ code: 'RELEASE_SIGNATURE_INVALID', ...said({ zh: `第 ${i + 1} 个签名附带的证书无法读取：${inspected.message}`, en: `signature ${i + 1} carries an unreadable certificate: ${inspected.message}` }, REPUBLISH) });
      return;
    }
    if (s.keyid !== inspected.cert.fingerprint) {
      problems.push({ code: 'RELEASE_SIGNATURE_INVALID', ...said({ zh: `第 ${i + 1} 个签名：keyid 与其附带证书的指纹不一致`, en: `signature ${i + 1}: the keyid is not the fingerprint of the certificate it carries` }, REPUBLISH) });
      return;
    }
    if (!verifyPae(inspected.cert.publicKey, signed, s.sig)) {
      problems.push({
        code: 'RELEASE_SIGNATURE_INVALID',
        ...said(
          { zh: `${describeCert(inspected.cert)} 的签名与发布清单不符：清单在签署后被改动，或签名系伪造`, en: `the signature of ${describeCert(inspected.cert)} does not match the manifest: it was edited after signing, or the signature is forged` },
          { zh: `${REPUBLISH.zh}；并查明是谁改动了镜像上的发布清单`, en: `${REPUBLISH.en}; find out who changed the manifest on the mirror` },
        ),
      });
      return;
    }
    certs.push(inspected.cert);
  });
  if (problems.length > 0) return refuse();

  // 4. The payload those signatures cover.
  const json = parseStrictJsonBytes(envelope.payload);
  const read = json.ok ? readReleasePayload(json.value) : { ok: false as const, problems: [`not well-formed JSON: ${json.message}`] };
  if (!read.ok) {
    const shown = read.problems.slice(0, 20).join('; ');
    const more = read.problems.length > 20 ? read.problems.length - 20 : 0;
    problems.push({
      code: 'RELEASE_MALFORMED',
      ...said({ zh: `已签名的发布清单不符合格式要求：${shown}${more ? `（另有 ${more} 处）` : ''}`, en: `the signed manifest breaks the schema: ${shown}${more ? ` (and ${more} more)` : ''}` }, { zh: '签署更正后的发布版本', en: 'sign a corrected release' }),
    });
    return refuse();
  }
  // The checks up to the site manifests need only what both formats sign at the top.
  const manifest = read.format === 1 ? read.manifest : read.document;
  const createdAt = parseInstant(manifest.createdAt) as number;
  const expires = parseInstant(manifest.expires) as number;

  // 5. The trust documents must be the ones the release was signed under.
  for (const name of RELEASE_TRUST_FILES) {
    const bytes = trustFiles[name];
    const actual = bytes instanceof Uint8Array ? sha256Hex(bytes) : undefined;
    if (actual !== manifest.trust[name]) {
      problems.push({
        code: 'RELEASE_TRUST_MISMATCH',
        ...said(
          {
            zh: `${name} 不是发布版本 ${manifest.version} 签署时所依据的文件（SHA-256 ${actual?.slice(0, 16) ?? '缺失'}…，清单写明的是 ${manifest.trust[name].slice(0, 16)}…）：镜像提供的是其他信任文件`,
            en: `${name} is not the document release ${manifest.version} was signed under (SHA-256 ${actual?.slice(0, 16) ?? 'missing'}…, the manifest names ${manifest.trust[name].slice(0, 16)}…): the mirror serves other trust documents`,
          },
          { zh: `从发布归档恢复发布版本 ${manifest.version} 的信任文件，或依据当前信任文件发布新版本`, en: `restore the trust documents of release ${manifest.version} from the archive, or publish a new release under the current ones` },
        ),
      });
    }
  }
  if (manifest.group !== trust.root.group) {
    problems.push({
      code: 'RELEASE_TRUST_MISMATCH',
      ...said(
        { zh: `该清单是 ${JSON.stringify(manifest.group)} 的发布版本，但根文件写明的站群是 ${JSON.stringify(trust.root.group)}`, en: `the manifest is a release of ${JSON.stringify(manifest.group)}, but the root names the group ${JSON.stringify(trust.root.group)}` },
        { zh: '用镜像所属站群的信任材料核验', en: 'verify the mirror against its own group' },
      ),
    });
  }

  // 6. Count distinct authorised release signers.
  const threshold = trust.policy.release.threshold;
  const counted = new Set<string>();
  const refused: ReleaseProblem[] = [];
  const duplicates: string[] = [];
  for (const cert of certs) {
    const why = signerProblem(cert, trust, createdAt, now);
    if (why !== undefined) refused.push(why);
    else if (counted.has(cert.uid as string)) duplicates.push(describeCert(cert));
    else counted.add(cert.uid as string);
  }
  if (counted.size < threshold) {
    problems.push(...refused);
    problems.push({
      code: 'RELEASE_THRESHOLD_NOT_MET',
      ...said(
        {
          zh: `由 ${counted.size} 名获授权的发布签名人签署${counted.size ? `（${[...counted].sort().join('、')}）` : ''}；审批规则要求 ${threshold} 名不同的签名人${duplicates.length ? `。同一人签署两次（只计一次）：${duplicates.join('、')}` : ''}`,
          en: `signed by ${counted.size} authorised release signer(s)${counted.size ? ` (${[...counted].sort().join(', ')})` : ''}; the policy requires ${threshold} distinct${duplicates.length ? `. Signed twice by the same person (counts once): ${duplicates.join(', ')}` : ''}`,
        },
        { zh: `请再有 ${threshold - counted.size} 名具有 release-signer 角色的发布签名人签署`, en: `have ${threshold - counted.size} more release signer(s) holding the release-signer role sign the release` },
      ),
    });
  } else {
    for (const r of refused) warnings.push({ code: 'RELEASE_SIGNATURE_IGNORED', ...said({ zh: `有一个签名未计入：${r.zh.message}`, en: `a signature was not counted: ${r.message}` }, { zh: r.zh.fix, en: r.fix }) });
  }

  // 7. Time: not from the future, not stale, not older than what was seen.
  if (createdAt > now + CLOCK_SKEW_MS) {
    problems.push({
      code: 'RELEASE_NOT_YET_VALID',
      ...said(
        { zh: `发布版本 ${manifest.version} 的生成时间为 ${manifest.createdAt}，晚于当前时间（${chinaTime(now)}）`, en: `release ${manifest.version} was created at ${manifest.createdAt}, in the future (now ${chinaTime(now)})` },
        { zh: '检查签署电脑和本机的时钟', en: 'check the clock of the machine that signed it, and of this one' },
      ),
    });
  }
  if (now >= expires) {
    problems.push({
      code: 'RELEASE_EXPIRED',
      ...said(
        { zh: `发布版本 ${manifest.version} 已于 ${manifest.expires} 到期：镜像可能停留在过期版本上`, en: `release ${manifest.version} expired ${manifest.expires}: the mirror may be frozen on a stale release` },
        { zh: '发布新版本（发布版本须在到期前重新签署）', en: 'publish a new release (releases are re-signed before they expire)' },
      ),
    });
  }
  if (options.lastSeenVersion !== undefined && manifest.version < options.lastSeenVersion) {
    problems.push({
      code: 'RELEASE_ROLLBACK',
      ...said(
        { zh: `镜像提供的是发布版本 ${manifest.version}，早于本核验方已见过的版本 ${options.lastSeenVersion}：版本被回退`, en: `the mirror serves release ${manifest.version}, older than release ${options.lastSeenVersion} this verifier has already seen: a rollback` },
        { zh: '将当前版本重新发布到该镜像；如需恢复旧内容，请用 `sealpress rollback`，它会将其签署为新版本', en: 'publish the current release to the mirror again; to go back to older content, use `sealpress rollback`, which signs it as a new version' },
      ),
    });
  }
  if (problems.length > 0) return refuse();
  if (read.format === 1) return { ok: true, manifest: read.manifest, sitesRead: read.manifest.sites.map((s) => s.code), signers: [...counted].sort(), trust, warnings };

  // 8. Format 2: the site manifests the caller needs, each bound by the signed digest.
  const expanded = expandRelease(read.document, options.siteManifests, options.sites);
  if (!expanded.ok) {
    for (const p of expanded.problems) {
      problems.push({
        code: p.code,
        ...said(
          { zh: p.zh, en: p.message },
          p.code === 'RELEASE_MALFORMED'
            ? { zh: '签署更正后的发布版本', en: 'sign a corrected release' }
            : { zh: `${REPUBLISH.zh}：每个站点文件夹都有自己的站点清单（${p.site}/.well-known/sealpress/site.json）`, en: `${REPUBLISH.en}: each site folder carries its own site manifest (${p.site}/.well-known/sealpress/site.json)` },
        ),
      });
    }
    return refuse();
  }
  return { ok: true, manifest: expanded.manifest, document: read.document, sitesRead: expanded.sites, signers: [...counted].sort(), trust, warnings };
}

/** Why a (cryptographically valid) signature does not count as a release signer's, or undefined. */
function signerProblem(cert: CertInfo, trust: Trust, createdAt: number, now: number): ReleaseProblem | undefined {
  const who = describeCert(cert);
  const chain = chainProblem(cert, trust.anchor.cert);
  if (chain !== undefined || cert.uid === undefined) {
    const why = chainProblemText(cert, trust.anchor.cert) ?? { zh: '证书未载明人员', en: 'it names no person' };
    return {
      code: 'RELEASE_SIGNER_NOT_AUTHORISED',
      ...said({ zh: `${who} 的证书不能签署发布版本：${why.zh}`, en: `the certificate of ${who} cannot sign releases: ${chain ?? why.en}` }, { zh: '用本站群 CA 签发给发布签名人的证书签署', en: 'sign with a certificate issued by the group CA to a release signer' }),
    };
  }
  const person = trust.personByCertificate.get(cert.fingerprint);
  if (!person || person.id !== cert.uid) {
    return {
      code: 'RELEASE_SIGNER_NOT_AUTHORISED',
      ...said(
        person
          ? { zh: `名册将 ${who} 的证书登记在 ${person.id} 名下`, en: `the roster lists the certificate of ${who} under ${person.id}` }
          : { zh: `${who} 的证书（${cert.fingerprint.slice(0, 16)}…）不在已签名的人员名册中`, en: `the certificate of ${who} (${cert.fingerprint.slice(0, 16)}…) is not listed in the signed roster` },
        { zh: '由保密管理员在名册中将该证书登记在持有人名下', en: 'the security administrators list the certificate under its holder in the roster' },
      ),
    };
  }
  if (!person.roles.some((g) => g.role === 'release-signer')) {
    return {
      code: 'RELEASE_SIGNER_NOT_AUTHORISED',
      ...said(
        { zh: `${person.name}（${person.id}）不具有 release-signer 角色（现有角色：${person.roles.map((g) => g.role).join('、')}）`, en: `${person.name} (${person.id}) does not hold the release-signer role (holds ${person.roles.map((g) => g.role).join(', ')})` },
        { zh: '用发布签名人的密钥签署；职责分离要求审批人与发布签名人分设', en: 'sign with the key of a release signer; separation of duties keeps approvers and release signers apart' },
      ),
    };
  }
  // A release covers every site of the group: a grant scoped to some sites cannot sign it.
  if (!person.roles.some((g) => g.role === 'release-signer' && g.sites === '*')) {
    return {
      code: 'RELEASE_SIGNER_NOT_AUTHORISED',
      ...said(
        { zh: `${person.name}（${person.id}）的 release-signer 角色只覆盖部分站点；发布版本涵盖整个站群`, en: `${person.name} (${person.id}) holds the release-signer role for some sites only; a release covers the whole group` },
        { zh: '由保密管理员授予覆盖全部站点（"*"）的 release-signer 角色，或由其他发布签名人签署', en: 'the security administrators grant the release-signer role for all sites ("*"), or another release signer signs' },
      ),
    };
  }
  // Valid when the release says it was made, and still valid now: createdAt is the signer's own claim, so a
  // certificate past its end (or not yet valid) must not be able to sign a back-dated release (TUF: keys are checked now).
  for (const [t, when, whenZh] of [
    [createdAt, `signed a release created ${chinaTime(createdAt)}`, `签署了生成于 ${chinaTime(createdAt)} 的发布版本`],
    [now, 'signed this release, checked now', '签署了本发布版本（按当前时间核验）'],
  ] as const) {
    const time = signingTimeProblem(cert, trust.anchor.cert, t);
    if (time) {
      return {
        code: 'RELEASE_SIGNER_CERT_INVALID',
        ...said(
          { zh: `${person.name}（${person.id}）${whenZh}，但${time.zh}`, en: `${person.name} (${person.id}) ${when}, but ${time.message}` },
          { zh: `${person.name} 领取新证书后重新签署发布版本`, en: `${person.name} gets a new certificate and the release is signed again` },
        ),
      };
    }
  }
  for (const [t, when, whenZh] of [
    [createdAt, 'when the release was created', '在发布版本生成时'],
    [now, 'now', '目前'],
  ] as const) {
    const revocation = revocationAt(trust.revocationIndex, person.id, cert.fingerprint, t);
    if (revocation) {
      return {
        code: 'RELEASE_SIGNER_REVOKED',
        ...said(
          {
            zh: `${person.name}（${person.id}）：${revocation.person !== undefined ? '其签名权' : '该证书'}已自 ${revocation.effective} 起被吊销（${revocation.reason}），因此${whenZh}已被吊销；被吊销的发布密钥签署的所有发布版本均无效`,
            en: `${person.name} (${person.id}): ${revocation.person !== undefined ? 'their signing rights were' : 'this certificate was'} revoked from ${revocation.effective} (${revocation.reason}), so it is revoked ${when}; a revoked release key invalidates every release it signed`,
          },
          { zh: '由当前的发布签名人签署新版本', en: 'a current release signer signs a new release' },
        ),
      };
    }
  }
  return undefined;
}
