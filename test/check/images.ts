/**
 * Image fixtures for the metadata checks, built here byte by byte: EXIF (TIFF
 * IFDs in either byte order, with GPS and Exif sub-IFDs), XMP, IPTC, comments,
 * PNG text chunks, WebP and GIF containers. The base images (4×3 pixels) were
 * encoded once by libvips (sharp 0.34.5 / vips 8.17.3), as were the two
 * `VIPS_*` images with EXIF, so the parser also reads a third-party writer's
 * output.
 */
import { crc32, deflateSync } from 'node:zlib';

export const BASE_JPEG = Buffer.from(
  '/9j/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAADAAQDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAf/xAAdEAABAgcAAAAAAAAAAAAAAAAAAQYDBAUVJZHR/8QAFQEBAQAAAAAAAAAAAAAAAAAABgf/xAAhEQAABAUFAAAAAAAAAAAAAAAAAgMEAQUTMdEUIyRCUv/aAAwDAQACEQMRAD8AotCYDdtsPEy+l6ABogxaUi7RbeYYEJezuaalTlKXj3Nkf//Z',
  'base64',
);
export const BASE_WEBP = Buffer.from('UklGRjYAAABXRUJQVlA4TCkAAAAvA4AAAF8gEEj84YJZYoYraJ2bff5T04Eg2yZjGctZznKWC0f0P75GAAA=', 'base64');
export const BASE_GIF = Buffer.from('R0lGODlhBAADAIMAAExpcbRGKL43FMgoAFrN3GS+yG6vtHigoIKRjIyCeJZzZKBkUKpVPAAAAAAAAAAAACH5BAUAAAAALAAAAAAEAAMAAAQJcIjAlkromEIiADs=', 'base64');
/** libvips JPEG with Artist, Copyright, ImageDescription and GPS latitude/longitude. */
export const VIPS_EXIF_JPEG = Buffer.from(
  '/9j/4QFSRXhpZgAASUkqAAgAAAAKAA4BAgADAAAAPz8AABIBAwABAAAAAQAAABoBBQABAAAAhgAAABsBBQABAAAAjgAAACgBAwABAAAAAgAAADsBAgADAAAAPz8AABMCAwABAAAAAQAAAJiCAgACAAAAeAAAAGmHBAABAAAAlgAAACWIBAABAAAA5AAAAAAAAAA4YwAA6AMAADhjAADoAwAABgAAkAcABAAAADAyMTABkQcABAAAAAECAwAAoAcABAAAADAxMDABoAMAAQAAAP//AAACoAQAAQAAAAQAAAADoAQAAQAAAAMAAAAAAAAABAABAAIAAgAAAE4AAAACAAUAAwAAADIBAAADAAIAAgAAAEUAAAAEAAUAAwAAABoBAAAAAAAAeAAAAAEAAAAKAAAAAQAAAAAAAAABAAAAHgAAAAEAAAAPAAAAAQAAAAAAAAABAAAA/9sAQwADAgIDAgIDAwMDBAMDBAUIBQUEBAUKBwcGCAwKDAwLCgsLDQ4SEA0OEQ4LCxAWEBETFBUVFQwPFxgWFBgSFBUU/9sAQwEDBAQFBAUJBQUJFA0LDRQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU/8AAEQgAAwAEAwEiAAIRAQMRAf/EABUAAQEAAAAAAAAAAAAAAAAAAAAH/8QAHRAAAQIHAAAAAAAAAAAAAAAAAAEGAwQFFSWR0f/EABUBAQEAAAAAAAAAAAAAAAAAAAYH/8QAIREAAAQFBQAAAAAAAAAAAAAAAAIDBAEFEzHRFCMkQlL/2gAMAwEAAhEDEQA/AKLQmA3bbDxMvpegAaIMWlIu0W3mGBCXs7mmpU5Sl49zZH//2Q==',
  'base64',
);
/** libvips lossless WebP (VP8X + EXIF chunk) with Artist. */
export const VIPS_EXIF_WEBP = Buffer.from(
  'UklGRhwBAABXRUJQVlA4WAoAAAAIAAAAAwAAAgAAVlA4TCkAAAAvA4AAAF8gEEj84YJZYoYraJ2bff5T04Eg2yZjGctZznKWC0f0P75GAABFWElGzAAAAEV4aWYAAElJKgAIAAAABwASAQMAAQAAAAEAAAAaAQUAAQAAAGIAAAAbAQUAAQAAAGoAAAAoAQMAAQAAAAIAAAA7AQIABgAAAHIAAAATAgMAAQAAAAEAAABphwQAAQAAAHgAAAAAAAAAOGMAAOgDAAA4YwAA6AMAAExpIFNpAAYAAJAHAAQAAAAwMjEwAZEHAAQAAAABAgMAAKAHAAQAAAAwMTAwAaADAAEAAAD//wAAAqAEAAEAAAAEAAAAA6AEAAEAAAADAAAAAAAAAA==',
  'base64',
);

// ── TIFF / EXIF ─────────────────────────────────────────────────────────────

