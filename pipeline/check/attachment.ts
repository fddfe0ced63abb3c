/**
 * Attached files the site serves, read in their real format (Trust model 12):
 *
 * - text (.txt, .csv, .tsv, .html, .htm, .md) in UTF-8, GB18030/GBK or UTF-16
 *   with a BOM is decoded and scanned like an entry, with its line numbers;
 *   bytes that decode as none of them are refused (never scanned as mojibake);
 * - images (PNG, JPEG, WebP, GIF, TIFF) are checked for embedded metadata,
 *   a BMP's header for its sizes;
 * - pictures that carry text (EMF and WMF charts and diagrams; SVG only inside
 *   a document, never on its own) are read like documents (pipeline/read/picture.ts);
 * - DOCX/XLSX/PPTX, PDF and OFD are read by a format reader (pipeline/read,
 *   in a worker with a time limit) and every piece of their text is scanned,
 *   with its place in the file (`Sheet2（隐藏） › C14`); what they hide is
 *   warned about, what would run is refused;
 * - a ZIP archive is read member by member, each member by the reader for
 *   its type (`资料.zip › 名单.xlsx › Sheet1 › C3`); a member no reader can
 *   read refuses the archive, with a fix naming the member;
 * - legacy Office, WPS and RAR/7z archives are refused with a fix a writer
 *   can follow; any other type is refused unless a security administrator
 *   waives its bytes.
 *
 * `scanAttachment` is pure and synchronous: for a document it takes what the
 * reader found (`context.reading`). `checkAttachment` reads first, then scans,
 * and follows embedded files to a bounded depth.
 */
import type { ChecksConfig } from './config.ts';
import { ScanOptions } from './compile.ts';
import { sha256Hex, type CheckFinding, type Hit } from './finding.ts';
import { imageFormat, imageMetadata, isIdentifying, type ImageFormat } from './image-metadata.ts';
import { LineIndex } from './normalise.ts';
import { finalise } from './report.ts';
import { checkRule, ruleFix, type CheckRuleId } from './rules.ts';
import { afterCjk, type Text } from '../messages/text.ts';
import { analyseText, type ScanContext } from './scan.ts';
import { extensionOf, FIX_UNPACK, needsReader, type DocumentReader, type EmbeddedFile, type ReadDocument, type ReadOutcome, type ReadRefusal } from '../read/index.ts';

const EMPTY = new Uint8Array(0);

export const TEXT_ATTACHMENTS = ['txt', 'csv', 'tsv', 'html', 'htm', 'md'] as const;
export const IMAGE_ATTACHMENTS: Record<string, ImageFormat> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp', gif: 'gif', bmp: 'bmp', tif: 'tiff', tiff: 'tiff' };

export type TextEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';
export type TextDecodeResult = { ok: true; text: string; encoding: TextEncoding } | { ok: false; encoding: 'utf-16' | 'utf-32' | 'binary' };

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const GB18030 = new TextDecoder('gb18030', { fatal: true });
const UTF16LE = new TextDecoder('utf-16le', { fatal: true });
const UTF16BE = new TextDecoder('utf-16be', { fatal: true });

