/**
 * Text views with offset maps. A rule never matches the raw file: it matches a
 * normalised view, and every view maps each of its characters back to the
 * span of the original text it came from, so a finding points at the exact
 * characters a writer typed (the rules forbid publishing the data in any
 * disguise; the writer must still land on the spot in seconds).
 *
 * Two views are built:
 *
 * - the *source* view (`normaliseChars`): the file as published, character by
 *   character, with full-width ASCII made half-width, zero-width and bidi
 *   controls removed, dash and space variants unified, HTML character
 *   references and `\u`/`\x` escapes decoded. Everything in the file is in it
 *   (comments, attributes, link titles, front matter).
 * - the *visible* view (`visibleView`): the source view as a reader sees it:
 *   HTML comments and `{/* *\/}` removed, inline tags removed, block tags made
 *   line breaks, inline emphasis markers (`*`, `_`, `~~`, backticks) and
 *   backslash escapes removed, spaces between two CJK characters dropped.
 *   A number or a marking split by markup or a comment is whole again here.
 *
 * Offsets and columns count UTF-16 code units of the JavaScript string (what
 * the gate, editors' column counters and SARIF's default `utf16CodeUnits` use).
 */

export interface View {
  text: string;
  /** Original offset of view character i (absent: the view is the original, offset for offset). */
  start?: Int32Array;
  /** Original end offset (exclusive) of view character i. */
  end?: Int32Array;
}

export function origStart(view: View, i: number): number {
  return view.start ? (view.start[i] ?? 0) : i;
}

/** Exclusive original end of the view span ending before `i` (i.e. of character i-1). */
export function origEnd(view: View, iExclusive: number): number {
  if (iExclusive <= 0) return view.start ? (view.start[0] ?? 0) : 0;
  return view.end ? (view.end[iExclusive - 1] ?? 0) : iExclusive;
}

const KEEP = -1;
const DROP = -2;
const SLOW = -3;

/**
 * Per-code-unit mapping: KEEP, DROP, SLOW (needs look-ahead), or the
 * replacement code unit. Built once.
 */
const TABLE: Int32Array = (() => {
  const t = new Int32Array(0x10000).fill(KEEP);
  // Full-width ASCII (！ … ～) → ASCII; ideographic space → space.
  for (let c = 0xff01; c <= 0xff5e; c++) t[c] = c - 0xfee0;
  t[0x3000] = 0x20;
  // Spaces of every width.
  for (const c of [0x00a0, 0x1680, 0x202f, 0x205f]) t[c] = 0x20;
  for (let c = 0x2000; c <= 0x200a; c++) t[c] = 0x20;
  // Invisible characters: zero-width space/joiners, word joiner, invisible
  // operators, BOM, soft hyphen, bidi marks and embeddings, Mongolian vowel
  // separator, combining grapheme joiner, variation selectors, Hangul fillers.
  for (const c of [0x00ad, 0x034f, 0x061c, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e, 0x3164, 0xfeff, 0xffa0]) t[c] = DROP;
  for (let c = 0x200b; c <= 0x200f; c++) t[c] = DROP;
  for (let c = 0x202a; c <= 0x202e; c++) t[c] = DROP;
  for (let c = 0x2060; c <= 0x206f; c++) t[c] = DROP;
  for (let c = 0xfe00; c <= 0xfe0f; c++) t[c] = DROP;
  // Dashes and hyphens → '-'.
  for (const c of [0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63, 0x02d7, 0x2043]) t[c] = 0x2d;
  // One-dot leader, katakana and hyphenation middle dots → '.'; small at-sign.
  t[0x2024] = 0x2e;
  t[0x30fb] = 0x2e;
  t[0x2027] = 0x2e;
  // Chinese digits (一一〇一〇五… is a number written to slip past a digit pattern): 〇/○ and
  // 一…九, and the financial forms 壹…玖, fold to ASCII digits. 十/百/千 and 零 are not digits
  // of a written-out number and stay.
  t[0x3007] = 0x30;
  t[0x25cb] = 0x30;
  [0x4e00, 0x4e8c, 0x4e09, 0x56db, 0x4e94, 0x516d, 0x4e03, 0x516b, 0x4e5d].forEach((c, i) => (t[c] = 0x31 + i));
  [0x58f9, 0x8d30, 0x53c1, 0x8086, 0x4f0d, 0x9646, 0x67d2, 0x634c, 0x7396].forEach((c, i) => (t[c] = 0x31 + i));
  t[0xfe6b] = 0x40; // ﹫
  // Sequences that need look-ahead: character references, escapes, math digits (astral).
  t[0x26] = SLOW; // &
  t[0x5c] = SLOW; // backslash
  t[0xd835] = SLOW; // Mathematical Alphanumeric Symbols (𝟎…𝟿)
  return t;
})();

