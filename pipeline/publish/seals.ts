/**
 * The audit log's seals, read with their signatures checked: a release
 * manifest counts as a seal only if the release role signed it, checked as of
 * the time it was made (a release key revoked since still sealed what it
 * sealed then), with the trust documents the archive keeps for it.
 */
import { readFileSync } from 'node:fs';
import type { ManifestOpener } from '../audit/index.ts';
import { MAX_RELEASE_ENVELOPE_BYTES, RELEASE_TRUST_FILES, unverifiedManifest, verifyRelease, type ReleaseArchive, type ReleaseTrustFile } from '../release/index.ts';
import { parseEnvelope } from '../trust/index.ts';

export function verifiedSealOpener(archive: ReleaseArchive, anchorFingerprint: string): ManifestOpener {
  return (bytes) => {
    const read = unverifiedManifest(bytes);
    if (!read.ok) return { ok: false, problem: read.message };
    const trust = {} as Record<ReleaseTrustFile, Uint8Array>;
    for (const name of RELEASE_TRUST_FILES) {
      try {
        trust[name] = readFileSync(archive.objectPath(read.manifest.trust[name]));
      } catch {
        return { ok: false, problem: `its trust document ${name} is missing from the archive` };
      }
    }
    const checked = verifyRelease(bytes, trust, { now: new Date(read.manifest.createdAt), anchorFingerprint });
    if (!checked.ok) return { ok: false, problem: checked.problems.map((p) => `${p.message} [${p.code}]`).join('; ') };
    const parsed = parseEnvelope(bytes, { maxBytes: MAX_RELEASE_ENVELOPE_BYTES });
    return parsed.ok ? { ok: true, payload: parsed.envelope.payload, verified: true } : { ok: false, problem: 'unreadable envelope' };
  };
}
