/**
 * The confidentiality scanner: classification and internal markings, personal
 * data, secrets, the group's lexicon. It reads the raw text of a file, so it
 * sees everything that would be published: front-matter values, body text,
 * headings, tables, code, HTML comments and raw HTML, link URLs and titles,
 * image alt text, MDX props. Nothing is excluded: what a rule must not fire
 * on (prose about 秘密, masked numbers, public hotlines) is told apart by the
 * rule, not by skipping part of the file.
 *
 * Each rule runs on the view that suits it (normalise.ts): markings, numbers,
 * passports, lexicon terms and written-out passwords on both the source view
 * (what is in the file: comments, attributes) and the visible view (what a
 * reader sees: markup and comments removed, so a split number is whole); keys,
 * tokens, addresses and hosts on the source view. Matches of both views that
 * overlap are one finding (report.ts).
 *
 * Options are compiled once per configuration (compile.ts); pass the same
 * ChecksConfig object, or the ScanOptions, for every entry. In a worker
 * thread, send the plain ChecksConfig and compile it there.
 */
import type { Severity } from '../diagnostics/index.ts';
import { compileChecks, K, ScanOptions, type KeywordKind } from './compile.ts';
import type { ChecksConfig } from './config.ts';
import { forEachDigitRun, type DigitGroup, type DigitRun } from './digits.ts';
import { maskEmail, maskMiddle, type CheckFinding, type Hit } from './finding.ts';
import { isBankCard, isMobile, isResidentId15, isResidentId18, isUscc, travelDocumentKind } from './identifiers.ts';
import type { KeywordHits } from './keywords.ts';
import { isCjk, normaliseChars, origEnd, origStart, visibleView, type View } from './normalise.ts';
import { finalise } from './report.ts';
import { checkRule, ruleFix, type CheckRuleId } from './rules.ts';
import type { Text } from '../messages/text.ts';

export interface ScanContext {
  /** Repo-relative path, carried into the findings. */
  file?: string;
  /** The entry's column: drafts are expected in the configured consultation columns. */
  column?: string;
  /**
   * Let a number continue over one soft line break (Markdown paragraphs, folded
   * YAML). Default true; CSV attachments turn it off (a line is a record).
   */
  joinLines?: boolean;
}

/** Everything the scanner computed for a text; the copyright checks reuse it. */
export interface TextAnalysis {
  text: string;
  options: ScanOptions;
  source: View;
  visible: View;
  sourceKeywords: KeywordHits;
  visibleKeywords: KeywordHits;
  hits: Hit[];
}

type Options = ScanOptions | ChecksConfig;

export function scanOptions(options: Options): ScanOptions {
  return options instanceof ScanOptions ? options : compileChecks(options);
}

/** Scan the raw text of an entry or a text attachment. Pure. */
export function scanText(text: string, options: Options, context: ScanContext = {}): CheckFinding[] {
  const a = analyseText(text, options, context);
  return finalise(text, a.hits, context.file ?? '');
}

export function analyseText(text: string, options: Options, context: ScanContext = {}): TextAnalysis {
  const opts = scanOptions(options);
  const joinLines = context.joinLines ?? true;
  const source = normaliseChars(text);
  const visible = visibleView(source);
  const sourceKeywords = opts.matcher.match(source.text);
  // A visible view that is the source text is the source, place for place too (the visible view only
  // drops characters or merges a tag into one): scanned again it would find the same hits, which
  // finalise merges into the ones found already. Text read from a document mostly has no markup.
  const sameViews = visible.text === source.text;
  const visibleKeywords = sameViews ? sourceKeywords : opts.matcher.match(visible.text);
  const hits: Hit[] = [];
  const views = [[source, sourceKeywords]] as [View, KeywordHits][];
  if (!sameViews) views.push([visible, visibleKeywords]);
  for (const [view, kw] of views) {
    const ctx = new ViewContext(view, kw, opts, hits);
    markings(ctx, context.column);
    numbers(ctx, joinLines);
    passports(ctx);
    lexicon(ctx);
    passwords(ctx);
  }
  const ctx = new ViewContext(source, sourceKeywords, opts, hits);
  urlPasswords(ctx);
  privateKeys(ctx);
  tokens(ctx);
  internalHosts(ctx);
  intranetIps(ctx);
  emails(ctx);
  return { text, options: opts, source, visible, sourceKeywords, visibleKeywords, hits };
}

/** A view, its keyword hits by category, and the sink for hits. */
export class ViewContext {
  readonly t: string;
  private readonly byKind = new Map<KeywordKind, number[]>();
  /** Table header line of each table row seen (headerCell's memo). */
  readonly tableHeaders = new Map<number, number>();
  private lineStarts: Int32Array | undefined;

