/**
 * OFD (GB/T 33190, the format of Chinese official documents and e-invoices)
 * read part by part: a zip (read within the same caps as OOXML) whose
 * `OFD.xml` lists one or more documents (`DocBody`), each with its metadata
 * (`DocInfo`: title, author, subject, abstract, keywords, custom data) and
 * its root `Document.xml`, which lists the pages (`Pages/Page_N/Content.xml`),
 * the template pages (`Tpls`), the annotations (`Annots`), the attachments
 * (`Attachs`), outlines and bookmarks.
 *
 * Text is the `TextCode` of every `TextObject` of every layer, placed as a
 * reader finds it (`第2页`, `模板页（1）`, `第1页 › 注释（Stamp）`,
 * `属性 › 作者`). Text drawn invisible (`Visible="false"`), hidden
 * annotations and hidden attachments are read like the rest and listed; text
 * under a dark filled path drawn over it is a fake redaction. Attachments are
 * handed back as embedded files (checked in turn, to the depth limit). Any
 * other XML part (custom tags, which carry an e-invoice's data, signatures,
 * extensions) is read as a whole, so nothing in the package goes unread
 * (Trust model 12).
 */
import type { Text } from '../messages/text.ts';
import { posix } from 'node:path';
import { embed, emptyDocument, UnreadableError, type ReadDocument, type ReadLimits } from './document.ts';
import { local, parseXml, xmlText } from './xml.ts';
import { readZip } from './zip.ts';

export const FIX_OFD: Text = {
  zh: '用 OFD 阅读器（数科、福昕或 WPS）打开文件，重新导出（文件 → 另存为/导出 OFD 或 PDF），上传该副本；打不开的，向发文单位索取原件',
  en: 'open the file in an OFD reader (数科、福昕或 WPS), export it again (文件 → 另存为/导出 OFD 或 PDF), and attach that copy; if it does not open, ask its sender for the original',
};

const DOC_INFO_NAMES: Record<string, string> = { Title: '标题', Author: '作者', Subject: '主题', Abstract: '摘要', Keyword: '关键词', Creator: '创建程序' };

type Box = [x: number, y: number, w: number, h: number];

function box(value: string | undefined): Box | undefined {
  const n = (value ?? '').trim().split(/[\s,]+/).map(Number);
  return n.length === 4 && n.every(Number.isFinite) ? (n as Box) : undefined;
}

