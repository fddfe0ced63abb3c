// @ts-check
// How the search page reads a query: the same separators and folding the index and
// the result filter use, so punctuation never becomes part of a term. Pure, no DOM:
// served as /search-query.js to the search page (src/scripts/search.js) and
// imported by the tests (test/render/search-query.test.ts).
//
// - NFKC folds full-width letters, digits and punctuation to half-width (ＶＡＴ → VAT,
//   ２０２６ → 2026, ， → ,), then lower case.
// - Every run of whitespace, punctuation (\p{P}: ，。、；：！？…“”‘’《》【】（）「」 and
//   ASCII) and symbols (\p{S}: + = < > ¥ ~ …) separates terms. Such characters are
//   never searched for.
// - A term is a substring the page must contain; all terms must be there (AND), in
//   any order and anywhere: `税 票` finds a page with 纳税 and 发票.

/** Whitespace, punctuation, symbols, separators and control/format characters. */
const SEPARATORS = /[\s\p{P}\p{S}\p{Z}\p{C}]+/u;

/**
 * Text as terms are compared with it: NFKC, lower case.
 * @param {string} text
 * @returns {string}
 */
export function normaliseText(text) {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * The terms of a query: normalised, split on separators, without empties or repeats,
 * in the order typed.
 * @param {string} query
 * @returns {string[]}
 */
export function queryTerms(query) {
  const terms = normaliseText(query).split(SEPARATORS).filter((t) => t !== '');
  return [...new Set(terms)];
}

/**
 * True when `text` contains every term (each term as queryTerms gives it).
 * @param {string} text
 * @param {readonly string[]} terms
 * @returns {boolean}
 */
export function containsAll(text, terms) {
  const t = normaliseText(text);
  return terms.every((term) => t.includes(term));
}