function strict(decoder: TextDecoder, bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Strict UTF-8 (a BOM is dropped); UTF-16 when a BOM says so; GB18030 (a
 * superset of GBK and GB2312, what Excel and Notepad write on Chinese
 * Windows) when the bytes decode strictly as it and contain CJK text.
 * Otherwise say what the bytes look like: UTF-16 without a BOM (by its NUL
 * pattern), UTF-32, or binary; those are refused.
 */
export function decodeText(bytes: Uint8Array): TextDecodeResult {
  if (bytes.length >= 4 && ((bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff))) {
    return { ok: false, encoding: 'utf-32' };
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const le = bytes[0] === 0xff;
    const text = strict(le ? UTF16LE : UTF16BE, bytes.subarray(2));
    return text !== undefined && !text.includes('\u0000') ? { ok: true, text, encoding: le ? 'utf-16le' : 'utf-16be' } : { ok: false, encoding: 'utf-16' };
  }
  const text = strict(UTF8, bytes);
  if (text !== undefined && !text.includes('\u0000')) return { ok: true, text, encoding: 'utf-8' };
  if (bytes.includes(0)) {
    // Latin text in UTF-16 has a NUL in every other byte, on one side only.
    const n = Math.min(bytes.length, 4096);
    const zeros = [0, 0];
    for (let i = 0; i < n; i++) if (bytes[i] === 0) zeros[i % 2]!++;
    const half = n / 2;
    const [even, odd] = [zeros[0]! / Math.ceil(half), zeros[1]! / Math.max(1, Math.floor(half))];
    return { ok: false, encoding: n >= 8 && Math.max(even, odd) > 0.4 && Math.min(even, odd) < 0.05 ? 'utf-16' : 'binary' };
  }
  const gb = strict(GB18030, bytes);
  if (gb !== undefined && /[\u3400-\u9fff]/.test(gb)) return { ok: true, text: gb, encoding: 'gb18030' };
  return { ok: false, encoding: 'binary' };
}

function fileHit(rule: CheckRuleId, value: string, message: Text, fix?: Text): Hit {
  const info = checkRule(rule);
  return { rule, severity: info.severity, start: 0, end: 0, value, message, fix: fix ?? ruleFix(info) };
}

/** A finding about the whole file, or about one place in it. */
function fileFinding(name: string, rule: CheckRuleId, value: string, message: Text, options: { fix?: Text; location?: string; transient?: true } = {}): CheckFinding {
  const [f] = finalise('', [fileHit(rule, value, message, options.fix)], name);
  if (options.location !== undefined) f!.location = options.location;
  if (options.transient) f!.transient = true;
  return f!;
}

const ENCODING_NAMES = { 'utf-16': 'UTF-16 without a byte-order mark', 'utf-32': 'UTF-32', binary: 'not text' } as const;
const ENCODING_NAMES_ZH = { 'utf-16': '不带字节顺序标记（BOM）的 UTF-16', 'utf-32': 'UTF-32', binary: '非文本' } as const;

const FIX_RESAVE_ATTACHMENT: Text = {
  zh: '用 WPS 或 Office 打开文件，去掉其中嵌入的文件后重新保存（文件 → 另存为），嵌入的文件单独上传',
  en: 'open the file in WPS or Office, save it again (文件 → 另存为) without the files embedded in it, and attach those files on their own',
};

const SAVE_AS_PDF: Text = { zh: '导出为 PDF，或另存为 DOCX/XLSX（WPS 或 Office：文件 → 另存为），改为上传该副本', en: 'export it as PDF, or save it as DOCX/XLSX (WPS or Office: 文件 → 另存为), and attach that copy instead' };

/** Types refused by name, each with what the writer does instead. */
const REFUSED_TYPES: Record<string, { what: Text; fix: Text }> = {
  doc: { what: { zh: '旧版 Word 文档（.doc）', en: 'a legacy Word document (.doc)' }, fix: { zh: '用 WPS 或 Word 打开，另存为 DOCX（文件 → 另存为 → Word 文档 .docx）或导出为 PDF，上传该副本', en: 'open it in WPS or Word and save it as DOCX (文件 → 另存为 → Word 文档 .docx), or export it as PDF, and attach that copy' } },
  xls: { what: { zh: '旧版 Excel 工作簿（.xls）', en: 'a legacy Excel workbook (.xls)' }, fix: { zh: '用 WPS 或 Excel 打开，另存为 XLSX（文件 → 另存为 → Excel 工作簿 .xlsx），上传该副本', en: 'open it in WPS or Excel and save it as XLSX (文件 → 另存为 → Excel 工作簿 .xlsx), and attach that copy' } },
  ppt: { what: { zh: '旧版 PowerPoint 文件（.ppt）', en: 'a legacy PowerPoint file (.ppt)' }, fix: { zh: '用 WPS 或 PowerPoint 打开，另存为 PPTX 或 PDF（文件 → 另存为），上传该副本', en: 'open it in WPS or PowerPoint and save it as PPTX or PDF (文件 → 另存为), and attach that copy' } },
  pps: { what: { zh: '旧版 PowerPoint 放映文件（.pps）', en: 'a legacy PowerPoint show (.pps)' }, fix: SAVE_AS_PDF },
  rtf: { what: { zh: 'RTF 文档', en: 'an RTF document' }, fix: SAVE_AS_PDF },
  wps: { what: { zh: 'WPS 文字文档（.wps）', en: 'a WPS 文字 document (.wps)' }, fix: { zh: '用 WPS 打开，另存为 DOCX（文件 → 另存为 → .docx）或导出为 PDF，上传该副本', en: 'open it in WPS and save it as DOCX (文件 → 另存为 → .docx) or export it as PDF, and attach that copy' } },
  et: { what: { zh: 'WPS 表格工作簿（.et）', en: 'a WPS 表格 workbook (.et)' }, fix: { zh: '用 WPS 打开，另存为 XLSX（文件 → 另存为 → .xlsx），上传该副本', en: 'open it in WPS and save it as XLSX (文件 → 另存为 → .xlsx), and attach that copy' } },
  dps: { what: { zh: 'WPS 演示文件（.dps）', en: 'a WPS 演示 file (.dps)' }, fix: { zh: '用 WPS 打开，另存为 PPTX 或 PDF（文件 → 另存为），上传该副本', en: 'open it in WPS and save it as PPTX or PDF (文件 → 另存为), and attach that copy' } },
  rar: { what: { zh: 'RAR 压缩包', en: 'a RAR archive' }, fix: FIX_UNPACK },
  '7z': { what: { zh: '7z 压缩包', en: 'a 7z archive' }, fix: FIX_UNPACK },
  gz: { what: { zh: '压缩文件（.gz）', en: 'a compressed file (.gz)' }, fix: FIX_UNPACK },
  tar: { what: { zh: 'TAR 归档文件', en: 'a TAR archive' }, fix: FIX_UNPACK },
};

export interface AttachmentContext {
  column?: string;
  /** What the format reader found (documents only); without it a document is refused as unread. */
  reading?: ReadOutcome;
  /** The SHA-256 of the bytes, when the caller has it (a document's bytes have gone to its reader). */
  digest?: string;
}

/** Check one attachment; `name` is its repo-relative path (it names the file in the findings). */
export function scanAttachment(name: string, bytes: Uint8Array, options: ScanOptions | ChecksConfig, context: AttachmentContext = {}): CheckFinding[] {
  const ext = extensionOf(name);
  const digest = context.digest ?? sha256Hex(bytes);
  if ((TEXT_ATTACHMENTS as readonly string[]).includes(ext)) {
    const decoded = decodeText(bytes);
    if (!decoded.ok) {
      const message: Text =
        decoded.encoding === 'binary'
          ? { zh: `.${ext} 附件不是 UTF-8、GB18030/GBK 或 UTF-16 编码的文本：无法检查，予以拒绝`, en: `the .${ext} attachment is not text in UTF-8, GB18030/GBK or UTF-16: it cannot be scanned, so it is refused` }
          : { zh: `.${ext} 附件的编码为${ENCODING_NAMES_ZH[decoded.encoding]}：不按乱码检查，予以拒绝`, en: `the .${ext} attachment is encoded in ${ENCODING_NAMES[decoded.encoding]}: it is refused rather than scanned as garbled text` };
      return [fileFinding(name, 'attachment-encoding', digest, message)];
    }
    const scan: ScanContext = { file: name, joinLines: ext !== 'csv' && ext !== 'tsv' };
    if (context.column !== undefined) scan.column = context.column;
    const text = decoded.encoding === 'utf-8' && decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text;
    const analysis = analyseText(text, options, scan);
    return finalise(text, analysis.hits, name);
  }
  const image = IMAGE_ATTACHMENTS[ext];
  if (image) {
    const format = imageFormat(bytes);
    if (format !== image) {
      return [fileFinding(name, 'attachment-unscannable', digest, { zh: `文件扩展名为 .${ext}，实际${format ? `是 ${format.toUpperCase()} 图片` : '不是该类型的图片'}：予以拒绝`, en: `the file is named .${ext} but is ${format ? `a ${format.toUpperCase()} image` : 'not an image of that type'}: it is refused` })];
    }
    const meta = imageMetadata(bytes);
    if (meta.problems.length > 0) {
      return [fileFinding(name, 'attachment-unscannable', digest, { zh: `${format.toUpperCase()} 图片无法完整读取（${meta.problems[0]}）：其中可能藏有元数据，予以拒绝`, en: `the ${format.toUpperCase()} image cannot be read to its end (${meta.problems[0]}): metadata may hide in it, so it is refused` })];
    }
    const identifying = meta.items.filter(isIdentifying);
    if (identifying.length === 0) return [];
    const fields = [...new Set(identifying.map((i) => i.field))].join(', ');
    const gps = identifying.some((i) => i.kind === 'gps');
    const what = gps ? 'where the photograph was taken' : 'who took it or owns the camera';
    const whatZh = gps ? '照片的拍摄地点' : '拍摄者或相机所有人';
    return [fileFinding(name, 'image-metadata', digest, { zh: `图片内嵌的元数据（${fields}）透露了${whatZh}`, en: `the image carries embedded metadata (${fields}) that tells ${what}` })];
  }
  if (context.reading !== undefined || needsReader(name)) {
    const reading = context.reading;
    if (!reading) return [fileFinding(name, 'attachment-unscannable', digest, { zh: `.${ext} 附件未经相应格式的读取程序读取：未经读取的文件不予放行`, en: `the .${ext} attachment was not read by its format reader: it is refused rather than passed unread` }, { fix: { zh: '通过发布关口运行检查（sealpress check），它会读取文档', en: 'run the check through the gate (sealpress check), which reads documents' } })];
    if (!reading.ok) {
      const location = reading.refusal.where;
      return [fileFinding(name, 'attachment-unscannable', digest, reading.refusal.message, { fix: reading.refusal.fix, ...(location ? { location } : {}), ...(reading.refusal.transient ? { transient: true as const } : {}) })];
    }
    return scanDocument(name, reading.doc, options, context.column);
  }
  const refused = REFUSED_TYPES[ext];
  if (refused) return [fileFinding(name, 'attachment-unscannable', digest, { zh: `附件是${afterCjk(refused.what.zh)}，检查无法读取该格式：予以拒绝`, en: `the attachment is ${refused.what.en}, a format the checks cannot read: it is refused` }, { fix: refused.fix })];
  const kind = ext === 'svg' ? 'an SVG image (it can carry scripts and metadata)' : ext ? `a .${ext} file` : 'a file without an extension';
  const kindZh = ext === 'svg' ? ' SVG 图片（可能带有脚本和元数据）' : ext ? ` .${ext} 文件` : '没有扩展名的文件';
  return [fileFinding(name, 'attachment-unscannable', digest, { zh: `附件是${kindZh}，检查无法读取其内容：除非保密管理员签署豁免，否则予以拒绝`, en: `the attachment is ${kind}, whose content the checks cannot read: it is refused unless a security administrator waives it` })];
}

/** What a fake redaction is, by what hides the text. */
const COVERED: Record<'box' | 'annotation' | 'white', Text> = {
  box: {
    zh: '文字被其上绘制的填充方框遮盖：方框在屏幕和纸面上遮住了文字，但文字仍在文件中（假涂黑）',
    en: 'text lies under a filled box drawn over it: the box hides it on screen and on paper, but the text is still in the file (a fake redaction)',
  },
  annotation: {
    zh: '文字被其上的注释（方框或未应用的涂黑标记）遮盖：注释在屏幕和纸面上遮住了文字，但文字仍在文件中（假涂黑）',
    en: 'text lies under an annotation (a box or a redaction mark never applied) drawn over it: the annotation hides it on screen and on paper, but the text is still in the file (a fake redaction)',
  },
  white: {
    zh: '文字以白色绘制在白色页面上：屏幕和纸面上都看不见，但文字仍在文件中，任何人都能选中或复制（假涂黑）',
    en: 'text is drawn in white on the white page: no one sees it on screen or on paper, but it is in the file and anyone can select or copy it (a fake redaction)',
  },
};

/**
 * The rules over every piece of a document's text, scanned as one text (a
 * line per piece), each finding placed back in its piece: `location` is the
 * piece's place, line and column count within it.
 */
export function scanDocument(name: string, doc: ReadDocument, options: ScanOptions | ChecksConfig, column?: string): CheckFinding[] {
  const findings: CheckFinding[] = [];
  for (const a of doc.active) {
    findings.push(fileFinding(name, 'attachment-active', `${a.where}\u0000${a.what.en}`, { zh: `文件含有${afterCjk(a.what.zh)}，打开文件时会自动运行，无论其作用如何一律拒绝`, en: `the file contains ${a.what.en}, which runs when the file is opened: it is refused whatever it does` }, { location: a.where, ...(a.fix !== undefined ? { fix: a.fix } : {}) }));
  }
  const starts: number[] = [];
  const bodies: string[] = [];
  let length = 0;
  for (const piece of doc.texts) {
    starts.push(length);
    // A piece is one or more lines of its own: numbers never run on into the next piece.
    const body = piece.text.indexOf('\r') < 0 ? piece.text : piece.text.replace(/\r\n?/g, '\n');
    bodies.push(body);
    length += body.length + 1;
  }
  // Joined once: a sheet of 45,000 rows is 360,000 pieces.
  const text = bodies.length === 0 ? '' : `${bodies.join('\n')}\n`;
  if (text !== '') {
    const scan: ScanContext = { file: name, joinLines: false };
    if (column !== undefined) scan.column = column;
    // The line each piece starts on, counted only when something is found (a sheet is hundreds of thousands of pieces).
    let lines: LineIndex | undefined;
    for (const f of finalise(text, analyseText(text, options, scan).hits, name)) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= f.offset) lo = mid;
        else hi = mid - 1;
      }
      f.location = doc.texts[lo]!.where;
      const startLine = (lines ??= new LineIndex(text)).position(starts[lo]!).line;
      f.line -= startLine - 1;
      f.endLine -= startLine - 1;
      f.offset -= starts[lo]!;
      f.endOffset -= starts[lo]!;
      findings.push(f);
    }
  }
  for (const c of doc.covered) {
    findings.push(fileFinding(name, 'attachment-redaction', c.text, COVERED[c.how ?? 'box'], { location: c.where }));
  }
  for (const h of doc.hidden) {
    findings.push(fileFinding(name, 'attachment-hidden', `${h.where}\u0000${h.what.en}`, { zh: `公开的文件中保留有${afterCjk(h.what.zh)}，任何下载者都能将其显示出来`, en: `the published file keeps ${h.what.en}: anyone who downloads it can show it` }, { location: h.where }));
  }
  return findings;
}

