/**
 * Pictures that carry text of their own: a chart or diagram pasted into Word
 * or PowerPoint as a Windows metafile (EMF, WMF: what WPS and Office make of a
 * chart copied as a picture) and an Office 365 SVG icon. Their labels are text
 * drawn by records, and are checked like every other piece of a document
 * (`说明.docx › 嵌入对象 › image3.emf › 文字`).
 *
 * - EMF (MS-EMF): the header (EMR_HEADER, " EMF" signature) and its
 *   description (the application, often a file name); EMR_EXTTEXTOUTW/A,
 *   EMR_POLYTEXTOUTW/A and EMR_SMALLTEXTOUT; inside EMR_COMMENT, the EMF+
 *   records of a dual metafile (EmfPlusDrawString, EmfPlusDrawDriverString
 *   when it holds characters) and the description of a public
 *   EMR_COMMENT_BEGINGROUP. ANSI strings are decoded as GB18030.
 * - WMF (MS-WMF), with or without the placeable header: META_TEXTOUT and
 *   META_EXTTEXTOUT, decoded as GB18030.
 * - SVG (only inside a document: an SVG on its own would be a page of the
 *   site's origin, refused by asset-active), through the project's XML reader
 *   (pipeline/read/xml.ts, DOCTYPE refused): the text of every element and the
 *   attribute values that are not geometry or style; pictures in `data:` URIs
 *   are handed on as embedded files, scripts and event handlers listed as
 *   active content.
 *
 * The bytes may be hostile: every record's size is checked (at least 8 bytes,
 * a multiple of 4, inside the file), records are counted and capped, and a
 * metafile must end with its end record and nothing after it. What does not
 * read is refused with a fix, never an exception of another kind, never a loop.
 * Strings drawn as glyph indices (ETO_GLYPH_INDEX) are numbers in a font, not
 * characters, and are passed over.
 */
import type { Text } from '../messages/text.ts';
import { embed, emptyDocument, UnreadableError, type ReadDocument } from './document.ts';
import { local, parseXml } from './xml.ts';

export const FIX_PICTURE: Text = {
  zh: '在 WPS 或 Office 中右键该图片，另存为 PNG 图片，删除原图片后插入该 PNG，重新保存文档（单独上传的图片改为上传该 PNG）',
  en: 'in WPS or Office, right-click the picture and save it as a PNG picture (另存为图片 → PNG), replace the picture with that PNG and save the document again (a picture attached on its own: attach the PNG instead)',
};

/** Records read in one metafile at most (a chart of several MB has tens of thousands). */
export const MAX_PICTURE_RECORDS = 1_000_000;

const ETO_OPAQUE = 0x0002;
const ETO_CLIPPED = 0x0004;
const ETO_GLYPH_INDEX = 0x0010;
const ETO_NO_RECT = 0x0100;
const ETO_SMALL_CHARS = 0x0200;

const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

const UTF16LE = new TextDecoder('utf-16le');
const GB18030 = new TextDecoder('gb18030');
const LATIN1 = new TextDecoder('latin1');

/** Lines of text found in a picture, by where they are (`文字`, `说明`), each once. */
class Lines {
  private readonly by = new Map<string, string[]>();
  private readonly seen = new Set<string>();

  add(where: string, raw: string): void {
    // Strings are NUL-terminated or NUL-padded; a NUL inside one separates two.
    for (const part of raw.split('\u0000')) {
      const text = part.trim();
      if (text === '' || this.seen.has(`${where}\u0000${text}`)) continue;
      this.seen.add(`${where}\u0000${text}`);
      let lines = this.by.get(where);
      if (!lines) this.by.set(where, (lines = []));
      lines.push(text);
    }
  }

  /** A piece per place, a line per string: numbers drawn apart never run on into one. */
  into(doc: ReadDocument): ReadDocument {
    for (const [where, lines] of this.by) doc.texts.push({ where, text: lines.join('\n') });
    return doc;
  }
}

function refusal(kind: string, why: Text, where?: string): UnreadableError {
  return new UnreadableError(
    { zh: `${kind} 图片无法完整读取（${why.zh}）：其中的文字未经检查，予以拒绝`, en: `the ${kind} picture cannot be read to its end (${why.en}): its text would pass unchecked, so it is refused` },
    FIX_PICTURE,
    where,
  );
}

