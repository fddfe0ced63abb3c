/**
 * PDF read with pdfjs-dist (its legacy build, the one for Node): the text of
 * every page, annotations (notes, form fields, links), the Info dictionary
 * and XMP metadata, form field values and embedded files. JavaScript and
 * Launch actions are listed as active content, whatever they do.
 *
 * pdfjs runs here without a canvas, without fonts of the system, without
 * eval and without fetching anything: character maps and standard fonts come
 * from its own package folder. It runs inside the reading worker
 * (pool.ts), which a time limit stops.
 */
import type { Text } from '../messages/text.ts';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { embed, emptyDocument, UnreadableError, type CoveredText, type ReadDocument, type ReadLimits } from './document.ts';

const require = createRequire(import.meta.url);
const PDFJS_DIR = dirname(require.resolve('pdfjs-dist/package.json'));

const INFO_NAMES: Record<string, string> = { Title: '标题', Author: '作者', Subject: '主题', Keywords: '关键词', Creator: '创建程序', Producer: '生成程序' };

/**
 * Action names searched in the file's own bytes as well: an action in an
 * object pdfjs never visits still counts. Only long names: a three-byte one
 * such as /JS turns up by chance in a few megabytes of compressed streams.
 */
const ACTION_TOKENS: [RegExp, Text][] = [
  [/\/JavaScript(?![A-Za-z0-9])/, { zh: 'JavaScript 脚本', en: 'JavaScript' }],
  [/\/Launch(?![A-Za-z0-9])/, { zh: '启动动作（Launch，会启动程序）', en: 'a Launch action (it starts a program)' }],
  [/\/RichMedia(?![A-Za-z0-9])/, { zh: '富媒体（Flash）', en: 'rich media (Flash)' }],
];

interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
  transform?: number[];
  width?: number;
  height?: number;
}

type Matrix = [number, number, number, number, number, number];
type Box = [number, number, number, number];

const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];
const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
const inside = (b: Box, x: number, y: number) => x >= b[0] - 1 && x <= b[2] + 1 && y >= b[1] - 1 && y <= b[3] + 1;