/** Files read inside one attachment, all levels together: a zip of zips cannot multiply the caps of one zip. */
interface Budget {
  bytes: number;
  files: number;
}

/**
 * One document checked: its findings, and the files embedded in it still to
 * check (each in turn, as a file of its own: its own time limit, the caps of
 * the outer file). What crosses from a reading worker to the gate: findings,
 * never the document's text.
 */
export interface DocumentCheck {
  findings: CheckFinding[];
  embedded: EmbeddedFile[];
  /** The file is a ZIP archive: a member the checks cannot read refuses it with a fix naming the member. */
  archive: boolean;
}

/** What a reading worker needs to check a document after reading it: the configuration (plain data, compiled once per worker) and the file's context. */
export interface CheckRequest {
  /** SHA-256 of the configuration: a worker compiles a configuration once and keeps it under this key. */
  configKey: string;
  config: ChecksConfig;
  column?: string;
  digest: string;
}

/** A reader that also checks what it reads where it reads it (the worker pool): only findings come back. */
export interface DocumentChecker extends DocumentReader {
  check(name: string, bytes: Uint8Array, request: CheckRequest): Promise<DocumentCheck | { ok: false; refusal: ReadRefusal }>;
}

const isChecker = (reader: DocumentReader): reader is DocumentChecker => typeof (reader as Partial<DocumentChecker>).check === 'function';

