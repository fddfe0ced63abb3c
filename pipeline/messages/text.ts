/**
 * Text a person reads, in both languages the tool speaks. The bureau's staff
 * read Chinese (the default); `--lang en` or SEALPRESS_LANG=en prints the
 * English. Every finding is made with both (the makers take a Text), so the
 * compiler refuses a message without its Chinese. Interpolated values (names,
 * dates, paths, numbers, codes) are the same in both.
 */
export type Lang = 'zh' | 'en';

export const LANGS = ['zh', 'en'] as const satisfies readonly Lang[];

export interface Text {
  zh: string;
  en: string;
}

/** The text in a language. */
export function say(text: Text, lang: Lang): string {
  return text[lang];
}

/** Both languages of several texts joined, each with its own separator (Chinese and English punctuation differ). */
export function joinText(parts: readonly Text[], sep: Text = { zh: '；', en: '; ' }): Text {
  return { zh: parts.map((p) => p.zh).join(sep.zh), en: parts.map((p) => p.en).join(sep.en) };
}

/** A value placed after Chinese text: a space before it when it starts with a Latin letter or a digit (保留有 1 条批注, 含有 VBA 宏工程), none before Chinese. */
export function afterCjk(s: string): string {
  return /^[A-Za-z0-9.]/.test(s) ? ` ${s}` : s;
}

/** The same string in both languages (a value, a path, a code). */
export function same(s: string): Text {
  return { zh: s, en: s };
}

/** The language of a run: the option, else SEALPRESS_LANG, else Chinese; anything else is undefined (the caller refuses it). */
export function chooseLang(option: string | undefined, env: Record<string, string | undefined> = process.env): Lang | undefined {
  const value = option ?? (env['SEALPRESS_LANG'] || undefined) ?? 'zh';
  return (LANGS as readonly string[]).includes(value) ? (value as Lang) : undefined;
}
