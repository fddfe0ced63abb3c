/**
 * Picture fixtures built byte by byte from the specifications: EMF (MS-EMF)
 * and its EMF+ records (MS-EMFPLUS), WMF (MS-WMF), BMP. Small writers, so a
 * test says what a chart holds, not which bytes.
 */

const u16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const zeros = (n: number) => new Array<number>(n).fill(0);
const pad4 = (b: number[]) => [...b, ...zeros((4 - (b.length % 4)) % 4)];
const utf16 = (s: string) => [...Buffer.from(s, 'utf16le')];

// ---------------------------------------------------------------- EMF

/** An EMF record: type, size, then the body padded to 4 bytes. */
export function emfRecord(type: number, body: number[]): number[] {
  const padded = pad4(body);
  return [...u32(type), ...u32(8 + padded.length), ...padded];
}

/** An EMRTEXT with its string (`offString` counted from the record's start, at `at`) and its spacing array. */
function emrText(at: number, chars: number, string: number[], options = 0): number[] {
  const struct = 40;
  const offString = at + struct;
  const padded = pad4(string);
  const offDx = offString + padded.length;
  return [...zeros(8), ...u32(chars), ...u32(offString), ...u32(options), ...zeros(16), ...u32(offDx), ...padded, ...zeros(chars * 4)];
}

/** EMR_EXTTEXTOUTW (84): the text in UTF-16LE. */
export function extTextOutW(text: string, options = 0): number[] {
  const s = utf16(text);
  return emfRecord(84, [...zeros(16), ...u32(1), ...zeros(8), ...emrText(36, s.length / 2, s, options)]);
}

/** EMR_EXTTEXTOUTA (83): the text in the bytes given (GBK on Chinese Windows). */
export function extTextOutA(bytes: Uint8Array): number[] {
  return emfRecord(83, [...zeros(16), ...u32(1), ...zeros(8), ...emrText(36, bytes.length, [...bytes])]);
}

/** EMR_POLYTEXTOUTW (97): several strings, the EMRTEXT structures first, then the strings. */
export function polyTextOutW(texts: string[]): number[] {
  const strings = texts.map(utf16);
  let at = 40 + texts.length * 40;
  const structs: number[] = [];
  const tail: number[] = [];
  for (const s of strings) {
    structs.push(...zeros(8), ...u32(s.length / 2), ...u32(at), ...u32(0), ...zeros(16), ...u32(0));
    tail.push(...pad4(s));
    at += pad4(s).length;
  }
  return emfRecord(97, [...zeros(16), ...u32(1), ...zeros(8), ...u32(texts.length), ...structs, ...tail]);
}

/** An EMF+ record (type, flags, size, data size, data). */
export function emfPlusRecord(type: number, data: number[]): number[] {
  const padded = pad4(data);
  return [...u16(type), ...u16(0), ...u32(12 + padded.length), ...u32(padded.length), ...padded];
}

/** EmfPlusDrawString (0x401C): brush, format, length, layout rectangle, the string. */
export function drawString(text: string): number[] {
  const s = utf16(text);
  return emfPlusRecord(0x401c, [...u32(0), ...u32(0), ...u32(s.length / 2), ...zeros(16), ...s]);
}

/** EMR_COMMENT (70) carrying EMF+ records (a dual EMF, as Office writes charts). */
export function emfPlusComment(records: number[][]): number[] {
  const data = [...u32(0x2b464d45), ...records.flat()];
  return emfRecord(70, [...u32(data.length), ...data]);
}

export const EMR_EOF: number[] = emfRecord(14, [...u32(0), ...u32(16), ...u32(20)]);

/** An EMF: the header (with a description), the records, the end record. */
export function emf(records: number[][], options: { description?: string; end?: boolean } = {}): Buffer {
  const description = options.description === undefined ? [] : pad4(utf16(options.description));
  const headerSize = 108 + description.length;
  const body = records.flat();
  const end = options.end === false ? [] : EMR_EOF;
  const total = headerSize + body.length + end.length;
  const header = [
    ...u32(1),
    ...u32(headerSize),
    ...zeros(32), // bounds, frame
    ...u32(0x464d4520),
    ...u32(0x10000),
    ...u32(total),
    ...u32(records.length + 2),
    ...u16(1),
    ...u16(0),
    ...u32(description.length / 2),
    ...u32(description.length > 0 ? 108 : 0),
    ...u32(0),
    ...u32(1920),
    ...u32(1080),
    ...u32(508),
    ...u32(285),
    ...zeros(20), // cbPixelFormat, offPixelFormat, bOpenGL, micrometers
    ...description,
  ];
  return Buffer.from([...header, ...body, ...end]);
}

/** A bar chart as Office draws one: title, axis labels, values, an EMF+ copy of the title. */
export function chartEmf(title: string, labels: string[]): Buffer {
  return emf([emfPlusComment([drawString(title)]), extTextOutW(title), ...labels.map((l) => extTextOutW(l)), polyTextOutW(['0', '500', '1000'])], { description: 'Microsoft Office\u0000chart1.emf\u0000' });
}

// ---------------------------------------------------------------- WMF

/** A WMF record: size in 16-bit words, function, parameters (padded to 2 bytes). */
export function wmfRecord(fn: number, params: number[]): number[] {
  const p = params.length % 2 ? [...params, 0] : params;
  return [...u32((6 + p.length) / 2), ...u16(fn), ...p];
}

/** META_EXTTEXTOUT (0x0A32): y, x, length, options, the rectangle when ETO_OPAQUE or ETO_CLIPPED, the string. */
export function wmfExtTextOut(bytes: Uint8Array, options = 0): number[] {
  const rect = options & 0x6 ? zeros(8) : [];
  return wmfRecord(0x0a32, [...u16(100), ...u16(50), ...u16(bytes.length), ...u16(options), ...rect, ...(bytes.length % 2 ? [...bytes, 0] : [...bytes])]);
}

/** META_TEXTOUT (0x0521): length, the string (padded), y, x. */
export function wmfTextOut(bytes: Uint8Array): number[] {
  return wmfRecord(0x0521, [...u16(bytes.length), ...(bytes.length % 2 ? [...bytes, 0] : [...bytes]), ...u16(100), ...u16(50)]);
}

/** A WMF (with the placeable header unless `placeable` is false), its records and META_EOF. */
export function wmf(records: number[][], options: { placeable?: boolean; end?: boolean } = {}): Buffer {
  const body = records.flat();
  const end = options.end === false ? [] : wmfRecord(0, []);
  const words = (18 + body.length + end.length) / 2;
  const header = [...u16(1), ...u16(9), ...u16(0x0300), ...u32(words), ...u16(0), ...u32(64), ...u16(0)];
  const placeable = options.placeable === false ? [] : [...u32(0x9ac6cdd7), ...u16(0), ...zeros(8), ...u16(1440), ...u32(0), ...u16(0)];
  return Buffer.from([...placeable, ...header, ...body, ...end]);
}

// ---------------------------------------------------------------- BMP

/** A 2×2 24-bit BMP. */
export function bmp(): Buffer {
  const pixels = zeros(16);
  const size = 14 + 40 + pixels.length;
  return Buffer.from([0x42, 0x4d, ...u32(size), ...u32(0), ...u32(54), ...u32(40), ...u32(2), ...u32(2), ...u16(1), ...u16(24), ...u32(0), ...u32(pixels.length), ...u32(2835), ...u32(2835), ...u32(0), ...u32(0), ...pixels]);
}