/** After the end record only padding: anything else is data no record draws. */
function checkTrailing(b: Uint8Array, end: number, kind: string): void {
  for (let i = end; i < b.length; i++) {
    if (b[i] !== 0) throw refusal(kind, { zh: `结束记录之后还有 ${b.length - end} 字节数据`, en: `${b.length - end} bytes of data follow the end record` });
  }
}

// ---------------------------------------------------------------- EMF

const EMR_HEADER = 1;
const EMR_EOF = 14;
const EMR_COMMENT = 70;
const EMR_EXTTEXTOUTA = 83;
const EMR_EXTTEXTOUTW = 84;
const EMR_POLYTEXTOUTA = 96;
const EMR_POLYTEXTOUTW = 97;
const EMR_SMALLTEXTOUT = 108;
const EMF_SIGNATURE = 0x464d4520;
const EMFPLUS = 0x2b464d45;
const GDIC = 0x43494447;
const EMR_COMMENT_BEGINGROUP = 0x00000002;
const EMFPLUS_DRAWSTRING = 0x401c;
const EMFPLUS_DRAWDRIVERSTRING = 0x4036;
/** The records that may hold text: the others (drawing, state, bitmaps) are only stepped over. */
const EMF_READ = new Set([EMR_COMMENT, EMR_EXTTEXTOUTA, EMR_EXTTEXTOUTW, EMR_POLYTEXTOUTA, EMR_POLYTEXTOUTW, EMR_SMALLTEXTOUT]);

/**
 * One EMRTEXT at `t` in the record `r` (its offsets count from the record's
 * start); its size (with or without its rectangle), or a refusal.
 */
function emrText(r: Uint8Array, t: number, wide: boolean, lines: Lines, where: () => string): number {
  if (t + 24 > r.length) throw refusal('EMF', { zh: '文字记录短于其结构', en: 'a text record is shorter than its structure' }, where());
  const chars = u32(r, t + 8);
  const offset = u32(r, t + 12);
  const options = u32(r, t + 16);
  const size = options & ETO_NO_RECT ? 24 : 40;
  const length = wide ? chars * 2 : chars;
  if (chars > 0 && (offset > r.length || length > r.length - offset)) throw refusal('EMF', { zh: '文字记录中的字符串超出记录范围', en: 'the string of a text record lies outside the record' }, where());
  if (chars > 0 && !(options & ETO_GLYPH_INDEX)) lines.add('文字', (wide ? UTF16LE : GB18030).decode(r.subarray(offset, offset + length)));
  return size;
}

/** The EMF+ records of one EMR_COMMENT, in [start, end) of the record `r`. */
function emfPlus(r: Uint8Array, start: number, end: number, lines: Lines, where: () => string): void {
  for (let at = start; at < end; ) {
    if (at + 12 > end) throw refusal('EMF', { zh: 'EMF+ 记录被截断', en: 'an EMF+ record is truncated' }, where());
    const type = u16(r, at);
    const size = u32(r, at + 4);
    const dataSize = u32(r, at + 8);
    if (size < 12 || size % 4 !== 0 || size > end - at || dataSize > size - 12) throw refusal('EMF', { zh: `EMF+ 记录的长度 ${size} 不合规范或超出所在记录`, en: `an EMF+ record's size ${size} is invalid or runs past its record` }, where());
    const d = at + 12;
    if (type === EMFPLUS_DRAWSTRING) {
      if (dataSize < 28) throw refusal('EMF', { zh: 'EMF+ 文字记录短于其结构', en: 'an EMF+ string record is shorter than its structure' }, where());
      const chars = u32(r, d + 8);
      if (chars * 2 > dataSize - 28) throw refusal('EMF', { zh: 'EMF+ 文字记录中的字符串超出记录范围', en: 'the string of an EMF+ string record runs past the record' }, where());
      lines.add('文字', UTF16LE.decode(r.subarray(d + 28, d + 28 + chars * 2)));
    } else if (type === EMFPLUS_DRAWDRIVERSTRING) {
      if (dataSize < 16) throw refusal('EMF', { zh: 'EMF+ 文字记录短于其结构', en: 'an EMF+ string record is shorter than its structure' }, where());
      const options = u32(r, d + 4);
      const glyphs = u32(r, d + 12);
      if (glyphs * 2 > dataSize - 16) throw refusal('EMF', { zh: 'EMF+ 文字记录中的字符串超出记录范围', en: 'the string of an EMF+ string record runs past the record' }, where());
      // DriverStringOptionsCmapLookup: the "glyphs" are characters.
      if (options & 1) lines.add('文字', UTF16LE.decode(r.subarray(d + 16, d + 16 + glyphs * 2)));
    }
    at += size;
  }
}