/** The findings of a document as its reader found it (pure: run in the reading worker, or on this thread behind a plain reader). */
export function checkReading(name: string, reading: ReadOutcome, options: ScanOptions | ChecksConfig, context: { column?: string; digest: string }): DocumentCheck {
  const findings = scanAttachment(name, EMPTY, options, { ...(context.column !== undefined ? { column: context.column } : {}), reading, digest: context.digest });
  return reading.ok ? { findings, embedded: reading.doc.embedded, archive: reading.doc.format === 'zip' } : { findings, embedded: [], archive: false };
}

const configKeys = new WeakMap<ChecksConfig, string>();

/** The key a worker keeps a compiled configuration under: the SHA-256 of its JSON, taken once per configuration object. */
export function configKey(config: ChecksConfig): string {
  let key = configKeys.get(config);
  if (key === undefined) {
    key = sha256Hex(JSON.stringify(config));
    configKeys.set(config, key);
  }
  return key;
}

/** Read and check one document: in the reader's worker when the reader can (only findings cross threads), else read there and scan here. */
async function checkDocument(name: string, bytes: Uint8Array, options: ScanOptions | ChecksConfig, reader: DocumentReader, context: { column?: string; digest: string }): Promise<DocumentCheck> {
  if (!isChecker(reader)) return checkReading(name, await reader.read(name, bytes), options, context);
  const config = options instanceof ScanOptions ? options.config : options;
  const checked = await reader.check(name, bytes, { configKey: configKey(config), config, ...context });
  // The worker did not answer (stopped at the time limit, died): the file is refused with why, as an unread file is.
  return 'refusal' in checked ? checkReading(name, checked, options, context) : checked;
}