export interface TiffEntry {
  tag: number;
  type: number;
  count: number;
  /** Raw value bytes (in the TIFF's byte order). */
  data: Uint8Array;
}

const bytes = (...xs: number[]) => Uint8Array.from(xs);

export function ascii(tag: number, text: string): TiffEntry {
  const data = new Uint8Array([...Buffer.from(text, 'latin1'), 0]);
  return { tag, type: 2, count: data.length, data };
}

export function ucs2(tag: number, text: string): TiffEntry {
  const data = new Uint8Array([...Buffer.from(`${text}\u0000`, 'utf16le')]);
  return { tag, type: 1, count: data.length, data };
}

function u16(v: number, le: boolean): number[] {
  return le ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff];
}

function u32(v: number, le: boolean): number[] {
  const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  return le ? b.reverse() : b;
}

export function short(tag: number, value: number, le: boolean): TiffEntry {
  return { tag, type: 3, count: 1, data: Uint8Array.from([...u16(value, le), 0, 0]) };
}

export function rationals(tag: number, values: [number, number][], le: boolean): TiffEntry {
  return { tag, type: 5, count: values.length, data: Uint8Array.from(values.flatMap(([n, d]) => [...u32(n, le), ...u32(d, le)])) };
}

/**
 * A TIFF block: IFD0 with the given entries, and optional Exif and GPS
 * sub-IFDs (pointers added to IFD0). Values longer than 4 bytes follow each IFD.
 */
export function tiff(options: { le: boolean; ifd0: TiffEntry[]; exif?: TiffEntry[]; gps?: TiffEntry[] }): Uint8Array {
  const { le } = options;
  const out: number[] = [...(le ? [0x49, 0x49] : [0x4d, 0x4d]), ...u16(42, le), ...u32(8, le)];
  const ifdSize = (entries: TiffEntry[]) => 2 + entries.length * 12 + 4 + entries.reduce((n, e) => n + (e.data.length > 4 ? e.data.length + (e.data.length % 2) : 0), 0);
  const pointer = (tag: number): TiffEntry => ({ tag, type: 4, count: 1, data: new Uint8Array(4) });
  const ifd0 = [...options.ifd0];
  if (options.exif) ifd0.push(pointer(0x8769));
  if (options.gps) ifd0.push(pointer(0x8825));
  ifd0.sort((a, b) => a.tag - b.tag);
  let next = 8 + ifdSize(ifd0);
  const at = new Map<number, number>();
  if (options.exif) {
    at.set(0x8769, next);
    next += ifdSize(options.exif);
  }
  if (options.gps) at.set(0x8825, next);
  const write = (entries: TiffEntry[], start: number) => {
    let values = start + 2 + entries.length * 12 + 4;
    const tail: number[] = [];
    out.push(...u16(entries.length, le));
    for (const e of entries) {
      out.push(...u16(e.tag, le), ...u16(e.type, le), ...u32(e.count, le));
      const target = at.get(e.tag);
      if (target !== undefined && e.type === 4) out.push(...u32(target, le));
      else if (e.data.length <= 4) out.push(...e.data, ...new Array(4 - e.data.length).fill(0));
      else {
        out.push(...u32(values, le));
        tail.push(...e.data);
        if (e.data.length % 2) tail.push(0);
        values += e.data.length + (e.data.length % 2);
      }
    }
    out.push(0, 0, 0, 0);
    out.push(...tail);
  };
  write(ifd0, 8);
  if (options.exif) write(options.exif, at.get(0x8769)!);
  if (options.gps) write(options.gps, at.get(0x8825)!);
  return Uint8Array.from(out);
}

export function gpsEntries(le: boolean): TiffEntry[] {
  return [
    { tag: 0, type: 1, count: 4, data: bytes(2, 3, 0, 0) },
    { tag: 1, type: 2, count: 2, data: bytes(0x4e, 0) },
    rationals(2, [[30, 1], [15, 1], [3021, 100]], le),
    { tag: 3, type: 2, count: 2, data: bytes(0x45, 0) },
    rationals(4, [[120, 1], [10, 1], [1234, 100]], le),
  ];
}

// ── JPEG ────────────────────────────────────────────────────────────────────

export function segment(marker: number, payload: Uint8Array): Uint8Array {
  const len = payload.length + 2;
  return Uint8Array.from([0xff, marker, len >> 8, len & 0xff, ...payload]);
}

