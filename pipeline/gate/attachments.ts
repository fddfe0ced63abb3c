/**
 * The gate's attachments: read once each (loadAssets), checked, waived. Text
 * and images are checked while their bytes are in memory; documents (PDF,
 * DOCX, XLSX, PPTX, OFD), EMF/WMF pictures and ZIP archives are read afterwards by the format readers in worker
 * threads (pipeline/read/pool.ts), a few at a time, so their bytes are held
 * only while they are read. Findings are cached by path and SHA-256: an
 * unchanged attachment is never read again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyWaivers, checkAttachment, scanAttachment, toDiagnostic, type CheckFinding, type ScanOptions, type VerifiedWaiver } from '../check/index.ts';
import { loadAssets, type AssetRead } from '../load/index.ts';
import { sha256Hex } from '../fs/index.ts';
import { needsReader, ReaderPool, type DocumentReader } from '../read/index.ts';
import type { FactsCache } from './facts-cache.ts';

export interface AttachmentOptions {
  root: string;
  maxBytes: number;
  checks: ScanOptions;
  waivers: readonly VerifiedWaiver[];
  now: number;
  cache?: FactsCache;
  /** The document reader (default: a pool of reading workers, closed at the end). */
  reader?: DocumentReader;
}

/** Column of an asset path: content/<site>/<column>/… */
const columnOf = (path: string) => path.split('/')[2] ?? '';

export async function loadAndCheckAssets(paths: Iterable<string>, options: AttachmentOptions): Promise<Map<string, AssetRead>> {
  const { checks, cache } = options;
  const waive = (findings: CheckFinding[], digest: string) => applyWaivers(findings, options.waivers, digest, { now: options.now }).map(toDiagnostic);
  const documents: { path: string; digest: string }[] = [];
  const assets = loadAssets(options.root, paths, options.maxBytes, (path, bytes, digest) => {
    const cached = cache?.getAttachment(path, digest);
    if (cached) return waive(cached, digest);
    if (needsReader(path)) {
      documents.push({ path, digest });
      return [];
    }
    const findings = scanAttachment(path, bytes, checks, { column: columnOf(path), digest });
    cache?.setAttachment(path, digest, findings);
    return waive(findings, digest);
  });
  if (documents.length === 0) return assets;

  const reader = options.reader ?? new ReaderPool();
  try {
    const one = async ({ path, digest }: { path: string; digest: string }) => {
      const bytes = readFileSync(join(options.root, path));
      // Read again after loadAssets checked the path: the bytes must be the ones it hashed (they go to the reader next).
      const same = sha256Hex(bytes) === digest;
      const findings = same
        ? await checkAttachment(path, bytes, checks, { column: columnOf(path), reader, digest })
        : scanAttachment(path, bytes, checks, { column: columnOf(path), reading: { ok: false, refusal: { message: { zh: '发布关口读取文件期间文件发生了变化', en: 'the file changed while the gate was reading it' }, fix: { zh: '待没有程序写入 content/ 时重新运行检查', en: 'run the check again when nothing is writing to content/' } } } });
      // A refusal for this run only (a time limit on a loaded machine) is not remembered: the next run reads the file again.
      if (same && !findings.some((f) => f.transient)) cache?.setAttachment(path, digest, findings);
      const asset = assets.get(path);
      if (asset?.ok && findings.length > 0) asset.findings = [...(asset.findings ?? []), ...waive(findings, digest)];
    };
    // A few at a time: each document's bytes are in memory only while it is read.
    const queue = [...documents];
    const lanes = Array.from({ length: 4 }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await one(job);
    });
    await Promise.all(lanes);
  } finally {
    if (!options.reader) await (reader as ReaderPool).close();
  }
  return assets;
}
