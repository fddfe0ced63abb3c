/**
 * Builds a stage dir from the fixture bundle, as the gate's stage writer would:
 * bundle.json, entries/ (MDX modules), public/ (repo public/ plus the entry assets
 * at the URLs the bundle names). Images are generated here (real PNGs), so no
 * binary lives in the repo.
 *
 *   npx tsx test/render/stage.ts <dir> [--preview] [--extra-news N]
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import type { BundleEntry, SiteBundle } from '../../pipeline/stage/bundle.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURE_DIR = join(here, 'fixtures', 'main');
export const REPO_ROOT = join(here, '..', '..');

export interface StageOptions {
  mode?: 'publish' | 'preview';
  /** Extra generated 工作动态 entries, to exercise pagination. */
  extraNews?: number;
  /** Last word on the bundle before it is written. */
  mutate?: (bundle: SiteBundle) => void;
}

export function fixtureBundle(): SiteBundle {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, 'bundle.json'), 'utf8')) as SiteBundle;
}

export function makeStage(dir: string, options: StageOptions = {}): SiteBundle {
  const bundle = fixtureBundle();
  bundle.mode = options.mode ?? 'publish';
  for (let i = 1; i <= (options.extraNews ?? 0); i++) bundle.entries.push(newsEntry(i));
  if (bundle.mode === 'preview') bundle.entries.push(draftEntry());
  options.mutate?.(bundle);

  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bundle.json'), `${JSON.stringify(bundle, null, 2)}\n`);
  cpSync(join(FIXTURE_DIR, 'entries'), join(dir, 'entries'), { recursive: true });
  mkdirSync(join(dir, 'public'), { recursive: true });
  if (existsSync(join(REPO_ROOT, 'public'))) cpSync(join(REPO_ROOT, 'public'), join(dir, 'public'), { recursive: true });

  const sizes: Record<string, [number, number]> = { 'relief-chart.png': [640, 360], 'service-hall.png': [800, 450] };
  for (const entry of bundle.entries) {
    const urls = [...entry.images.map((i) => i.url), ...(entry.body?.match(/\/assets\/[^\s)"]+\.png/g) ?? [])];
    for (const url of urls) {
      const [w, h] = sizes[url.split('/').pop() ?? ''] ?? [320, 200];
      writeAsset(dir, url, png(w, h));
    }
    for (const a of entry.attachments) writeAsset(dir, a.url, pdf(a.size));
  }
  return bundle;
}

function writeAsset(stage: string, url: string, bytes: Uint8Array): void {
  const file = join(stage, 'public', ...url.split('/').filter(Boolean));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0').repeat(32);
}

function newsEntry(i: number): BundleEntry {
  const day = String(1 + (i % 28)).padStart(2, '0');
  const slug = `news-${String(i).padStart(3, '0')}`;
  return {
    id: `gzdt/${slug}`, column: 'gzdt', slug, format: 'md', source: `content/19900000000/gzdt/${slug}.md`, digest: hex(i),
    title: `示例省税务局第${i}期工作动态`, date: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${day}T10:00:00+08:00`,
    author: '办公室', department: '办公室', images: [], attachments: [], draft: false,
    body: `第${i}期工作动态：全省税务系统持续优化税费服务，推进“高效办成一件事”。\n`,
  };
}

function draftEntry(): BundleEntry {
  return {
    id: 'tzgg/draft-holiday-notice', column: 'tzgg', slug: 'draft-holiday-notice', format: 'md',
    source: 'content/19900000000/tzgg/draft-holiday-notice.md', digest: hex(255),
    title: '关于清明节期间办税服务厅开放时间的通知', date: '2025-04-02T09:00:00+08:00',
    author: '王晓明', department: '纳税服务处', images: [], attachments: [], draft: true,
    draftReason: '待审批：本栏目需2名审批人签署，目前已有1名。',
    body: '清明节期间（4月4日至6日），全省办税服务厅暂停对外办公，网上办税渠道正常开放。\n',
  };
}

// --- tiny PNG writer (RGB, no filter) ---------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A width x height PNG: a pale panel with a few bars, so screenshots show something. */
export function png(width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  const bars = [0.35, 0.6, 0.8, 0.5, 0.9];
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const bar = Math.floor((x / width) * bars.length * 2);
      const inBar = bar % 2 === 1 && 1 - y / height < (bars[(bar - 1) / 2] ?? 0);
      const [r, g, b] = inBar ? [11, 74, 143] : [243, 246, 250];
      raw.set([r, g, b], row + 1 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function pdf(size: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n% sealpress fixture\n');
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), 0x20)]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) {
    console.error('usage: tsx test/render/stage.ts <dir> [--preview] [--extra-news N]');
    process.exit(2);
  }
  const extra = args.indexOf('--extra-news');
  const bundle = makeStage(dir, { mode: args.includes('--preview') ? 'preview' : 'publish', extraNews: extra >= 0 ? Number(args[extra + 1]) : 0 });
  console.log(`staged ${bundle.entries.length} entries of ${bundle.site.name} in ${dir}`);
}
