/**
 * The desk's diff, checked against what it claims over random pairs of
 * texts (Chinese and ASCII lines, small alphabets so that lines repeat and
 * change in part): each shown line is exactly a line of its version, the
 * marked characters rebuild both sides of a changed line, nothing changed is
 * elided, and the counts add up. Then the attachments' diff by digest.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assetChanges, textDiff, type DiffLine } from '../../pipeline/review/index.ts';

const line = fc.array(fc.constantFrom('申', '报', '期', '限', '6', '0', '3', '日', ' ', 'a', '#'), { maxLength: 8 }).map((cs) => cs.join(''));
const text = fc.array(line, { maxLength: 30 }).map((ls) => ls.map((l) => `${l}\n`).join(''));
const lines = (t: string) => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));
const side = (l: DiffLine, kind: 'del' | 'ins') => l.pieces.filter((p) => p.kind === 'same' || p.kind === kind).map((p) => p.text).join('');

describe('textDiff', () => {
  test('every shown line is its version\'s line, changes are never elided, and the counts add up', () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        const d = textDiff(before, after);
        const old = lines(before);
        const now = lines(after);
        let same = 0;
        let gaps = 0;
        let ins = 0;
        let del = 0;
        for (const r of d.rows) {
          if (r.kind === 'gap') gaps += r.lines;
          else if (r.kind === 'same') {
            same++;
            expect(side(r, 'del')).toBe(old[r.oldLine! - 1]);
            expect(side(r, 'ins')).toBe(now[r.newLine! - 1]);
          } else if (r.kind === 'del') {
            del++;
            expect(side(r, 'del')).toBe(old[r.oldLine! - 1]);
          } else {
            ins++;
            expect(side(r, 'ins')).toBe(now[r.newLine! - 1]);
          }
        }
        expect(del).toBe(d.removed);
        expect(ins).toBe(d.added);
        expect(same + gaps + del).toBe(old.length);
        expect(same + gaps + ins).toBe(now.length);
        if (before === after) expect(d.rows.every((r) => r.kind === 'gap')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('a changed deadline marks the changed character only', () => {
    const d = textDiff('应当自纳税义务发生之日起30日内申报\n', '应当自纳税义务发生之日起60日内申报\n');
    expect(d.rows.map((r) => (r.kind === 'gap' ? 'gap' : r.pieces.filter((p) => p.kind !== 'same').map((p) => `${p.kind}:${p.text}`).join()))).toEqual(['del:3', 'ins:6']);
  });
});

describe('assetChanges', () => {
  test('added, removed and changed by digest, in path order; the same list gives nothing', () => {
    const a = { path: 'x/a.pdf', digest: 'a'.repeat(64) };
    const b = { path: 'x/b.xlsx', digest: 'b'.repeat(64) };
    const c = { path: 'x/c.docx', digest: 'c'.repeat(64) };
    expect(assetChanges([a, b], [a, b])).toEqual([]);
    expect(assetChanges([a, b], [{ ...a, digest: 'd'.repeat(64) }, c])).toEqual([
      { path: 'x/a.pdf', change: 'changed', before: a.digest, after: 'd'.repeat(64) },
      { path: 'x/b.xlsx', change: 'removed', before: b.digest },
      { path: 'x/c.docx', change: 'added', after: c.digest },
    ]);
  });
});
