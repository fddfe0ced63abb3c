import { deflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { imageMetadata, isIdentifying, scanAttachment, stripImageMetadata } from '../../pipeline/check/index.ts';
import { png } from '../helpers/repo.ts';
import { loadDemoConfig } from './helpers.ts';
import {
  ascii,
  BASE_GIF,
  BASE_JPEG,
  BASE_WEBP,
  commentSegment,
  exifSegment,
  gifWith,
  gpsEntries,
  iccSegment,
  iptcSegment,
  iTXt,
  jpegWith,
  pngChunk,
  pngWith,
  short,
  tEXt,
  tiff,
  ucs2,
  VIPS_EXIF_JPEG,
  VIPS_EXIF_WEBP,
  webpWith,
  xmpPacket,
  xmpSegment,
  XMP_CREATOR,
  XMP_GPS,
  zTXt,
} from './images.ts';
import { bmp } from './pictures.ts';

const config = loadDemoConfig();
const PNG = png(4, 3, [10, 120, 200]);

/** Decoded pixels, when sharp (an optional dependency of Astro) is installed. */
async function pixels(bytes: Uint8Array): Promise<Buffer | undefined> {
  try {
    const sharp = (await import('sharp')).default;
    return await sharp(Buffer.from(bytes)).raw().toBuffer();
  } catch {
    return undefined;
  }
}

const kinds = (b: Uint8Array) => imageMetadata(b).items.filter(isIdentifying).map((i) => i.kind).sort();
const fields = (b: Uint8Array) => imageMetadata(b).items.map((i) => i.field);

const CASES: { name: string; bytes: Uint8Array; expect: string[] }[] = [
  { name: 'JPEG, EXIF little-endian: Artist + GPS', bytes: jpegWith([exifSegment(tiff({ le: true, ifd0: [ascii(0x013b, 'Zhang San')], gps: gpsEntries(true) }))]), expect: ['author', 'gps'] },
  { name: 'JPEG, EXIF big-endian: XPAuthor + camera owner + serial', bytes: jpegWith([exifSegment(tiff({ le: false, ifd0: [ucs2(0x9c9d, '张三')], exif: [ascii(0xa430, 'Li Si'), ascii(0xa431, 'SN12345')] }))]), expect: ['author', 'owner', 'serial'] },
  { name: 'JPEG, GPS only', bytes: jpegWith([exifSegment(tiff({ le: false, ifd0: [], gps: gpsEntries(false) }))]), expect: ['gps'] },
  { name: 'JPEG, XMP dc:creator', bytes: jpegWith([xmpSegment(XMP_CREATOR)]), expect: ['author'] },
  { name: 'JPEG, XMP GPS', bytes: jpegWith([xmpSegment(XMP_GPS)]), expect: ['gps'] },
  { name: 'JPEG, IPTC by-line', bytes: jpegWith([iptcSegment('摄影 王五')]), expect: ['author'] },
  { name: 'JPEG written by libvips (Artist, GPS)', bytes: VIPS_EXIF_JPEG, expect: ['author', 'gps'] },
  { name: 'PNG, tEXt Author', bytes: pngWith(PNG, [tEXt('Author', 'Zhang San')]), expect: ['author'] },
  { name: 'PNG, zTXt GPS', bytes: pngWith(PNG, [zTXt('GPSLatitude', '30.2534')]), expect: ['gps'] },
  { name: 'PNG, iTXt XMP (compressed) with creator', bytes: pngWith(PNG, [iTXt('XML:com.adobe.xmp', xmpPacket(XMP_CREATOR), true)]), expect: ['author'] },
  { name: 'PNG, eXIf with GPS', bytes: pngWith(PNG, [pngChunk('eXIf', tiff({ le: false, ifd0: [], gps: gpsEntries(false) }))]), expect: ['gps'] },
  { name: 'WebP, EXIF Artist', bytes: webpWith({ exif: tiff({ le: true, ifd0: [ascii(0x013b, 'Wang Wu')] }) }), expect: ['author'] },
  { name: 'WebP, XMP GPS', bytes: webpWith({ xmp: XMP_GPS }), expect: ['gps'] },
  { name: 'WebP written by libvips (Artist)', bytes: VIPS_EXIF_WEBP, expect: ['author'] },
  { name: 'GIF, XMP creator', bytes: gifWith({ xmp: XMP_CREATOR }), expect: ['author'] },
];

/** TIFF pictures (a scan, a picture in a document): found the same way; stripImageMetadata does not rewrite a TIFF (it gives undefined). */
const TIFF_CASES: { name: string; bytes: Uint8Array; expect: string[] }[] = [
  { name: 'TIFF, Artist', bytes: tiff({ le: true, ifd0: [ascii(0x013b, 'Zhang San')] }), expect: ['author'] },
  { name: 'TIFF big-endian, XPAuthor and GPS', bytes: tiff({ le: false, ifd0: [ucs2(0x9c9d, '张三')], gps: gpsEntries(false) }), expect: ['author', 'gps'] },
];

describe('embedded metadata is found', () => {
  test.for([...CASES, ...TIFF_CASES])('$name', ({ bytes, expect: want }) => {
    const meta = imageMetadata(bytes);
    expect(meta.problems).toEqual([]);
    expect([...new Set(kinds(bytes))].sort()).toEqual(want);
    const f = scanAttachment('content/19900000000/gzdt/x/photo.' + { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tif', bmp: 'bmp' }[meta.format!], bytes, config);
    expect(f.map((x) => x.rule)).toEqual(['image-metadata']);
    expect(f[0]!.message).toMatch(/EXIF|XMP|PNG|IPTC|GIF/);
  });

  test.for([
    { name: 'JPEG', bytes: BASE_JPEG },
    { name: 'PNG', bytes: PNG },
    { name: 'WebP', bytes: BASE_WEBP },
    { name: 'GIF', bytes: BASE_GIF },
    { name: 'JPEG with only an ICC profile and orientation', bytes: jpegWith([exifSegment(tiff({ le: true, ifd0: [short(0x0112, 6, true)] })), iccSegment()]) },
    { name: 'PNG with Software text', bytes: pngWith(PNG, [tEXt('Software', 'GIMP')]) },
    { name: 'TIFF with Software and orientation', bytes: tiff({ le: true, ifd0: [ascii(0x0131, 'WPS Office'), short(0x0112, 1, true)] }) },
    { name: 'BMP', bytes: bmp() },
  ])('a clean $name passes', ({ bytes }) => {
    expect(kinds(bytes)).toEqual([]);
    expect(scanAttachment('a/b/clean.' + { png: 'png', jpeg: 'jpg', webp: 'webp', gif: 'gif', tiff: 'tiff', bmp: 'bmp' }[imageMetadata(bytes).format!], bytes, config)).toEqual([]);
  });

  test('comments and descriptions are reported but do not identify anyone', () => {
    const b = jpegWith([commentSegment('Created with GIMP')]);
    expect(fields(b)).toEqual(['JPEG comment']);
    expect(kinds(b)).toEqual([]);
    expect(fields(gifWith({ comment: '摄于会场' }))).toEqual(['GIF comment']);
  });
});

describe('stripImageMetadata removes it and keeps the pixels', () => {
  test.for(CASES)('$name', async ({ bytes }) => {
    const stripped = stripImageMetadata(bytes);
    expect(stripped).toBeDefined();
    const meta = imageMetadata(stripped!);
    expect(meta.problems).toEqual([]);
    expect(meta.format).toBe(imageMetadata(bytes).format);
    expect(meta.items).toEqual([]);
    expect(stripped!.length).toBeLessThan(bytes.length);
    // Stripping again changes nothing.
    expect(Buffer.from(stripImageMetadata(stripped!)!)).toEqual(Buffer.from(stripped!));
    const before = await pixels(bytes);
    const after = await pixels(stripped!);
    if (before && after) expect(after.equals(before)).toBe(true);
  });

  test('the compressed image data is copied byte for byte', () => {
    const jpeg = jpegWith([exifSegment(tiff({ le: true, ifd0: [ascii(0x013b, 'x')], gps: gpsEntries(true) })), xmpSegment(XMP_CREATOR), commentSegment('c')]);
    expect(Buffer.from(stripImageMetadata(jpeg)!)).toEqual(BASE_JPEG);
    expect(Buffer.from(stripImageMetadata(pngWith(PNG, [tEXt('Author', 'x'), iTXt('Comment', 'y')]))!)).toEqual(Buffer.from(PNG));
    expect(Buffer.from(stripImageMetadata(gifWith({ comment: 'c', xmp: XMP_GPS }))!)).toEqual(BASE_GIF);
  });

  test('a JPEG keeps its orientation (as a minimal EXIF block) and its colour profile', () => {
    const jpeg = jpegWith([exifSegment(tiff({ le: true, ifd0: [short(0x0112, 6, true), ascii(0x013b, 'Zhang')], gps: gpsEntries(true) })), iccSegment()]);
    const stripped = stripImageMetadata(jpeg)!;
    const meta = imageMetadata(stripped);
    expect(meta.orientation).toBe(6);
    expect(meta.items).toEqual([]);
    expect(Buffer.from(stripped).includes(Buffer.from('ICC_PROFILE'))).toBe(true);
  });

  test('a WebP loses its EXIF/XMP flags and its RIFF size is right', () => {
    const webp = webpWith({ exif: tiff({ le: true, ifd0: [ascii(0x013b, 'x')] }), xmp: XMP_GPS });
    const stripped = stripImageMetadata(webp)!;
    expect(stripped.length - 8).toBe(Buffer.from(stripped).readUInt32LE(4));
    expect(stripped[20]! & 0x0c).toBe(0);
  });

  test('data appended after the end of a JPEG or PNG is dropped', () => {
    const secret = Buffer.from('appended: 身份证 11010519491231002X');
    expect(Buffer.from(stripImageMetadata(jpegWith([], secret))!)).toEqual(BASE_JPEG);
    expect(Buffer.from(stripImageMetadata(pngWith(PNG, [], secret))!)).toEqual(Buffer.from(PNG));
  });
});

describe('hostile images neither throw nor pass', () => {
  const loopIfd = (() => {
    // IFD0 whose next-IFD pointer points back at itself, with a GPS pointer to itself too.
    const t = Uint8Array.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 8, 0, 0, 0, 8, 0, 0, 0]);
    return jpegWith([exifSegment(t)]);
  })();
  const hugeCount = jpegWith([exifSegment(Uint8Array.from([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x3b, 0, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 26, 0, 0, 0, 0]))]);
  // 64 MiB of zeros deflates to ~64 KiB: inflating stops at 1 MiB; the chunk is reported unreadable.
  const bomb = pngWith(PNG, [pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\u0000\u0000', 'latin1'), deflateSync(Buffer.alloc(64 * 1024 * 1024))]))]);
  test.for([
    { name: 'truncated JPEG', bytes: BASE_JPEG.subarray(0, 200) },
    { name: 'JPEG segment longer than the file', bytes: Buffer.concat([BASE_JPEG.subarray(0, 2), Buffer.from([0xff, 0xe1, 0xff, 0xff, 0x45])]) },
    { name: 'truncated PNG', bytes: PNG.subarray(0, PNG.length - 10) },
    { name: 'PNG chunk length overflow', bytes: pngWith(PNG, [Uint8Array.from([0xff, 0xff, 0xff, 0xf0, 0x74, 0x45, 0x58, 0x74])]) },
    { name: 'truncated WebP', bytes: webpWith({ exif: tiff({ le: true, ifd0: [ascii(0x013b, 'x')] }) }).subarray(0, 60) },
    { name: 'truncated GIF', bytes: BASE_GIF.subarray(0, BASE_GIF.length - 4) },
    { name: 'not an image at all', bytes: Buffer.from('%PDF-1.7 pretending to be a PNG') },
    { name: 'truncated BMP header', bytes: bmp().subarray(0, 40) },
    { name: 'BMP pixels past the end', bytes: bmp().subarray(0, 60) },
    { name: 'BMP with an unknown header size', bytes: Buffer.concat([bmp().subarray(0, 14), Buffer.from([0x63, 0, 0, 0]), bmp().subarray(18)]) },
    { name: 'TIFF whose first IFD lies outside the file', bytes: Uint8Array.from([0x49, 0x49, 42, 0, 0xff, 0xff, 0, 0]) },
  ])('$name: unreadable, refused, not strippable', ({ bytes }) => {
    const meta = imageMetadata(bytes);
    expect(meta.problems.length).toBeGreaterThan(0);
    expect(stripImageMetadata(bytes)).toBeUndefined();
    expect(scanAttachment('x/pic.png', bytes, config).map((f) => f.rule)).toEqual(['attachment-unscannable']);
  });

  test('an IFD that points at itself is read once', () => {
    const meta = imageMetadata(loopIfd);
    expect(meta.items.filter((i) => i.kind === 'gps')).toEqual([]);
  });

  test('a tag whose count points past the block is a problem, not a crash', () => {
    expect(imageMetadata(hugeCount).problems.join()).toMatch(/outside the block/);
  });

  test('a decompression bomb in a PNG text chunk is refused, not expanded', () => {
    const started = performance.now();
    const meta = imageMetadata(bomb);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(meta.items.map((i) => i.kind)).toContain('unreadable');
    expect(scanAttachment('x/pic.png', bomb, config).map((f) => f.rule)).toEqual(['image-metadata']);
  });
});