  /** Start of the line containing `pos` (binary search over the view's line starts, built once). */
  lineStart(pos: number): number {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.t;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 0x0a || (c === 0x0d && t.charCodeAt(i + 1) !== 0x0a)) starts.push(i + 1);
      }
      this.lineStarts = Int32Array.from(starts);
    }
    const s = this.lineStarts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return s[lo]!;
  }

  constructor(
    readonly view: View,
    readonly kw: KeywordHits,
    readonly opts: ScanOptions,
    readonly hits: Hit[],
  ) {
    this.t = view.text;
    for (let h = 0; h < kw.count; h++) {
      const k = opts.kindOf(kw, h);
      let list = this.byKind.get(k);
      if (!list) this.byKind.set(k, (list = []));
      list.push(h);
    }
  }

  keywords(kind: KeywordKind): readonly number[] {
    return this.byKind.get(kind) ?? [];
  }

  /**
   * The nearest keyword of a category ending at or before `pos`, within
   * `maxDistance` characters and on the same line; -1 if none.
   */
  keywordBefore(kind: KeywordKind, pos: number, maxDistance: number): number {
    const list = this.byKind.get(kind);
    if (!list) return -1;
    let lo = 0;
    let hi = list.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.kw.end[list[mid]!]! <= pos) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best === -1) return -1;
    const h = list[best]!;
    const e = this.kw.end[h]!;
    if (pos - e > maxDistance) return -1;
    for (let i = e; i < pos; i++) {
      const c = this.t.charCodeAt(i);
      if (c === 0x0a || c === 0x0d) return -1;
    }
    return h;
  }

  /**
   * A keyword of the category before `pos` on its line (keywordBefore), or,
   * when `pos` is in a Markdown table row, in the header cell of its column
   * (`| 姓名 | 身份证号码 |` … `| 王某 | 110… |`). -1 if none.
   */
  keywordFor(kind: KeywordKind, pos: number, maxDistance: number): number {
    const h = this.keywordBefore(kind, pos, maxDistance);
    if (h !== -1) return h;
    const cell = headerCell(this.t, pos, this.tableHeaders, this.lineStart(pos));
    return cell ? this.keywordIn(kind, cell[0], cell[1]) : -1;
  }

  /** A keyword of the category entirely inside [a, b); -1 if none. */
  keywordIn(kind: KeywordKind, a: number, b: number): number {
    const list = this.byKind.get(kind);
    if (!list) return -1;
    for (const h of list) if (this.kw.start[h]! >= a && this.kw.end[h]! <= b) return h;
    return -1;
  }

  add(rule: CheckRuleId, a: number, b: number, value: string, message: Text, extra: { severity?: Severity; mask?: string; fix?: Text } = {}): void {
    const info = checkRule(rule);
    const hit: Hit = {
      rule,
      severity: extra.severity ?? info.severity,
      start: origStart(this.view, a),
      end: origEnd(this.view, b),
      value,
      message,
      fix: extra.fix ?? ruleFix(info),
    };
    if (extra.mask !== undefined) hit.mask = extra.mask;
    this.hits.push(hit);
  }
}

// ── Markdown tables ─────────────────────────────────────────────────────────

function lineStartOf(t: string, i: number): number {
  let j = i;
  while (j > 0 && t.charCodeAt(j - 1) !== 0x0a && t.charCodeAt(j - 1) !== 0x0d) j--;
  return j;
}

function lineEndOf(t: string, i: number): number {
  let j = i;
  while (j < t.length && t.charCodeAt(j) !== 0x0a && t.charCodeAt(j) !== 0x0d) j++;
  return j;
}

/** Start of the line before the one starting at `ls`, or -1. */
function previousLine(t: string, ls: number): number {
  if (ls === 0) return -1;
  let j = ls - 1;
  if (t.charCodeAt(j) === 0x0a && t.charCodeAt(j - 1) === 0x0d) j--;
  return lineStartOf(t, j);
}

/** Start of the line after the one containing `i`, or -1. */
function nextLine(t: string, i: number): number {
  let j = lineEndOf(t, i);
  if (j >= t.length) return -1;
  if (t.charCodeAt(j) === 0x0d && t.charCodeAt(j + 1) === 0x0a) j++;
  return j + 1;
}

function isTableRow(t: string, ls: number): boolean {
  let j = ls;
  while (t.charCodeAt(j) === 0x20 || t.charCodeAt(j) === 0x09) j++;
  return t.charCodeAt(j) === 0x7c;
}

const DELIMITER_ROW = /^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?$/;

function isDelimiterRow(t: string, ls: number): boolean {
  const end = lineEndOf(t, ls);
  return end - ls <= MAX_ROW && DELIMITER_ROW.test(t.slice(ls, end));
}

/** Index of the cell containing `pos` (pipes before it on its line, escaped ones excluded). */
function cellIndex(t: string, ls: number, pos: number): number {
  let n = 0;
  for (let j = ls; j < pos; j++) if (t.charCodeAt(j) === 0x7c && t.charCodeAt(j - 1) !== 0x5c) n++;
  return n;
}

/** Table rows longer than this are not read as tables (every lookup stays bounded). */
const MAX_ROW = 10_000;

function cellRange(t: string, ls: number, index: number): [number, number] | undefined {
  const end = Math.min(lineEndOf(t, ls), ls + MAX_ROW);
  let n = 0;
  let a = -1;
  for (let j = ls; j < end; j++) {
    if (t.charCodeAt(j) !== 0x7c || t.charCodeAt(j - 1) === 0x5c) continue;
    n++;
    if (n === index) a = j + 1;
    else if (n === index + 1 && a !== -1) return [a, j];
  }
  return a !== -1 ? [a, end] : undefined;
}

/** Header line of the table a body row belongs to (-1: not in a table body); `memo` is per text. */
function headerLineOf(t: string, ls: number, memo: Map<number, number>): number {
  const known = memo.get(ls);
  if (known !== undefined) return known;
  const walked: number[] = [];
  let cur = ls;
  let header = -1;
  for (;;) {
    const cached = cur === ls ? undefined : memo.get(cur);
    if (cached !== undefined) {
      header = cached;
      break;
    }
    walked.push(cur);
    const prev = previousLine(t, cur);
    if (prev === -1 || !isTableRow(t, prev)) break;
    if (isDelimiterRow(t, prev)) {
      const h = previousLine(t, prev);
      header = h !== -1 && isTableRow(t, h) ? h : -1;
      break;
    }
    cur = prev;
  }
  for (const w of walked) memo.set(w, header);
  return header;
}