function emfRecord(type: number, r: Uint8Array, lines: Lines, where: () => string): void {
  if (type === EMR_EXTTEXTOUTW || type === EMR_EXTTEXTOUTA) {
    emrText(r, 36, type === EMR_EXTTEXTOUTW, lines, where);
  } else if (type === EMR_POLYTEXTOUTW || type === EMR_POLYTEXTOUTA) {
    if (r.length < 40) throw refusal('EMF', { zh: '文字记录短于其结构', en: 'a text record is shorter than its structure' }, where());
    const count = u32(r, 36);
    // Each EMRTEXT takes at least 24 bytes: a count past the record is refused at the first one outside it.
    for (let i = 0, t = 40; i < count; i++) t += emrText(r, t, type === EMR_POLYTEXTOUTW, lines, where);
  } else if (type === EMR_SMALLTEXTOUT) {
    if (r.length < 36) throw refusal('EMF', { zh: '文字记录短于其结构', en: 'a text record is shorter than its structure' }, where());
    const chars = u32(r, 16);
    const options = u32(r, 20);
    const at = options & ETO_NO_RECT ? 36 : 52;
    const small = (options & ETO_SMALL_CHARS) !== 0;
    const length = small ? chars : chars * 2;
    if (at > r.length || length > r.length - at) throw refusal('EMF', { zh: '文字记录中的字符串超出记录范围', en: 'the string of a text record lies outside the record' }, where());
    if (!(options & ETO_GLYPH_INDEX)) lines.add('文字', (small ? LATIN1 : UTF16LE).decode(r.subarray(at, at + length)));
  } else if (type === EMR_COMMENT) {
    if (r.length < 12) throw refusal('EMF', { zh: '注释记录短于其结构', en: 'a comment record is shorter than its structure' }, where());
    const dataSize = u32(r, 8);
    if (dataSize > r.length - 12) throw refusal('EMF', { zh: '注释记录的数据超出记录范围', en: "a comment record's data runs past the record" }, where());
    if (dataSize < 4) return;
    const identifier = u32(r, 12);
    if (identifier === EMFPLUS) emfPlus(r, 16, 12 + dataSize, lines, where);
    else if (identifier === GDIC && dataSize >= 28 && u32(r, 16) === EMR_COMMENT_BEGINGROUP) {
      const chars = u32(r, 36);
      if (chars * 2 > dataSize - 28) throw refusal('EMF', { zh: '分组注释的说明超出记录范围', en: "a group comment's description runs past the record" }, where());
      lines.add('说明', UTF16LE.decode(r.subarray(40, 40 + chars * 2)));
    }
  }
}

