/** What every finding must say in both languages (issue 15): a Chinese message and fix, with the values of the English. */
import { expect } from 'vitest';

export const CJK = /[\u3400-\u9fff]/;

/** The values a message names that its Chinese must name too: numbers, content/ paths, codes in brackets. */
export function carriedValues(english: string): string[] {
  return [...english.matchAll(/content\/[^\s:;,)（）：；，]+|\[[A-Z_/]+\]|\d+/g)].map((m) => m[0]);
}

/** A finding (a gate diagnostic or a check finding) has its Chinese, and the Chinese carries the English's values. */
export function expectBothLanguages(d: { message: string; fix?: string | undefined; zh: { message: string; fix?: string | undefined } }): void {
  expect(d.zh.message, d.message).toMatch(CJK);
  expect(d.zh.fix === undefined, d.message).toBe(d.fix === undefined);
  if (d.fix !== undefined) expect(d.zh.fix, d.fix).toMatch(CJK);
  for (const [en, zh] of [
    [d.message, d.zh.message],
    [d.fix ?? '', d.zh.fix ?? ''],
  ] as const) {
    for (const v of carriedValues(en)) expect(zh, `${v} of "${en}"`).toContain(v);
  }
}
