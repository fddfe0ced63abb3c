/**
 * Attached files the site serves. Text attachments (.txt, .csv, .tsv, .html,
 * .htm, .md) are scanned like entries, after a strict UTF-8 decode: a
 * GB18030/GBK or UTF-16 file is refused with a finding that says so, never
 * scanned as mojibake (a scan that cannot read the text would pass anything).
 * Images are checked for embedded metadata. Any other type (PDF, Office,
 * archives, SVG) cannot be scanned and is refused unless a security
 * administrator waives it for its exact bytes (the waiver names the file's
 * SHA-256 as the fingerprint).
 */
import type { ChecksConfig } from './config.ts';
import type { ScanOptions } from './compile.ts';
import { sha256Hex, type CheckFinding, type Hit } from './finding.ts';
import { imageFormat, imageMetadata, isIdentifying, type ImageFormat } from './image-metadata.ts';
import { finalise } from './report.ts';
import { checkRule, type CheckRuleId } from './rules.ts';
import { analyseText, type ScanContext } from './scan.ts';

export const TEXT_ATTACHMENTS = ['txt', 'csv', 'tsv', 'html', 'htm', 'md'] as const;
export const IMAGE_ATTACHMENTS: Record<string, ImageFormat> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp', gif: 'gif' };

export type TextDecodeResult = { ok: true; text: string } | { ok: false; encoding: 'gb18030' | 'utf-16' | 'utf-32' | 'binary' };

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const GB18030 = new TextDecoder('gb18030', { fatal: true });

/**
 * Strict UTF-8 (a BOM is dropped). Otherwise say what the bytes look like:
 * UTF-16/32 by their BOM or NUL pattern; GB18030 (a superset of GBK and
 * GB2312) when they decode strictly as it and contain CJK text; else binary.
 */
export function decodeText(bytes: Uint8Array): TextDecodeResult {
  if (bytes.length >= 4 && ((bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff))) {
    return { ok: false, encoding: 'utf-32' };
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return { ok: false, encoding: 'utf-16' };
  let text: string | undefined;
  try {
    text = UTF8.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined && !text.includes('\u0000')) return { ok: true, text };
  if (bytes.includes(0)) {
    // Latin text in UTF-16 has a NUL in every other byte, on one side only.
    const n = Math.min(bytes.length, 4096);
    const zeros = [0, 0];
    for (let i = 0; i < n; i++) if (bytes[i] === 0) zeros[i % 2]!++;
    const half = n / 2;
    const [even, odd] = [zeros[0]! / Math.ceil(half), zeros[1]! / Math.max(1, Math.floor(half))];
    return { ok: false, encoding: n >= 8 && Math.max(even, odd) > 0.4 && Math.min(even, odd) < 0.05 ? 'utf-16' : 'binary' };
  }
  try {
    const gb = GB18030.decode(bytes);
    if (/[\u3400-\u9fff]/.test(gb)) return { ok: false, encoding: 'gb18030' };
  } catch {
    // not GB18030 either
  }
  return { ok: false, encoding: 'binary' };
}

function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

function fileHit(rule: CheckRuleId, value: string, message: string): Hit {
  const info = checkRule(rule);
  return { rule, severity: info.severity, start: 0, end: 0, value, message, fix: info.fix };
}

const ENCODING_NAMES = { gb18030: 'GB18030/GBK', 'utf-16': 'UTF-16', 'utf-32': 'UTF-32', binary: 'not text' } as const;

/** Check one attachment; `name` is its repo-relative path (it names the file in the findings). */
export function scanAttachment(name: string, bytes: Uint8Array, options: ScanOptions | ChecksConfig, context: { column?: string } = {}): CheckFinding[] {
  const ext = extensionOf(name);
  const digest = sha256Hex(bytes);
  if ((TEXT_ATTACHMENTS as readonly string[]).includes(ext)) {
    const decoded = decodeText(bytes);
    if (!decoded.ok) {
      const what = ENCODING_NAMES[decoded.encoding];
      const message =
        decoded.encoding === 'binary'
          ? `the .${ext} attachment is not UTF-8 text: it cannot be scanned, so it is refused`
          : `the .${ext} attachment is encoded in ${what}, not UTF-8: it is refused rather than scanned as garbled text`;
      return finalise('', [fileHit('attachment-encoding', digest, message)], name);
    }
    const scan: ScanContext = { file: name, joinLines: ext !== 'csv' && ext !== 'tsv' };
    if (context.column !== undefined) scan.column = context.column;
    const analysis = analyseText(decoded.text, options, scan);
    return finalise(decoded.text, analysis.hits, name);
  }
  const image = IMAGE_ATTACHMENTS[ext];
  if (image) {
    const format = imageFormat(bytes);
    if (format !== image) {
      return finalise('', [fileHit('attachment-unscannable', digest, `the file is named .${ext} but is ${format ? `a ${format.toUpperCase()} image` : 'not an image of that type'}: it is refused`)], name);
    }
    const meta = imageMetadata(bytes);
    if (meta.problems.length > 0) {
      return finalise('', [fileHit('attachment-unscannable', digest, `the ${format.toUpperCase()} image cannot be read to its end (${meta.problems[0]}): metadata may hide in it, so it is refused`)], name);
    }
    const identifying = meta.items.filter(isIdentifying);
    if (identifying.length === 0) return [];
    const fields = [...new Set(identifying.map((i) => i.field))].join(', ');
    const what = identifying.some((i) => i.kind === 'gps') ? 'where the photograph was taken' : 'who took it or owns the camera';
    return finalise('', [fileHit('image-metadata', digest, `the image carries embedded metadata (${fields}) that tells ${what}`)], name);
  }
  const kind = ext === 'svg' ? 'an SVG image (it can carry scripts and metadata)' : ext ? `a .${ext} file` : 'a file without an extension';
  return finalise('', [fileHit('attachment-unscannable', digest, `the attachment is ${kind}, whose content the checks cannot read: it is refused unless a security administrator waives it`)], name);
}