/** The header cell of the column that `pos` is in, when `pos` is in a table body row. */
export function headerCell(t: string, pos: number, memo: Map<number, number> = new Map(), ls: number = lineStartOf(t, pos)): [number, number] | undefined {
  if (pos - ls > MAX_ROW || !isTableRow(t, ls)) return undefined;
  const header = headerLineOf(t, ls, memo);
  return header === -1 ? undefined : cellRange(t, header, cellIndex(t, ls, pos));
}

/** For a keyword in a table header cell: the ranges of the cells of its column in the body rows. */
function columnCells(t: string, keywordAt: number): [number, number][] {
  const hs = lineStartOf(t, keywordAt);
  if (keywordAt - hs > MAX_ROW || !isTableRow(t, hs)) return [];
  const delimiter = nextLine(t, hs);
  if (delimiter === -1 || !isDelimiterRow(t, delimiter)) return [];
  const col = cellIndex(t, hs, keywordAt);
  const cells: [number, number][] = [];
  for (let row = nextLine(t, delimiter); row !== -1 && isTableRow(t, row) && cells.length < 10_000; row = nextLine(t, row)) {
    const cell = cellRange(t, row, col);
    if (cell) cells.push(cell);
  }
  return cells;
}

// ── markings ────────────────────────────────────────────────────────────────

const STARS = '★☆✩✪✫✬✭✮✯⭐⋆✱✲✳✴✵✶✷✸✹✺✦✧';
const SECRET_MARK = new RegExp(
  `(绝|机|秘)[ \\t]*密[ \\t]*(?:([${STARS}]+)|(\\*{1,3}))[ \\t]*((?:\\d{1,3}|[一二三四五六七八九十两]{1,3})[ \\t]*(?:年|个月|月|天|日)|长期|永久)?`,
  'g',
);
const SECRET_LEVEL = /密[ \t]*级[ \t]*:?[ \t]*(绝[ \t]*密|机[ \t]*密|秘[ \t]*密)/g;

const PREV_BOUNDARY = new Set([...'\n\r([{【〔「『<#>|:-★☆*/、·"“‘\'= \t'].map((c) => c.charCodeAt(0)));
const NEXT_BOUNDARY = new Set([...'\n\r)]}】〕」』>|★☆*/、·"”’\' \t,，。;；:!-'].map((c) => c.charCodeAt(0)));
const NEXT_BOUNDARY_STRICT = new Set([...'\n\r)]}】〕」』>|★☆*/、·"”’\' \t'].map((c) => c.charCodeAt(0)));

/** Inside 《…》 on the same line: a title that names a document, not a marking. */
function insideBookTitle(t: string, a: number, b: number): boolean {
  let opened = false;
  for (let i = a - 1; i >= 0 && i > a - 200; i--) {
    const c = t.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x300b /* 》 */) break;
    if (c === 0x300a /* 《 */) {
      opened = true;
      break;
    }
  }
  if (!opened) return false;
  for (let i = b; i < t.length && i < b + 200; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return false;
    if (c === 0x300b) return true;
  }
  return false;
}

/**
 * A term stands as a marking (not inside a sentence): at a line start, in
 * brackets, in a heading or a table cell, after another marking, and followed
 * by the end of the line, a bracket or punctuation.
 */
function markingContext(t: string, a: number, b: number, markingEnds: ReadonlySet<number>, strict: boolean): boolean {
  let i = a - 1;
  while (i >= 0 && (t.charCodeAt(i) === 0x2a || t.charCodeAt(i) === 0x5f || t.charCodeAt(i) === 0x7e || t.charCodeAt(i) === 0x60)) i--;
  const prevOk = i < 0 || PREV_BOUNDARY.has(t.charCodeAt(i)) || markingEnds.has(i + 1);
  if (!prevOk) return false;
  let j = b;
  while (j < t.length && (t.charCodeAt(j) === 0x2a || t.charCodeAt(j) === 0x5f || t.charCodeAt(j) === 0x7e || t.charCodeAt(j) === 0x60)) j++;
  if (j >= t.length) return true;
  const c = t.charCodeAt(j);
  return (strict ? NEXT_BOUNDARY_STRICT : NEXT_BOUNDARY).has(c) || (!strict && markingStartsAt(t, j));
}

const MARKING_STARTS = ['注意保存', '内部', '不得外传', '请勿外传', '严禁外传', '工作秘密', '仅供', '仅限', '此件'];
function markingStartsAt(t: string, j: number): boolean {
  return MARKING_STARTS.some((m) => t.startsWith(m, j));
}