/** Named references that can hide a character from a pattern (no `&lt;`/`&amp;`: they are text, not markup). */
const NAMED: Record<string, number> = {
  nbsp: 0xa0, ensp: 0x2002, emsp: 0x2003, thinsp: 0x2009, hairsp: 0x200a, numsp: 0x2007, puncsp: 0x2008,
  shy: 0xad, zwj: 0x200d, zwnj: 0x200c, lrm: 0x200e, rlm: 0x200f, NoBreak: 0x2060, ZeroWidthSpace: 0x200b,
  ndash: 0x2013, mdash: 0x2014, minus: 0x2212, hyphen: 0x2010, dash: 0x2010, horbar: 0x2015,
  commat: 0x40, period: 0x2e, colon: 0x3a, lowbar: 0x5f, ast: 0x2a, midast: 0x2a, star: 0x2606, starf: 0x2605, bigstar: 0x2605,
};

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Decode a sequence at `i` (starting with & or \ or a surrogate); returns [code point, length] or undefined. */
function decodeAt(text: string, i: number): [number, number] | undefined {
  const c = text.charCodeAt(i);
  if (c === 0x26) {
    if (text.charCodeAt(i + 1) === 0x23) {
      // &#123; or &#x7B; (the `;` is optional, as browsers accept it)
      const hex = (text.charCodeAt(i + 2) | 0x20) === 0x78;
      let j = i + (hex ? 3 : 2);
      let cp = 0;
      const begin = j;
      while (j < text.length && j - begin < 8) {
        const d = text.charCodeAt(j);
        if (hex ? isHex(d) : d >= 0x30 && d <= 0x39) {
          cp = cp * (hex ? 16 : 10) + (hex ? parseInt(text[j]!, 16) : d - 0x30);
          j++;
        } else break;
      }
      if (j === begin || cp > 0x10ffff) return undefined;
      if (text.charCodeAt(j) === 0x3b) j++;
      return [cp === 0 ? 0xfffd : cp, j - i];
    }
    let j = i + 1;
    while (j < text.length && j - i <= 16 && /[A-Za-z]/.test(text[j]!)) j++;
    if (j > i + 1 && text.charCodeAt(j) === 0x3b) {
      const cp = NAMED[text.slice(i + 1, j)];
      if (cp !== undefined) return [cp, j + 1 - i];
    }
    return undefined;
  }
  if (c === 0x5c) {
    const k = text.charCodeAt(i + 1);
    if (k === 0x75 /* u */) {
      if (text.charCodeAt(i + 2) === 0x7b) {
        const close = text.indexOf('}', i + 3);
        if (close > i + 3 && close - i <= 10 && /^[0-9a-fA-F]+$/.test(text.slice(i + 3, close))) {
          const cp = parseInt(text.slice(i + 3, close), 16);
          if (cp <= 0x10ffff) return [cp, close + 1 - i];
        }
        return undefined;
      }
      if (isHex(text.charCodeAt(i + 2)) && isHex(text.charCodeAt(i + 3)) && isHex(text.charCodeAt(i + 4)) && isHex(text.charCodeAt(i + 5))) {
        return [parseInt(text.slice(i + 2, i + 6), 16), 6];
      }
    } else if (k === 0x55 /* U (YAML) */) {
      const h = text.slice(i + 2, i + 10);
      if (/^[0-9a-fA-F]{8}$/.test(h)) {
        const cp = parseInt(h, 16);
        if (cp <= 0x10ffff) return [cp, 10];
      }
    } else if (k === 0x78 /* x */ && isHex(text.charCodeAt(i + 2)) && isHex(text.charCodeAt(i + 3))) {
      return [parseInt(text.slice(i + 2, i + 4), 16), 4];
    }
    return undefined;
  }
  if (c === 0xd835) {
    // 𝟎 (U+1D7CE) … 𝟿 (U+1D7FF): five styles of digits 0-9 that NFKC folds to ASCII digits.
    const cp = text.codePointAt(i) ?? 0;
    if (cp >= 0x1d7ce && cp <= 0x1d7ff) return [0x30 + ((cp - 0x1d7ce) % 10), 2];
    return undefined;
  }
  return undefined;
}