/** A fill colour dark enough to hide text (RGB 0–255, space separated, as OFD writes it). */
function dark(value: string | undefined): boolean {
  const rgb = (value ?? '').trim().split(/\s+/).map(Number);
  if (rgb.length !== 3 || !rgb.every(Number.isFinite)) return false;
  const [r, g, b] = rgb.map((c) => c / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.25;
}

interface TextObject {
  text: string;
  box: Box | undefined;
  visible: boolean;
}

/**
 * The text objects of a page, a template page or an annotation's appearance,
 * in drawing order, and the dark filled paths drawn after them.
 */
function layerText(bytes: Uint8Array, part: string): { objects: TextObject[]; covers: Box[] } {
  const objects: TextObject[] = [];
  const covers: Box[] = [];
  let current: TextObject | undefined;
  let path: { box: Box | undefined; fill: boolean; colour?: string } | undefined;
  let inCode = false;
  parseXml(bytes, part, {
    open(name, a) {
      const l = local(name);
      if (l === 'TextObject') current = { text: '', box: box(a.Boundary), visible: a.Visible !== 'false' && a.Visible !== '0' };
      else if (l === 'TextCode' && current) inCode = true;
      else if (l === 'PathObject') path = { box: box(a.Boundary), fill: a.Fill === 'true' || a.Fill === '1' };
      else if (l === 'FillColor' && path && a.Value !== undefined) path.colour = a.Value;
    },
    text(t) {
      if (inCode && current) current.text += t.replace(/\s*\n\s*/g, '');
    },
    close(name) {
      const l = local(name);
      if (l === 'TextCode') inCode = false;
      else if (l === 'TextObject' && current) {
        objects.push(current);
        current = undefined;
      } else if (l === 'PathObject' && path) {
        // A text object drawn before the box, under it: hidden on screen and on paper, still in the file.
        if (path.fill && dark(path.colour) && path.box) covers.push(path.box);
        path = undefined;
      }
    },
  });
  return { objects, covers };
}

const under = (cover: Box, t: TextObject) => {
  if (!t.box) return false;
  const [x, y] = [t.box[0] + t.box[2] / 2, t.box[1] + t.box[3] / 2];
  return x >= cover[0] - 0.5 && x <= cover[0] + cover[2] + 0.5 && y >= cover[1] - 0.5 && y <= cover[1] + cover[3] + 0.5;
};

/**
 * Text objects on one baseline run on (a converter writes one object per
 * word or glyph), with a space where a gap separates them (the cells of a
 * table row: two numbers never run into one); a new line starts a new one.
 */
function lines(objects: readonly TextObject[]): string {
  let out = '';
  let last: Box | undefined;
  for (const o of objects) {
    const sameLine = o.box !== undefined && last !== undefined && Math.abs(o.box[1] - last[1]) < 0.5;
    if (out !== '') out += !sameLine ? '\n' : o.box![0] - (last![0] + last![2]) > 1 ? ' ' : '';
    out += o.text;
    last = o.box;
  }
  return out;
}

class OfdPackage {
  readonly doc = emptyDocument('ofd');
  readonly read = new Set<string>();

  constructor(readonly files: Map<string, Uint8Array>) {}

  /**
   * A location (ST_Loc) as a part name: absolute from the package root, or
   * relative to the part that names it; some writers make it relative to the
   * document's folder or the root instead, so those are tried next.
   */
  resolve(from: string, loc: string | undefined, docDir = ''): string | undefined {
    const l = (loc ?? '').trim().replace(/\\/g, '/');
    if (l === '') return undefined;
    if (l.startsWith('/')) return this.files.has(l.slice(1)) ? l.slice(1) : undefined;
    for (const candidate of [posix.join(posix.dirname(from), l), posix.join(docDir, l), posix.normalize(l)]) if (this.files.has(candidate)) return candidate;
    return undefined;
  }

  part(name: string): Uint8Array | undefined {
    const bytes = this.files.get(name);
    if (bytes) this.read.add(name);
    return bytes;
  }

  add(where: string, text: string): void {
    if (text.trim() !== '') this.doc.texts.push({ where, text });
  }

  /** A page, template page or appearance: its visible text, its invisible text, its fake redactions. */
  layers(part: string, where: string): void {
    const bytes = this.part(part);
    if (!bytes) return;
    const { objects, covers } = layerText(bytes, part);
    this.add(where, lines(objects.filter((o) => o.visible)));
    const invisible = objects.filter((o) => !o.visible);
    if (invisible.length > 0) {
      this.add(`${where} › 隐藏文字`, lines(invisible));
      this.doc.hidden.push({ where: `${where} › 隐藏文字`, what: { zh: '隐藏文字', en: 'text drawn invisible (隐藏文字)' } });
    }
    const covered = objects.filter((o) => o.visible && o.text.trim() !== '' && covers.some((c) => under(c, o)));
    if (covered.length > 0) this.doc.covered.push({ where: `${where}（被遮盖）`, text: covered.map((o) => o.text).join(' ') });
  }
}

function readDocInfo(pkg: OfdPackage, bytes: Uint8Array, prefix: (n: number) => string): { roots: string[] } {
  const roots: string[] = [];
  let body = 0;
  const stack: string[] = [];
  let custom = '';
  let value = '';
  const values = new Map<string, string>();
  const put = (label: string, text: string) => {
    if (text.trim() !== '') values.set(label, values.has(label) ? `${values.get(label)}\n${text}` : text);
  };
  parseXml(bytes, 'OFD.xml', {
    open(name, a) {
      const l = local(name);
      stack.push(l);
      value = '';
      if (l === 'DocBody') body++;
      else if (l === 'CustomData') custom = a.Name ?? '';
    },
    text(t) {
      value += t;
    },
    close(name) {
      const l = local(name);
      stack.pop();
      const parent = stack[stack.length - 1];
      if (l === 'DocRoot') roots.push(value.trim());
      else if (l === 'CustomData') put(`属性 › 自定义 › ${custom}`, value);
      else if ((parent === 'DocInfo' || parent === 'Keywords') && DOC_INFO_NAMES[l]) put(`属性 › ${DOC_INFO_NAMES[l]}`, value);
      if (l === 'DocBody') {
        for (const [label, text] of values) pkg.add(`${prefix(body)}${label}`, text);
        values.clear();
      }
      value = '';
    },
  });
  return { roots };
}

/** What Document.xml lists: pages in order, template pages, annotations, attachments, outline and bookmark titles, actions' targets. */
function readDocumentRoot(pkg: OfdPackage, root: string, prefix: string): void {
  const bytes = pkg.part(root);
  if (!bytes) throw new UnreadableError({ zh: `OFD 包指明 ${root} 为文档根，但包中没有该文件`, en: `the OFD package names ${root} as a document root, but it is not in the package` }, FIX_OFD);
  const dir = posix.dirname(root);
  const pages: { id: string; loc: string }[] = [];
  const templates: { id: string; name: string; loc: string }[] = [];
  const outlines: string[] = [];
  const stack: string[] = [];
  let annotations = '';
  let attachments = '';
  let value = '';
  parseXml(bytes, root, {
    open(name, a) {
      const l = local(name);
      stack.push(l);
      value = '';
      if (l === 'Page' && stack[stack.length - 2] === 'Pages') pages.push({ id: a.ID ?? '', loc: a.BaseLoc ?? '' });
      else if (l === 'TemplatePage') templates.push({ id: a.ID ?? '', name: a.Name ?? '', loc: a.BaseLoc ?? '' });
      else if (l === 'OutlineElem' && a.Title) outlines.push(a.Title);
      else if (l === 'Bookmark' && a.Name) outlines.push(a.Name);
      else if (l === 'URI' && a.URI) pkg.add(`${prefix}链接`, a.URI);
    },
    text(t) {
      value += t;
    },
    close(name) {
      const l = local(name);
      stack.pop();
      if (l === 'Annotations') annotations = value.trim();
      else if (l === 'Attachments') attachments = value.trim();
      value = '';
    },
  });
  if (outlines.length > 0) pkg.add(`${prefix}书签`, outlines.join('\n'));
  const pageNumber = new Map<string, number>();
  pages.forEach((p, i) => {
    pageNumber.set(p.id, i + 1);
    const part = pkg.resolve(root, p.loc, dir);
    if (!part) throw new UnreadableError({ zh: `OFD 文档第 ${i + 1} 页指向 ${p.loc || '（空）'}，但包中没有该文件`, en: `page ${i + 1} of the OFD document points to ${p.loc || '(nothing)'}, which is not in the package` }, FIX_OFD, `${prefix}第${i + 1}页`);
    pkg.layers(part, `${prefix}第${i + 1}页`);
  });
  templates.forEach((t, i) => {
    const part = pkg.resolve(root, t.loc, dir);
    if (part) pkg.layers(part, `${prefix}模板页（${t.name || i + 1}）`);
  });
  const annotsPart = pkg.resolve(root, annotations, dir);
  if (annotsPart) readAnnotations(pkg, annotsPart, dir, pageNumber, prefix);
  const attachsPart = pkg.resolve(root, attachments, dir);
  if (attachsPart) readAttachments(pkg, attachsPart, dir, prefix);
}

function readAnnotations(pkg: OfdPackage, list: string, dir: string, pageNumber: Map<string, number>, prefix: string): void {
  const refs: { page: string; loc: string }[] = [];
  let page = '';
  let value = '';
  parseXml(pkg.part(list)!, list, {
    open(name, a) {
      if (local(name) === 'Page') page = a.PageID ?? '';
      value = '';
    },
    text(t) {
      value += t;
    },
    close(name) {
      if (local(name) === 'FileLoc') refs.push({ page, loc: value.trim() });
      value = '';
    },
  });
  for (const ref of refs) {
    const part = pkg.resolve(list, ref.loc, dir);
    if (!part) continue;
    const n = pageNumber.get(ref.page);
    const pageLabel = n === undefined ? `${prefix}注释` : `${prefix}第${n}页`;
    let annot: { where: string; hidden: boolean; text: string[] } | undefined;
    let value = '';
    let inAppearance = 0;
    let inCode = false;
    parseXml(pkg.part(part)!, part, {
      open(name, a) {
        const l = local(name);
        value = '';
        if (l === 'Annot') {
          const hidden = a.Visible === 'false' || a.Visible === '0';
          annot = { where: `${pageLabel} › 注释（${a.Type ?? 'Annot'}${hidden ? '，隐藏' : ''}）`, hidden, text: [] };
          if (a.Creator) pkg.add(`${annot.where} › 创建者`, a.Creator);
        } else if (l === 'Appearance') inAppearance++;
        else if (l === 'TextCode' && inAppearance > 0) inCode = true;
      },
      text(t) {
        if (inCode && annot) annot.text.push(t.trim());
        else value += t;
      },
      close(name) {
        const l = local(name);
        if (l === 'TextCode') inCode = false;
        else if (l === 'Appearance') inAppearance--;
        else if ((l === 'Remark' || l === 'Parameter') && annot) annot.text.push(value.trim());
        else if (l === 'Annot' && annot) {
          pkg.add(annot.where, annot.text.filter(Boolean).join('\n'));
          if (annot.hidden) pkg.doc.hidden.push({ where: annot.where, what: { zh: '隐藏的注释', en: 'a hidden annotation (隐藏的注释)' } });
          annot = undefined;
        }
        value = '';
      },
    });
  }
}

function readAttachments(pkg: OfdPackage, list: string, dir: string, prefix: string): void {
  const items: { name: string; format: string; visible: boolean; loc: string }[] = [];
  let item: (typeof items)[number] | undefined;
  let value = '';
  parseXml(pkg.part(list)!, list, {
    open(name, a) {
      value = '';
      if (local(name) === 'Attachment') item = { name: a.Name ?? '', format: a.Format ?? '', visible: a.Visible !== 'false' && a.Visible !== '0', loc: '' };
    },
    text(t) {
      value += t;
    },
    close(name) {
      const l = local(name);
      if (l === 'FileLoc' && item) item.loc = value.trim();
      else if (l === 'Attachment' && item) {
        items.push(item);
        item = undefined;
      }
      value = '';
    },
  });
  for (const a of items) {
    const part = pkg.resolve(list, a.loc, dir);
    const bytes = part ? pkg.part(part) : undefined;
    // Its name chooses its reader: the name as written, else the file in the package, with the declared format as extension.
    let name = a.name || (part ? posix.basename(part) : '');
    if (!/\.[A-Za-z0-9]{1,8}$/.test(name) && a.format) name = `${name}.${a.format.toLowerCase()}`;
    const where = `${prefix}附件 › ${name}`;
    if (!bytes) throw new UnreadableError({ zh: `OFD 附件 ${name} 指向 ${a.loc || '（空）'}，但包中没有该文件`, en: `the OFD attachment ${name} points to ${a.loc || '(nothing)'}, which is not in the package` }, FIX_OFD, where);
    if (!a.visible) pkg.doc.hidden.push({ where, what: { zh: '隐藏的附件', en: 'a hidden attachment (隐藏的附件)' } });
    // XML data (an e-invoice's original_invoice.xml) is read here, as text: never served on its own, it needs no type of its own.
    if (/\.xml$/i.test(name)) pkg.add(where, xmlText(bytes, `${where}`));
    else embed(pkg.doc, where, name, bytes);
  }
}

/** Binary parts of an OFD that carry no text: fonts, scanned-page images, media, signature values and electronic seals (电子印章). */
const BINARY_PART = /\.(?:ttf|otf|ttc|fon|bmp|tiff?|jb2|dat|esl|sig|p7s|cer|der|mp3|mp4|wav|avi)$/i;
/** Photographs, checked like any attached image for the metadata they carry (where and by whom they were taken). */
const PHOTO = /\.(?:png|jpe?g|gif|webp)$/i;

export async function readOfd(bytes: Uint8Array, limits: ReadLimits): Promise<ReadDocument> {
  const { files } = await readZip(bytes, limits, { unreadable: FIX_OFD, encrypted: { zh: 'OFD 文件设有保护：用 OFD 阅读器导出不设保护的副本（文件 → 另存为）后上传', en: 'the OFD file is protected: export an unprotected copy from the OFD reader (文件 → 另存为) and attach it' } });
  const entry = files.get('OFD.xml');
  if (!entry) throw new UnreadableError({ zh: '文件扩展名为 .ofd，但没有 OFD.xml：不是可检查的 OFD 文档', en: 'the file is named .ofd but has no OFD.xml: it is not an OFD document the checks can read' }, FIX_OFD);
  const pkg = new OfdPackage(files);
  pkg.read.add('OFD.xml');
  let bodies = 0;
  parseXml(entry, 'OFD.xml', {
    open(name) {
      if (local(name) === 'DocBody') bodies++;
    },
  });
  const prefix = (n: number) => (bodies > 1 ? `文档${n} › ` : '');
  const { roots } = readDocInfo(pkg, entry, prefix);
  if (roots.length === 0) throw new UnreadableError({ zh: 'OFD 包未指明文档根（DocRoot）：没有可检查的内容', en: 'the OFD package names no document root (DocRoot): it has nothing the checks can read' }, FIX_OFD);
  roots.forEach((loc, i) => {
    const root = pkg.resolve('OFD.xml', loc);
    if (!root) throw new UnreadableError({ zh: `OFD 包指明 ${loc} 为文档根，但包中没有该文件`, en: `the OFD package names ${loc} as a document root, but it is not in the package` }, FIX_OFD);
    readDocumentRoot(pkg, root, prefix(i + 1));
  });
  for (const [name, part] of files) {
    // Fonts, colour spaces and image references: nothing a writer typed.
    if (pkg.read.has(name) || /(?:^|\/)(?:PublicRes|DocumentRes)\.xml$/.test(name)) continue;
    // A file in an attachment folder that Attachments.xml does not list is still a file inside the file.
    if (/(?:^|\/)Attachs\//i.test(name) && !/\.xml$/i.test(name)) embed(pkg.doc, `附件 › ${posix.basename(name)}`, posix.basename(name), part);
    else if (PHOTO.test(name)) embed(pkg.doc, `图片 › ${name}`, posix.basename(name), part);
    else if (/\.xml$/i.test(name)) pkg.add(/(?:^|\/)Tags\//i.test(name) ? `自定义标引 › ${posix.basename(name, '.xml')}` : `部件 › ${name}`, xmlText(part, name));
    else if (!BINARY_PART.test(name)) {
      // Text is checked as text; anything else is handed on as a file, and refused unless its type has a reader.
      const text = utf8(part);
      if (text !== undefined) pkg.add(`部件 › ${name}`, text);
      else embed(pkg.doc, `部件 › ${name}`, posix.basename(name), part);
    }
  }
  return pkg.doc;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
function utf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