export function readEmf(bytes: Uint8Array): ReadDocument {
  const b = bytes;
  if (b.length < 88 || u32(b, 0) !== EMR_HEADER || u32(b, 40) !== EMF_SIGNATURE) {
    throw new UnreadableError({ zh: '文件扩展名为 .emf，实际不是 EMF 图片（没有 EMF 文件头）', en: 'the file is named .emf but is not an EMF picture (it has no EMF header)' }, FIX_PICTURE);
  }
  const lines = new Lines();
  const headerSize = u32(b, 4);
  if (headerSize < 88 || headerSize % 4 !== 0 || headerSize > b.length) throw refusal('EMF', { zh: `文件头记录的长度 ${headerSize} 不合规范`, en: `the header record's size ${headerSize} is invalid` }, '文件头');
  const described = u32(b, 60);
  const offDescription = u32(b, 64);
  if (described > 0) {
    if (offDescription < 88 || offDescription > headerSize || described * 2 > headerSize - offDescription) throw refusal('EMF', { zh: '文件头中的说明超出文件头范围', en: "the header's description lies outside the header" }, '文件头');
    lines.add('说明', UTF16LE.decode(b.subarray(offDescription, offDescription + described * 2)));
  }
  let records = 0;
  for (let at = headerSize; ; ) {
    records++;
    const where = () => `第${records}条记录（偏移 ${at}）`;
    if (at + 8 > b.length) throw refusal('EMF', { zh: '文件在结束记录之前截断', en: 'the file ends before its end record' }, where());
    if (records > MAX_PICTURE_RECORDS) throw refusal('EMF', { zh: `记录超过 ${MAX_PICTURE_RECORDS} 条`, en: `it has more than ${MAX_PICTURE_RECORDS} records` }, where());
    const type = u32(b, at);
    const size = u32(b, at + 4);
    if (size < 8 || size % 4 !== 0 || size > b.length - at) throw refusal('EMF', { zh: `记录长度 ${size} 不合规范或超出文件`, en: `a record's size ${size} is invalid or runs past the end of the file` }, where());
    if (type === EMR_HEADER) throw refusal('EMF', { zh: '文件中间又出现文件头记录', en: 'a second header record appears inside the file' }, where());
    if (type === EMR_EOF) {
      checkTrailing(b, at + size, 'EMF');
      break;
    }
    if (EMF_READ.has(type)) emfRecord(type, b.subarray(at, at + size), lines, where);
    at += size;
  }
  return lines.into(emptyDocument('emf'));
}

// ---------------------------------------------------------------- WMF

const PLACEABLE = 0x9ac6cdd7;
const META_EOF = 0x0000;
const META_TEXTOUT = 0x0521;
const META_EXTTEXTOUT = 0x0a32;

export function readWmf(bytes: Uint8Array): ReadDocument {
  const b = bytes;
  const start = b.length >= 4 && u32(b, 0) === PLACEABLE ? 22 : 0;
  const type = u16(b, start);
  const version = u16(b, start + 4);
  if (b.length < start + 18 || (type !== 1 && type !== 2) || u16(b, start + 2) !== 9 || (version !== 0x0100 && version !== 0x0300)) {
    throw new UnreadableError({ zh: '文件扩展名为 .wmf，实际不是 WMF 图片（没有 WMF 文件头）', en: 'the file is named .wmf but is not a WMF picture (it has no WMF header)' }, FIX_PICTURE);
  }
  const lines = new Lines();
  let records = 0;
  for (let at = start + 18; ; ) {
    records++;
    const where = () => `第${records}条记录（偏移 ${at}）`;
    if (at + 6 > b.length) throw refusal('WMF', { zh: '文件在结束记录之前截断', en: 'the file ends before its end record' }, where());
    if (records > MAX_PICTURE_RECORDS) throw refusal('WMF', { zh: `记录超过 ${MAX_PICTURE_RECORDS} 条`, en: `it has more than ${MAX_PICTURE_RECORDS} records` }, where());
    // The size counts 16-bit words.
    const size = u32(b, at) * 2;
    const fn = u16(b, at + 4);
    if (size < 6 || size > b.length - at) throw refusal('WMF', { zh: `记录长度 ${size} 字节不合规范或超出文件`, en: `a record's size of ${size} bytes is invalid or runs past the end of the file` }, where());
    if (fn === META_EOF) {
      checkTrailing(b, at + size, 'WMF');
      break;
    }
    const r = b.subarray(at, at + size);
    if (fn === META_TEXTOUT) {
      const length = r.length >= 8 ? u16(r, 6) : -1;
      if (length < 0 || length > r.length - 8) throw refusal('WMF', { zh: '文字记录中的字符串超出记录范围', en: 'the string of a text record lies outside the record' }, where());
      lines.add('文字', GB18030.decode(r.subarray(8, 8 + length)));
    } else if (fn === META_EXTTEXTOUT) {
      if (r.length < 14) throw refusal('WMF', { zh: '文字记录短于其结构', en: 'a text record is shorter than its structure' }, where());
      const length = u16(r, 10);
      const options = u16(r, 12);
      const s = options & (ETO_OPAQUE | ETO_CLIPPED) ? 22 : 14;
      if (s > r.length || length > r.length - s) throw refusal('WMF', { zh: '文字记录中的字符串超出记录范围', en: 'the string of a text record lies outside the record' }, where());
      if (!(options & ETO_GLYPH_INDEX)) lines.add('文字', GB18030.decode(r.subarray(s, s + length)));
    }
    at += size;
  }
  return lines.into(emptyDocument('wmf'));
}

