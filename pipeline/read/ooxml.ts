/**
 * DOCX, XLSX and PPTX (Office Open XML) read part by part, with the place of
 * every piece of text as Word, Excel or PowerPoint shows it. Every XML part
 * of the package is read: the ones below with their own locations, any other
 * one (custom XML, pivot caches, external link caches…) as a whole, so text
 * in a part this reader does not know is still checked (Trust model 12).
 *
 * Hidden content (tracked changes, comments, hidden text, hidden sheets,
 * rows and columns, hidden slides) is read like the rest and also listed, so
 * a published file that keeps it is at least warned about. Macros and ActiveX
 * controls are listed as active content.
 */
import type { Text } from '../messages/text.ts';
import { posix } from 'node:path';
import { emptyDocument, FIX_RESAVE, UnreadableError, type ReadDocument, type ReadLimits } from './document.ts';
import { local, parseXml } from './xml.ts';
import { readZip } from './zip.ts';

const TEXT = new Set(['t', 'delText', 'instrText', 'delInstrText']);
const NOT_BLANK = /\S/;

interface Relationship {
  id: string;
  type: string;
  target: string;
  external: boolean;
}

/** Parts, relationships and the document being filled. */
class Package {
  readonly doc: ReadDocument;
  readonly read = new Set<string>();
  private readonly rels = new Map<string, Relationship[]>();

  constructor(
    readonly files: Map<string, Uint8Array>,
    format: string,
  ) {
    this.doc = emptyDocument(format);
  }

  part(name: string): Uint8Array | undefined {
    const bytes = this.files.get(name);
    if (bytes) this.read.add(name);
    return bytes;
  }

  /** Relationships of a part, targets resolved to part names. */
  relsOf(part: string): Relationship[] {
    const cached = this.rels.get(part);
    if (cached) return cached;
    const relsName = posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
    const out: Relationship[] = [];
    const bytes = this.part(relsName);
    if (bytes) {
      parseXml(bytes, relsName, {
        open(name, a) {
          if (local(name) !== 'Relationship' || a.Target === undefined) return;
          const external = a.TargetMode === 'External';
          const target = external ? a.Target : a.Target.startsWith('/') ? a.Target.slice(1) : posix.normalize(posix.join(posix.dirname(part), a.Target));
          out.push({ id: a.Id ?? '', type: a.Type ?? '', target, external });
        },
      });
    }
    this.rels.set(part, out);
    return out;
  }

  add(where: string, text: string): void {
    // Not blank (\S is what trim() removes, the other way round): no trimmed copy of every cell. Most
    // pieces start with a printable ASCII character or a CJK ideograph: no regular expression for those.
    const c = text.charCodeAt(0);
    if ((c > 0x20 && c < 0x7f) || (c >= 0x4e00 && c <= 0x9fff) || NOT_BLANK.test(text)) this.doc.texts.push({ where, text });
  }
}

/** Split a cell reference (`C14`) into its column letters and row. */
function cellColumn(ref: string): number {
  let n = 0;
  for (const ch of ref) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n;
}

function columnName(n: number): string {
  let s = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** A short list of numbers as ranges: 3、5–7、9. */
function ranges(values: readonly number[], name: (n: number) => string = String): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? name(sorted[i]!) : `${name(sorted[i]!)}–${name(sorted[j]!)}`);
    i = j + 1;
  }
  return out.length > 8 ? `${out.slice(0, 8).join('、')}…` : out.join('、');
}

/**
 * The text of a part as lines: a line ends with each paragraph, value or
 * comment. Used for slides, charts, drawings, comments in PowerPoint and any
 * part without a reader of its own; `attributes` also takes the named
 * attributes' values (pivot caches keep their data in `v`).
 */