/** The luminance of a fill colour written as pdfjs gives it (`#rrggbb`), or undefined. */
function luminance(hex: unknown): number | undefined {
  if (typeof hex !== 'string' || !/^#[0-9a-f]{6}$/i.test(hex)) return undefined;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** A fill colour dark enough to hide text: what a black-box "redaction" is drawn with. */
const dark = (hex: unknown) => (luminance(hex) ?? 1) < 0.25;
/** Text in a fill this light vanishes on a white page. */
const white = (hex: unknown) => (luminance(hex) ?? 0) > 0.95;

const normalise = (r: ArrayLike<number>): Box => [Math.min(r[0]!, r[2]!), Math.min(r[1]!, r[3]!), Math.max(r[0]!, r[2]!), Math.max(r[1]!, r[3]!)];

interface Hiding {
  /** Dark filled shapes of the page drawn over text drawn before them. */
  boxes: Box[];
  /** Annotations whose appearance is a dark fill: drawn over the whole page's text. */
  annotations: Box[];
  /** Where text was drawn in white with nothing but the white page behind it. */
  white: [number, number][];
}

/**
 * What hides text on a page, from its operator list (annotations' appearances
 * included): dark filled shapes drawn over text drawn before them, annotations
 * filled with a dark interior colour (a Square or Redact annotation drawn over
 * the text, the redaction never applied), and text drawn in white on no
 * coloured background. Each hides the text on screen and on paper while the
 * text stays in the file. Positions follow the graphics state
 * (save/restore/transform) and each text line's start.
 */
function hidingPlaces(ops: { fnArray: number[]; argsArray: unknown[][] }, OPS: Record<string, number>): Hiding {
  const hiding: Hiding = { boxes: [], annotations: [], white: [] };
  const stack: { ctm: Matrix; fill: unknown }[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let fill: unknown = '#000000';
  let line: Matrix = [1, 0, 0, 1, 0, 0];
  let annotation: Box | undefined;
  const drawn: [number, number][] = [];
  const backgrounds: Box[] = [];
  const FILLS = new Set([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  const SHOWS = new Set([OPS.showText, OPS.showSpacedText, OPS.nextLineShowText, OPS.nextLineSetSpacingShowText]);
  const IMAGES = new Set([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject, OPS.paintImageXObjectRepeat, OPS.paintInlineImageXObjectGroup, OPS.paintImageMaskXObjectGroup]);
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i]!;
    const args = ops.argsArray[i] ?? [];
    if (fn === OPS.save) stack.push({ ctm, fill });
    else if (fn === OPS.restore) ({ ctm, fill } = stack.pop() ?? { ctm, fill });
    else if (fn === OPS.beginAnnotation) {
      stack.push({ ctm, fill });
      annotation = normalise(args[1] as ArrayLike<number>);
    } else if (fn === OPS.endAnnotation) {
      ({ ctm, fill } = stack.pop() ?? { ctm, fill });
      annotation = undefined;
    } else if (fn === OPS.paintFormXObjectBegin) {
      // A form draws in its own space, placed by its matrix.
      stack.push({ ctm, fill });
      if (Array.isArray(args[0]) || ArrayBuffer.isView(args[0])) ctm = multiply(ctm, Array.from(args[0] as ArrayLike<number>) as Matrix);
    } else if (fn === OPS.paintFormXObjectEnd) ({ ctm, fill } = stack.pop() ?? { ctm, fill });
    else if (IMAGES.has(fn) && !annotation) {
      // An image fills the unit square of the current space: white text on it (a banner photo) is seen.
      const corners = [apply(ctm, 0, 0), apply(ctm, 1, 1), apply(ctm, 0, 1), apply(ctm, 1, 0)];
      backgrounds.push([Math.min(...corners.map((c) => c[0])), Math.min(...corners.map((c) => c[1])), Math.max(...corners.map((c) => c[0])), Math.max(...corners.map((c) => c[1]))]);
    } else if (fn === OPS.shadingFill && !annotation) backgrounds.push([-Infinity, -Infinity, Infinity, Infinity]);
    else if (fn === OPS.transform) ctm = multiply(ctm, Array.from(args as ArrayLike<number>) as Matrix);
    else if (fn === OPS.setFillRGBColor) fill = args[0];
    else if (fn === OPS.beginText) line = [1, 0, 0, 1, 0, 0];
    else if (fn === OPS.setTextMatrix) line = Array.from((typeof args[0] === 'object' && args[0] !== null ? args[0] : args) as ArrayLike<number>) as Matrix;
    else if (fn === OPS.moveText || fn === OPS.setLeadingMoveText) line = multiply(line, [1, 0, 0, 1, Number(args[0]), Number(args[1])]);
    else if (SHOWS.has(fn) && !annotation) {
      const at = apply(ctm, line[4], line[5]);
      drawn.push(at);
      if (white(fill) && !backgrounds.some((b) => inside(b, at[0], at[1]))) hiding.white.push(at);
    } else if (fn === OPS.constructPath && FILLS.has(args[0] as number)) {
      if (annotation) {
        if (dark(fill) && !hiding.annotations.includes(annotation)) hiding.annotations.push(annotation);
        continue;
      }
      const mm = args[2] as ArrayLike<number> | null;
      if (!mm || mm.length < 4) continue;
      const corners = [apply(ctm, mm[0]!, mm[1]!), apply(ctm, mm[2]!, mm[3]!), apply(ctm, mm[0]!, mm[3]!), apply(ctm, mm[2]!, mm[1]!)];
      const xs = corners.map((c) => c[0]);
      const ys = corners.map((c) => c[1]);
      const box: Box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
      if (!white(fill)) backgrounds.push(box);
      if (dark(fill) && drawn.some(([x, y]) => inside(box, x, y))) hiding.boxes.push(box);
    }
  }
  return hiding;
}

type Pdfjs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let loaded: Promise<Pdfjs> | undefined;

/**
 * pdfjs's legacy build carries core-js polyfills, and two of them replace
 * built-ins that V8 already has: Array.prototype.push (for an edge case past
 * 2^32 elements no document reaches) and JSON.parse. The polyfilled push is
 * several times slower and every parser in the reading worker (saxes, the
 * OOXML reader, pdfjs itself) calls it millions of times: the native ones are
 * put back once pdfjs is loaded.
 */
function loadPdfjs(): Promise<Pdfjs> {
  if (!loaded) {
    const { push } = Array.prototype;
    const { parse } = JSON;
    loaded = import('pdfjs-dist/legacy/build/pdf.mjs').finally(() => {
      Array.prototype.push = push;
      JSON.parse = parse;
    });
  }
  return loaded;
}

export async function readPdf(bytes: Uint8Array, limits: ReadLimits): Promise<ReadDocument> {
  const doc = emptyDocument('pdf');
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  for (const [re, what] of ACTION_TOKENS) if (re.test(raw)) doc.active.push({ where: '动作', what });
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    stopAtErrors: true,
    enableXfa: false,
    verbosity: 0,
    cMapUrl: `${join(PDFJS_DIR, 'cmaps')}/`,
    cMapPacked: true,
    standardFontDataUrl: `${join(PDFJS_DIR, 'standard_fonts')}/`,
  });
  let pdf;
  try {
    pdf = await task.promise;
  } catch (error) {
    await task.destroy();
    const message = (error as Error).message;
    if ((error as Error).name === 'PasswordException') throw new UnreadableError({ zh: 'PDF 设有密码：无法读取其内容', en: 'the PDF is protected by a password: its content cannot be read' }, { zh: '取消密码（WPS 或 Acrobat：文件 → 属性 → 安全性）后重新上传', en: 'remove the password (in WPS or Acrobat: 文件 → 属性 → 安全性) and attach the file again' });
    throw new UnreadableError({ zh: `文件不是可读取的 PDF（${message}）`, en: `the file is not a readable PDF (${message})` }, { zh: '从原始文档重新导出 PDF（文件 → 另存为 → PDF），上传该副本', en: 'export the PDF again from the original document (文件 → 另存为 → PDF) and attach that copy' });
  }
  try {
    if (pdf.numPages > limits.maxPages) throw new UnreadableError({ zh: `PDF 共 ${pdf.numPages} 页，超过检查可读取的 ${limits.maxPages} 页`, en: `the PDF has ${pdf.numPages} pages, more than the ${limits.maxPages} the checks read` }, { zh: '将文档拆分为较小的文件分别上传', en: 'split the document into smaller files and attach each' });
    const meta = await pdf.getMetadata();
    const info = (meta.info ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(info)) {
      if (key === 'Custom' && value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'string' || typeof (v as { name?: string })?.name === 'string') add(doc, `属性 › 自定义 › ${k}`, typeof v === 'string' ? v : (v as { name: string }).name);
      } else if (typeof value === 'string' && !/Date$|^PDFFormatVersion$|^Language$/.test(key)) add(doc, `属性 › ${INFO_NAMES[key] ?? key}`, value);
    }
    const xmp = (meta.metadata as { getRaw?: () => string } | null)?.getRaw?.();
    if (xmp) add(doc, '属性 › XMP', xmp);

    const js = await pdf.getJSActions();
    if (js && Object.keys(js).length > 0) doc.active.push({ where: '文档脚本', what: { zh: `JavaScript 脚本（${Object.keys(js).join(', ')}）`, en: `JavaScript (${Object.keys(js).join(', ')})` } });
    const fields = (await pdf.getFieldObjects()) as Record<string, { value?: unknown; actions?: unknown }[]> | null;
    for (const [name, list] of Object.entries(fields ?? {})) {
      for (const f of list) {
        if (typeof f.value === 'string') add(doc, `表单域 › ${name}`, f.value);
        else if (Array.isArray(f.value)) add(doc, `表单域 › ${name}`, f.value.join('\n'));
        if (f.actions && Object.keys(f.actions).length > 0) doc.active.push({ where: `表单域 › ${name}`, what: { zh: '表单域中的 JavaScript 脚本', en: 'JavaScript in a form field' } });
      }
    }
    const attachments = ((await pdf.getAttachments()) ?? {}) as Record<string, { filename: string; content: Uint8Array }>;
    for (const a of Object.values(attachments)) embed(doc, `附件 › ${a.filename}`, a.filename, a.content);

    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items as TextItemLike[]) {
        if (typeof item.str === 'string') text += item.str;
        if (item.hasEOL) text += '\n';
      }
      add(doc, `第${n}页`, text);
      const annotations = (await page.getAnnotations()) as Record<string, unknown>[];
      const hiding = hidingPlaces(await page.getOperatorList(), pdfjs.OPS as unknown as Record<string, number>);
      // A Redact annotation marks text for removal; until it is applied the text is all there, whatever it looks like.
      for (const a of annotations) if (a.subtype === 'Redact' && Array.isArray(a.rect)) hiding.annotations.push(normalise(a.rect as number[]));
      const items = (content.items as TextItemLike[]).filter((item) => item.str?.trim());
      const centre = (item: TextItemLike): [number, number] => [(item.transform?.[4] ?? NaN) + (item.width ?? 0) / 2, (item.transform?.[5] ?? NaN) + (item.height ?? 0) / 3];
      const hidden = (where: string, how: NonNullable<CoveredText['how']>, test: (item: TextItemLike) => boolean) => {
        const under = items.filter(test).map((item) => item.str).join(' ').trim();
        if (under !== '') doc.covered.push({ where, text: under, how });
      };
      if (hiding.boxes.length > 0) hidden(`第${n}页（被遮盖）`, 'box', (item) => hiding.boxes.some((b) => inside(b, ...centre(item))));
      if (hiding.annotations.length > 0) hidden(`第${n}页（被注释遮盖）`, 'annotation', (item) => hiding.annotations.some((b) => inside(b, ...centre(item))));
      if (hiding.white.length > 0) hidden(`第${n}页（白色文字）`, 'white', (item) => hiding.white.some(([x, y]) => Math.abs(x - (item.transform?.[4] ?? NaN)) < 1 && Math.abs(y - (item.transform?.[5] ?? NaN)) < 1));
      for (const a of annotations) {
        const kind = String(a.subtype ?? 'Annot');
        const where = `第${n}页 › 注释（${kind}）`;
        for (const key of ['contentsObj', 'titleObj', 'richText'] as const) {
          const s = (a[key] as { str?: string } | undefined)?.str;
          if (s) add(doc, where, s);
        }
        for (const key of ['url', 'unsafeUrl', 'alternativeText', 'fieldValue'] as const) if (typeof a[key] === 'string') add(doc, where, a[key]);
        if (a.actions && typeof a.actions === 'object' && Object.keys(a.actions).length > 0) doc.active.push({ where, what: { zh: '注释中的 JavaScript 脚本', en: 'JavaScript in an annotation' } });
        const file = a.file as { filename?: string; content?: Uint8Array } | undefined;
        if (file?.content && file.filename) embed(doc, `${where} › ${file.filename}`, file.filename, file.content);
        if (kind === 'Text' || kind === 'FreeText' || kind === 'Popup') doc.hidden.push({ where, what: { zh: '注释', en: 'a comment (注释)' } });
      }
      page.cleanup();
    }
  } finally {
    await pdf.destroy();
  }
  return doc;
}

function add(doc: ReadDocument, where: string, text: string): void {
  if (text.trim() !== '') doc.texts.push({ where, text });
}