function markings(ctx: ViewContext, column: string | undefined): void {
  const t = ctx.t;
  if (t.includes('密')) {
    SECRET_MARK.lastIndex = 0;
    for (let m = SECRET_MARK.exec(t); m; m = SECRET_MARK.exec(t)) {
      // A `*` look-alike counts only with a period: `**商业秘密**` is bold text.
      if (m[3] !== undefined && m[4] === undefined) continue;
      const level = `${m[1]}密`;
      const period = (m[4] ?? '').replace(/[ \t]/g, '');
      const value = `${level}★${period}`;
      ctx.add('secret-marking', m.index, m.index + m[0].length, value, { zh: `密级标志“${value}”：属于国家秘密文件（保密法），一律不得公开`, en: `classification marking "${value}": this is a state-secret document (保密法), which must never be published` });
    }
    SECRET_LEVEL.lastIndex = 0;
    for (let m = SECRET_LEVEL.exec(t); m; m = SECRET_LEVEL.exec(t)) {
      const value = `密级:${m[1]!.replace(/[ \t]/g, '')}`;
      ctx.add('secret-marking', m.index, m.index + m[0].length, value, { zh: `密级“${value}”：属于国家秘密文件（保密法），一律不得公开`, en: `classification "${value}": this is a state-secret document (保密法), which must never be published` });
    }
  }
  const ends = new Set<number>();
  for (const kind of [K.INTERNAL_STRONG, K.INTERNAL_WEAK, K.DRAFT, K.BARE_SECRET]) for (const h of ctx.keywords(kind)) ends.add(ctx.kw.end[h]!);
  for (const h of ctx.keywords(K.BARE_SECRET)) {
    const a = ctx.kw.start[h]!;
    const b = ctx.kw.end[h]!;
    // `绝密`/`机密`/`秘密` standing alone as a marking (【机密】, a line of its own); followed by ★ the regex above has it.
    const next = t.charCodeAt(b);
    if (next === 0x2605 || next === 0x2606) continue;
    if (insideBookTitle(t, a, b) || !markingContext(t, a, b, ends, true)) continue;
    // Only a marking when nothing but markup or brackets precede it on its line.
    if (!aloneOnLine(t, a, b)) continue;
    const value = t.slice(a, b);
    ctx.add('secret-marking', a, b, value, { zh: `密级标志“${value}”：属于国家秘密文件（保密法），一律不得公开`, en: `classification marking "${value}": this is a state-secret document (保密法), which must never be published` });
  }
  for (const h of ctx.keywords(K.INTERNAL_STRONG)) {
    const a = ctx.kw.start[h]!;
    const b = ctx.kw.end[h]!;
    const word = ctx.opts.keywordText(ctx.kw, h);
    if (word === '内部资料' && t.charCodeAt(b) === 0x6027 /* 性: 内部资料性出版物 */) continue;
    if (insideBookTitle(t, a, b)) continue;
    ctx.add('internal-marking', a, b, word, { zh: `内部文件标志“${word}”：内部文件和不宜公开的事项不在门户网站发布`, en: `internal-document marking "${word}": internal documents and non-public matters are not published on the portal` });
  }
  for (const h of ctx.keywords(K.INTERNAL_WEAK)) {
    const a = ctx.kw.start[h]!;
    const b = ctx.kw.end[h]!;
    if (insideBookTitle(t, a, b) || !markingContext(t, a, b, ends, false)) continue;
    const word = ctx.opts.keywordText(ctx.kw, h);
    if (word === '内部' && !aloneOnLine(t, a, b)) continue;
    ctx.add('internal-marking', a, b, word, { zh: `内部文件标志“${word}”：内部文件和不宜公开的事项不在门户网站发布`, en: `internal-document marking "${word}": internal documents and non-public matters are not published on the portal` });
  }
  // A draft is what the consultation column publishes (the rules: public participation).
  if (column !== undefined && ctx.opts.consultationColumns.has(column)) return;
  for (const h of ctx.keywords(K.DRAFT)) {
    const a = ctx.kw.start[h]!;
    const b = ctx.kw.end[h]!;
    if (insideBookTitle(t, a, b) || !markingContext(t, a, b, ends, false)) continue;
    const word = ctx.opts.keywordText(ctx.kw, h);
    ctx.add('draft-marking', a, b, word, { zh: `草案标志“${word}”：草案仅用于公开征求意见时发布，其他情况应退回审核`, en: `draft marking "${word}": a draft is published only for public consultation; anything else goes back for review` });
  }
}

