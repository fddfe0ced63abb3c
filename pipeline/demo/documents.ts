/**
 * Office and PDF files built from their XML and PDF text, so that neither the
 * tests nor the demo commit a binary of unknown origin. OOXML packages are
 * zipped with node:zlib (deflate) by a small writer; PDFs are written as text
 * with a correct cross-reference table. The output is byte-for-byte
 * reproducible: zip entries carry no timestamp (DOS date 0) and PDFs no /ID or
 * creation date, so the demo's documents regenerate to the committed bytes
 * (pipeline/demo/attachments.ts).
 */
import { sha256Hex } from '../fs/index.ts';
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';

/** A little-endian header: [offset, width, value] fields in a zeroed buffer. */
function header(size: number, fields: [at: number, width: 2 | 4, value: number][]): Buffer {
  const b = Buffer.alloc(size);
  for (const [at, width, value] of fields) if (width === 2) b.writeUInt16LE(value, at);
  else b.writeUInt32LE(value, at);
  return b;
}

export type ZipInput = Record<string, string | Uint8Array>;

/** A zip of the given files (deflated, or stored with `store`); `lie` overrides an entry's declared uncompressed size. */
export function zip(files: ZipInput, options: { store?: boolean; lie?: Record<string, number> } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const packed = options.store ? data : deflateRawSync(data);
    const method = options.store ? 0 : 8;
    const fileName = Buffer.from(name, 'utf8');
    const size = options.lie?.[name] ?? data.length;
    const crc = crc32(data);
    // Flag 0x0800: names are UTF-8.
    const local = header(30, [[0, 4, 0x04034b50], [4, 2, 20], [6, 2, 0x0800], [8, 2, method], [14, 4, crc], [18, 4, packed.length], [22, 4, size], [26, 2, fileName.length]]);
    locals.push(local, fileName, packed);
    const central = header(46, [[0, 4, 0x02014b50], [4, 2, 20], [6, 2, 20], [8, 2, 0x0800], [10, 2, method], [16, 4, crc], [20, 4, packed.length], [24, 4, size], [28, 2, fileName.length], [42, 4, offset]]);
    centrals.push(central, fileName);
    offset += 30 + fileName.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const count = Object.keys(files).length;
  const end = header(22, [[0, 4, 0x06054b50], [8, 2, count], [10, 2, count], [12, 4, cd.length], [16, 4, offset]]);
  return Buffer.concat([...locals, cd, end]);
}

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="' + REL + '"';

function rels(items: [id: string, type: string, target: string, external?: boolean][]): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG_REL}">${items.map(([id, type, target, ext]) => `<Relationship Id="${id}" Type="${REL}/${type}" Target="${target}"${ext ? ' TargetMode="External"' : ''}/>`).join('')}</Relationships>`;
}

function contentTypes(main: [part: string, type: string], extra: [part: string, type: string][] = []): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${[main, ...extra].map(([p, t]) => `<Override PartName="/${p}" ContentType="${t}"/>`).join('')}</Types>`;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function coreProps(props: Record<string, string>): string {
  return `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">${Object.entries(props)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('')}</cp:coreProperties>`;
}

/** A paragraph of plain runs. */
export const para = (...runs: string[]) => `<w:p>${runs.map((r) => (r.startsWith('<') ? r : `<w:r><w:t xml:space="preserve">${xmlEscape(r)}</w:t></w:r>`)).join('')}</w:p>`;
export const deleted = (text: string) => `<w:del w:id="1" w:author="a"><w:r><w:delText>${xmlEscape(text)}</w:delText></w:r></w:del>`;
export const inserted = (text: string) => `<w:ins w:id="2" w:author="a"><w:r><w:t>${xmlEscape(text)}</w:t></w:r></w:ins>`;
export const textBox = (text: string) => `<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>${para(text)}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>`;
export const hiddenRun = (text: string) => `<w:r><w:rPr><w:vanish/></w:rPr><w:t>${xmlEscape(text)}</w:t></w:r>`;