/**
 * Read (when the format needs it) and check one attachment, then every file
 * embedded in it, to `reader.limits.maxDepth`. Findings inside an embedded file
 * name the outer file, with the way in as their location. The files inside,
 * at every level, share the caps of one zip (`maxUncompressed`, `maxEntries`).
 */
export async function checkAttachment(name: string, bytes: Uint8Array, options: ScanOptions | ChecksConfig, context: { column?: string; reader: DocumentReader; depth?: number; budget?: Budget; digest?: string; inDocument?: boolean }): Promise<CheckFinding[]> {
  const depth = context.depth ?? 0;
  const budget = context.budget ?? { bytes: 0, files: 0 };
  const { limits } = context.reader;
  const base: AttachmentContext = context.column !== undefined ? { column: context.column } : {};
  if (!needsReader(name, context.inDocument)) return scanAttachment(name, bytes, options, base);
  // The reader takes the bytes (a pool moves them to its worker): their digest is taken first.
  const digest = context.digest ?? sha256Hex(bytes);
  const { findings, embedded, archive } = await checkDocument(name, bytes, options, context.reader, { ...base, digest });
  for (const e of embedded) {
    if (depth + 1 > limits.maxDepth) {
      findings.push(fileFinding(name, 'attachment-unscannable', sha256Hex(e.bytes), { zh: `文件嵌套超过 ${limits.maxDepth} 层：最内层的文件无法读取，予以拒绝`, en: `files are embedded more than ${limits.maxDepth} levels deep: the innermost ones are not read, so the file is refused` }, { fix: archive ? FIX_UNPACK : { zh: '将嵌入的文件单独上传，不要层层嵌套', en: 'attach the embedded files on their own instead of inside one another' }, location: e.where }));
      continue;
    }
    budget.bytes += e.bytes.byteLength;
    budget.files++;
    if (budget.bytes > limits.maxUncompressed || budget.files > limits.maxEntries) {
      const what = budget.files > limits.maxEntries ? `more than ${limits.maxEntries} files` : `more than ${Math.round(limits.maxUncompressed / (1024 * 1024))} MiB`;
      const whatZh = budget.files > limits.maxEntries ? `超过 ${limits.maxEntries} 个文件` : `超过 ${Math.round(limits.maxUncompressed / (1024 * 1024))} MiB`;
      findings.push(fileFinding(name, 'attachment-unscannable', digest, { zh: `文件内含的文件合计${afterCjk(whatZh)}：可能是压缩炸弹，予以拒绝`, en: `the files inside the file add up to ${what}: it is refused as a possible zip bomb` }, { fix: archive ? FIX_UNPACK : FIX_RESAVE_ATTACHMENT, location: e.where }));
      break;
    }
    // The digest given is the outer file's: each embedded file is hashed on its own.
    const { digest: _outer, ...inherited } = context;
    // A file inside a document (a picture in a DOCX) is read as one; an archive's member is a file of its own (an SVG stays refused).
    const inner = await checkAttachment(e.name, e.bytes, options, { ...inherited, depth: depth + 1, budget, inDocument: !archive });
    for (const f of inner) {
      const moved = { ...f, file: name, location: f.location === undefined ? e.where : `${e.where} › ${f.location}` };
      // A member the checks cannot read refuses the archive: the fix says which member, and what to do with it.
      if (archive && (f.rule === 'attachment-unscannable' || f.rule === 'attachment-encoding') && !f.fix.startsWith('解压后分别上传')) {
        moved.fix = `解压后分别上传: take ${e.where} out of the archive; ${f.fix}`;
        moved.zh = { message: f.zh.message, fix: `解压后分别上传：将 ${e.where} 从压缩包中取出；${f.zh.fix}` };
      }
      findings.push(moved);
    }
  }
  return findings;
}
