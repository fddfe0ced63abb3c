/**
 * Multi-keyword search (Aho–Corasick): every occurrence of every keyword in one
 * pass over the text, whatever the number of keywords (the group's lexicon
 * may hold hundreds of terms). ASCII letters match case-insensitively; the
 * patterns are normalised like the text (full-width → half-width) by the caller.
 *
 * Characters that occur in no keyword map to symbol 0 and send the machine
 * back to its root in one array read, so prose that contains no keyword
 * character costs almost nothing.
 */

export interface Keyword {
  text: string;
  /** Caller's tag (a category), returned with each hit. */
  kind: number;
  /** Caller's index within the category. */
  index: number;
}

export interface KeywordHits {
  count: number;
  start: Int32Array;
  end: Int32Array;
  /** Index into the matcher's keyword list. */
  id: Int32Array;
}

function fold(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

export class KeywordMatcher {
  readonly keywords: readonly Keyword[];
  private readonly alpha: Uint16Array;
  private readonly symbols: number;
  /** Dense goto of the root, per symbol. */
  private readonly rootNext: Int32Array;
  private readonly next: Map<number, number>[];
  private readonly fail: Int32Array;
  /** Keyword ids recognised in each state (own + through failure links). */
  private readonly out: (readonly number[] | undefined)[];
  private readonly length: Int32Array;

  constructor(keywords: readonly Keyword[]) {
    this.keywords = keywords.filter((k) => k.text.length > 0);
    const alpha = new Uint16Array(0x10000);
    let symbols = 1;
    for (const k of this.keywords) {
      for (let i = 0; i < k.text.length; i++) {
        const c = fold(k.text.charCodeAt(i));
        if (alpha[c] === 0) {
          alpha[c] = symbols++;
          if (symbols >= 0xffff) throw new Error('too many distinct characters in the keyword list');
        }
      }
    }
    for (let c = 0x41; c <= 0x5a; c++) alpha[c] = alpha[c + 0x20]!;
    this.alpha = alpha;
    this.symbols = symbols;

    const next: Map<number, number>[] = [new Map()];
    const outs: number[][] = [[]];
    const depth: number[] = [0];
    this.keywords.forEach((k, id) => {
      let s = 0;
      for (let i = 0; i < k.text.length; i++) {
        const sym = alpha[fold(k.text.charCodeAt(i))]!;
        let t = next[s]!.get(sym);
        if (t === undefined) {
          t = next.length;
          next.push(new Map());
          outs.push([]);
          depth.push(depth[s]! + 1);
          next[s]!.set(sym, t);
        }
        s = t;
      }
      outs[s]!.push(id);
    });
    const fail = new Int32Array(next.length);
    const queue: number[] = [];
    for (const t of next[0]!.values()) queue.push(t);
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      for (const [sym, t] of next[s]!) {
        let f = fail[s]!;
        while (f !== 0 && !next[f]!.has(sym)) f = fail[f]!;
        const g = next[f]!.get(sym);
        fail[t] = g !== undefined && g !== t ? g : 0;
        outs[t]!.push(...outs[fail[t]!]!);
        queue.push(t);
      }
    }
    this.next = next;
    this.fail = fail;
    this.out = outs.map((o) => (o.length ? o : undefined));
    this.length = Int32Array.from(this.keywords.map((k) => k.text.length));
    this.rootNext = new Int32Array(symbols);
    for (const [sym, t] of next[0]!) this.rootNext[sym] = t;
  }

  /** Every occurrence, in order of end position. */
  match(text: string): KeywordHits {
    let cap = 64;
    let start = new Int32Array(cap);
    let end = new Int32Array(cap);
    let id = new Int32Array(cap);
    let count = 0;
    const { alpha, rootNext, next, fail, out, length } = this;
    if (this.keywords.length === 0) return { count, start, end, id };
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const sym = alpha[text.charCodeAt(i)]!;
      if (sym === 0) {
        s = 0;
        continue;
      }
      if (s === 0) {
        s = rootNext[sym]!;
      } else {
        let t = next[s]!.get(sym);
        while (t === undefined && s !== 0) {
          s = fail[s]!;
          t = s === 0 ? rootNext[sym]! : next[s]!.get(sym);
        }
        s = t ?? 0;
      }
      const o = out[s];
      if (o) {
        for (const k of o) {
          if (count === cap) {
            cap *= 2;
            const ns = new Int32Array(cap);
            ns.set(start);
            start = ns;
            const ne = new Int32Array(cap);
            ne.set(end);
            end = ne;
            const ni = new Int32Array(cap);
            ni.set(id);
            id = ni;
          }
          start[count] = i + 1 - length[k]!;
          end[count] = i + 1;
          id[count] = k;
          count++;
        }
      }
    }
    return { count, start, end, id };
  }

  get size(): number {
    return this.keywords.length;
  }

  get alphabet(): number {
    return this.symbols - 1;
  }
}