export interface DocxInput {
  body: string[];
  header?: string[];
  footer?: string[];
  comments?: string[];
  footnotes?: string[];
  core?: Record<string, string>;
  custom?: Record<string, string>;
  external?: string;
  /** Extra package parts, as they are. */
  parts?: ZipInput;
  macro?: boolean;
  /** Store the parts uncompressed (the same bytes whatever zlib a Node is built with). */
  store?: boolean;
}

export function docx(input: DocxInput): Buffer {
  const main = 'word/document.xml';
  const wordRels: [string, string, string, boolean?][] = [];
  const files: ZipInput = {};
  const types: [string, string][] = [];
  const story = (root: string, paragraphs: string[]) => `<?xml version="1.0" encoding="UTF-8"?><w:${root} ${W}>${paragraphs.join('')}</w:${root}>`;
  if (input.header) {
    files['word/header1.xml'] = story('hdr', input.header);
    wordRels.push(['rIdH', 'header', 'header1.xml']);
  }
  if (input.footer) {
    files['word/footer1.xml'] = story('ftr', input.footer);
    wordRels.push(['rIdF', 'footer', 'footer1.xml']);
  }
  if (input.comments) {
    files['word/comments.xml'] = `<?xml version="1.0" encoding="UTF-8"?><w:comments ${W}>${input.comments.map((c, i) => `<w:comment w:id="${i}" w:author="审核人">${para(c)}</w:comment>`).join('')}</w:comments>`;
    wordRels.push(['rIdC', 'comments', 'comments.xml']);
  }
  if (input.footnotes) {
    files['word/footnotes.xml'] = `<?xml version="1.0" encoding="UTF-8"?><w:footnotes ${W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>${input.footnotes.map((c, i) => `<w:footnote w:id="${i + 1}">${para(c)}</w:footnote>`).join('')}</w:footnotes>`;
    wordRels.push(['rIdN', 'footnotes', 'footnotes.xml']);
  }
  if (input.external) wordRels.push(['rIdX', 'hyperlink', input.external, true]);
  if (input.macro) {
    files['word/vbaProject.bin'] = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]);
    wordRels.push(['rIdV', 'vbaProject', 'vbaProject.bin']);
  }
  if (input.custom) {
    files['docProps/custom.xml'] = `<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">${Object.entries(input.custom)
      .map(([k, v], i) => `<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="${i + 2}" name="${xmlEscape(k)}"><vt:lpwstr>${xmlEscape(v)}</vt:lpwstr></property>`)
      .join('')}</Properties>`;
  }
  files['word/document.xml'] = `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${input.body.join('')}</w:body></w:document>`;
  files['word/_rels/document.xml.rels'] = rels(wordRels);
  files['_rels/.rels'] = rels([['rId1', 'officeDocument', main]]);
  if (input.core) files['docProps/core.xml'] = coreProps(input.core);
  files['[Content_Types].xml'] = contentTypes([main, input.macro ? 'application/vnd.ms-word.document.macroEnabled.main+xml' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'], types);
  return zip({ ...files, ...input.parts }, { store: input.store === true });
}

export interface SheetInput {
  name: string;
  state?: 'hidden' | 'veryHidden';
  /** Cells by reference; a string starting with '=' is a formula, `value` its cached result. */
  cells: Record<string, string | { formula: string; value: string }>;
  hiddenRows?: number[];
  hiddenCols?: number[];
  /** Notes by cell reference. */
  notes?: Record<string, string>;
  header?: string;
}

export interface XlsxInput {
  sheets: SheetInput[];
  definedNames?: Record<string, string>;
  core?: Record<string, string>;
  macro?: boolean;
  parts?: ZipInput;
  /** Store the parts uncompressed (the same bytes whatever zlib a Node is built with). */
  store?: boolean;
}

const cellRow = (ref: string) => Number(/\d+$/.exec(ref)![0]);
const colNumber = (ref: string) => [.../^[A-Z]+/.exec(ref)![0]].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);

