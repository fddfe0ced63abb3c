/**
 * What changed between the version an approver signed and the one in front of
 * them: the entry's lines (front matter and body), with the changed
 * characters inside a changed line (Chinese has no spaces to split words on),
 * and the attachments added, removed or changed by digest. Pure: bytes and
 * asset lists in, a diff out; the desk draws it.
 */
import { diffChars, diffLines } from 'diff';
import type { AssetDigest } from '../approve/index.ts';

/** A piece of a line: unchanged, or only in the old or only in the new version. */
export interface Piece {
  kind: 'same' | 'del' | 'ins';
  text: string;
}

export interface DiffLine {
  kind: 'same' | 'del' | 'ins';
  /** Line number in the old (del, same) or new (ins, same) version. */
  oldLine?: number;
  newLine?: number;
  /** The line, split where it differs from its counterpart (one piece when it has none). */
  pieces: Piece[];
}

/** Unchanged lines elided between changes: a gap keeps the numbering readable. */
export type DiffRow = DiffLine | { kind: 'gap'; lines: number };

export interface TextDiff {
  rows: DiffRow[];
  added: number;
  removed: number;
}

export interface AssetChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
  /** A changed document (PDF, Word, Excel…): the diff of its extracted text, once both versions are read. */
  text?: TextDiff;
  /** Why the extracted texts could not be compared. */
  textProblem?: string;
}

const CONTEXT = 3;

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Mark the characters that differ between a removed line and the added line that replaced it. */
function paired(before: string, after: string): { del: Piece[]; ins: Piece[] } {
  const parts = diffChars(before, after);
  const del: Piece[] = [];
  const ins: Piece[] = [];
  for (const p of parts) {
    if (p.added) ins.push({ kind: 'ins', text: p.value });
    else if (p.removed) del.push({ kind: 'del', text: p.value });
    else {
      del.push({ kind: 'same', text: p.value });
      ins.push({ kind: 'same', text: p.value });
    }
  }
  return { del, ins };
}

/** The line diff of two texts, with CONTEXT unchanged lines kept around each change. */
export function textDiff(before: string, after: string): TextDiff {
  const lines: DiffLine[] = [];
  let oldLine = 1;
  let newLine = 1;
  let added = 0;
  let removed = 0;
  const parts = diffLines(before, after);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const text = splitLines(part.value);
    if (part.removed) {
      const next = parts[i + 1];
      const replacement = next?.added ? splitLines(next.value) : [];
      const dels: DiffLine[] = [];
      const inss: DiffLine[] = [];
      text.forEach((line, k) => {
        const counterpart = replacement[k];
        if (counterpart !== undefined && text.length === replacement.length) {
          const p = paired(line, counterpart);
          dels.push({ kind: 'del', oldLine: oldLine + k, pieces: p.del });
          inss.push({ kind: 'ins', newLine: newLine + k, pieces: p.ins });
        } else dels.push({ kind: 'del', oldLine: oldLine + k, pieces: [{ kind: 'del', text: line }] });
      });
      if (inss.length === 0) replacement.forEach((line, k) => inss.push({ kind: 'ins', newLine: newLine + k, pieces: [{ kind: 'ins', text: line }] }));
      lines.push(...dels, ...inss);
      removed += text.length;
      added += replacement.length;
      oldLine += text.length;
      newLine += replacement.length;
      if (next?.added) i++;
    } else if (part.added) {
      text.forEach((line, k) => lines.push({ kind: 'ins', newLine: newLine + k, pieces: [{ kind: 'ins', text: line }] }));
      added += text.length;
      newLine += text.length;
    } else {
      text.forEach((line, k) => lines.push({ kind: 'same', oldLine: oldLine + k, newLine: newLine + k, pieces: [{ kind: 'same', text: line }] }));
      oldLine += text.length;
      newLine += text.length;
    }
  }
  return { rows: elide(lines), added, removed };
}

/** Keep the changed lines and CONTEXT lines around each; the rest becomes gaps. */
function elide(lines: readonly DiffLine[]): DiffRow[] {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((l, i) => {
    if (l.kind === 'same') return;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(lines.length - 1, i + CONTEXT); k++) keep[k] = true;
  });
  const rows: DiffRow[] = [];
  let gap = 0;
  lines.forEach((l, i) => {
    if (keep[i]) {
      if (gap > 0) rows.push({ kind: 'gap', lines: gap });
      gap = 0;
      rows.push(l);
    } else gap++;
  });
  if (gap > 0) rows.push({ kind: 'gap', lines: gap });
  return rows;
}

/** The attachments and images added, removed or changed, by path and digest, in path order. */
export function assetChanges(before: readonly AssetDigest[], after: readonly AssetDigest[]): AssetChange[] {
  const old = new Map(before.map((a) => [a.path, a.digest]));
  const now = new Map(after.map((a) => [a.path, a.digest]));
  const out: AssetChange[] = [];
  for (const [path, digest] of now) {
    const was = old.get(path);
    if (was === undefined) out.push({ path, change: 'added', after: digest });
    else if (was !== digest) out.push({ path, change: 'changed', before: was, after: digest });
  }
  for (const [path, digest] of old) if (!now.has(path)) out.push({ path, change: 'removed', before: digest });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
