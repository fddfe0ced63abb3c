/**
 * Copyright checks of an entry (the rules: reprints respect copyright and carry
 * a disclaimer; images that are not the group's own carry a credit and a
 * licence; nothing is hot-linked).
 *
 * Signals, and why:
 * - A reprint is declared by the front-matter `reprint` block, which must name
 *   source, author, title, a URL or a publication, and the permission.
 * - A reprint is *undeclared* when the visible text says so (转载自…, 本文转自…,
 *   摘自《…》, or 来源：/文章来源：/稿源： naming a source that is not one of the
 *   group's own, configured in ownSources) and there is no reprint block, or
 *   the block names another source. 数据来源/资金来源 and 来源 in a sentence are
 *   not reprint notes.
 * - An image is *not the group's own* when its front-matter `credit` names
 *   someone other than the group, or when a caption (图片来源/图源/图片提供/
 *   供图/图片由…提供) names another source. Such an image needs both `credit`
 *   and `license` in the front matter; a `license` without a `credit` is
 *   incomplete too. (摄影：<name> credits a photographer, usually staff: it is
 *   not a signal.)
 * - Any image or media URL with a scheme or `//` (http, https, ftp, data, file…)
 *   in Markdown, HTML, MDX props, CSS `url()` or front-matter `images` is a
 *   hot-link: it is not bound to the approval and can change after it.
 */
import type { Position } from '../diagnostics/index.ts';
import { parseFrontMatterYaml } from '../util/yaml.ts';
import { compactSource, K, type ScanOptions } from './compile.ts';
import type { CheckFinding, Hit } from './finding.ts';
import { LineIndex, origEnd, origStart, type View } from './normalise.ts';
import { finalise } from './report.ts';
import { checkRule, ruleFix } from './rules.ts';
import type { Text } from '../messages/text.ts';
import { analyseText, ViewContext, type ScanContext, type TextAnalysis } from './scan.ts';
import type { ChecksConfig } from './config.ts';

export interface EntryContext extends ScanContext {
  /**
   * The parsed front matter (the gate has it: entry.frontMatter.value). When
   * absent, the leading `---` block of the text is parsed here.
   */
  frontMatter?: unknown;
  /** Position of a front-matter path (the gate's entry.frontMatter.positionOf); derived when absent. */
  positionOf?: (path: readonly (string | number)[], key?: boolean) => Position | undefined;
}

/** Every check of an entry: the scanner's rules and the copyright rules. Pure. */
export function checkEntry(text: string, options: ScanOptions | ChecksConfig, context: EntryContext = {}): CheckFinding[] {
  const analysis = analyseText(text, options, context);
  const hits = [...analysis.hits, ...copyrightHits(analysis, context)];
  return finalise(text, hits, context.file ?? '');
}

interface FrontMatterAccess {
  value: Record<string, unknown> | undefined;
  positionOf: (path: readonly (string | number)[], key?: boolean) => Position | undefined;
}

const FM_CLOSE = /^---[ \t]*\r?$/;

