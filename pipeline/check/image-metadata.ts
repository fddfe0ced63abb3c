/**
 * Embedded metadata of published images (the rules: privacy of citizens; a
 * photograph's EXIF can give the place it was taken and the person who took
 * it). Reads JPEG (APP1 Exif and XMP, APP13 IPTC, COM), PNG (eXIf, tEXt,
 * zTXt, iTXt), WebP (EXIF, XMP chunks), GIF (comment and XMP extensions) and
 * TIFF (its own IFDs: the same tags as EXIF, which is TIFF inside), parsing
 * the TIFF IFDs here; a BMP has no metadata, its header is checked for sizes
 * inside the file; with bounds checked at every read: the
 * bytes come from a writer and may be hostile (truncated, looping IFDs,
 * decompression bombs). Nothing throws.
 *
 * `stripImageMetadata` returns the same image without those segments or
 * chunks: the compressed pixel data is copied byte for byte, so the pixels are
 * the same; a JPEG's EXIF orientation is kept (as a minimal EXIF block), or the
 * picture would turn on its side.
 */
import { inflateSync } from 'node:zlib';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'bmp';

export interface MetadataItem {
  /** gps and author/owner/serial identify a place or a person; the others are reported and stripped. */
  kind: 'gps' | 'author' | 'owner' | 'serial' | 'comment' | 'description' | 'unreadable';
  /** Where it is: `EXIF GPSLatitude`, `PNG tEXt Author`, `XMP dc:creator`… */
  field: string;
}

export interface ImageMetadata {
  format?: ImageFormat;
  items: MetadataItem[];
  /** The structure could not be read to the end: metadata may hide in what was not read. */
  problems: string[];
  /** EXIF orientation (1-8), when present. */
  orientation?: number;
}

/** Whether an item identifies a place or a person (the finding fires on these). */
export function isIdentifying(item: MetadataItem): boolean {
  return item.kind === 'gps' || item.kind === 'author' || item.kind === 'owner' || item.kind === 'serial' || item.kind === 'unreadable';
}

export function imageFormat(b: Uint8Array): ImageFormat | undefined {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 8 && (ascii(b, 0, 4) === 'II*\u0000' || ascii(b, 0, 4) === 'MM\u0000*')) return 'tiff';
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  return undefined;
}

