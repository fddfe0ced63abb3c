/**
 * One judge of active markup for the gate and the renderer. Both hand it the same
 * tree: hast after parse5 has read the raw HTML (rehype-raw), so attribute names
 * and values are what a browser would see (case folded, character references
 * decoded). The renderer fails the build on the first problem; the gate reports
 * every one at its position, so an entry the gate passes always renders.
 *
 * Refused: elements that run script, embed another document, post data or change
 * how the page is read (`<script>`, `<iframe>`, `<object>`, `<base>`, `<meta>`,
 * `<svg>`…); event-handler attributes (`on…`, any case); URL attributes whose
 * browser-parsed scheme is not allowed (url.ts); inline styles that load or run
 * anything (`url(`, `expression(`, `@import`, `behavior:`, `-moz-binding`).
 */
import { attributeUrls, judgeUrl } from './url.ts';

export type ActiveRule = 'html-active' | 'url-scheme';

export interface ActiveProblem {
  rule: ActiveRule;
  message: string;
  /** The message in Chinese (the gate's finding says it by default). */
  zh: string;
}

/** Elements that run script, embed another document or post data elsewhere. */
export const FORBIDDEN_ELEMENTS: ReadonlySet<string> = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'link', 'meta', 'style', 'form',
  'template', 'portal', 'svg', 'math', 'noscript', 'fencedframe', 'param',
]);

/**
 * Attributes that hold URLs, by their folded name (lower case, without `-` and `:`),
 * so the HTML spelling (`xlink:href`, `formaction`), the hast property (`xLinkHref`,
 * `formAction`, `srcSet`) and an MDX JSX attribute all match.
 */
export const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'href', 'src', 'action', 'formaction', 'poster', 'cite', 'srcset', 'imagesrcset', 'xlinkhref', 'data', 'background',
  'longdesc', 'manifest', 'ping', 'codebase', 'archive', 'classid', 'icon', 'dynsrc', 'lowsrc', 'profile', 'itemid',
]);

export function foldAttributeName(name: string): string {
  return name.toLowerCase().replace(/[-:_]/g, '');
}

/** `\\6A` and `\\j` CSS escapes decoded, comments dropped: what the CSS tokenizer reads. */
export function cssText(value: string): string {
  return value
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, '')
    .replace(/\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?/g, (_, hex: string) => {
      const code = parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    })
    .replace(/\\(.)/gs, '$1');
}

const ACTIVE_CSS = /expression\s*\(|url\s*\(|image-set\s*\(|@import|behaviou?r\s*:|-moz-binding|javascript\s*:|vbscript\s*:/i;

/** One attribute's problem, if any. `value` is the parsed value (string, list, number, boolean). */
export function judgeAttribute(element: string, name: string, value: unknown): ActiveProblem | undefined {
  const folded = foldAttributeName(name);
  if (folded.startsWith('on')) return { rule: 'html-active', message: `event handler attribute "${name}" on <${element}> is not allowed`, zh: `不允许在 <${element}> 上使用事件处理属性“${name}”` };
  if (folded === 'srcdoc') return { rule: 'html-active', message: `attribute "${name}" on <${element}> embeds a document and is not allowed`, zh: `<${element}> 上的属性“${name}”会嵌入文档，不允许使用` };
  const values = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
  if (folded === 'style') {
    const css = cssText(values.join(';'));
    const m = ACTIVE_CSS.exec(css);
    if (m) return { rule: 'html-active', message: `style on <${element}> uses ${m[0].replace(/\s+/g, '')}: inline styles may not load or run anything`, zh: `<${element}> 的样式使用了 ${m[0].replace(/\s+/g, '')}：内联样式不得加载或运行任何内容` };
    return undefined;
  }
  if (!URL_ATTRIBUTES.has(folded)) return undefined;
  for (const v of values) {
    for (const url of attributeUrls(folded, v)) {
      const verdict = judgeUrl(url);
      if (!verdict.ok) return { rule: 'url-scheme', message: `${name}=${JSON.stringify(v.slice(0, 40))} on <${element}> is not an allowed URL: ${verdict.reason}`, zh: `<${element}> 上的 ${name}=${JSON.stringify(v.slice(0, 40))} 不是允许的网址：${verdict.reasonZh}` };
    }
  }
  return undefined;
}

/** Every problem of one element: its name, then each attribute. */
export function judgeElement(tagName: string, attributes: Iterable<readonly [string, unknown]>): ActiveProblem[] {
  const problems: ActiveProblem[] = [];
  const element = tagName.toLowerCase();
  if (FORBIDDEN_ELEMENTS.has(element)) problems.push({ rule: 'html-active', message: `<${element}> is not allowed`, zh: `不允许使用 <${element}>` });
  for (const [name, value] of attributes) {
    const p = judgeAttribute(element, name, value);
    if (p) problems.push(p);
  }
  return problems;
}

interface Point {
  line: number;
  column: number;
  offset?: number;
}
/** The tree shapes both stages walk: hast elements, MDX JSX elements, and their parents. */
export interface MarkupNode {
  type: string;
  tagName?: string;
  name?: string | null;
  properties?: Record<string, unknown>;
  attributes?: Array<{ type: string; name?: string; value?: unknown }>;
  children?: MarkupNode[];
  content?: MarkupNode;
  position?: { start: Point; end: Point };
}

export interface LocatedProblem extends ActiveProblem {
  node: MarkupNode;
}

/**
 * Every problem in a tree, in document order. Walks every node with children (a
 * link inside an MDX `<Callout>` too), and a `raw` node (HTML nobody parsed) is a
 * problem of its own: it would reach the page unjudged.
 */
export function findActive(tree: MarkupNode): LocatedProblem[] {
  const out: LocatedProblem[] = [];
  const visit = (node: MarkupNode): void => {
    if (node.type === 'element' && node.tagName) {
      for (const p of judgeElement(node.tagName, Object.entries(node.properties ?? {}))) out.push({ ...p, node });
    } else if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name) {
      const attrs = (node.attributes ?? []).filter((a) => a.type === 'mdxJsxAttribute' && a.name).map((a) => [a.name!, a.value] as const);
      const name = /^[a-z]/.test(node.name) ? node.name : '';
      for (const p of name ? judgeElement(name, attrs) : attrs.flatMap(([n, v]) => judgeAttribute(node.name!, n, v) ?? [])) out.push({ ...p, node });
    } else if (node.type === 'raw') {
      out.push({ rule: 'html-active', message: 'raw HTML that was not parsed', zh: '无法解析的原始 HTML', node });
    }
    if (node.content) visit(node.content);
    for (const child of node.children ?? []) visit(child);
  };
  visit(tree);
  return out;
}