// ---------------------------------------------------------------- SVG

/** Attributes that are geometry, style or references inside the picture: numbers and names, nothing a writer typed. */
const GEOMETRY = /^(?:d|points|transform|viewBox|x|y|x1|x2|y1|y2|cx|cy|r|rx|ry|fx|fy|dx|dy|rotate|width|height|fill|stroke|style|class|id|opacity|offset|version|baseProfile|preserveAspectRatio|overflow|display|visibility|mask|filter|clip-path|clip-rule|fill-rule|text-anchor|dominant-baseline|gradientUnits|gradientTransform|spreadMethod|patternUnits|patternTransform|markerWidth|markerHeight|refX|refY|orient|pathLength|stdDeviation|in|in2|result|mode|operator|values|type|xml:space|space|enable-background|(?:fill|stroke|font|stop|color|text|letter|word|flood|lighting|marker|clip|shape|image)-[a-z-]+)$/;
const DATA_PICTURE = /^data:image\/(png|jpeg|jpg|gif|webp|svg\+xml|bmp|tiff)(;[^,]*)?,/i;
const PLACES: Record<string, string> = { title: '标题', desc: '说明', metadata: '元数据' };

/** An SVG inside a document (only there: on its own it would be a page of the site's origin). */
export function readSvg(bytes: Uint8Array, name: string): ReadDocument {
  const doc = emptyDocument('svg');
  const lines = new Lines();
  const stack: string[] = [];
  let root: string | undefined;
  let pictures = 0;
  let scripts = false;
  const handlers = new Set<string>();
  parseXml(bytes, name, {
    open(tag, attributes) {
      const l = local(tag);
      root ??= l;
      stack.push(l);
      if (l === 'script') scripts = true;
      for (const [key, value] of Object.entries(attributes)) {
        const k = local(key);
        if (key === 'xmlns' || key.startsWith('xmlns:') || value.trim() === '') continue;
        if (/^on/i.test(k)) {
          handlers.add(k);
          continue;
        }
        const trimmed = value.trim();
        if (trimmed.startsWith('data:')) {
          // A picture in the picture: checked as a file of its own (a photograph's EXIF, an SVG's text); other data is refused unread.
          const data = DATA_PICTURE.exec(trimmed);
          const ext = data ? data[1]!.toLowerCase().replace('svg+xml', 'svg').replace('jpeg', 'jpg') : 'bin';
          const payload = trimmed.slice(data ? data[0].length : 0);
          let content: Uint8Array;
          try {
            content = data && /;base64$/i.test(data[2] ?? '') ? Buffer.from(payload, 'base64') : Buffer.from(data ? decodeURIComponent(payload) : payload, 'utf8');
          } catch {
            content = Buffer.from(payload, 'utf8');
          }
          pictures++;
          embed(doc, `图片 › image-${pictures}.${ext}`, `image-${pictures}.${ext}`, content);
        } else if (!GEOMETRY.test(k)) lines.add('属性', value);
      }
    },
    text(t) {
      if (t.trim() === '') return;
      let place = '文字';
      for (const l of stack) if (PLACES[l]) place = PLACES[l]!;
      lines.add(place, t);
    },
    close() {
      stack.pop();
    },
  });
  if (root !== 'svg') throw new UnreadableError({ zh: `文件扩展名为 .svg，实际不是 SVG 图片（根元素为 ${root ?? '空'}）`, en: `the file is named .svg but is not an SVG picture (its root element is ${root ?? 'missing'})` }, FIX_PICTURE);
  if (scripts) doc.active.push({ where: '脚本', what: { zh: 'SVG 图片中的脚本', en: 'a script in an SVG picture' }, fix: FIX_PICTURE });
  if (handlers.size > 0) doc.active.push({ where: '事件属性', what: { zh: `SVG 图片中的事件处理属性（${[...handlers].join('、')}）`, en: `event handlers in an SVG picture (${[...handlers].join(', ')})` }, fix: FIX_PICTURE });
  return lines.into(doc);
}

// ---------------------------------------------------------------- which

export const PICTURE_READERS: Record<string, (bytes: Uint8Array, name: string) => ReadDocument> = { emf: readEmf, wmf: readWmf, svg: readSvg };