/** Map one decoded code point through the table (a decoded character is normalised too). */
function mapCodePoint(cp: number): number {
  if (cp > 0xffff) return cp;
  const m = TABLE[cp]!;
  if (m === KEEP || m === SLOW) return cp;
  return m; // DROP or replacement
}

const UTF16 = new TextDecoder('utf-16le');

function fromUnits(units: Uint16Array, length: number): string {
  return UTF16.decode(units.subarray(0, length));
}

/**
 * The source view. When nothing is deleted or decoded the view shares the
 * original offsets (no map is allocated): substitutions are one for one.
 */
export function normaliseChars(text: string): View {
  const n = text.length;
  const out = new Uint16Array(n);
  let start: Int32Array | undefined;
  let end: Int32Array | undefined;
  let o = 0;
  let changed = false;
  const needMap = () => {
    if (start) return;
    start = new Int32Array(n + 1);
    end = new Int32Array(n + 1);
    for (let k = 0; k < o; k++) {
      start[k] = k;
      end[k] = k + 1;
    }
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const m = TABLE[c]!;
    if (m === KEEP) {
      out[o] = c;
      if (start) {
        start[o] = i;
        end![o] = i + 1;
      }
      o++;
      i++;
      continue;
    }
    if (m >= 0) {
      changed = true;
      out[o] = m;
      if (start) {
        start[o] = i;
        end![o] = i + 1;
      }
      o++;
      i++;
      continue;
    }
    if (m === DROP) {
      changed = true;
      needMap();
      i++;
      continue;
    }
    // SLOW: a reference, an escape or an astral digit.
    const decoded = decodeAt(text, i);
    if (!decoded) {
      out[o] = c;
      if (start) {
        start[o] = i;
        end![o] = i + 1;
      }
      o++;
      i++;
      continue;
    }
    changed = true;
    needMap();
    const [cp, len] = decoded;
    const mapped = mapCodePoint(cp);
    if (mapped !== DROP) {
      if (mapped > 0xffff) {
        const s = String.fromCodePoint(mapped);
        out[o] = s.charCodeAt(0);
        start![o] = i;
        end![o] = i + len;
        o++;
        out[o] = s.charCodeAt(1);
        start![o] = i;
        end![o] = i + len;
        o++;
      } else {
        out[o] = mapped;
        start![o] = i;
        end![o] = i + len;
        o++;
      }
    }
    i += len;
  }
  if (!changed) return { text };
  const view: View = { text: fromUnits(out, o) };
  if (start) {
    start[o] = n;
    end![o] = n;
    view.start = start;
    view.end = end!;
  }
  return view;
}

/** Inline HTML elements: removing the tag does not separate the text around it. */
const INLINE_TAGS = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'big', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'font', 'i', 'ins', 'kbd', 'mark', 'q', 's', 'samp',
  'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var', 'wbr', 'nobr', 'label', 'ruby', 'rb', 'rt', 'rp',
]);

export function isCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** End (exclusive) of an HTML tag starting at `i` (`<` then a letter, `/` or `!`), or -1. */
export function tagEnd(t: string, i: number): number {
  const n = t.length;
  let j = i + 1;
  const c1 = t.charCodeAt(j);
  if (c1 === 0x2f) j++;
  else if (c1 === 0x21) j++;
  if (!isAsciiLetter(t.charCodeAt(j))) return -1;
  // Bounded, and a quoted value is skipped with indexOf: a run of `<a "` cannot make this quadratic.
  const limit = Math.min(n, i + 2000);
  for (; j < limit; j++) {
    const c = t.charCodeAt(j);
    if (c === 0x22 || c === 0x27) {
      const close = t.indexOf(c === 0x22 ? '"' : "'", j + 1);
      if (close === -1 || close >= limit) return -1;
      j = close;
    } else if (c === 0x3e) return j + 1;
    else if (c === 0x3c) return -1;
  }
  return -1;
}

function tagName(t: string, i: number): string {
  let j = i + 1;
  if (t.charCodeAt(j) === 0x2f) j++;
  const s = j;
  while (j < t.length && /[A-Za-z0-9-]/.test(t[j]!)) j++;
  return t.slice(s, j);
}

/**
 * The visible view, built on the source view (its map composes to the original).
 */