/** Nothing but markup, brackets and spaces between the line's start and end and the term. */
function aloneOnLine(t: string, a: number, b: number): boolean {
  const filler = /[\s#>*_~`|()[\]{}【】〔〕「」『』<>/\-—:]/;
  // Bounded: a marking line is short; a long line is prose.
  for (let i = a - 1; ; i--) {
    if (i < 0) break;
    if (a - i > 80) return false;
    const c = t[i]!;
    if (c === '\n' || c === '\r') break;
    if (!filler.test(c)) return false;
  }
  for (let i = b; i < t.length; i++) {
    if (i - b > 80) return false;
    const c = t[i]!;
    if (c === '\n' || c === '\r') break;
    if (!filler.test(c) && !/[★☆\d年月天日长期永久个]/.test(c)) return false;
  }
  return true;
}

// ── personal numbers ────────────────────────────────────────────────────────

const ACCOUNT_LINK = /^[\s:=为是*_`~]{0,6}$/;
const NOT_AN_ACCOUNT = /行号|代码|电话|编号|地址|号码|邮编|传真|日期/;

function groupedByFour(g: readonly DigitGroup[], a: number, b: number): boolean {
  if (b - a < 2) return false;
  for (let i = a; i < b; i++) if (g[i]!.text.length !== 4) return false;
  const last = g[b]!.text.length;
  return last >= 1 && last <= 4;
}

function numbers(ctx: ViewContext, joinLines: boolean): void {
  forEachDigitRun(ctx.t, joinLines, 8, (run) => evaluateRun(ctx, run));
}

function evaluateRun(ctx: ViewContext, run: DigitRun): void {
  const g = run.groups;
  const opts = ctx.opts;
  // Windows: contiguous groups of 11 to 19 characters (the lengths of every identifier below).
  const joined = g.map((x) => x.text).join('');
  const off = [0];
  for (const x of g) off.push(off[off.length - 1]! + x.text.length);
  for (let a = 0; a < g.length; a++) {
    // Whether a card keyword precedes the window start: computed once per start, when needed.
    let bankContext: boolean | undefined;
    for (let b = a; b < g.length; b++) {
      const L = off[b + 1]! - off[a]!;
      if (L > 19) break;
      if (L < 11) continue;
      // Only the lengths of an ID (15, 18), a mobile (11, 13, 15) or a card (13-19) next to its context.
      if (L !== 11 && L !== 13 && L !== 15 && L !== 18) {
        if (L < 13) continue;
        if (!groupedByFour(g, a, b) && !(bankContext ??= ctx.keywordFor(K.BANK, g[a]!.a, 24) !== -1)) continue;
      }
      const s = joined.slice(off[a], off[b + 1]);
      const va = g[a]!.a;
      const vb = g[b]!.b;
      const hasX = s.charCodeAt(L - 1) === 0x58;
      if (L === 18 && isResidentId18(s)) {
        // An all-digit unified social credit code can pass both checks; the keyword decides.
        if (!(isUscc(s) && ctx.keywordFor(K.USCC, va, 24) !== -1)) {
          const mask = maskMiddle(s, 4, 4);
          ctx.add('personal-id', va, vb, s, { zh: `居民身份证号码 ${mask} 属于个人信息，不得公开`, en: `resident ID number ${mask}: the number of a citizen's identity card is personal data and is not published` }, { mask });
        }
        continue;
      }
      if (L === 15 && !hasX && isResidentId15(s) && ctx.keywordFor(K.ID, va, 30) !== -1) {
        const mask = maskMiddle(s, 4, 4);
        ctx.add('personal-id', va, vb, s, { zh: `居民身份证号码 ${mask}（第一代，15 位）属于公民个人信息，不得公开`, en: `resident ID number ${mask} (first-generation, 15 digits): personal data of a citizen is not published` }, { mask });
        continue;
      }
      if (hasX) continue;
      const letters = (a === 0 && run.letterBefore) || (b === g.length - 1 && run.letterAfter);
      if (letters) continue;
      let mobile: string | undefined;
      if (L === 11 && isMobile(s)) mobile = s;
      else if (L === 13 && s.startsWith('86') && isMobile(s.slice(2))) mobile = s.slice(2);
      else if (L === 15 && s.startsWith('0086') && isMobile(s.slice(4))) mobile = s.slice(4);
      // 11-digit tax authority and site codes (13201000000, 19900000000) share the mobile prefixes:
      // a code ends in a run of zeros, or is named as a code right before it.
      if (mobile !== undefined && (/0{5}$/.test(mobile) || ctx.keywordBefore(K.CODE, va, 6) !== -1)) mobile = undefined;
      if (mobile !== undefined && !opts.publicPhones.has(mobile)) {
        const mask = maskMiddle(mobile, 3, 4);
        const from = L > 11 && ctx.t.charCodeAt(va - 1) === 0x2b /* + */ ? va - 1 : va;
        ctx.add('personal-mobile', from, vb, mobile, { zh: `手机号码 ${mask} 属于个人信息，不得公开`, en: `mobile number ${mask}: a private person's phone number is personal data and is not published` }, { mask });
      }
      if (L >= 13 && L <= 19 && isBankCard(s) && (groupedByFour(g, a, b) || (bankContext ??= ctx.keywordFor(K.BANK, va, 24) !== -1))) {
        const mask = maskMiddle(s, 4, 4);
        ctx.add('personal-bankcard', va, vb, s, { zh: `银行卡号 ${mask} 属于个人金融信息，不得公开`, en: `bank card number ${mask}: a card number is personal financial data and is not published` }, { mask });
      }
    }
  }
  if (run.letterBefore || run.letterAfter) return;
  const all = joined;
  if (all.length < 8 || all.length > 30 || all.endsWith('X')) return;
  const va = g[0]!.a;
  const vb = g[g.length - 1]!.b;
  let account = false;
  const direct = ctx.keywordBefore(K.ACCOUNT, va, 8);
  if (direct !== -1 && ACCOUNT_LINK.test(ctx.t.slice(ctx.kw.end[direct]!, va))) account = true;
  if (!account) {
    const cell = headerCell(ctx.t, va, ctx.tableHeaders, ctx.lineStart(va));
    if (cell && ctx.keywordIn(K.ACCOUNT, cell[0], cell[1]) !== -1) account = true;
  }
  if (!account && all.length >= 10) {
    const near = ctx.keywordBefore(K.ACCOUNT_CTX, va, 40);
    if (near !== -1 && !NOT_AN_ACCOUNT.test(ctx.t.slice(ctx.kw.end[near]!, va))) account = true;
  }
  if (account && !opts.publicAccounts.has(all)) {
    const mask = all.length >= 12 ? maskMiddle(all, 4, 4) : maskMiddle(all, 2, 2);
    ctx.add('personal-account', va, vb, all, { zh: `银行账号 ${mask} 属于个人金融信息，不得公开`, en: `bank account number ${mask}: a person's account is personal financial data and is not published` }, { mask });
  }
}

const TRAVEL_TOKEN = /(?<![A-Za-z0-9])([A-Za-z]{0,2}[ -]?(?:\d[ -]?){6,10}[A-Za-z0-9]?)(?![A-Za-z0-9])/g;
const DOCUMENT_NAMES = {
  passport: 'passport number',
  'hk-macao-permit': 'Hong Kong and Macao travel permit number',
  'taiwan-permit': 'Taiwan travel permit number',
  'home-return-permit': 'home-return permit number',
  'taiwan-compatriot-permit': 'Taiwan compatriot permit number',
} as const;
const DOCUMENT_NAMES_ZH: Record<keyof typeof DOCUMENT_NAMES, string> = {
  passport: '护照号码',
  'hk-macao-permit': '往来港澳通行证号码',
  'taiwan-permit': '往来台湾通行证号码',
  'home-return-permit': '港澳居民来往内地通行证号码',
  'taiwan-compatriot-permit': '台湾居民来往大陆通行证号码',
};

