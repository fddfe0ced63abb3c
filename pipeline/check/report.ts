/**
 * From hits to findings: one finding per thing found (matches of the two
 * views that overlap are merged; a number that is an ID is not also reported
 * as a phone or an account), positions in the original text, an excerpt with
 * every sensitive value on the line masked, and the value's fingerprint.
 */
import { fingerprintValue, type CheckFinding, type Hit } from './finding.ts';
import { LineIndex } from './normalise.ts';

/** Of overlapping personal-number matches, the most specific wins. */
const PRIORITY: Partial<Record<string, number>> = {
  'personal-id': 5,
  'personal-bankcard': 4,
  'personal-mobile': 3,
  'personal-passport': 2,
  'personal-account': 1,
};

const EXCERPT_MAX = 160;

export function dedupe(hits: readonly Hit[]): Hit[] {
  const sorted = [...hits].sort((x, y) => x.start - y.start || y.end - x.end);
  const lastEnd = new Map<string, number>();
  const kept: Hit[] = [];
  for (const h of sorted) {
    const key = h.rule === 'lexicon-term' ? `${h.rule}\u0000${h.value}` : h.rule;
    const end = lastEnd.get(key);
    if (end !== undefined && h.start < end) {
      lastEnd.set(key, Math.max(end, h.end));
      continue;
    }
    lastEnd.set(key, h.end);
    kept.push(h);
  }
  const personal = kept.filter((h) => PRIORITY[h.rule] !== undefined);
  if (personal.length < 2) return kept;
  // Sweep in start order: only hits that overlap are compared (linear for disjoint ones).
  const dropped = new Set<Hit>();
  for (let i = 0; i < personal.length; i++) {
    const h = personal[i]!;
    for (let j = i + 1; j < personal.length && personal[j]!.start < h.end; j++) {
      const o = personal[j]!;
      const ph = PRIORITY[h.rule]!;
      const po = PRIORITY[o.rule]!;
      if (ph > po) dropped.add(o);
      else if (po > ph) dropped.add(h);
    }
  }
  return dropped.size === 0 ? kept : kept.filter((h) => !dropped.has(h));
}

export function finalise(text: string, hits: readonly Hit[], file: string): CheckFinding[] {
  if (hits.length === 0) return [];
  const kept = dedupe(hits);
  const lines = new LineIndex(text);
  const masked = kept.filter((h) => h.mask !== undefined).sort((x, y) => x.start - y.start);
  return kept.map((h) => {
    const s = lines.position(h.start);
    const e = lines.position(h.end);
    const f: CheckFinding = {
      rule: h.rule,
      severity: h.severity,
      file,
      line: s.line,
      column: s.column,
      endLine: e.line,
      endColumn: e.column,
      offset: h.start,
      endOffset: h.end,
      message: h.message.en,
      fix: h.fix.en,
      zh: { message: h.message.zh, fix: h.fix.zh },
      fingerprint: fingerprintValue(h.value),
    };
    const excerpt = excerptOf(lines, s.line, h, masked);
    if (excerpt !== undefined) f.excerpt = excerpt;
    return f;
  });
}

function excerptOf(lines: LineIndex, line: number, hit: Hit, masked: readonly Hit[]): string | undefined {
  const { text, offset } = lines.lineText(line);
  if (text.trim() === '') return undefined;
  const lineEnd = offset + text.length;
  // Masked hits are sorted by start; a hit can begin on an earlier line (a key block), so look back a little.
  let lo = 0;
  let hi = masked.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (masked[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  const spans: Hit[] = [];
  for (let k = Math.max(0, lo - 8); k < masked.length && masked[k]!.start < lineEnd; k++) {
    const m = masked[k]!;
    if (m.end > offset) spans.push(m);
  }
  let out = '';
  let at = offset;
  let hitAt = 0;
  const plain = (to: number) => {
    if (hit.start >= at && hit.start < to) hitAt = out.length + hit.start - at;
    out += text.slice(at - offset, to - offset);
  };
  for (const m of spans) {
    const a = Math.max(m.start, at);
    const b = Math.min(m.end, lineEnd);
    if (b <= a) continue;
    plain(a);
    if (hit.start >= a && hit.start < b) hitAt = out.length;
    out += m.mask!;
    at = b;
  }
  plain(lineEnd);
  if (out.length <= EXCERPT_MAX) return out;
  const from = Math.max(0, Math.min(hitAt - 40, out.length - EXCERPT_MAX));
  return `${from > 0 ? '…' : ''}${out.slice(from, from + EXCERPT_MAX)}${from + EXCERPT_MAX < out.length ? '…' : ''}`;
}
