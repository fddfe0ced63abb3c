/**
 * Metadata per mirror, format 1 against format 2: the bytes a deploy writes
 * under `<code>/.well-known/sealpress/` of every site (siteMetaFiles, the map
 * planTree writes), for a synthetic release signed for real (test PKI), and
 * what a release that changes one page of one site rewrites there.
 *
 *   npx tsx test/bench/meta-bench.ts [--entries N] [--sub-sites N]
 *
 * Files per entry and fixed files per site are rough figures of a built group
 * (a page, a printable page and an attachment for one entry in three; column
 * and asset files per site), so the absolute sizes are indicative; the growth
 * (entries × sites against entries + sites) is the point.
 */
import { parseArgs } from 'node:util';
import { siteMetaFiles } from '../../pipeline/mirror/layout.ts';
import { signRelease, type ManifestEntry, type ManifestFile, type ReleaseManifest } from '../../pipeline/release/index.ts';
import { makeReleaseFixture } from '../release/fixture.ts';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '2000' }, 'sub-sites': { type: 'string', default: '10' } } });
const entries = Number(values.entries);
const subSites = Number(values['sub-sites']);
const codes = Array.from({ length: subSites + 1 }, (_, i) => `199${String(i).padStart(2, '0')}000000`);
const hex = (n: number) => n.toString(16).padStart(8, '0').repeat(8);

function content(variant: number): { files: ManifestFile[]; entries: ManifestEntry[] } {
  const files: ManifestFile[] = [];
  const list: ManifestEntry[] = [];
  for (const code of codes) {
    for (let k = 0; k < 40; k++) files.push({ path: `${code}/_astro/asset-${k}.css`, size: 4000 + k, sha256: hex(k) });
    for (let k = 0; k < 30; k++) files.push({ path: `${code}/xxgk/column-${k}/index.html`, size: 9000 + k, sha256: hex(1000 + k) });
  }
  for (let i = 0; i < entries; i++) {
    // A third of the entries on the main site, the rest spread over the sub-sites.
    const code = i % 3 === 0 ? codes[0]! : codes[1 + (i % subSites)]!;
    const slug = `2026-${String(i).padStart(6, '0')}-tzgg`;
    // Variant changes one page of the main site only.
    const v = i === 0 ? variant : 0;
    files.push({ path: `${code}/xxgk/tzgg/${slug}/index.html`, size: 12000 + (i % 977), sha256: hex(i * 7 + v) });
    files.push({ path: `${code}/xxgk/tzgg/${slug}/print.html`, size: 8000 + (i % 577), sha256: hex(i * 11 + v) });
    if (i % 3 === 0) files.push({ path: `${code}/xxgk/tzgg/${slug}/附件-${i}.pdf`, size: 300000 + i, sha256: hex(i * 13) });
    list.push({ path: `content/${code}/tzgg/${slug}.md`, site: code, sha256: hex(i * 17 + v), approvals: [hex(i * 19)] });
  }
  return { files: files.sort((a, b) => (a.path < b.path ? -1 : 1)), entries: list.sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

const fx = await makeReleaseFixture();
const trust = fx.trustFiles();
const sites = codes.map((code) => ({ code, name: `税务局 ${code}`, domain: `${code}.tax.example.gov.cn` }));
const mb = (n: number) => `${(n / 1048576).toFixed(2)} MB`;

function measure(format: 1 | 2) {
  const made = [1, 2].map((version) => {
    const manifest: ReleaseManifest = fx.manifest(trust, { format, version, sites, ...content(version) });
    const envelope = signRelease(manifest, [fx.chen]);
    return siteMetaFiles(manifest, envelope, trust);
  });
  const [a, b] = made as [Map<string, Uint8Array>, Map<string, Uint8Array>];
  let total = 0;
  let rewritten = 0;
  let envelope = 0;
  let siteManifests = 0;
  for (const [path, bytes] of b) {
    total += bytes.length;
    if (path.endsWith('release.dsse.json')) envelope = Math.max(envelope, bytes.length);
    if (path.endsWith('site.json')) siteManifests += bytes.length;
    const before = a.get(path);
    if (!before || !Buffer.from(before).equals(Buffer.from(bytes))) rewritten += bytes.length;
  }
  return { total, rewritten, envelope, siteManifests };
}

console.log(`1 main + ${subSites} sub-sites, ${entries} entries; metadata per mirror (every site's .well-known/sealpress):`);
for (const format of [1, 2] as const) {
  const m = measure(format);
  console.log(
    `  format ${format}: ${mb(m.total)} per mirror; signed envelope ${mb(m.envelope)} (× ${codes.length} sites)` +
      (format === 2 ? `; site manifests ${mb(m.siteManifests)} in all (each in its own site only)` : '') +
      `; a release changing one page of one site rewrites ${mb(m.rewritten)}`,
  );
}