function partLines(bytes: Uint8Array, part: string, attributes: readonly string[] = []): string {
  const lines: string[] = [];
  let line = '';
  parseXml(bytes, part, {
    open(_name, a) {
      for (const key of attributes) if (a[key] !== undefined && a[key] !== '') lines.push(a[key]!);
    },
    text(t) {
      if (t.trim() !== '') line += t;
    },
    close(name) {
      const n = local(name);
      if ((n === 'p' || n === 'v' || n === 'cm' || n === 'comment' || n === 'si' || n === 'text' || n === 'f') && line !== '') {
        lines.push(line);
        line = '';
      }
    },
  });
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

// ---------------------------------------------------------------- Word

type WordUnit = 'p' | 'comment' | 'footnote' | 'endnote';

/** A Word story (body, header, footer, notes, comments), unit by unit. */
function readWordStory(pkg: Package, part: string, story: string, unit: WordUnit, unitLabel: (n: number) => string): void {
  const bytes = pkg.part(part);
  if (!bytes) return;
  const stack: string[] = [];
  let n = 0;
  let unitDepth = -1;
  let del = 0;
  let box = 0;
  let runHidden = false;
  let skipUnit = false;
  const buffers = { text: '', deleted: '', box: '', hidden: '' };
  const counts = { deleted: [] as number[], inserted: [] as number[], hidden: [] as number[] };
  const add = (kind: string, text: string) => pkg.add([story === '正文' && kind ? '' : story, kind, unitLabel(n)].filter(Boolean).join(' › '), text);
  parseXml(bytes, part, {
    open(name, a) {
      const l = local(name);
      stack.push(l);
      if (l === unit && unitDepth < 0) {
        unitDepth = stack.length;
        n++;
        skipUnit = (unit === 'footnote' || unit === 'endnote') && a['w:type'] !== undefined && a['w:type'] !== 'normal';
        if (skipUnit) n--;
      } else if (l === 'del' || l === 'moveFrom') del++;
      else if ((l === 'ins' || l === 'moveTo') && unitDepth > 0) counts.inserted.push(n);
      else if (l === 'txbxContent') box++;
      else if (l === 'r') runHidden = false;
      else if (l === 'vanish' && stack[stack.length - 2] === 'rPr' && stack[stack.length - 3] === 'r') runHidden = a['w:val'] !== '0' && a['w:val'] !== 'false';
      else if ((l === 'tab' || l === 'br' || l === 'cr') && stack[stack.length - 2] === 'r') buffers[box > 0 ? 'box' : del > 0 ? 'deleted' : runHidden ? 'hidden' : 'text'] += ' ';
    },
    text(t) {
      if (unitDepth < 0 || skipUnit || !TEXT.has(stack[stack.length - 1] ?? '')) return;
      if (box > 0) buffers.box += t;
      else if (del > 0) {
        buffers.deleted += t;
        counts.deleted.push(n);
      } else if (runHidden) {
        buffers.hidden += t;
        counts.hidden.push(n);
      } else buffers.text += t;
    },
    close(name) {
      const l = local(name);
      if (l === 'del' || l === 'moveFrom') del--;
      else if (l === 'txbxContent') {
        box--;
        buffers.box += ' ';
      } else if (l === 'p' && unit !== 'p' && unitDepth > 0) buffers.text += ' ';
      if (stack.length === unitDepth && l === unit) {
        if (!skipUnit) {
          add('', buffers.text.trim());
          add('修订（删除）', buffers.deleted);
          add('文本框', buffers.box);
          add('隐藏文字', buffers.hidden);
        }
        buffers.text = buffers.deleted = buffers.box = buffers.hidden = '';
        unitDepth = -1;
      }
      stack.pop();
    },
  });
  const where = (kind: string, units: number[]) => [story === '正文' ? '' : story, kind, unitLabel(units[0]!)].filter(Boolean).join(' › ');
  if (counts.deleted.length > 0) pkg.doc.hidden.push({ where: where('修订（删除）', counts.deleted), what: { zh: `${new Set(counts.deleted).size} 处修订（删除）：删除的文字仍留在文件中`, en: `tracked deletions (修订) in ${new Set(counts.deleted).size} place(s): deleted text stays in the file` } });
  if (counts.inserted.length > 0) pkg.doc.hidden.push({ where: where('修订（插入）', counts.inserted), what: { zh: `${new Set(counts.inserted).size} 处尚未接受的修订（插入）`, en: `tracked insertions (修订) not yet accepted in ${new Set(counts.inserted).size} place(s)` } });
  if (counts.hidden.length > 0) pkg.doc.hidden.push({ where: where('隐藏文字', counts.hidden), what: { zh: '设为隐藏格式的文字（隐藏文字）', en: 'text formatted as hidden (隐藏文字)' } });
  if (story === '批注' && n > 0) pkg.doc.hidden.push({ where: '批注', what: { zh: `${n} 条批注`, en: `${n} comment(s) (批注)` } });
}

const WORD_STORIES: { type: string; story: string; unit: WordUnit; label: (n: number) => string }[] = [
  { type: '/header', story: '页眉', unit: 'p', label: (n) => `第${n}段` },
  { type: '/footer', story: '页脚', unit: 'p', label: (n) => `第${n}段` },
  { type: '/footnotes', story: '脚注', unit: 'footnote', label: (n) => `第${n}条` },
  { type: '/endnotes', story: '尾注', unit: 'endnote', label: (n) => `第${n}条` },
  { type: '/comments', story: '批注', unit: 'comment', label: (n) => `第${n}条` },
];

function readWord(pkg: Package, main: string): void {
  readWordStory(pkg, main, '正文', 'p', (n) => `第${n}段`);
  const seen = new Map<string, number>();
  for (const rel of pkg.relsOf(main)) {
    const kind = WORD_STORIES.find((s) => rel.type.endsWith(s.type));
    if (!kind || rel.external) continue;
    const count = (seen.get(kind.story) ?? 0) + 1;
    seen.set(kind.story, count);
    const story = kind.unit === 'p' && count > 1 ? `${kind.story}${count}` : kind.story;
    readWordStory(pkg, rel.target, story, kind.unit, kind.label);
  }
}

// ---------------------------------------------------------------- Excel

interface Sheet {
  name: string;
  state: string;
  part: string;
}

function sharedStrings(pkg: Package, part: string | undefined): string[] {
  const strings: string[] = [];
  const bytes = part ? pkg.part(part) : undefined;
  if (!bytes || !part) return strings;
  let current = '';
  let inT = false;
  parseXml(bytes, part, {
    open(name) {
      const l = local(name);
      if (l === 'si') current = '';
      else if (l === 't') inT = true;
    },
    text(t) {
      if (inT) current += t;
    },
    close(name) {
      const l = local(name);
      if (l === 't') inT = false;
      else if (l === 'si') strings.push(current);
    },
  });
  return strings;
}

function readSheet(pkg: Package, sheet: Sheet, label: string, strings: readonly string[]): void {
  const bytes = pkg.part(sheet.part);
  if (!bytes) return;
  const hiddenCols: number[] = [];
  const hiddenColSet = new Set<number>();
  const hiddenRows: number[] = [];
  let rowHidden = false;
  let row = 0;
  let cell: { ref: string; type: string; v: string; f: string; is: string } | undefined;
  let into: 'v' | 'f' | 'is' | 'hf' | undefined;
  let headerFooter = '';
  const stack: string[] = [];
  parseXml(bytes, sheet.part, {
    open(name, a) {
      const l = local(name);
      stack.push(l);
      if (l === 'col' && (a.hidden === '1' || a.hidden === 'true')) {
        const min = Number(a.min);
        const max = Math.min(Number(a.max), min + 16_384);
        for (let c = min; c <= max && Number.isFinite(c); c++) {
          hiddenCols.push(c);
          hiddenColSet.add(c);
        }
      } else if (l === 'row') {
        row = Number(a.r ?? row + 1);
        rowHidden = a.hidden === '1' || a.hidden === 'true';
        if (rowHidden) hiddenRows.push(row);
      } else if (l === 'c') cell = { ref: a.r ?? '', type: a.t ?? 'n', v: '', f: '', is: '' };
      else if (cell && (l === 'v' || l === 'f')) into = l;
      else if (cell && l === 't' && stack.includes('is')) into = 'is';
      else if (stack[stack.length - 2] === 'headerFooter') into = 'hf';
    },
    text(t) {
      if (into === 'hf') headerFooter += `${t}\n`;
      else if (cell && into) cell[into] += t;
    },
    close(name) {
      const l = local(name);
      stack.pop();
      if (l === 'v' || l === 'f' || l === 't' || stack[stack.length - 1] === 'headerFooter') into = undefined;
      if (l !== 'c' || !cell) return;
      const c = cell;
      cell = undefined;
      const colHidden = hiddenColSet.size > 0 && hiddenColSet.has(cellColumn(c.ref));
      const note = rowHidden && colHidden ? '（隐藏行、隐藏列）' : rowHidden ? '（隐藏行）' : colHidden ? '（隐藏列）' : '';
      const value = c.type === 's' ? (strings[Number(c.v)] ?? '') : c.type === 'inlineStr' ? c.is : c.v;
      pkg.add(`${label} › ${c.ref}${note}${c.f ? '（公式结果）' : ''}`, value);
      if (c.f) pkg.add(`${label} › ${c.ref}${note}（公式）`, c.f);
    },
  });
  // Excel's &-codes (&L, &C, &"宋体,常规", &P…) are layout, not text.
  pkg.add(`${label} › 页眉页脚`, headerFooter.replace(/&(?:"[^"]*"|\d+|[A-Za-z&])/g, ' '));
  if (hiddenRows.length > 0) pkg.doc.hidden.push({ where: `${label} › 第${ranges(hiddenRows)}行`, what: { zh: `${hiddenRows.length} 个隐藏行`, en: `${hiddenRows.length} hidden row(s) (隐藏行)` } });
  if (hiddenCols.length > 0) pkg.doc.hidden.push({ where: `${label} › ${ranges(hiddenCols, columnName)}列`, what: { zh: `${hiddenCols.length} 个隐藏列`, en: `${hiddenCols.length} hidden column(s) (隐藏列)` } });
  for (const rel of pkg.relsOf(sheet.part)) {
    if (rel.external) continue;
    const threaded = rel.type.endsWith('/threadedComment');
    if (!threaded && !rel.type.endsWith('/comments')) continue;
    const part = pkg.part(rel.target);
    if (!part) continue;
    let ref = '';
    let text = '';
    let count = 0;
    let inText = false;
    parseXml(part, rel.target, {
      open(name, a) {
        const l = local(name);
        if (l === 'comment' || l === 'threadedComment') {
          ref = a.ref ?? '';
          text = '';
        } else if (l === 't' || (threaded && l === 'text')) inText = true;
      },
      text(t) {
        if (inText) text += t;
      },
      close(name) {
        const l = local(name);
        if (l === 't' || l === 'text') inText = false;
        else if (l === 'comment' || l === 'threadedComment') {
          count++;
          pkg.add(`${label} › ${ref} › ${threaded ? '批注（会话）' : '批注'}`, text);
        }
      },
    });
    if (count > 0) pkg.doc.hidden.push({ where: `${label} › ${threaded ? '批注（会话）' : '批注'}`, what: { zh: `${count} 条单元格批注或注释`, en: `${count} cell comment(s) or note(s) (批注)` } });
  }
}

function readWorkbook(pkg: Package, main: string): void {
  const sheets: { name: string; state: string; rid: string }[] = [];
  let definedName: { name: string; text: string } | undefined;
  parseXml(pkg.part(main)!, main, {
    open(name, a) {
      const l = local(name);
      if (l === 'sheet') sheets.push({ name: a.name ?? '', state: a.state ?? 'visible', rid: a['r:id'] ?? '' });
      else if (l === 'definedName') definedName = { name: a.name ?? '', text: '' };
    },
    text(t) {
      if (definedName) definedName.text += t;
    },
    close(name) {
      if (local(name) === 'definedName' && definedName) {
        pkg.add(`定义的名称 › ${definedName.name}`, definedName.text);
        definedName = undefined;
      }
    },
  });
  const rels = pkg.relsOf(main);
  const strings = sharedStrings(pkg, rels.find((r) => r.type.endsWith('/sharedStrings'))?.target);
  for (const s of sheets) {
    const target = rels.find((r) => r.id === s.rid && !r.external)?.target;
    if (!target) continue;
    const mark = s.state === 'veryHidden' ? '（深度隐藏）' : s.state === 'hidden' ? '（隐藏）' : '';
    const label = `${s.name}${mark}`;
    if (mark) pkg.doc.hidden.push({ where: label, what: s.state === 'veryHidden' ? { zh: '深度隐藏的工作表（Excel 的“取消隐藏”中不列出）', en: 'a very hidden sheet (深度隐藏的工作表: Excel does not list it under 取消隐藏)' } : { zh: '隐藏的工作表', en: 'a hidden sheet (隐藏的工作表)' } });
    readSheet(pkg, { name: s.name, state: s.state, part: target }, label, strings);
  }
}

// ---------------------------------------------------------------- PowerPoint

function readPresentation(pkg: Package, main: string): void {
  let slide = 0;
  for (const rel of pkg.relsOf(main)) {
    if (!rel.type.endsWith('/slide') || rel.external) continue;
    slide++;
    const bytes = pkg.part(rel.target);
    if (!bytes) continue;
    let hidden = false;
    parseXml(bytes, rel.target, {
      open(name, a) {
        if (local(name) === 'sld' && (a.show === '0' || a.show === 'false')) hidden = true;
      },
    });
    const label = `第${slide}张幻灯片${hidden ? '（隐藏）' : ''}`;
    if (hidden) pkg.doc.hidden.push({ where: label, what: { zh: '隐藏的幻灯片', en: 'a hidden slide (隐藏的幻灯片)' } });
    pkg.add(label, partLines(bytes, rel.target));
    for (const sub of pkg.relsOf(rel.target)) {
      if (sub.external) continue;
      const notes = sub.type.endsWith('/notesSlide');
      const comments = sub.type.endsWith('/comments') || sub.type.endsWith('/comment') || /modernComment/i.test(sub.target);
      if (!notes && !comments) continue;
      const part = pkg.part(sub.target);
      if (!part) continue;
      const text = partLines(part, sub.target);
      pkg.add(`${label} › ${notes ? '备注' : '批注'}`, text);
      if (comments && text.trim() !== '') pkg.doc.hidden.push({ where: `${label} › 批注`, what: { zh: '批注', en: 'comments (批注)' } });
    }
  }
}

// ---------------------------------------------------------------- properties

const PROPERTY_NAMES: Record<string, string> = {
  title: '标题',
  subject: '主题',
  creator: '作者',
  keywords: '关键词',
  description: '备注',
  lastModifiedBy: '最后修改者',
  category: '类别',
  contentStatus: '状态',
  identifier: '标识',
  language: '语言',
  Company: '单位',
  Manager: '经理',
  HyperlinkBase: '超链接基础',
  Template: '模板',
  TitlesOfParts: '各部分标题',
};

/** Numeric and layout properties of app.xml: nothing a writer typed. */
const PROPERTY_SKIP = new Set(['created', 'modified', 'lastPrinted', 'revision', 'TotalTime', 'Pages', 'Words', 'Characters', 'CharactersWithSpaces', 'Lines', 'Paragraphs', 'Slides', 'Notes', 'HiddenSlides', 'MMClips', 'DocSecurity', 'ScaleCrop', 'LinksUpToDate', 'SharedDoc', 'HyperlinksChanged', 'AppVersion', 'Application', 'PresentationFormat', 'HeadingPairs']);

function readProperties(pkg: Package, part: string, custom: boolean): void {
  const bytes = pkg.part(part);
  if (!bytes) return;
  const stack: string[] = [];
  let customName = '';
  const values = new Map<string, string>();
  parseXml(bytes, part, {
    open(name, a) {
      const l = local(name);
      stack.push(l);
      if (custom && l === 'property') customName = a.name ?? '';
    },
    text(t) {
      if (t.trim() === '') return;
      const top = custom ? `自定义 › ${customName}` : (stack[1] ?? '');
      if (!top || PROPERTY_SKIP.has(top)) return;
      const label = custom ? top : (PROPERTY_NAMES[top] ?? top);
      values.set(label, values.has(label) ? `${values.get(label)}\n${t}` : t);
    },
    close() {
      stack.pop();
    },
  });
  for (const [label, text] of values) pkg.add(`属性 › ${label}`, text);
}

// ---------------------------------------------------------------- the package

const MAIN_TYPES: [RegExp, string][] = [
  [/wordprocessingml\.document\.main|ms-word\.document\.macroEnabled\.main|wordprocessingml\.template\.main|ms-word\.template\.macroEnabledTemplate\.main/, 'docx'],
  [/spreadsheetml\.sheet\.main|ms-excel\.sheet\.macroEnabled\.main|spreadsheetml\.template\.main|ms-excel\.template\.macroEnabled\.main/, 'xlsx'],
  [/presentationml\.(?:presentation|slideshow|template)\.main|ms-powerpoint\.(?:presentation|slideshow|template)\.macroEnabled\.main/, 'pptx'],
];

/** Parts that carry no text a writer typed (styles, themes, fonts, settings). */
const LAYOUT_PART = /(?:^|\/)(?:styles|stylesWithEffects|theme\d*|fontTable|settings|webSettings|numbering|calcChain|presProps|viewProps|tableStyles|commentAuthors|people|persons?)\.xml$|\/(?:theme|slideLayouts|slideMasters|notesMasters|handoutMasters|printerSettings|customXml\/itemProps\d*)\//;

export async function readOoxml(bytes: Uint8Array, limits: ReadLimits): Promise<ReadDocument> {
  const { files } = await readZip(bytes, limits);
  const contentTypes = files.get('[Content_Types].xml');
  if (!contentTypes) throw new UnreadableError({ zh: '该 zip 包不是 Office Open XML 文档（没有 [Content_Types].xml）', en: 'the zip package is not an Office Open XML document (it has no [Content_Types].xml)' }, FIX_RESAVE);
  const overrides = new Map<string, string>();
  const types: string[] = [];
  parseXml(contentTypes, '[Content_Types].xml', {
    open(name, a) {
      const l = local(name);
      if (l === 'Override' && a.PartName && a.ContentType) overrides.set(a.PartName.replace(/^\//, ''), a.ContentType);
      if ((l === 'Override' || l === 'Default') && a.ContentType) types.push(a.ContentType);
    },
  });
  let main: string | undefined;
  let format: string | undefined;
  for (const [part, type] of overrides) {
    const kind = MAIN_TYPES.find(([re]) => re.test(type));
    if (kind) [main, format] = [part, kind[1]];
  }
  if (!main || !format || !files.has(main)) throw new UnreadableError({ zh: '文件包中没有 Word、Excel 或 PowerPoint 主体部分：不是可检查的文档', en: 'the package has no Word, Excel or PowerPoint main part: it is not a document the checks can read' }, FIX_RESAVE);
  const pkg = new Package(files, format);
  pkg.read.add('[Content_Types].xml');

  // Macros and ActiveX controls run when the file is opened: refused whatever they do.
  for (const name of files.keys()) {
    if (/(?:^|\/)vbaProject\.bin$/i.test(name) || /(?:^|\/)vbaData\.xml$/i.test(name)) pkg.doc.active.push({ where: `宏（VBA） › ${name}`, what: { zh: 'VBA 宏工程', en: 'a VBA macro project' } });
    else if (/(?:^|\/)activeX\//i.test(name) && name.endsWith('.bin')) pkg.doc.active.push({ where: `ActiveX 控件 › ${name}`, what: { zh: 'ActiveX 控件', en: 'an ActiveX control' } });
  }
  if (types.some((t) => /macroEnabled|vbaProject/i.test(t)) && pkg.doc.active.length === 0) pkg.doc.active.push({ where: '宏（VBA）', what: { zh: '启用宏的文档类型（.docm/.xlsm/.pptm）', en: 'a macro-enabled document type (.docm/.xlsm/.pptm)' } });

  if (format === 'docx') readWord(pkg, main);
  else if (format === 'xlsx') readWorkbook(pkg, main);
  else readPresentation(pkg, main);
  readProperties(pkg, 'docProps/core.xml', false);
  readProperties(pkg, 'docProps/app.xml', false);
  readProperties(pkg, 'docProps/custom.xml', true);

  for (const [name, entry] of files) {
    if (name.endsWith('.rels')) {
      // Every relationship file, read or not, for targets outside the package.
      const source = name.replace(/_rels\/([^/]*)\.rels$/, '$1');
      for (const rel of pkg.relsOf(source)) if (rel.external) pkg.add(`外部链接 › ${posix.basename(rel.type)}`, rel.target);
      continue;
    }
    if (pkg.read.has(name) || name.endsWith('/')) continue;
    if (/\/(?:embeddings|media)\//.test(name)) {
      pkg.doc.embedded.push({ where: `嵌入对象 › ${posix.basename(name)}`, name: posix.basename(name), bytes: entry });
      continue;
    }
    if (!/\.xml$/i.test(name) || LAYOUT_PART.test(name)) continue;
    const label = /\/charts\//.test(name) ? `图表 › ${posix.basename(name, '.xml')}` : /\/drawings\//.test(name) ? `绘图 › ${posix.basename(name, '.xml')}` : /externalLink/.test(name) ? `外部链接 › ${posix.basename(name, '.xml')}` : `部件 › ${name}`;
    pkg.add(label, partLines(entry, name, /pivotCache/.test(name) ? ['v'] : []));
  }
  return pkg.doc;
}

