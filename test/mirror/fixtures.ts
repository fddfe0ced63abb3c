/**
 * Release fixtures for mirror tests: a content-addressed archive folder with
 * the release archive's layout (objects/<2 hex>/<64 hex>) and plain manifests.
 * The envelope carries the manifest as its payload but no signature: the
 * mirror layer takes an already-verified manifest (signatures are checked by
 * pipeline/release before deploy and verify).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RELEASE_FORMAT, RELEASE_PAYLOAD_TYPE, RELEASE_TRUST_FILES, type ReleaseManifest } from '../../pipeline/release/manifest.ts';
import type { ReleaseInput } from '../../pipeline/mirror/index.ts';
import { splitRelease } from '../../pipeline/release/sites.ts';

export const MAIN = '19900000000';
export const SUB = '19901000000';

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface Archive {
  dir: string;
  objectPath(sha: string): string;
  put(bytes: Uint8Array | string): string;
}

export function makeArchive(dir: string): Archive {
  const objectPath = (sha: string): string => join(dir, 'objects', sha.slice(0, 2), sha);
  return {
    dir,
    objectPath,
    put(bytes) {
      const sha = sha256(bytes);
      mkdirSync(join(dir, 'objects', sha.slice(0, 2)), { recursive: true });
      writeFileSync(objectPath(sha), bytes);
      return sha;
    },
  };
}

export const TRUST_FILES: Record<string, Uint8Array> = Object.fromEntries(RELEASE_TRUST_FILES.map((n) => [n, Buffer.from(`test trust document ${n}\n`)]));

/** The unsigned envelope of a manifest: for format 2 its release document (naming each site manifest by digest). */
export function envelopeOf(manifest: ReleaseManifest): Uint8Array {
  const payload = Buffer.from(JSON.stringify(manifest.format === 2 ? splitRelease(manifest).document : manifest)).toString('base64');
  return Buffer.from(JSON.stringify({ payloadType: RELEASE_PAYLOAD_TYPE, payload, signatures: [] }));
}

/** A release of the given files (`<code>/path` → bytes), every object stored in the archive. */
export function makeRelease(archive: Archive, version: number, files: Record<string, Uint8Array | string>): ReleaseInput & { bytes: Map<string, Buffer> } {
  const codes = [...new Set(Object.keys(files).map((p) => p.split('/')[0]!))].sort();
  const bytes = new Map<string, Buffer>();
  const list = Object.keys(files)
    .sort()
    .map((path) => {
      const b = Buffer.from(files[path]!);
      bytes.set(path, b);
      return { path, size: b.length, sha256: archive.put(b) };
    });
  const manifest: ReleaseManifest = {
    type: 'release',
    format: RELEASE_FORMAT,
    version,
    group: '测试税务局网站群',
    createdAt: '2026-11-27T12:00:00+08:00',
    expires: '2026-12-27T12:00:00+08:00',
    trust: Object.fromEntries(RELEASE_TRUST_FILES.map((n) => [n, sha256(TRUST_FILES[n]!)])) as ReleaseManifest['trust'],
    sites: codes.map((code) => ({ code, name: `site ${code}`, domain: `${code}.tax.example.gov.cn` })),
    files: list,
    entries: [],
  };
  return { manifest, envelopeBytes: envelopeOf(manifest), trustFiles: TRUST_FILES, objects: archive, bytes };
}

/** A small two-site release; `variant` changes every page so releases differ. */
export function smallSite(variant: string): Record<string, string> {
  return {
    [`${MAIN}/index.html`]: `<!doctype html><title>首页 ${variant}</title><link rel="stylesheet" href="/_astro/site.css">`,
    [`${MAIN}/_astro/site.css`]: `body{color:#222} /* ${variant} */`,
    [`${MAIN}/xxgk/tzgg/通知.html`]: `<p>通知公告 ${variant}</p>`,
    [`${MAIN}/404.html`]: `<p>not found ${variant}</p>`,
    [`${SUB}/index.html`]: `<!doctype html><title>分局 ${variant}</title>`,
    [`${SUB}/bsfw/bszn/a b.html`]: `<p>办税指南 ${variant}</p>`,
  };
}

/** `count` files spread over folders, sizes 200 B – 24 KB, contents depending on `variant`. */
export function manyFiles(count: number, variant: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  out[`${MAIN}/index.html`] = Buffer.from(`<title>index ${variant}</title>`);
  out[`${MAIN}/asset.css`] = Buffer.from(`/* asset ${variant} */`);
  for (let i = 0; i < count; i++) {
    const size = 200 + ((i * 7919) % 24_000);
    const b = Buffer.alloc(size, `${variant}:${i}:`);
    out[`${i % 2 === 0 ? MAIN : SUB}/d${i % 17}/f${i}.html`] = b;
  }
  return out;
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function read(path: string): Buffer {
  return readFileSync(path);
}