function passports(ctx: ViewContext): void {
  const t = ctx.t;
  const found = (m: RegExpExecArray, word: string, near: boolean) => {
    const value = m[1]!.replace(/[ -]/g, '').toUpperCase();
    const kind = travelDocumentKind(value);
    if (!kind) return;
    // Digits alone (台胞证) only right after that keyword.
    if (kind === 'taiwan-compatriot-permit' && !(word === '台胞证' && near)) return;
    const mask = maskMiddle(value, 1, 2);
    ctx.add('personal-passport', m.index, m.index + m[1]!.length, value, { zh: `${DOCUMENT_NAMES_ZH[kind]} ${mask} 属于公民个人信息，不得公开`, en: `${DOCUMENT_NAMES[kind]} ${mask}: personal data of a citizen is not published` }, { mask });
  };
  for (const h of ctx.keywords(K.PASSPORT)) {
    const e = ctx.kw.end[h]!;
    const word = ctx.opts.keywordText(ctx.kw, h);
    TRAVEL_TOKEN.lastIndex = e;
    const m = TRAVEL_TOKEN.exec(t);
    if (m && m.index - e <= 24 && !/[\n\r]/.test(t.slice(e, m.index))) found(m, word, m.index - e <= 8);
    // A keyword in a table header: the cells of its column (each cell matched on its own: linear).
    for (const [a, b] of columnCells(t, ctx.kw.start[h]!)) {
      const cell = new RegExp(TRAVEL_TOKEN.source, 'g');
      const text = t.slice(a, b);
      for (let c = cell.exec(text); c; c = cell.exec(text)) {
        c.index += a;
        found(c, word, true);
      }
    }
  }
}

function lexicon(ctx: ViewContext): void {
  for (const h of ctx.keywords(K.LEXICON)) {
    const term = ctx.opts.lexicon[ctx.opts.keywordIndex(ctx.kw, h)]!;
    ctx.add('lexicon-term', ctx.kw.start[h]!, ctx.kw.end[h]!, term.term, { zh: `“${term.term}”列入本站群敏感词表：${term.note}`, en: `"${term.term}" is in the group's sensitive-term lexicon: ${term.note}` }, { severity: term.severity, fix: { zh: term.note, en: term.note } });
  }
}

// ── secrets ─────────────────────────────────────────────────────────────────