export const exifSegment = (t: Uint8Array) => segment(0xe1, Uint8Array.from([...Buffer.from('Exif\u0000\u0000', 'latin1'), ...t]));
export const xmpPacket = (body: string) =>
  `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:exif="http://ns.adobe.com/exif/1.0/">${body}</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
export const XMP_CREATOR = '<dc:creator><rdf:Seq><rdf:li>王五</rdf:li></rdf:Seq></dc:creator>';
export const XMP_GPS = '<exif:GPSLatitude>30,15.5N</exif:GPSLatitude><exif:GPSLongitude>120,10.2E</exif:GPSLongitude>';
export const xmpSegment = (body: string) => segment(0xe1, Uint8Array.from([...Buffer.from('http://ns.adobe.com/xap/1.0/\u0000', 'latin1'), ...Buffer.from(xmpPacket(body), 'utf8')]));
export const commentSegment = (text: string) => segment(0xfe, Uint8Array.from(Buffer.from(text, 'utf8')));
export const iccSegment = () => segment(0xe2, Uint8Array.from([...Buffer.from('ICC_PROFILE\u0000', 'latin1'), 1, 1, ...new Array(32).fill(7)]));

export function iptcSegment(byline: string): Uint8Array {
  const text = Buffer.from(byline, 'utf8');
  const iptc = [0x1c, 2, 80, text.length >> 8, text.length & 0xff, ...text];
  const irb = [...Buffer.from('8BIM', 'latin1'), 0x04, 0x04, 0, 0, ...u32(iptc.length, false), ...iptc, ...(iptc.length % 2 ? [0] : [])];
  return segment(0xed, Uint8Array.from([...Buffer.from('Photoshop 3.0\u0000', 'latin1'), ...irb]));
}

/** The base JPEG with segments inserted after SOI, and optional bytes after EOI. */
export function jpegWith(segments: Uint8Array[], trailer: Uint8Array = new Uint8Array()): Uint8Array {
  return Buffer.concat([BASE_JPEG.subarray(0, 2), ...segments, BASE_JPEG.subarray(2), trailer]);
}

// ── PNG ─────────────────────────────────────────────────────────────────────

export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export const tEXt = (key: string, text: string) => pngChunk('tEXt', Buffer.from(`${key}\u0000${text}`, 'latin1'));
export const zTXt = (key: string, text: string) => pngChunk('zTXt', Buffer.concat([Buffer.from(`${key}\u0000\u0000`, 'latin1'), deflateSync(Buffer.from(text, 'latin1'))]));
export const iTXt = (key: string, text: string, compressed = false) =>
  pngChunk('iTXt', Buffer.concat([Buffer.from(`${key}\u0000${compressed ? '\u0001' : '\u0000'}\u0000\u0000\u0000`, 'latin1'), compressed ? deflateSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8')]));

/** Insert chunks after IHDR (before the image data). */
export function pngWith(base: Uint8Array, chunks: Uint8Array[], trailer: Uint8Array = new Uint8Array()): Uint8Array {
  const ihdrEnd = 8 + 8 + 13 + 4;
  return Buffer.concat([base.subarray(0, ihdrEnd), ...chunks, base.subarray(ihdrEnd), trailer]);
}

// ── WebP ────────────────────────────────────────────────────────────────────

function riffChunk(type: string, data: Uint8Array): Uint8Array {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(data.length);
  return Buffer.concat([Buffer.from(type, 'latin1'), len, data, data.length % 2 ? Buffer.from([0]) : Buffer.alloc(0)]);
}

/** The base lossless WebP (VP8L) as an extended file (VP8X) with EXIF and/or XMP chunks. */
export function webpWith(options: { exif?: Uint8Array; xmp?: string }): Uint8Array {
  const vp8l = BASE_WEBP.subarray(12);
  const flags = (options.exif ? 0x08 : 0) | (options.xmp ? 0x04 : 0);
  const vp8x = Buffer.alloc(10);
  vp8x[0] = flags;
  vp8x.writeUIntLE(4 - 1, 4, 3);
  vp8x.writeUIntLE(3 - 1, 7, 3);
  const chunks = [riffChunk('VP8X', vp8x), vp8l];
  if (options.exif) chunks.push(riffChunk('EXIF', options.exif));
  if (options.xmp) chunks.push(riffChunk('XMP ', Buffer.from(xmpPacket(options.xmp), 'utf8')));
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), ...chunks]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

// ── GIF ─────────────────────────────────────────────────────────────────────

function subBlocks(data: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const part = data.subarray(i, i + 255);
    out.push(part.length, ...part);
  }
  out.push(0);
  return out;
}

/** The base GIF with a comment and/or an XMP application extension before the image. */
export function gifWith(options: { comment?: string; xmp?: string }): Uint8Array {
  const headerEnd = 13 + 3 * (1 << ((BASE_GIF[10]! & 0x07) + 1));
  const ext: number[] = [];
  if (options.comment) ext.push(0x21, 0xfe, ...subBlocks(Buffer.from(options.comment, 'utf8')));
  if (options.xmp) {
    // Adobe's convention: the packet raw after the identifier, then a 258-byte "magic
    // trailer" (01 FF FE … 01 00 00) that ends the sub-block chain wherever a reader lands.
    const trailer = [1, ...Array.from({ length: 256 }, (_, i) => 255 - i), 0];
    ext.push(0x21, 0xff, 11, ...Buffer.from('XMP DataXMP', 'latin1'), ...Buffer.from(xmpPacket(options.xmp), 'utf8'), ...trailer);
  }
  return Buffer.concat([BASE_GIF.subarray(0, headerEnd), Uint8Array.from(ext), BASE_GIF.subarray(headerEnd)]);
}
