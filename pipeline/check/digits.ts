/**
 * Digit runs: maximal sequences of digit groups separated by gaps that do not
 * break a number when it is read: spaces, `-` `.` `·` separators, inline
 * emphasis markers (`*`, `**`, `_`, `~~`, backticks), backslashes, HTML/MDX
 * comment delimiters, and (in Markdown) one soft line break. A run of four or
 * more `*` is a mask (`138****5678`) and breaks the number.
 *
 * The rules then look at *windows*: contiguous groups of a run, so a number
 * is found whatever its grouping (`110105 19491231 002X`) and a number next to
 * another one (`电话 13812345678 2026`) is still found on its own.
 */

export interface DigitGroup {
  /** View offsets of the group's first character and just after its last. */
  a: number;
  b: number;
  /** The group's characters: digits, and a final X for an ID check character. */
  text: string;
}

export interface DigitRun {
  groups: DigitGroup[];
  /** An ASCII letter touches the run (a product code, a hash): mobiles, cards and accounts do not fire. */
  letterBefore: boolean;
  letterAfter: boolean;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isAlnum(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c);
}

/** Whether the line starting at `i` opens a list item, a table row, a heading or a front-matter key. */
function opensBlock(t: string, i: number): boolean {
  let j = i;
  while (t.charCodeAt(j) === 0x20 || t.charCodeAt(j) === 0x3e /* > */) j++;
  const c = t.charCodeAt(j);
  if (c === 0x7c /* | */ || c === 0x23 /* # */ || c === 0x2d /* - */ || c === 0x2b /* + */) return true;
  if (c === 0x2a /* * */ && t.charCodeAt(j + 1) === 0x20) return true;
  if (isDigit(c)) {
    let k = j;
    while (isDigit(t.charCodeAt(k))) k++;
    const d = t.charCodeAt(k);
    // `1. `, `1) `, `1、`
    if ((d === 0x2e || d === 0x29) && (t.charCodeAt(k + 1) === 0x20 || t.charCodeAt(k + 1) === 0x09)) return true;
    if (d === 0x3001) return true;
  }
  return false;
}

function lineStartBefore(t: string, i: number): number {
  let j = i;
  while (j > 0 && t.charCodeAt(j - 1) !== 0x0a && t.charCodeAt(j - 1) !== 0x0d) j--;
  return j;
}

/**
 * The end of a gap starting at `k` if a digit follows it, else -1.
 * `joinLines`: a single line break may be part of the gap (Markdown soft
 * breaks, folded YAML), unless either line is a table row or the next opens a block.
 */
function gapEnd(t: string, k: number, joinLines: boolean): number {
  const n = t.length;
  let j = k;
  let punct = 0;
  let newline = false;
  while (j < n && j - k <= 16) {
    const c = t.charCodeAt(j);
    if (c === 0x20 || c === 0x09) {
      j++;
    } else if (c === 0x2d /* - */) {
      if (t.startsWith('-->', j)) j += 3;
      else {
        if (++punct > 3) return -1;
        j++;
      }
    } else if (c === 0x2e || c === 0xb7 || c === 0x5c) {
      if (++punct > 3) return -1;
      j++;
    } else if (c === 0x5b || c === 0x5d) {
      // `[1381234](tel:…)5678`: link brackets inside a number
      j++;
    } else if (c === 0x3c /* < */ && t.startsWith('<!--', j)) {
      j += 4;
    } else if (c === 0x7b /* { */ && t.startsWith('{/*', j)) {
      j += 3;
    } else if (c === 0x2a || c === 0x5f || c === 0x7e || c === 0x60) {
      if (c === 0x2a && t.startsWith('*/}', j)) {
        j += 3;
        continue;
      }
      let r = j + 1;
      while (r < n && t.charCodeAt(r) === c) r++;
      if (r - j > 3) return -1;
      j = r;
    } else if ((c === 0x0a || c === 0x0d) && joinLines && !newline) {
      newline = true;
      const ls = lineStartBefore(t, j);
      if (t.charCodeAt(ls) === 0x7c) return -1;
      j += c === 0x0d && t.charCodeAt(j + 1) === 0x0a ? 2 : 1;
      if (opensBlock(t, j)) return -1;
      while (t.charCodeAt(j) === 0x20 || t.charCodeAt(j) === 0x3e) j++;
    } else {
      break;
    }
  }
  return j > k && j < n && isDigit(t.charCodeAt(j)) ? j : -1;
}

/** Visit every run with at least `minDigits` digits. */
export function forEachDigitRun(t: string, joinLines: boolean, minDigits: number, visit: (run: DigitRun) => void): void {
  const n = t.length;
  let i = 0;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (!isDigit(c)) {
      i++;
      continue;
    }
    // A letter or `@` before the number: a code, a hash, a host name (`jubao@19902000000.tax…`).
    const letterBefore = i > 0 && (isAsciiLetter(t.charCodeAt(i - 1)) || t.charCodeAt(i - 1) === 0x40);
    const glued = i > 0 && isDigit(t.charCodeAt(i - 1));
    const groups: DigitGroup[] = [];
    let total = 0;
    let p = i;
    let letterAfter = false;
    for (;;) {
      let q = p;
      while (q < n && isDigit(t.charCodeAt(q))) q++;
      let text = t.slice(p, q);
      let endsWithX = false;
      const x = t.charCodeAt(q);
      if ((x === 0x58 || x === 0x78) && !isAlnum(t.charCodeAt(q + 1))) {
        text += 'X';
        q++;
        endsWithX = true;
      }
      groups.push({ a: p, b: q, text });
      total += text.length;
      if (endsWithX) break;
      const g = gapEnd(t, q, joinLines);
      if (g === -1 || total > 64) {
        // A letter after it, or `.` and a letter when it is itself a host label (`//19902000000.tax…`).
        const before = t.charCodeAt(i - 1);
        letterAfter = isAsciiLetter(t.charCodeAt(q)) || (t.charCodeAt(q) === 0x2e && isAsciiLetter(t.charCodeAt(q + 1)) && (before === 0x2f || before === 0x2e || before === 0x40));
        break;
      }
      p = g;
    }
    if (!glued && total >= minDigits) visit({ groups, letterBefore, letterAfter });
    i = groups[groups.length - 1]!.b;
  }
}