const PLACEHOLDERS = new Set(['password', 'passwd', 'pass', 'pwd', 'none', 'null', 'nil', 'undefined', 'empty', 'your_password', 'yourpassword', 'your-password', 'mypassword', 'secret', 'xxx', 'xxxx', 'example', '略', '无']);
const PASSWORD_STOP = /[\s"'`,;|<>()&（），。；、\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

function passwords(ctx: ViewContext): void {
  const t = ctx.t;
  for (const h of ctx.keywords(K.PASSWORD)) {
    const a = ctx.kw.start[h]!;
    let j = ctx.kw.end[h]!;
    const word = ctx.opts.keywordText(ctx.kw, h);
    if (/^[a-z]/.test(word)) {
      const before = t.charCodeAt(a - 1);
      if ((before >= 0x41 && before <= 0x5a) || (before >= 0x61 && before <= 0x7a)) continue;
      const after = t.charCodeAt(j);
      if ((after >= 0x41 && after <= 0x5a) || (after >= 0x61 && after <= 0x7a)) continue;
    }
    if (t[j] === '"' || t[j] === "'") j++;
    while (t[j] === ' ' || t[j] === '\t') j++;
    const sep = t[j];
    if (sep === ':' || sep === '=') j++;
    else if ((sep === '为' || sep === '是') && !/^[a-z]/.test(word)) j++;
    else continue;
    while (t[j] === ' ' || t[j] === '\t') j++;
    let quote = '';
    if (t[j] === '"' || t[j] === "'") quote = t[j++]!;
    const v0 = j;
    while (j < t.length && j - v0 <= 128 && !(quote ? t[j] === quote || t[j] === '\n' : PASSWORD_STOP.test(t[j]!))) j++;
    let v1 = j;
    // A full stop ends the sentence, not the password (`密码：abc123.`).
    if (!quote && v1 > v0 && t[v1 - 1] === '.') v1--;
    const value = t.slice(v0, v1);
    if (value.length < 4 || value.length > 128) continue;
    // `6-20位`: the "value" is the start of a sentence about the password.
    if (!quote && isCjk(t.charCodeAt(j))) continue;
    if (/^[*xX•●·.\-_#?]+$/.test(value) || /^(?:<.*>|\$\{.*\}|\{\{.*\}\}|\[.*\]|%.*%)$/.test(value) || PLACEHOLDERS.has(value.toLowerCase())) continue;
    // Factory defaults of public software that guides tell taxpayers to change (configured).
    if (ctx.opts.publicPasswords.has(value)) continue;
    ctx.add('secret-password', v0, v1, value, { zh: `“${word}”后写明了密码：进入仓库的密码已不再保密`, en: `a password is written out after "${word}": a password in the repository is no longer secret` }, { mask: '******' });
  }
}

function urlPasswords(ctx: ViewContext): void {
  const t = ctx.t;
  const url = /\b[a-z][a-z0-9+.-]{1,15}:\/\/([^\s/:@]{1,64}):([^\s/@]{1,128})@/gi;
  for (let m = url.exec(t); m; m = url.exec(t)) {
    const pw = m[2]!;
    if (/^[*x]+$/i.test(pw) || /^(?:<.*>|\$\{.*\}|\{\{.*\}\})$/.test(pw)) continue;
    const a = m.index + m[0].length - 1 - pw.length;
    ctx.add('secret-password', a, a + pw.length, pw, { zh: '网址中包含用户名和密码：进入仓库的密码已不再保密', en: 'a URL carries a user name and password: a password in the repository is no longer secret' }, { mask: '******' });
  }
}

const PEM = /-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY(?: BLOCK)?-----/g;
const KEY_BODY = /MII[A-Za-z0-9+/]{2}[A-Za-z0-9+/]IBA(?:AKC|DANBgkqhkiG9w0BAQEFAASC)|MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg|MC4CAQAwBQYDK2VwBCIEI|MHcCAQEEI[A-Za-z0-9+/]{20}|PuTTY-User-Key-File-\d+:/g;

function privateKeys(ctx: ViewContext): void {
  const t = ctx.t;
  const covered: [number, number][] = [];
  if (t.includes('PRIVATE KEY')) {
    PEM.lastIndex = 0;
    for (let m = PEM.exec(t); m; m = PEM.exec(t)) {
      const endMarker = t.indexOf('-----END', m.index + m[0].length);
      let b = m.index + m[0].length;
      if (endMarker !== -1 && endMarker - b < 64 * 1024) {
        const close = t.indexOf('-----', endMarker + 8);
        b = close === -1 ? endMarker + 8 : close + 5;
      }
      covered.push([m.index, b]);
      const header = m[0];
      ctx.add('secret-private-key', m.index, b, t.slice(m.index, b).replace(/\s+/g, ''), { zh: `私钥内容（${header}）：密钥一律不得进入仓库（信任模型第 8 条）`, en: `private key material (${header}): secrets never enter the repository (Trust model 8)` }, { mask: header });
      PEM.lastIndex = b;
    }
  }
  KEY_BODY.lastIndex = 0;
  for (let m = KEY_BODY.exec(t); m; m = KEY_BODY.exec(t)) {
    if (covered.some(([a, b]) => m!.index >= a && m!.index < b)) continue;
    let b = m.index + m[0].length;
    while (b < t.length && /[A-Za-z0-9+/=]/.test(t[b]!)) b++;
    ctx.add('secret-private-key', m.index, b, t.slice(m.index, b), { zh: '文中含有私钥正文（base64 DER）：密钥一律不得进入仓库（信任模型第 8 条）', en: 'the body of a private key (base64 DER) is in the text: secrets never enter the repository (Trust model 8)' }, { mask: `${m[0].slice(0, 6)}…` });
  }
}

const TOKEN =
  /(?<![A-Za-z0-9_-])(?:(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|sk-(?:proj-|ant-|live-)?[A-Za-z0-9_-]{20,}|sk_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35}|LTAI[0-9A-Za-z]{12,20}|AKID[0-9A-Za-z]{13,40}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})(?![A-Za-z0-9])|(?:access_token|api_key|apikey|secret_key|secretkey|app_secret|appsecret|client_secret|webhook\/send\?key)=([A-Za-z0-9._~-]{16,})/gi;
const TOKEN_NAMES: [RegExp, string, string][] = [
  [/^A[KSGIRNP][A-Z]{2}/, 'an AWS access key', 'AWS 访问密钥'],
  [/^gh[pousr]_|^github_pat_/, 'a GitHub token', 'GitHub 令牌'],
  [/^glpat-/, 'a GitLab token', 'GitLab 令牌'],
  [/^xox/, 'a Slack token', 'Slack 令牌'],
  [/^sk[-_]/, 'an API secret key', 'API 密钥'],
  [/^AIza/, 'a Google API key', 'Google API 密钥'],
  [/^LTAI/, 'an Alibaba Cloud AccessKey', '阿里云 AccessKey'],
  [/^AKID/, 'a Tencent Cloud SecretId', '腾讯云 SecretId'],
  [/^eyJ/, 'a JSON Web Token', 'JSON Web Token（JWT）'],
];

function tokens(ctx: ViewContext): void {
  const t = ctx.t;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(t); m; m = TOKEN.exec(t)) {
    let a = m.index;
    let value = m[0];
    if (m[1] !== undefined) {
      a = m.index + m[0].length - m[1].length;
      value = m[1];
    } else if (/^(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)/i.test(value) && !/^[A-Z0-9]+$/.test(value)) {
      continue; // the AWS pattern is upper-case only; the flag made it case-insensitive
    }
    const known = m[1] !== undefined ? undefined : TOKEN_NAMES.find(([re]) => re.test(value));
    const name = m[1] !== undefined ? 'an access token in a URL parameter' : (known?.[1] ?? 'an access token');
    const nameZh = m[1] !== undefined ? '网址参数中的访问令牌' : (known?.[2] ?? '访问令牌');
    ctx.add('secret-token', a, a + value.length, value, { zh: `${nameZh}（${value.slice(0, 4)}…）：进入仓库的令牌已不再保密`, en: `${name} (${value.slice(0, 4)}…): a token in the repository is no longer secret` }, { mask: `${value.slice(0, 4)}…` });
  }
}

function internalHosts(ctx: ViewContext): void {
  const t = ctx.t;
  const re = ctx.opts.hostPattern;
  re.lastIndex = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    let a = m.index;
    while (a > 0 && /[A-Za-z0-9.-]/.test(t[a - 1]!)) a--;
    while (t[a] === '.' || t[a] === '-') a++;
    const b = m.index + m[0].length;
    const host = t.slice(a, b).toLowerCase();
    if (t[a - 1] === '@') continue; // an e-mail address: personal-email has it
    if (m[0].startsWith('.') && a === m.index) continue; // `.local` alone names no host
    ctx.add('secret-internal-host', a, b, host, { zh: `内网主机名“${host}”：内网地址不得公开`, en: `internal host name "${host}": intranet addresses are not published` });
  }
  const unc = /(?<![\\A-Za-z0-9])\\\\([A-Za-z0-9][A-Za-z0-9.-]{0,62})\\+[^\s\\]+/g;
  for (let m = unc.exec(t); m; m = unc.exec(t)) {
    ctx.add('secret-internal-host', m.index, m.index + m[0].length, m[1]!.toLowerCase(), { zh: `网络共享路径“\\\\${m[1]}\\…”：内网地址不得公开`, en: `network share path "\\\\${m[1]}\\…": intranet addresses are not published` });
  }
}