export function visibleView(src: View): View {
  const t = src.text;
  const n = t.length;
  const out = new Uint16Array(n);
  const start = new Int32Array(n + 1);
  const end = new Int32Array(n + 1);
  let o = 0;
  const emit = (code: number, a: number, b: number) => {
    out[o] = code;
    start[o] = origStart(src, a);
    end[o] = origEnd(src, b);
    o++;
  };
  let lastCjk = false;
  let i = 0;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === 0x3c /* < */) {
      if (t.startsWith('<!--', i)) {
        const close = t.indexOf('-->', i + 4);
        i = close === -1 ? n : close + 3;
        continue;
      }
      const e = tagEnd(t, i);
      if (e !== -1) {
        const name = tagName(t, i).toLowerCase();
        if (!INLINE_TAGS.has(name)) {
          emit(0x0a, i, e);
          lastCjk = false;
        }
        i = e;
        continue;
      }
    } else if (c === 0x5d /* ] */ && (t.charCodeAt(i + 1) === 0x28 || t.charCodeAt(i + 1) === 0x5b)) {
      // `[text](url "title")` and `[text][ref]` render as `text`: the destination goes
      // (the source view keeps it), so text split around a link joins up.
      const close = t.charCodeAt(i + 1) === 0x28 ? 0x29 : 0x5d;
      let j = i + 2;
      while (j < n && j - i < 2000 && t.charCodeAt(j) !== close && t.charCodeAt(j) !== 0x0a) j++;
      if (j < n && t.charCodeAt(j) === close) {
        i = j + 1;
        continue;
      }
    } else if (c === 0x7b /* { */ && t.startsWith('{/*', i)) {
      const close = t.indexOf('*/}', i + 3);
      i = close === -1 ? n : close + 3;
      continue;
    } else if (c === 0x2a || c === 0x5f || c === 0x7e || c === 0x60) {
      let j = i + 1;
      while (j < n && t.charCodeAt(j) === c) j++;
      const run = j - i;
      // `*`/`_`/backtick runs of 1-3 are emphasis or code; `~~` is strikethrough.
      // Longer runs are masks (`138****5678`) or rules, and stay.
      if ((c === 0x7e ? run === 2 : run <= 3)) {
        i = j;
        continue;
      }
      for (let k = i; k < j; k++) emit(c, k, k + 1);
      lastCjk = false;
      i = j;
      continue;
    } else if (c === 0x5c /* \ */) {
      const k = t.charCodeAt(i + 1);
      if (k > 0x20 && k < 0x7f && !isAsciiLetter(k) && !(k >= 0x30 && k <= 0x39)) {
        i++;
        continue;
      }
    } else if ((c === 0x20 || c === 0x09) && lastCjk) {
      let j = i + 1;
      while (j < n && (t.charCodeAt(j) === 0x20 || t.charCodeAt(j) === 0x09)) j++;
      if (j < n && isCjk(t.charCodeAt(j))) {
        i = j;
        continue;
      }
    }
    emit(c, i, i + 1);
    lastCjk = isCjk(c);
    i++;
  }
  start[o] = origEnd(src, n);
  end[o] = start[o]!;
  return { text: fromUnits(out, o), start, end };
}

/**
 * Lines of the original text, for 1-based line/column. Line breaks are `\n`,
 * `\r\n` and a lone `\r` (as editors and vfile count them). A byte-order mark
 * at the very start is not a column.
 */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const t = this.text;
    const starts = [t.charCodeAt(0) === 0xfeff ? 1 : 0];
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 0x0a) starts.push(i + 1);
      else if (c === 0x0d && t.charCodeAt(i + 1) !== 0x0a) starts.push(i + 1);
    }
    this.starts = starts;
    return starts;
  }

  /** 1-based line and column of an offset (an end offset gives the column after the last character). */
  position(offset: number): { line: number; column: number } {
    const s = this.lineStarts();
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: Math.max(1, offset - s[lo]! + 1) };
  }

  /** Offset of a 1-based line and column (clamped to the text). */
  offset(line: number, column: number): number {
    const s = this.lineStarts();
    const a = s[Math.min(Math.max(line, 1), s.length) - 1]!;
    return Math.min(this.text.length, a + Math.max(column, 1) - 1);
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): { text: string; offset: number } {
    const s = this.lineStarts();
    const a = s[line - 1] ?? this.text.length;
    let b = s[line] ?? this.text.length;
    while (b > a && (this.text.charCodeAt(b - 1) === 0x0a || this.text.charCodeAt(b - 1) === 0x0d)) b--;
    return { text: this.text.slice(a, b), offset: a };
  }
}
