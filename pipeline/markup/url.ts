/**
 * One judge of URLs for the gate and the renderer: a URL is judged by the scheme a
 * browser would give it, never by how it looks in the source.
 *
 * The caller passes the value as the browser's parser leaves it: character
 * references already decoded (parse5 for raw HTML, micromark for Markdown
 * destinations, the MDX parser for JSX attributes), so `&#106;avascript:`,
 * `javascript&colon;` and `&Tab;` arrive here as the characters they stand for.
 * Then the WHATWG URL parser's rules apply: leading and trailing C0 controls and
 * spaces are stripped, ASCII tabs and newlines are removed anywhere, and the scheme
 * is the longest ASCII-letter-led run of letters, digits, `+`, `-`, `.` before the
 * first `:`, compared case-insensitively. A URL without one is relative (resolved
 * against the page's own https: address). Only the schemes a portal needs are
 * allowed.
 */

/** Schemes a page of the portal may link to; relative and fragment URLs have none and are allowed. */
export const ALLOWED_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'mailto', 'tel']);

/** The input as the WHATWG URL parser sees it before it reads a scheme. */
export function browserUrlText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
}

/** The scheme a browser parses from the value (lower case), or undefined for a relative URL. */
export function browserScheme(value: string): string | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(browserUrlText(value));
  return m ? m[1]!.toLowerCase() : undefined;
}

export type UrlVerdict = { ok: true; scheme: string | undefined } | { ok: false; scheme: string; reason: string; reasonZh: string };

/** Whether a page may carry this (decoded) URL. */
export function judgeUrl(value: string): UrlVerdict {
  const scheme = browserScheme(value);
  if (scheme === undefined || ALLOWED_SCHEMES.has(scheme)) return { ok: true, scheme };
  const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  const disguised = !value.toLowerCase().startsWith(`${scheme}:`);
  return {
    ok: false,
    scheme,
    reason: `${shown} is a ${scheme}: URL${disguised ? ' as a browser reads it' : ''}; pages link only to http:, https:, mailto:, tel: and relative URLs`,
    reasonZh: `${shown}${disguised ? '在浏览器看来' : ''}是 ${scheme}: 网址；页面只能链接 http:、https:、mailto:、tel: 和相对网址`,
  };
}

/**
 * The URLs in an attribute value. `srcset` and `imagesrcset` hold a comma-separated
 * list of candidates (a URL and a descriptor); every token of it, and every
 * candidate whole, is judged, which refuses at least what a browser would load. `ping` is a space-separated list.
 */
export function attributeUrls(name: string, value: string): string[] {
  const n = name.toLowerCase();
  // Each token, and each comma-separated candidate whole (a tab inside `java\tscript:` must not split it).
  if (n === 'srcset' || n === 'imagesrcset') return [...value.split(/[\s,]+/), ...value.split(',')].filter((t) => t.trim() !== '');
  if (n === 'ping') return value.split(/[\t\n\f\r ]+/).filter((t) => t !== '');
  return [value];
}