function ascii(b: Uint8Array, a: number, e: number): string {
  let s = '';
  for (let i = a; i < e && i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function startsWith(b: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > b.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

const be16 = (b: Uint8Array, i: number) => ((b[i]! << 8) | b[i + 1]!) >>> 0;
const be32 = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const le32 = (b: Uint8Array, i: number) => ((b[i + 3]! << 24) | (b[i + 2]! << 16) | (b[i + 1]! << 8) | b[i]!) >>> 0;

export function imageMetadata(bytes: Uint8Array): ImageMetadata {
  const format = imageFormat(bytes);
  const out: ImageMetadata = { items: [], problems: [] };
  if (!format) {
    out.problems.push('not a JPEG, PNG, WebP, GIF, TIFF or BMP file');
    return out;
  }
  out.format = format;
  if (format === 'jpeg') walkJpeg(bytes, out, undefined);
  else if (format === 'png') walkPng(bytes, out, undefined);
  else if (format === 'webp') walkWebp(bytes, out, undefined);
  else if (format === 'gif') walkGif(bytes, out, undefined);
  else if (format === 'tiff') readTiff(bytes, 0, bytes.length, out, 'TIFF');
  else walkBmp(bytes, out);
  return out;
}

/**
 * The image without its metadata, or undefined when its structure cannot be
 * read (then it is refused, never published half-stripped).
 */
export function stripImageMetadata(bytes: Uint8Array): Uint8Array | undefined {
  const format = imageFormat(bytes);
  const meta: ImageMetadata = { items: [], problems: [] };
  const parts: Uint8Array[] = [];
  if (format === 'jpeg') walkJpeg(bytes, meta, parts);
  else if (format === 'png') walkPng(bytes, meta, parts);
  else if (format === 'webp') walkWebp(bytes, meta, parts);
  else if (format === 'gif') walkGif(bytes, meta, parts);
  else return undefined;
  if (meta.problems.length > 0) return undefined;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const result = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    result.set(p, o);
    o += p.length;
  }
  if (format === 'webp') {
    // RIFF size = file size - 8.
    const size = result.length - 8;
    result[4] = size & 0xff;
    result[5] = (size >>> 8) & 0xff;
    result[6] = (size >>> 16) & 0xff;
    result[7] = (size >>> 24) & 0xff;
  }
  return result;
}

// ── TIFF (EXIF) ─────────────────────────────────────────────────────────────

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };

const IFD0_TAGS: Record<number, MetadataItem> = {
  0x013b: { kind: 'author', field: 'EXIF Artist' },
  0x9c9d: { kind: 'author', field: 'EXIF XPAuthor' },
  0x9c9c: { kind: 'comment', field: 'EXIF XPComment' },
  0x9c9b: { kind: 'description', field: 'EXIF XPTitle' },
  0x9c9f: { kind: 'description', field: 'EXIF XPSubject' },
  0x9c9e: { kind: 'description', field: 'EXIF XPKeywords' },
  0x010e: { kind: 'description', field: 'EXIF ImageDescription' },
  0xa430: { kind: 'owner', field: 'EXIF CameraOwnerName' },
  0xa431: { kind: 'serial', field: 'EXIF BodySerialNumber' },
  0xa435: { kind: 'serial', field: 'EXIF LensSerialNumber' },
  0x9286: { kind: 'comment', field: 'EXIF UserComment' },
  0xc62f: { kind: 'serial', field: 'EXIF CameraSerialNumber' },
};

const GPS_NAMES: Record<number, string> = { 1: 'GPSLatitudeRef', 2: 'GPSLatitude', 3: 'GPSLongitudeRef', 4: 'GPSLongitude', 5: 'GPSAltitudeRef', 6: 'GPSAltitude', 7: 'GPSTimeStamp', 0x1d: 'GPSDateStamp', 0x1b: 'GPSProcessingMethod', 0x1c: 'GPSAreaInformation' };

/** Read the IFDs of a TIFF block (EXIF payload) at [start, end). */
export function readTiff(b: Uint8Array, start: number, end: number, out: ImageMetadata, where: string): void {
  if (end - start < 8) {
    out.problems.push(`${where}: EXIF block too short`);
    return;
  }
  const le = b[start] === 0x49 && b[start + 1] === 0x49;
  if (!le && !(b[start] === 0x4d && b[start + 1] === 0x4d)) {
    out.problems.push(`${where}: EXIF block has no TIFF byte order`);
    return;
  }
  const u16 = (o: number) => (le ? b[start + o]! | (b[start + o + 1]! << 8) : (b[start + o]! << 8) | b[start + o + 1]!);
  const u32 = (o: number) => (le ? le32(b, start + o) : be32(b, start + o));
  const len = end - start;
  if (u16(2) !== 42) {
    out.problems.push(`${where}: EXIF block is not TIFF`);
    return;
  }
  const visited = new Set<number>();
  const queue: { offset: number; ifd: 'ifd0' | 'exif' | 'gps' | 'other' }[] = [{ offset: u32(4), ifd: 'ifd0' }];
  while (queue.length > 0) {
    const { offset, ifd } = queue.shift()!;
    if (offset === 0) continue;
    if (visited.has(offset) || visited.size >= 16) {
      if (visited.size >= 16) out.problems.push(`${where}: too many IFDs`);
      continue; // a loop: every IFD is read once
    }
    visited.add(offset);
    if (offset + 2 > len) {
      out.problems.push(`${where}: IFD offset outside the block`);
      continue;
    }
    const count = u16(offset);
    if (offset + 2 + count * 12 + 4 > len || count > 1000) {
      out.problems.push(`${where}: IFD runs past the block`);
      continue;
    }
    const gps = new Set<string>();
    for (let k = 0; k < count; k++) {
      const e = offset + 2 + k * 12;
      const tag = u16(e);
      const type = u16(e + 2);
      const n = u32(e + 4);
      const size = (TYPE_SIZE[type] ?? 0) * n;
      const valueAt = size <= 4 ? e + 8 : u32(e + 8);
      if (size > 4 && (valueAt > len || size > len - valueAt)) {
        out.problems.push(`${where}: tag 0x${tag.toString(16)} points outside the block`);
        continue;
      }
      if (ifd === 'gps') {
        if (size > 0 && tag !== 0) gps.add(GPS_NAMES[tag] ?? `GPS tag ${tag}`);
        continue;
      }
      if (tag === 0x8769) queue.push({ offset: u32(e + 8), ifd: 'exif' });
      else if (tag === 0x8825) queue.push({ offset: u32(e + 8), ifd: 'gps' });
      else if (tag === 0xa005) queue.push({ offset: u32(e + 8), ifd: 'other' });
      else if (tag === 0x0112 && ifd === 'ifd0' && type === 3 && n >= 1) {
        const v = u16(e + 8);
        if (v >= 1 && v <= 8) out.orientation = v;
      } else {
        const item = IFD0_TAGS[tag];
        if (item && size > 0 && hasContent(b, start + valueAt, size, type)) out.items.push({ ...item });
      }
    }
    if (ifd === 'gps' && [...gps].some((g) => /Latitude$|Longitude$|Area|Processing/.test(g))) {
      out.items.push({ kind: 'gps', field: `EXIF ${[...gps].filter((g) => /Latitude$|Longitude$/.test(g)).join('/') || [...gps].join('/')}` });
    }
    if (ifd === 'ifd0') queue.push({ offset: u32(offset + 2 + count * 12), ifd: 'other' });
  }
}

/** A value that is more than padding (EXIF writers fill empty strings with NULs or spaces). */
function hasContent(b: Uint8Array, at: number, size: number, type: number): boolean {
  const limit = Math.min(size, 4096);
  let start = 0;
  // UserComment starts with an 8-byte character code (ASCII\0\0\0, UNICODE\0, …).
  if (type === 7 && size > 8 && (startsWith(b, at, 'ASCII') || startsWith(b, at, 'UNICODE') || startsWith(b, at, 'JIS'))) start = 8;
  for (let i = start; i < limit; i++) {
    const c = b[at + i]!;
    if (c !== 0 && c !== 0x20) return true;
  }
  return false;
}

// ── XMP and IPTC ────────────────────────────────────────────────────────────

function xmpItems(text: string, out: ImageMetadata, where: string): void {
  if (/<dc:creator\b[\s\S]*?<rdf:li[^>]*>\s*[^<\s]/.test(text) || /\bdc:creator\s*=\s*"[^"]+"/.test(text)) out.items.push({ kind: 'author', field: `${where} dc:creator` });
  if (/(?:exif|exifEX):GPS(?:Latitude|Longitude)|<exif:GPS/.test(text)) out.items.push({ kind: 'gps', field: `${where} exif:GPSLatitude/GPSLongitude` });
  if (/photoshop:(?:AuthorsPosition|Credit)|Iptc4xmpCore:CreatorContactInfo/.test(text)) out.items.push({ kind: 'author', field: `${where} creator contact` });
  if (/(?:aux|exifEX):(?:SerialNumber|BodySerialNumber|OwnerName|CameraOwnerName)/.test(text)) out.items.push({ kind: 'serial', field: `${where} camera serial/owner` });
  if (/Iptc4xmpCore:Location|photoshop:City|Iptc4xmpExt:LocationShown/.test(text)) out.items.push({ kind: 'gps', field: `${where} location` });
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

function iptcItems(b: Uint8Array, start: number, end: number, out: ImageMetadata): void {
  // Photoshop image resource blocks: '8BIM', id (2), Pascal name (padded to even), size (4), data (padded).
  let i = start;
  while (i + 12 <= end && startsWith(b, i, '8BIM')) {
    const id = be16(b, i + 4);
    let j = i + 6;
    const nameLen = b[j]!;
    j += 1 + nameLen;
    if ((1 + nameLen) % 2 === 1) j++;
    if (j + 4 > end) break;
    const size = be32(b, j);
    j += 4;
    if (size > end - j) {
      out.problems.push('APP13: resource block runs past the segment');
      return;
    }
    if (id === 0x0404) {
      // IPTC-IIM datasets: 0x1C, record, dataset, size (2), data.
      let k = j;
      while (k + 5 <= j + size && b[k] === 0x1c) {
        const record = b[k + 1]!;
        const dataset = b[k + 2]!;
        const n = be16(b, k + 3);
        if (record === 2 && (dataset === 80 || dataset === 122)) out.items.push({ kind: 'author', field: dataset === 80 ? 'IPTC By-line' : 'IPTC Writer/Editor' });
        if (record === 2 && (dataset === 90 || dataset === 92 || dataset === 95)) out.items.push({ kind: 'gps', field: 'IPTC location' });
        k += 5 + n;
      }
    }
    i = j + size + (size % 2);
  }
}

// ── JPEG ────────────────────────────────────────────────────────────────────

const XMP_ID = 'http://ns.adobe.com/xap/1.0/\u0000';
const XMP_EXT_ID = 'http://ns.adobe.com/xmp/extension/\u0000';

function minimalExif(orientation: number): Uint8Array {
  // "Exif\0\0" + big-endian TIFF with one IFD holding Orientation.
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0, 0, 0];
  const payload = [...'Exif'].map((c) => c.charCodeAt(0)).concat([0, 0], tiff);
  const len = payload.length + 2;
  return Uint8Array.from([0xff, 0xe1, len >> 8, len & 0xff, ...payload]);
}

function walkJpeg(b: Uint8Array, out: ImageMetadata, parts: Uint8Array[] | undefined): void {
  let i = 2;
  let scanning = false;
  const kept: Uint8Array[] = [b.subarray(0, 2)];
  let afterApp0 = 1;
  for (;;) {
    if (i >= b.length) {
      out.problems.push('JPEG ends without an end-of-image marker');
      return;
    }
    if (scanning) {
      // Entropy-coded data: up to the next marker that is not a stuffed 0xFF00 or a restart marker.
      const s = i;
      while (i + 1 < b.length && !(b[i] === 0xff && b[i + 1] !== 0x00 && !(b[i + 1]! >= 0xd0 && b[i + 1]! <= 0xd7) && b[i + 1] !== 0xff)) i++;
      if (i + 1 >= b.length) {
        out.problems.push('JPEG scan data runs to the end of the file');
        return;
      }
      kept.push(b.subarray(s, i));
      scanning = false;
      continue;
    }
    if (b[i] !== 0xff) {
      out.problems.push(`JPEG: expected a marker at byte ${i}`);
      return;
    }
    while (b[i + 1] === 0xff) i++; // fill bytes
    const marker = b[i + 1];
    if (marker === undefined) {
      out.problems.push('JPEG ends inside a marker');
      return;
    }
    if (marker === 0xd9) {
      kept.push(b.subarray(i, i + 2)); // EOI: anything after it (appended images, data) is dropped
      break;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      kept.push(b.subarray(i, i + 2));
      i += 2;
      continue;
    }
    if (i + 4 > b.length) {
      out.problems.push('JPEG ends inside a segment header');
      return;
    }
    const len = be16(b, i + 2);
    if (len < 2 || i + 2 + len > b.length) {
      out.problems.push(`JPEG segment 0x${marker.toString(16)} runs past the end of the file`);
      return;
    }
    const data = i + 4;
    const end = i + 2 + len;
    let drop = false;
    if (marker === 0xe1) {
      drop = true;
      if (startsWith(b, data, 'Exif\u0000\u0000')) readTiff(b, data + 6, end, out, 'JPEG APP1');
      else if (startsWith(b, data, XMP_ID)) xmpItems(utf8.decode(b.subarray(data + XMP_ID.length, end)), out, 'XMP');
      else if (startsWith(b, data, XMP_EXT_ID)) xmpItems(utf8.decode(b.subarray(data + XMP_EXT_ID.length, end)), out, 'XMP');
    } else if (marker === 0xed) {
      drop = true;
      if (startsWith(b, data, 'Photoshop 3.0\u0000')) iptcItems(b, data + 14, end, out);
    } else if (marker === 0xfe) {
      drop = true;
      if (hasContent(b, data, end - data, 2)) out.items.push({ kind: 'comment', field: 'JPEG comment' });
    } else if (marker === 0xe2) {
      drop = !startsWith(b, data, 'ICC_PROFILE\u0000'); // keep the colour profile; drop MPF/FlashPix
    } else if ((marker >= 0xe3 && marker <= 0xec) || marker === 0xef) {
      drop = true; // vendor blocks (Ducky, Meta, Picture Info, Qualcomm…)
    }
    if (!drop) {
      kept.push(b.subarray(i, end));
      if (marker === 0xe0 && kept.length === 2) afterApp0 = 2;
    }
    i = end;
    if (marker === 0xda) scanning = true;
  }
  if (parts) {
    if (out.orientation !== undefined && out.orientation !== 1) kept.splice(afterApp0, 0, minimalExif(out.orientation));
    parts.push(...kept);
  }
}

// ── PNG ─────────────────────────────────────────────────────────────────────

/** Ancillary chunks that describe how to show the pixels: kept. Every other ancillary chunk is dropped. */
const PNG_KEEP = new Set(['gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'pHYs', 'tRNS', 'bKGD', 'hIST', 'sPLT', 'acTL', 'fcTL', 'fdAT', 'cICP', 'mDCV', 'cLLI', 'mDCv', 'cLLi']);
const MAX_INFLATE = 1 << 20;

function pngText(keyword: string, text: string | undefined, out: ImageMetadata, chunk: string): void {
  const k = keyword.toLowerCase();
  const field = `PNG ${chunk} ${keyword}`;
  if (text === undefined) {
    out.items.push({ kind: 'unreadable', field: `${field} (compressed text that cannot be read)` });
    return;
  }
  if (keyword === 'XML:com.adobe.xmp') return xmpItems(text, out, `PNG ${chunk} XMP`);
  if (text.trim() === '') return;
  if (/^(?:author|artist|creator|owner|by-?line|photographer|writer)$/.test(k)) out.items.push({ kind: 'author', field });
  else if (/gps|location|latitude|longitude|geo/.test(k)) out.items.push({ kind: 'gps', field });
  else if (/serial/.test(k)) out.items.push({ kind: 'serial', field });
  else if (k === 'comment' || k === 'description' || k === 'title' || k === 'disclaimer' || k === 'warning') out.items.push({ kind: k === 'comment' ? 'comment' : 'description', field });
  else if (/^raw profile type (?:exif|app1)$/.test(k)) exifFromRawProfile(text, out);
  else if (/^raw profile type (?:iptc|8bim)$/.test(k)) out.items.push({ kind: 'author', field: `${field} (IPTC)` });
  else if (/^raw profile type xmp$/.test(k)) xmpItems(hexProfileText(text), out, 'PNG XMP');
}

/** ImageMagick's "Raw profile type exif": name, length, then hex of "Exif\0\0" + TIFF. */
function hexProfileBytes(text: string): Uint8Array {
  const lines = text.trim().split('\n');
  const hex = lines.slice(2).join('').replace(/\s+/g, '');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function hexProfileText(text: string): string {
  return utf8.decode(hexProfileBytes(text));
}

function exifFromRawProfile(text: string, out: ImageMetadata): void {
  const bytes = hexProfileBytes(text);
  const at = startsWith(bytes, 0, 'Exif\u0000\u0000') ? 6 : 0;
  readTiff(bytes, at, bytes.length, out, 'PNG raw EXIF profile');
}

function inflate(bytes: Uint8Array): Uint8Array | undefined {
  try {
    return inflateSync(bytes, { maxOutputLength: MAX_INFLATE });
  } catch {
    return undefined;
  }
}

function walkPng(b: Uint8Array, out: ImageMetadata, parts: Uint8Array[] | undefined): void {
  const kept: Uint8Array[] = [b.subarray(0, 8)];
  let i = 8;
  let sawEnd = false;
  while (i + 12 <= b.length) {
    const len = be32(b, i);
    const type = ascii(b, i + 4, i + 8);
    if (!/^[A-Za-z]{4}$/.test(type) || len > b.length - i - 12) {
      out.problems.push(`PNG chunk at byte ${i} is malformed or runs past the end of the file`);
      return;
    }
    const data = i + 8;
    const end = data + len;
    const critical = type.charCodeAt(0) < 0x61;
    if (type === 'eXIf') {
      readTiff(b, data, end, out, 'PNG eXIf');
    } else if (type === 'tEXt') {
      const nul = b.subarray(data, end).indexOf(0);
      if (nul > 0) pngText(latin1.decode(b.subarray(data, data + nul)), latin1.decode(b.subarray(data + nul + 1, end)), out, 'tEXt');
    } else if (type === 'zTXt') {
      const nul = b.subarray(data, end).indexOf(0);
      if (nul > 0) {
        const text = inflate(b.subarray(data + nul + 2, end));
        pngText(latin1.decode(b.subarray(data, data + nul)), text ? latin1.decode(text) : undefined, out, 'zTXt');
      }
    } else if (type === 'iTXt') {
      const chunk = b.subarray(data, end);
      const nul = chunk.indexOf(0);
      if (nul > 0) {
        const compressed = chunk[nul + 1] === 1;
        let j = nul + 3;
        const lang = chunk.indexOf(0, j);
        const translated = lang === -1 ? -1 : chunk.indexOf(0, lang + 1);
        if (translated !== -1) {
          j = translated + 1;
          const raw = chunk.subarray(j);
          const textBytes = compressed ? inflate(raw) : raw;
          pngText(latin1.decode(chunk.subarray(0, nul)), textBytes ? utf8.decode(textBytes) : undefined, out, 'iTXt');
        } else {
          out.items.push({ kind: 'unreadable', field: 'PNG iTXt (malformed)' });
        }
      }
    }
    if (critical || PNG_KEEP.has(type)) kept.push(b.subarray(i, end + 4));
    i = end + 4;
    if (type === 'IEND') {
      sawEnd = true;
      break;
    }
  }
  if (!sawEnd) {
    out.problems.push('PNG ends without an IEND chunk');
    return;
  }
  parts?.push(...kept);
}

// ── WebP ────────────────────────────────────────────────────────────────────

function walkWebp(b: Uint8Array, out: ImageMetadata, parts: Uint8Array[] | undefined): void {
  const riffEnd = Math.min(b.length, 8 + le32(b, 4));
  const kept: Uint8Array[] = [b.subarray(0, 12)];
  let i = 12;
  while (i + 8 <= riffEnd) {
    const type = ascii(b, i, i + 4);
    const len = le32(b, i + 4);
    const data = i + 8;
    if (len > riffEnd - data) {
      out.problems.push(`WebP chunk ${JSON.stringify(type)} runs past the end of the file`);
      return;
    }
    const end = data + len + (len % 2);
    if (type === 'EXIF') {
      const at = startsWith(b, data, 'Exif\u0000\u0000') ? data + 6 : data;
      readTiff(b, at, data + len, out, 'WebP EXIF');
    } else if (type === 'XMP ') {
      xmpItems(utf8.decode(b.subarray(data, data + len)), out, 'WebP XMP');
    } else if (type === 'VP8X' && len >= 10) {
      const copy = Uint8Array.from(b.subarray(i, Math.min(end, b.length)));
      copy[8] = copy[8]! & ~0x0c; // clear the EXIF (0x08) and XMP (0x04) flags
      kept.push(copy);
    } else {
      kept.push(b.subarray(i, Math.min(end, b.length)));
    }
    i = end;
  }
  if (i < riffEnd) {
    out.problems.push('WebP ends inside a chunk header');
    return;
  }
  parts?.push(...kept);
}

// ── GIF ─────────────────────────────────────────────────────────────────────

function walkGif(b: Uint8Array, out: ImageMetadata, parts: Uint8Array[] | undefined): void {
  if (b.length < 13) {
    out.problems.push('GIF header is truncated');
    return;
  }
  let i = 13;
  const flags = b[10]!;
  if (flags & 0x80) i += 3 * (1 << ((flags & 0x07) + 1));
  const kept: Uint8Array[] = [b.subarray(0, i)];
  /** End of the data sub-blocks starting at j. */
  const subBlocksEnd = (j: number): number => {
    while (j < b.length) {
      const n = b[j]!;
      if (n === 0) return j + 1;
      j += 1 + n;
    }
    return -1;
  };
  for (;;) {
    if (i >= b.length) {
      out.problems.push('GIF ends without a trailer');
      return;
    }
    const c = b[i]!;
    if (c === 0x3b) {
      kept.push(b.subarray(i, i + 1));
      break;
    }
    if (c === 0x21) {
      const label = b[i + 1];
      const end = subBlocksEnd(i + 2);
      if (end === -1 || label === undefined) {
        out.problems.push('GIF extension runs past the end of the file');
        return;
      }
      let drop = false;
      if (label === 0xfe) {
        drop = true;
        out.items.push({ kind: 'comment', field: 'GIF comment' });
      } else if (label === 0xff) {
        const id = ascii(b, i + 3, i + 14);
        if (id !== 'NETSCAPE2.0' && id !== 'ANIMEXTS1.0') {
          drop = true;
          if (id === 'XMP DataXMP') xmpItems(latin1.decode(b.subarray(i + 14, end)), out, 'GIF XMP');
          else out.items.push({ kind: 'description', field: `GIF application data ${JSON.stringify(id)}` });
        }
      }
      if (!drop) kept.push(b.subarray(i, end));
      i = end;
      continue;
    }
    if (c === 0x2c) {
      let j = i + 10;
      if (j > b.length) {
        out.problems.push('GIF image descriptor is truncated');
        return;
      }
      const f = b[i + 9]!;
      if (f & 0x80) j += 3 * (1 << ((f & 0x07) + 1));
      const end = subBlocksEnd(j + 1);
      if (end === -1) {
        out.problems.push('GIF image data runs past the end of the file');
        return;
      }
      kept.push(b.subarray(i, end));
      i = end;
      continue;
    }
    out.problems.push(`GIF: unexpected block 0x${c.toString(16)} at byte ${i}`);
    return;
  }
  parts?.push(...kept);
}

// ── BMP ─────────────────────────────────────────────────────────────────────

/** The sizes of a BITMAPINFOHEADER and its kin (OS/2, V2-V5). */
const BMP_HEADERS = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/** A BMP holds no metadata: its file header and DIB header are checked to lie inside the file, with the pixels after them. */
function walkBmp(b: Uint8Array, out: ImageMetadata): void {
  if (b.length < 26) {
    out.problems.push('BMP header is truncated');
    return;
  }
  const fileSize = le32(b, 2);
  const pixels = le32(b, 10);
  const header = le32(b, 14);
  if (!BMP_HEADERS.has(header)) out.problems.push(`BMP header size ${header} is not one BMP defines`);
  else if (14 + header > b.length) out.problems.push('BMP header runs past the end of the file');
  else if (pixels < 14 + header || pixels > b.length) out.problems.push(`BMP pixel data offset ${pixels} lies outside the file`);
  else if (fileSize > b.length) out.problems.push(`BMP is truncated (${b.length} of ${fileSize} bytes)`);
}