function frontMatterOf(text: string, context: EntryContext): FrontMatterAccess {
  const asRecord = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  if (context.frontMatter !== undefined || context.positionOf) {
    return { value: asRecord(context.frontMatter), positionOf: context.positionOf ?? (() => undefined) };
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  if (!/^---[ \t]*\r?$/.test(lines[0] ?? '')) return { value: undefined, positionOf: () => undefined };
  const close = lines.findIndex((l, i) => i > 0 && FM_CLOSE.test(l));
  if (close === -1) return { value: undefined, positionOf: () => undefined };
  // As the gate parses it: js-yaml's core schema, positions found lazily.
  const yaml = parseFrontMatterYaml(lines.slice(1, close).join('\n'), { line: 2, column: 1 });
  if (yaml.errors.length > 0) return { value: undefined, positionOf: () => undefined };
  return { value: asRecord(yaml.value), positionOf: (p, key) => yaml.positionOf(p, key) };
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const HTTP_URL = /^https?:\/\/\S+$/;
/** A URL that loads from elsewhere: any scheme, or protocol-relative. */
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;
const NOT_MEDIA_SCHEME = /^(?:mailto|tel|sms|javascript|vbscript):/i;

const WHAT_ZH = { image: '图片', 'media file': '音视频文件', 'background image': '背景图片' } as const;

export function copyrightHits(a: TextAnalysis, context: EntryContext): Hit[] {
  const hits: Hit[] = [];
  const opts = a.options;
  const fm = frontMatterOf(a.text, context);
  const lines = new LineIndex(a.text);
  const at = (path: (string | number)[], key: boolean, length: number): [number, number] => {
    const p = fm.positionOf(path, key) ?? fm.positionOf(path.slice(0, -1), true);
    if (!p) return [0, 0];
    const o = lines.offset(p.line, p.column);
    return [o, Math.min(a.text.length, o + length)];
  };
  const add = (rule: Hit['rule'], span: [number, number], value: string, message: Text) => {
    const info = checkRule(rule);
    hits.push({ rule, severity: info.severity, start: span[0], end: span[1], value, message, fix: ruleFix(info) });
  };
  // Own when the name contains one of the group's names (示例省税务局办公室); a part of an own
  // name is not (国家税务总局 is another publisher than 国家税务总局示例省税务局).
  const isOwn = (name: string) => {
    const s = compactSource(name);
    return s.length >= 2 && opts.ownSources.some((o) => s.includes(o));
  };

  // reprint-incomplete
  const reprint = fm.value?.reprint;
  let reprintSource: string | undefined;
  if (reprint !== undefined) {
    const missing: string[] = [];
    if (typeof reprint !== 'object' || reprint === null || Array.isArray(reprint)) {
      missing.push('source', 'author', 'title', 'url or publication', 'permission');
    } else {
      const r = reprint as Record<string, unknown>;
      for (const k of ['source', 'author', 'title']) if (!nonEmpty(r[k])) missing.push(k);
      if (!((nonEmpty(r.url) && HTTP_URL.test(r.url)) || nonEmpty(r.publication))) missing.push('url or publication');
      if (!nonEmpty(r.permission) && !nonEmpty(r.license)) missing.push('permission');
      if (nonEmpty(r.source)) reprintSource = r.source;
    }
    if (missing.length > 0) {
      add('reprint-incomplete', at(['reprint'], true, 'reprint'.length), `reprint:${missing.join(',')}`, { zh: `转载信息块缺少 ${missing.map((k) => k.replace(' or ', ' 或 ')).join('、')}：转载须注明来源、原作者和标题、可追溯的网址或出版物，以及授权`, en: `the reprint block does not name its ${missing.join(', ')}: a reprint must name the source, the original author and title, a traceable URL or publication, and the permission` });
    }
  }

  // reprint-undeclared
  const ctx = new ViewContext(a.visible, a.visibleKeywords, opts, []);
  for (const cue of reprintCues(ctx)) {
    if (isOwn(cue.source)) continue;
    if (reprintSource !== undefined) {
      const s = compactSource(cue.source);
      const r = compactSource(reprintSource);
      if (s.includes(r) || r.includes(s)) continue;
    }
    const span: [number, number] = [origStart(a.visible, cue.a), origEnd(a.visible, cue.b)];
    add(
      'reprint-undeclared',
      span,
      compactSource(cue.source),
      reprint === undefined
        ? { zh: `正文称来自“${cue.source}”（${cue.word}），但条目没有转载信息块：转载须注明来源、作者、标题、网址或出版物以及授权`, en: `the text says it comes from "${cue.source}" (${cue.word}), but the entry has no reprint block: a reprint must name its source, author, title, URL or publication and permission` }
        : reprintSource === undefined
          ? { zh: `正文称来自“${cue.source}”（${cue.word}），但转载信息块未注明来源`, en: `the text says it comes from "${cue.source}" (${cue.word}), but the reprint block does not name a source` }
          : { zh: `正文注明来源为“${cue.source}”（${cue.word}），但转载信息块写的是“${reprintSource}”`, en: `the text names "${cue.source}" as its source (${cue.word}), but the reprint block names "${reprintSource}"` },
    );
  }

  // images in front matter: hot-links and credits
  const images = Array.isArray(fm.value?.images) ? (fm.value.images as unknown[]) : [];
  const credited: { credit: string; licensed: boolean }[] = [];
  images.forEach((img, i) => {
    if (typeof img !== 'object' || img === null) return;
    const o = img as Record<string, unknown>;
    if (nonEmpty(o.src) && REMOTE.test(o.src) && !NOT_MEDIA_SCHEME.test(o.src)) {
      add('image-hotlink', at(['images', i, 'src'], false, o.src.length), o.src, { zh: `图片“${short(o.src)}”从其他服务器加载：不受审批约束，审批后仍可能被更换`, en: `image "${short(o.src)}" is loaded from another server: it is not bound to the approval and can change after it` });
    }
    const credit = nonEmpty(o.credit) ? o.credit : undefined;
    const license = nonEmpty(o.license) ? o.license : undefined;
    if (credit) credited.push({ credit, licensed: license !== undefined });
    if (license && !credit) {
      add('image-credit-missing', at(['images', i], false, 1), `images[${i}]:credit`, { zh: `第 ${i + 1} 张图片有授权但没有署名：在 \`credit\` 中注明作者或来源`, en: `image ${i + 1} has a licence but no credit: name its author or source in \`credit\`` });
    } else if (credit && !license && !isOwn(credit)) {
      add('image-credit-missing', at(['images', i, 'credit'], false, credit.length), `images[${i}]:license:${compactSource(credit)}`, { zh: `第 ${i + 1} 张图片署名为“${credit}”而非本单位：需要填写 \`license\`（发布授权）`, en: `image ${i + 1} is credited to "${credit}", not the group: it needs a \`license\` (the permission to publish it)` });
    }
  });

  // image credit captions in the visible text
  for (const cue of creditCues(ctx)) {
    if (isOwn(cue.source)) continue;
    const s = compactSource(cue.source);
    const ok = credited.some((c) => c.licensed && (compactSource(c.credit).includes(s) || s.includes(compactSource(c.credit))));
    if (ok) continue;
    add('image-credit-missing', [origStart(a.visible, cue.a), origEnd(a.visible, cue.b)], s, { zh: `图片说明署名为“${cue.source}”而非本单位，但前置信息中没有带此署名和授权的图片`, en: `a caption credits an image to "${cue.source}", not the group, but no front-matter image carries that credit with a licence` });
  }

  // hot-linked images in the body (source view: character references decoded)
  for (const link of remoteMedia(a.source)) {
    add('image-hotlink', [origStart(a.source, link.a), origEnd(a.source, link.b)], link.url, { zh: `${WHAT_ZH[link.what]}“${short(link.url)}”从其他服务器加载：不受审批约束，无法检查，审批后仍可能被更换`, en: `${link.what} "${short(link.url)}" is loaded from another server: it is not bound to the approval, cannot be checked, and can change after it` });
  }
  return hits;
}

function short(url: string): string {
  return url.length > 80 ? `${url.slice(0, 77)}…` : url;
}

interface Cue {
  a: number;
  b: number;
  word: string;
  source: string;
}

const SOURCE_STOP = /[\s,，。;；、()（）|[\]【】<>"“”!！?？]/;
/** What a publisher's name ends with (or an ASCII name: Reuters, CCTV). */
const PUBLISHER = /(?:报|网|社|台|刊|志|局|部|委|院|办|厅|署|会|处|科|所|站|中心|公司|集团|新闻|频道|号|客户端|微博|平台|出版社|杂志|发布|在线|政府)$|^[A-Za-z][A-Za-z0-9 .&-]{2,}$/i;
const SOURCE_PREFIXES = ['文章', '稿件', '信息', '新闻', '本文', '原文', '内容', '消息', '作品', '转载'];

/** The source named after a cue at `j`: 《title》 or the text up to punctuation. */
function sourceAfter(t: string, j: number): { source: string; end: number } | undefined {
  while (t[j] === ' ' || t[j] === '\t' || t[j] === ':') j++;
  if (t[j] === '《') {
    const close = t.indexOf('》', j);
    if (close === -1 || close - j > 60 || t.slice(j, close).includes('\n')) return undefined;
    return { source: t.slice(j + 1, close), end: close + 1 };
  }
  const s0 = j;
  while (j < t.length && j - s0 < 40 && !SOURCE_STOP.test(t[j]!)) j++;
  if (j - s0 < 2) return undefined;
  return { source: t.slice(s0, j), end: j };
}

function reprintCues(ctx: ViewContext): Cue[] {
  const t = ctx.t;
  const cues: Cue[] = [];
  for (const h of ctx.keywords(K.REPRINT_STRONG)) {
    const a = ctx.kw.start[h]!;
    const b = ctx.kw.end[h]!;
    const word = ctx.opts.keywordText(ctx.kw, h);
    let k = b;
    while (t[k] === ' ') k++;
    const next = t[k];
    // 转自/摘自/选自/原载 are common verbs (转自然人…): only with 《 or : after them, or 本文/文章 before.
    if (['转自', '摘自', '选自', '原载'].includes(word)) {
      const before = t.slice(Math.max(0, a - 2), a);
      if (!(next === '《' || next === ':' || before === '本文' || before === '文章' || before === '此文')) continue;
      if (word === '转自' && (t.slice(a - 2, a) === '本文')) continue; // 本文转自 is its own keyword
    }
    const src = sourceAfter(t, b);
    if (!src) continue;
    cues.push({ a, b: src.end, word, source: src.source });
  }
  for (const h of ctx.keywords(K.REPRINT_SOURCE)) {
    const a = ctx.kw.start[h]!;
    const b = ctx.kw.end[h]!;
    let k = b;
    while (t[k] === ' ') k++;
    if (t[k] !== ':') continue;
    // 来源 opens a reprint note at a line start, after a bracket, or as 文章来源/稿件来源…;
    // 数据来源/资金来源/图片来源 are something else.
    let p = a - 1;
    while (p >= 0 && (t[p] === ' ' || t[p] === '*' || t[p] === '_')) p--;
    const prev = p < 0 ? '\n' : t[p]!;
    const before2 = t.slice(Math.max(0, p - 1), p + 1);
    if (!(/[\n\r(（【[|>#]/.test(prev) || SOURCE_PREFIXES.includes(before2))) continue;
    const src = sourceAfter(t, k);
    if (!src) continue;
    // 来源：境外 / 来源：工资薪金 name where money comes from; a reprint note names a publisher.
    if (!PUBLISHER.test(src.source) && t[k + 1] !== '《' && !SOURCE_PREFIXES.includes(before2)) continue;
    const word = t.slice(Math.max(0, SOURCE_PREFIXES.includes(before2) ? p - 1 : a), b);
    cues.push({ a: SOURCE_PREFIXES.includes(before2) ? p - 1 : a, b: src.end, word, source: src.source });
  }
  return cues;
}

function creditCues(ctx: ViewContext): Cue[] {
  const t = ctx.t;
  const cues: Cue[] = [];
  for (const h of ctx.keywords(K.IMAGE_CREDIT)) {
    const a = ctx.kw.start[h]!;
    const b = ctx.kw.end[h]!;
    const word = ctx.opts.keywordText(ctx.kw, h);
    if (word === '图片由') {
      const m = /^[ \t]*([^\s，。,;；、()（）]{2,40}?)[ \t]*提供/.exec(t.slice(b, b + 50));
      if (m) cues.push({ a, b: b + m[0].length, word, source: m[1]! });
      continue;
    }
    let k = b;
    while (t[k] === ' ') k++;
    if (t[k] !== ':') continue;
    const src = sourceAfter(t, k);
    if (src) cues.push({ a, b: src.end, word, source: src.source });
  }
  return cues;
}

interface MediaLink {
  a: number;
  b: number;
  url: string;
  what: 'image' | 'media file' | 'background image';
}

const MD_IMAGE = /!\[(?:[^[\]\n]|\[[^[\]\n]*\])*\]\([ \t]*<?([^\s)>]+)/g;
const MD_IMAGE_REF = /!\[((?:[^[\]\n]|\[[^[\]\n]*\])*)\](?:\[([^[\]\n]*)\])?(?!\()/g;
const DEFINITION = /^[ \t]{0,3}\[([^[\]\n]+)\]:[ \t]*<?([^\s>]+)/gm;
// Attributes stop at `<` and are bounded: a text full of unclosed `<a` stays linear.
const ELEMENT = /<([A-Za-z][A-Za-z0-9.-]*)\b((?:[^<>"']|"[^"<>]*"|'[^'<>]*'){0,400})>/g;
const MEDIA_ATTR = /(?:^|\s)(src|srcset|poster|data-src|data-original|background)\s*=\s*(?:"([^"]*)"|'([^']*)'|\{\s*["'`]([^"'`]*)["'`]\s*\}|([^\s>"'{}]+))/gi;
const CSS_URL = /url\(\s*["']?([^"')\s]+)/gi;

function isRemote(url: string): boolean {
  return REMOTE.test(url) && !NOT_MEDIA_SCHEME.test(url);
}

const label = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

export function remoteMedia(view: View): MediaLink[] {
  const t = view.text;
  const out: MediaLink[] = [];
  if (t.includes('![')) {
    MD_IMAGE.lastIndex = 0;
    for (let m = MD_IMAGE.exec(t); m; m = MD_IMAGE.exec(t)) {
      const url = m[1]!;
      if (isRemote(url)) {
        const a = m.index + m[0].length - url.length;
        out.push({ a, b: a + url.length, url, what: 'image' });
      }
    }
    const used = new Set<string>();
    MD_IMAGE_REF.lastIndex = 0;
    for (let m = MD_IMAGE_REF.exec(t); m; m = MD_IMAGE_REF.exec(t)) used.add(label(m[2] ? m[2] : m[1]!));
    if (used.size > 0) {
      DEFINITION.lastIndex = 0;
      for (let m = DEFINITION.exec(t); m; m = DEFINITION.exec(t)) {
        const url = m[2]!;
        if (used.has(label(m[1]!)) && isRemote(url)) {
          const a = m.index + m[0].length - url.length;
          out.push({ a, b: a + url.length, url, what: 'image' });
        }
      }
    }
  }
  if (t.includes('<')) {
    ELEMENT.lastIndex = 0;
    for (let m = ELEMENT.exec(t); m; m = ELEMENT.exec(t)) {
      const name = m[1]!;
      if (/^(?:a|link|script|iframe|frame|form)$/i.test(name)) continue; // links are not media; active content is html-active's
      const attrs = m[2]!;
      const base = m.index + 1 + name.length;
      MEDIA_ATTR.lastIndex = 0;
      for (let n = MEDIA_ATTR.exec(attrs); n; n = MEDIA_ATTR.exec(attrs)) {
        const value = n[2] ?? n[3] ?? n[4] ?? n[5] ?? '';
        const valueAt = base + n.index + n[0].lastIndexOf(value);
        const urls = n[1]!.toLowerCase() === 'srcset' ? value.split(',').map((part) => part.trim().split(/\s+/)[0] ?? '') : [value];
        for (const url of urls) {
          if (!url || !isRemote(url)) continue;
          const a = valueAt + Math.max(0, value.indexOf(url));
          out.push({ a, b: a + url.length, url, what: /^(?:video|audio|source|track)$/i.test(name) ? 'media file' : 'image' });
        }
      }
    }
  }
  if (/url\(/i.test(t)) {
    CSS_URL.lastIndex = 0;
    for (let m = CSS_URL.exec(t); m; m = CSS_URL.exec(t)) {
      const url = m[1]!;
      if (isRemote(url)) {
        const a = m.index + m[0].length - url.length;
        out.push({ a, b: a + url.length, url, what: 'background image' });
      }
    }
  }
  return out;
}