const PRIVATE_IP = /(?<![\d.])(10\.\d{1,3}\.\d{1,3}\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}|192\.168\.\d{1,3}\.\d{1,3}|169\.254\.\d{1,3}\.\d{1,3})(?!\d|\.\d)/g;

function intranetIps(ctx: ViewContext): void {
  const t = ctx.t;
  PRIVATE_IP.lastIndex = 0;
  for (let m = PRIVATE_IP.exec(t); m; m = PRIVATE_IP.exec(t)) {
    const ip = m[1]!;
    if (ip.split('.').some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith('0')))) continue;
    ctx.add('secret-intranet-ip', m.index, m.index + ip.length, ip, { zh: `内网 IPv4 地址 ${ip}：内网地址不得公开`, en: `private IPv4 address ${ip}: intranet addresses are not published` });
  }
}

// ── e-mail ──────────────────────────────────────────────────────────────────

const FILE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'bmp', 'ico', 'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'txt', 'csv', 'md', 'mdx', 'html', 'htm', 'css', 'js', 'mjs', 'ts', 'json', 'zip', 'rar', 'mp4', 'mp3']);
const LOCAL = /[A-Za-z0-9._%+-]/;
const LABEL = /[A-Za-z0-9-]/;
const AT_WORD = /[[(【{][ \t]*at[ \t]*[\])】}]/gi;
const DOT_WORD = /^[ \t]*[[(【{][ \t]*dot[ \t]*[\])】}][ \t]*/i;

function emails(ctx: ViewContext): void {
  const t = ctx.t;
  const seps: [number, number][] = [];
  for (let i = t.indexOf('@'); i !== -1; i = t.indexOf('@', i + 1)) {
    // `zhangsan @ qq.com`: spaces around the at-sign hide nothing.
    let a = i;
    let b = i + 1;
    while (a > 0 && a > i - 3 && (t[a - 1] === ' ' || t[a - 1] === '\t')) a--;
    while (b < t.length && b < i + 4 && (t[b] === ' ' || t[b] === '\t')) b++;
    seps.push([a, b]);
  }
  if (/at/i.test(t)) {
    AT_WORD.lastIndex = 0;
    for (let m = AT_WORD.exec(t); m; m = AT_WORD.exec(t)) {
      let a = m.index;
      while (t[a - 1] === ' ') a--;
      let b = m.index + m[0].length;
      while (t[b] === ' ') b++;
      seps.push([a, b]);
    }
  }
  for (const [sa, sb] of seps) {
    let a = sa;
    while (a > 0 && sa - a < 64 && LOCAL.test(t[a - 1]!)) a--;
    while (t[a] === '.') a++;
    if (a === sa) continue;
    const before = t[a - 1];
    if (before === '*' || before === '×') continue; // masked: zh***@qq.com
    if (before === ':' && /[a-z][a-z0-9+.-]*:\/\/[^\s]*$/i.test(t.slice(Math.max(0, a - 80), a))) continue; // URL credentials
    const labels: string[] = [];
    let j = sb;
    for (let n = 0; n < 16; n++) {
      const l0 = j;
      while (j < t.length && j - l0 < 63 && LABEL.test(t[j]!)) j++;
      if (j === l0) break;
      labels.push(t.slice(l0, j));
      if (t[j] === '.' && LABEL.test(t[j + 1] ?? '')) {
        j++;
        continue;
      }
      const dot = DOT_WORD.exec(t.slice(j, j + 16));
      if (dot && LABEL.test(t[j + dot[0].length] ?? '')) {
        j += dot[0].length;
        continue;
      }
      break;
    }
    if (labels.length < 2) continue;
    const tld = labels[labels.length - 1]!;
    if (!/^[A-Za-z]{2,24}$/.test(tld)) continue;
    // `logo@2x.png`: a file name, not an address.
    if (FILE_EXTENSIONS.has(tld.toLowerCase()) || /^\d+(?:\.\d+)?x$/i.test(labels[0]!)) continue;
    const local = t.slice(a, sa);
    const domain = labels.join('.').toLowerCase();
    if (local === 'git' && t[j] === ':') continue; // git@host:repo
    if (ctx.opts.publicEmailDomains.some((d) => domain === d || domain.endsWith(`.${d}`))) continue;
    const address = `${local.toLowerCase()}@${domain}`;
    const mask = maskEmail(address);
    const why = ctx.opts.freeMailDomains.has(domain)
      ? 'a free-mail address belongs to a private person'
      : ctx.opts.internalDomains.some((d) => domain === d || domain.endsWith(`.${d}`))
        ? 'an intranet mailbox is not public'
        : `${domain} is not one of the group's public mail domains`;
    const whyZh = ctx.opts.freeMailDomains.has(domain)
      ? '免费邮箱属于个人'
      : ctx.opts.internalDomains.some((d) => domain === d || domain.endsWith(`.${d}`))
        ? '内网邮箱不对外公开'
        : `${domain} 不是本站群的公开邮箱域名`;
    ctx.add('personal-email', a, j, address, { zh: `电子邮箱 ${mask}：${whyZh}；个人联系方式不得公开`, en: `e-mail address ${mask}: ${why}; personal contact data is not published` }, { mask });
  }
}

