/**
 * The search page's query reading (src/scripts/search-query.js, served as
 * /search-query.js): separators, folding, and the containment that keeps every
 * listed result exact.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { containsAll, normaliseText, queryTerms } from '../../src/scripts/search-query.js';

/** Every separator the brief names, full-width and ASCII. */
const SEPARATORS = [...'《》【】（）“”‘’「」『』〔〕〈〉、，。；：！？…—·～ \t\n\u3000\u00a0,.;:!?()[]{}<>"\'`/\\|-_+=*&^%$#@~'];

describe('queryTerms', () => {
  test.for([
    ['发票，退税', ['发票', '退税']],
    ['《个人所得税法》', ['个人所得税法']],
    ['税 票', ['税', '票']],
    ['税\u3000票', ['税', '票']],
    ['  增值税  发票 ', ['增值税', '发票']],
    ['【通知】关于“汇算清缴”的公告！', ['通知', '关于', '汇算清缴', '的公告']],
    ['（二〇二六）', ['二〇二六']],
    ['「办税」、『服务』', ['办税', '服务']],
    ['纳税…服务', ['纳税', '服务']],
    ['纳税……', ['纳税']],
    ['ＶＡＴ２０２６', ['vat2026']],
    ['个税APP；ｅ税务', ['个税app', 'e税务']],
    ['示税发〔2026〕12号', ['示税发', '2026', '12号']],
    ['发票 发票，发票', ['发票']],
    ['', []],
    ['，。、《》 ！？', []],
    ['javascript:alert(1)', ['javascript', 'alert', '1']],
  ] as const)('%j → %j', ([query, terms]) => {
    expect(queryTerms(query)).toEqual(terms);
  });

  test('a query typed in full-width forms gives the same terms as in half-width', () => {
    expect(queryTerms('ＧＢ／Ｔ　１２３４５，增值税')).toEqual(queryTerms('GB/T 12345,增值税'));
  });
});

describe('containsAll', () => {
  const page = '关于全面推行数字化电子发票的公告。纳税人可办理登记、发票、申报纳税。依据《中华人民共和国个人所得税法》……';
  test.for([
    ['发票，退税', false],
    ['发票，纳税', true],
    ['《个人所得税法》', true],
    ['税 票', true],
    ['票 税', true],
    ['税票', false],
    ['ＰＤＦ', false],
    ['个人所得税法 增值税', false],
  ] as const)('%j on a page about 发票 → %s', ([query, found]) => {
    expect(containsAll(page, queryTerms(query))).toBe(found);
  });

  test('page text is folded like the query: full-width digits in the page match ASCII ones typed', () => {
    expect(containsAll('２０２６年度汇算', queryTerms('2026 汇算'))).toBe(true);
  });
});

describe('properties', () => {
  const text = fc.string({ unit: fc.constantFrom(...'税务发票纳税人个所得法增值ＡＢab12１２'), maxLength: 12 });
  const separator = fc.constantFrom(...SEPARATORS);

  test('no term is empty, repeated, or holds a separator', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(separator, fc.constantFrom(...'税务发票ＡＢa1１')), maxLength: 40 }), (q) => {
        const terms = queryTerms(q);
        expect(new Set(terms).size).toBe(terms.length);
        for (const t of terms) {
          expect(t).not.toBe('');
          for (const s of SEPARATORS) expect(t.normalize('NFKC').includes(s.normalize('NFKC').trim() || '\u0000')).toBe(false);
        }
      }),
    );
  });

  test('separators between words never change the terms but for their repeats', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 5 }), fc.array(fc.array(separator, { minLength: 1, maxLength: 3 }), { minLength: 6, maxLength: 6 }), (words, seps) => {
        const joined = words.map((w, i) => `${seps[i]!.join('')}${w}`).join('') + seps[5]!.join('');
        expect(queryTerms(joined)).toEqual(queryTerms(words.join(' ')));
      }),
    );
  });

  test('precision: a page that contains the query as typed is found, and a found page contains every term (folded)', () => {
    fc.assert(
      fc.property(text, text, text, (before, q, after) => {
        const pageText = `${before}${q}${after}`;
        const terms = queryTerms(q);
        expect(containsAll(pageText, terms)).toBe(true);
        if (containsAll(pageText, terms)) for (const t of terms) expect(normaliseText(pageText)).toContain(t);
      }),
    );
  });

  test('folding is idempotent: the terms of the joined terms are the terms', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (q) => {
        const terms = queryTerms(q);
        expect(queryTerms(terms.join(' '))).toEqual(terms);
      }),
    );
  });
});