/** An XLSX workbook: text cells go through the shared-string table, as Excel writes them. */
export function xlsx(input: XlsxInput): Buffer {
  const strings: string[] = [];
  const files: ZipInput = {};
  const wbRels: [string, string, string][] = [];
  const types: [string, string][] = [];
  input.sheets.forEach((sheet, i) => {
    const rows = new Map<number, string[]>();
    const refs = Object.keys(sheet.cells).sort((a, b) => cellRow(a) - cellRow(b) || colNumber(a) - colNumber(b));
    for (const ref of refs) {
      const v = sheet.cells[ref]!;
      let xml: string;
      if (typeof v === 'object') xml = `<c r="${ref}" t="str"><f>${xmlEscape(v.formula)}</f><v>${xmlEscape(v.value)}</v></c>`;
      else if (/^-?\d+(\.\d+)?$/.test(v) && v.length < 12) xml = `<c r="${ref}"><v>${v}</v></c>`;
      else {
        strings.push(v);
        xml = `<c r="${ref}" t="s"><v>${strings.length - 1}</v></c>`;
      }
      const row = cellRow(ref);
      rows.set(row, [...(rows.get(row) ?? []), xml]);
    }
    for (const r of sheet.hiddenRows ?? []) if (!rows.has(r)) rows.set(r, []);
    const cols = (sheet.hiddenCols ?? []).map((c) => `<col min="${c}" max="${c}" width="0" hidden="1"/>`).join('');
    const body = [...rows.keys()].sort((a, b) => a - b).map((r) => `<row r="${r}"${sheet.hiddenRows?.includes(r) ? ' hidden="1"' : ''}>${rows.get(r)!.join('')}</row>`).join('');
    const sheetRels: [string, string, string][] = [];
    if (sheet.notes) {
      files[`xl/comments${i + 1}.xml`] = `<?xml version="1.0" encoding="UTF-8"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>a</author></authors><commentList>${Object.entries(sheet.notes)
        .map(([ref, t]) => `<comment ref="${ref}" authorId="0"><text><r><t>${xmlEscape(t)}</t></r></text></comment>`)
        .join('')}</commentList></comments>`;
      sheetRels.push(['rId1', 'comments', `../comments${i + 1}.xml`]);
      files[`xl/worksheets/_rels/sheet${i + 1}.xml.rels`] = rels(sheetRels);
    }
    const hf = sheet.header ? `<headerFooter><oddHeader>&amp;C${xmlEscape(sheet.header)}</oddHeader></headerFooter>` : '';
    files[`xl/worksheets/sheet${i + 1}.xml`] = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${cols ? `<cols>${cols}</cols>` : ''}<sheetData>${body}</sheetData>${hf}</worksheet>`;
    wbRels.push([`rId${i + 1}`, 'worksheet', `worksheets/sheet${i + 1}.xml`]);
    types.push([`xl/worksheets/sheet${i + 1}.xml`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml']);
  });
  const names = Object.entries(input.definedNames ?? {})
    .map(([k, v]) => `<definedName name="${xmlEscape(k)}">${xmlEscape(v)}</definedName>`)
    .join('');
  files['xl/workbook.xml'] = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"><sheets>${input.sheets
    .map((s, i) => `<sheet name="${xmlEscape(s.name)}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`)
    .join('')}</sheets>${names ? `<definedNames>${names}</definedNames>` : ''}</workbook>`;
  files['xl/sharedStrings.xml'] = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}">${strings.map((s) => `<si><t xml:space="preserve">${xmlEscape(s)}</t></si>`).join('')}</sst>`;
  wbRels.push(['rIdS', 'sharedStrings', 'sharedStrings.xml']);
  if (input.macro) {
    files['xl/vbaProject.bin'] = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]);
    wbRels.push(['rIdV', 'vbaProject', 'vbaProject.bin']);
  }
  files['xl/_rels/workbook.xml.rels'] = rels(wbRels);
  files['_rels/.rels'] = rels([['rId1', 'officeDocument', 'xl/workbook.xml']]);
  if (input.core) files['docProps/core.xml'] = coreProps(input.core);
  files['[Content_Types].xml'] = contentTypes(['xl/workbook.xml', input.macro ? 'application/vnd.ms-excel.sheet.macroEnabled.main+xml' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'], types);
  return zip({ ...files, ...input.parts }, { store: input.store === true });
}

/** A presentation of the given slides; `parts` are extra package parts, as they are (pictures in ppt/media/…). */
export function pptx(slides: { text: string[]; hidden?: boolean; notes?: string }[], options: { parts?: ZipInput } = {}): Buffer {
  const files: ZipInput = {};
  const presRels: [string, string, string][] = [];
  slides.forEach((s, i) => {
    const paras = s.text.map((t) => `<a:p><a:r><a:t>${xmlEscape(t)}</a:t></a:r></a:p>`).join('');
    files[`ppt/slides/slide${i + 1}.xml`] = `<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"${s.hidden ? ' show="0"' : ''}><p:cSld><p:spTree><p:sp><p:txBody>${paras}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>`;
    presRels.push([`rId${i + 1}`, 'slide', `slides/slide${i + 1}.xml`]);
    if (s.notes) {
      files[`ppt/notesSlides/notesSlide${i + 1}.xml`] = `<?xml version="1.0" encoding="UTF-8"?><p:notes xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>${xmlEscape(s.notes)}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:notes>`;
      files[`ppt/slides/_rels/slide${i + 1}.xml.rels`] = rels([['rId1', 'notesSlide', `../notesSlides/notesSlide${i + 1}.xml`]]);
    }
  });
  files['ppt/presentation.xml'] = `<?xml version="1.0" encoding="UTF-8"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>`;
  files['ppt/_rels/presentation.xml.rels'] = rels(presRels);
  files['_rels/.rels'] = rels([['rId1', 'officeDocument', 'ppt/presentation.xml']]);
  files['[Content_Types].xml'] = contentTypes(['ppt/presentation.xml', 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml']);
  return zip({ ...files, ...options.parts });
}

// ---------------------------------------------------------------- PDF

export interface PdfInput {
  /** Page texts; each line is drawn on its own line. */
  pages: string[];
  info?: Record<string, string>;
  xmp?: string;
  /** Embedded files by name. */
  attachments?: Record<string, Uint8Array>;
  /** JavaScript run when the document opens. */
  openActionJs?: string;
  /** A Launch action on open. */
  launch?: string;
  /** A filled black rectangle drawn over the first line of each page (a redaction that hides nothing). */
  blackBox?: boolean;
  /** A dark band drawn first, with the text in white over it (a heading style, not a redaction). */
  darkBackground?: boolean;
  /** A Square or Redact annotation over the first line of the first page (a redaction never applied), its interior colour this grey (0 black, 1 white; default 0). */
  coverAnnotation?: { subtype: 'Square' | 'Redact'; grey?: number };
  /** Every line drawn in this grey (0 black, 1 white on the white page). */
  textGrey?: number;
  /** A dark photograph (a 1×1 image) drawn first behind the first line, as a banner. */
  bannerImage?: boolean;
  /** A text annotation (sticky note) on the first page. */
  note?: string;
  /** A text field with this value on the first page. */
  field?: { name: string; value: string };
  /** A scanned image under each page's text (8-bit grey, one byte per pixel, Flate-compressed), by page; none where undefined. */
  scans?: readonly (GreyImage | undefined)[];
}

/** An 8-bit greyscale picture: `width × height` bytes, row by row. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** A PDF string as UTF-16BE hex, which every reader decodes to the same text. */
const pdfText = (s: string) => `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`;
/** Text for the Type0 font below: 2-byte codes equal to the UTF-16 code units. */
const showHex = (s: string) => `<${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`;

/** A valid PDF: one Type0 font whose ToUnicode map is the identity, so CJK text extracts as written. */
export function pdf(input: PdfInput): Buffer {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body) as number;
  const stream = (content: string | Buffer, dict = '') => {
    const data = typeof content === 'string' ? Buffer.from(content, 'latin1') : content;
    return `<< /Length ${data.length}${dict} >>\nstream\n${data.toString('latin1')}\nendstream`;
  };
  const catalog = add('');
  const pagesId = add('');
  // Fonts only when there is text to draw: the rule catalogue's examples stay short.
  let font = 0;
  // ASCII text is drawn in Helvetica (one of the standard fonts), anything else in a Type0 font.
  const ascii = input.pages.every((t) => /^[\x20-\x7e\n]*$/.test(t));
  if (ascii && input.pages.some((t) => t !== '')) font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  else if (input.pages.some((t) => t !== '')) {
    const cmap = add(stream('/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap CMapName currentdict /CMap defineresource pop end end'));
    const cid = add('<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor << /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >> /DW 1000 >>');
    font = add(`<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [${cid} 0 R] /ToUnicode ${cmap} 0 R >>`);
  }
  const kids: number[] = [];
  const annots: number[] = [];
  if (input.note) annots.push(add(`<< /Type /Annot /Subtype /Text /Rect [50 700 70 720] /Contents ${pdfText(input.note)} >>`));
  if (input.coverAnnotation) {
    const width = Math.max(40, [...(input.pages[0] ?? '').split('\n')[0]!].length * 12 + 8);
    const grey = input.coverAnnotation.grey ?? 0;
    annots.push(add(`<< /Type /Annot /Subtype /${input.coverAnnotation.subtype} /Rect [68 754 ${68 + width} 772] /IC [${grey} ${grey} ${grey}] /C [0 0 0] /F 4 >>`));
  }
  let fieldId: number | undefined;
  if (input.field) {
    fieldId = add(`<< /Type /Annot /Subtype /Widget /FT /Tx /T ${pdfText(input.field.name)} /V ${pdfText(input.field.value)} /Rect [50 600 300 620] /F 4 >>`);
    annots.push(fieldId);
  }
  input.pages.forEach((text, p) => {
    const lines = text === '' ? [] : text.split('\n');
    let ops = lines.map((line, i) => `BT /F1 12 Tf 1 0 0 1 72 ${760 - i * 20} Tm ${ascii ? `(${line.replace(/[()\\]/g, '\\$&')})` : showHex(line)} Tj ET`).join('\n');
    if (input.darkBackground && lines.length) ops = `0 0 0 rg 68 754 300 18 re f\n1 1 1 rg\n${ops}`;
    if (input.textGrey !== undefined && lines.length) ops = `${input.textGrey} ${input.textGrey} ${input.textGrey} rg\n${ops}`;
    if (input.bannerImage && lines.length) ops = `q 300 0 0 18 68 754 cm /Im1 Do Q\n${ops}`;
    if (input.blackBox && lines.length) ops += `\n0 0 0 rg 68 754 ${Math.max(40, lines[0]!.length * 12 + 8)} 18 re f`;
    // A scan fills the page, drawn before (under) the text, as a scanner with OCR writes it.
    // (A page has one picture, /Im1: a scan, or the coloured band drawn behind white text.)
    const scan = input.scans?.[p];
    if (scan) ops = `q 595 0 0 842 0 0 cm /Im1 Do Q\n${ops}`;
    const content = add(stream(ops));
    const image = scan
      ? add(stream(deflateSync(scan.pixels), ` /Type /XObject /Subtype /Image /Width ${scan.width} /Height ${scan.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`))
      : input.bannerImage
        ? add(stream(Buffer.from([0x20, 0x30, 0x40]), ' /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceRGB /BitsPerComponent 8'))
        : 0;
    kids.push(add(`<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 595 842] /Resources << ${font ? `/Font << /F1 ${font} 0 R >> ` : ''}${image ? `/XObject << /Im1 ${image} 0 R >> ` : ''}>> /Contents ${content} 0 R${p === 0 && annots.length ? ` /Annots [${annots.map((a) => `${a} 0 R`).join(' ')}]` : ''} >>`));
  });
  objects[pagesId - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const names: string[] = [];
  for (const [name, bytes] of Object.entries(input.attachments ?? {})) {
    const ef = add(stream(Buffer.from(bytes), ' /Type /EmbeddedFile'));
    names.push(`${pdfText(name)} << /Type /Filespec /F ${pdfText(name)} /UF ${pdfText(name)} /EF << /F ${ef} 0 R >> >>`);
  }
  let extra = '';
  if (names.length) extra += ` /Names << /EmbeddedFiles << /Names [${names.join(' ')}] >> >>`;
  if (input.openActionJs) extra += ` /OpenAction << /S /JavaScript /JS ${pdfText(input.openActionJs)} >>`;
  if (input.launch) extra += ` /OpenAction << /S /Launch /F (${input.launch}) >>`;
  if (fieldId !== undefined) extra += ` /AcroForm << /Fields [${fieldId} 0 R] >>`;
  if (input.xmp) extra += ` /Metadata ${add(stream(Buffer.from(input.xmp, 'utf8'), ' /Type /Metadata /Subtype /XML'))} 0 R`;
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R${extra} >>`;
  const info = input.info ? add(`<< ${Object.entries(input.info).map(([k, v]) => `/${k} ${pdfText(v)}`).join(' ')} >>`) : undefined;
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${info ? ` /Info ${info} 0 R` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// ---------------------------------------------------------------- OFD

export interface OfdAnnotation {
  /** 1-based page. */
  page: number;
  /** GB/T 33190 annotation type. */
  type: 'Link' | 'Path' | 'Highlight' | 'Stamp' | 'Watermark';
  remark?: string;
  /** Text drawn in the annotation's appearance. */
  text?: string;
  hidden?: boolean;
}

export interface OfdInput {
  /** Page texts; each line is one text object. */
  pages: string[];
  /** DocInfo fields (Title, Author, Subject, Abstract, Creator); `Keywords` is split on commas. */
  info?: Record<string, string>;
  /** CustomDatas by name. */
  custom?: Record<string, string>;
  annotations?: OfdAnnotation[];
  /** Attachments (Attachs) by name. */
  attachments?: Record<string, Uint8Array>;
  /** Attachments listed as not visible. */
  hiddenAttachments?: string[];
  /** Text on a template page (Tpls) every page uses. */
  template?: string;
  /** A text object drawn invisible on the first page. */
  invisible?: string;
  /** A black filled path drawn over the first line of each page (a redaction that hides nothing). */
  blackBox?: boolean;
  /** Extra package parts, as they are. */
  parts?: ZipInput;
}

const OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';

/** A text object of one line: 3.5 mm SimSun, one DeltaX per glyph after the first. */
function ofdText(id: number, text: string, x: number, y: number, visible = true): string {
  const glyphs = [...text];
  const width = Math.max(1, glyphs.length) * 3.5;
  const delta = glyphs.length > 1 ? ` DeltaX="${Array.from({ length: glyphs.length - 1 }, () => '3.5').join(' ')}"` : '';
  return `<ofd:TextObject ID="${id}" Boundary="${x} ${y} ${width} 5" Font="1" Size="3.5"${visible ? '' : ' Visible="false"'}><ofd:TextCode X="0" Y="4"${delta}>${xmlEscape(text)}</ofd:TextCode></ofd:TextObject>`;
}

/**
 * An OFD package as GB/T 33190 lays it out: OFD.xml (DocBody → DocInfo,
 * DocRoot), Doc_0/Document.xml (CommonData with the page area, public
 * resources and template pages; Pages; Annotations; Attachments),
 * Doc_0/PublicRes.xml (the font), Doc_0/Pages/Page_N/Content.xml (a body
 * layer of text objects), Doc_0/Tpls, Doc_0/Annots, Doc_0/Attachs. Stored
 * parts with no timestamp, no creation date and a DocID derived from the
 * content, so the bytes are reproducible.
 */
export function ofd(input: OfdInput): Buffer {
  const files: ZipInput = {};
  let id = 1;
  const next = () => ++id;
  files['Doc_0/PublicRes.xml'] = `${XML_HEAD}<ofd:Res ${OFD_NS} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>`;
  const layer = (body: string) => `<ofd:Content><ofd:Layer ID="${next()}" Type="Body">${body}</ofd:Layer></ofd:Content>`;
  let template = '';
  if (input.template !== undefined) {
    const tpl = next();
    files['Doc_0/Tpls/Tpl_0/Content.xml'] = `${XML_HEAD}<ofd:Page ${OFD_NS}>${layer(ofdText(next(), input.template, 25, 10))}</ofd:Page>`;
    template = `<ofd:TemplatePage ID="${tpl}" Name="版头" BaseLoc="Tpls/Tpl_0/Content.xml"/>`;
  }
  const pageRefs: string[] = [];
  const pageIds: number[] = [];
  input.pages.forEach((text, p) => {
    const pageId = next();
    pageIds.push(pageId);
    const lines = text === '' ? [] : text.split('\n');
    let body = lines.map((line, i) => ofdText(next(), line, 25, 30 + i * 8)).join('');
    if (p === 0 && input.invisible) body += ofdText(next(), input.invisible, 25, 250, false);
    if (input.blackBox && lines.length > 0) body += `<ofd:PathObject ID="${next()}" Boundary="24 29 ${Math.max(20, [...lines[0]!].length * 3.5 + 2)} 7" Fill="true" Stroke="false"><ofd:FillColor Value="0 0 0"/><ofd:AbbreviatedData>M 0 0 L 1 0 L 1 1 L 0 1 C</ofd:AbbreviatedData></ofd:PathObject>`;
    const tplRef = template ? `<ofd:Template TemplateID="${template.match(/ID="(\d+)"/)![1]}" ZOrder="Background"/>` : '';
    files[`Doc_0/Pages/Page_${p}/Content.xml`] = `${XML_HEAD}<ofd:Page ${OFD_NS}>${tplRef}${layer(body)}</ofd:Page>`;
    pageRefs.push(`<ofd:Page ID="${pageId}" BaseLoc="Pages/Page_${p}/Content.xml"/>`);
  });
  let extra = '';
  if (input.annotations?.length) {
    const byPage = new Map<number, OfdAnnotation[]>();
    for (const a of input.annotations) byPage.set(a.page, [...(byPage.get(a.page) ?? []), a]);
    const list: string[] = [];
    for (const [page, annots] of byPage) {
      files[`Doc_0/Annots/Page_${page - 1}/Annotation.xml`] = `${XML_HEAD}<ofd:PageAnnot ${OFD_NS}>${annots
        .map(
          (a) =>
            `<ofd:Annot ID="${next()}" Type="${a.type}" Creator="审核人" LastModDate="2026-01-01"${a.hidden ? ' Visible="false"' : ''}>${a.remark ? `<ofd:Remark>${xmlEscape(a.remark)}</ofd:Remark>` : ''}<ofd:Appearance Boundary="20 200 80 10">${a.text ? ofdText(next(), a.text, 0, 0) : ''}</ofd:Appearance></ofd:Annot>`,
        )
        .join('')}</ofd:PageAnnot>`;
      list.push(`<ofd:Page PageID="${pageIds[page - 1]}"><ofd:FileLoc>Page_${page - 1}/Annotation.xml</ofd:FileLoc></ofd:Page>`);
    }
    files['Doc_0/Annots/Annotations.xml'] = `${XML_HEAD}<ofd:Annotations ${OFD_NS}>${list.join('')}</ofd:Annotations>`;
    extra += '<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>';
  }
  const attachments = Object.entries(input.attachments ?? {});
  if (attachments.length > 0) {
    files['Doc_0/Attachs/Attachments.xml'] = `${XML_HEAD}<ofd:Attachments ${OFD_NS}>${attachments
      .map(([name, bytes]) => {
        files[`Doc_0/Attachs/${name}`] = bytes;
        const format = name.slice(name.lastIndexOf('.') + 1);
        return `<ofd:Attachment ID="${next()}" Name="${xmlEscape(name)}" Format="${format}" Size="${(bytes.length / 1024).toFixed(2)}"${input.hiddenAttachments?.includes(name) ? ' Visible="false"' : ''}><ofd:FileLoc>${xmlEscape(name)}</ofd:FileLoc></ofd:Attachment>`;
      })
      .join('')}</ofd:Attachments>`;
    extra += '<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>';
  }
  files['Doc_0/Document.xml'] = `${XML_HEAD}<ofd:Document ${OFD_NS}><ofd:CommonData><ofd:MaxUnitID>${id}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>${template}</ofd:CommonData><ofd:Pages>${pageRefs.join('')}</ofd:Pages>${extra}</ofd:Document>`;
  const info = input.info ?? {};
  const docId = sha256Hex(JSON.stringify([input.pages, info])).slice(0, 32);
  const fields = Object.entries(info)
    .map(([k, v]) => (k === 'Keywords' ? `<ofd:Keywords>${v.split(/[,，]/).map((w) => `<ofd:Keyword>${xmlEscape(w.trim())}</ofd:Keyword>`).join('')}</ofd:Keywords>` : `<ofd:${k}>${xmlEscape(v)}</ofd:${k}>`))
    .join('');
  const custom = Object.entries(input.custom ?? {})
    .map(([k, v]) => `<ofd:CustomData Name="${xmlEscape(k)}">${xmlEscape(v)}</ofd:CustomData>`)
    .join('');
  files['OFD.xml'] = `${XML_HEAD}<ofd:OFD ${OFD_NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>${docId}</ofd:DocID>${fields}${custom ? `<ofd:CustomDatas>${custom}</ofd:CustomDatas>` : ''}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`;
  // OFD.xml first, as OFD writers put it.
  const ordered: ZipInput = { 'OFD.xml': files['OFD.xml']! };
  for (const [k, v] of Object.entries(files)) if (k !== 'OFD.xml') ordered[k] = v;
  return zip({ ...ordered, ...input.parts }, { store: true });
}

// ---------------------------------------------------------------- text encodings

let GBK_TABLE: Map<string, number[]> | undefined;

/** GBK bytes of a text, from a table built by decoding every two-byte GBK code (Node has no GBK encoder). */
export function gbk(text: string): Buffer {
  if (!GBK_TABLE) {
    GBK_TABLE = new Map();
    const dec = new TextDecoder('gbk');
    for (let a = 0x81; a <= 0xfe; a++) {
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([a, b]));
        if (ch.length === 1 && ch !== '\ufffd' && !GBK_TABLE.has(ch)) GBK_TABLE.set(ch, [a, b]);
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else out.push(...GBK_TABLE.get(ch)!);
  }
  return Buffer.from(out);
}

/** UTF-16 with its byte-order mark, little- or big-endian. */
export function utf16(text: string, littleEndian = true): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return littleEndian ? Buffer.concat([Buffer.from([0xff, 0xfe]), le]) : Buffer.concat([Buffer.from([0xfe, 0xff]), le.swap16()]);
}
