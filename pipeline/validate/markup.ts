/**
 * What an entry's markup may do. Pages carry no active content (no scripts,
 * frames, forms, event handlers, no URL a browser would read as javascript:), and
 * MDX is restricted to the theme's components with literal props: an `import`,
 * `export` or `{expression}` would run a writer's code inside the build.
 *
 * Raw HTML is judged as the renderer will see it: the Markdown body becomes the
 * HTML tree the renderer builds (parse5 reads the raw HTML as a browser would),
 * and the renderer's own judge (markup/active.ts) is asked about it, so what the
 * gate passes renders, and what would fail the build is refused here, at its
 * position. URLs are judged by the scheme a browser parses (markup/url.ts).
 */
import type { Text } from '../messages/text.ts';
import type { Nodes } from 'mdast';
import { diagnostic, type Diagnostic, type Position } from '../diagnostics/index.ts';
import { findActive, type LocatedProblem, type MarkupNode } from '../markup/active.ts';
import { markdownHast } from '../markup/hast.ts';
import { judgeUrl } from '../markup/url.ts';
import type { ParsedEntry } from '../parse/index.ts';

/** Components the theme passes to MDX entries, and their allowed props. */
export const MDX_COMPONENTS: Readonly<Record<string, readonly string[]>> = {
  Callout: ['type', 'title'],
  Steps: [],
  Step: ['title'],
};

/** Tags refused in raw HTML even where the renderer would take them (form controls), and even inside comments. */
const ACTIVE_TAG = /<\s*\/?\s*(script|iframe|frame|frameset|object|embed|applet|form|input|button|textarea|select|meta|link|base|style|svg|math)\b/i;

const ACTIVE_FIX: Text = { zh: '删除；站群页面不得含有脚本、框架、表单、事件处理程序或加载外部资源的样式', en: 'remove it; pages of the site group carry no scripts, frames, forms, event handlers or styles that load anything' };
const URL_FIX: Text = { zh: '链接到 http(s) 网页，或用相对路径链接到条目自己的文件', en: 'link to an http(s) page, or to a file of the entry with a relative path' };

export function checkMarkup(entry: ParsedEntry): Diagnostic[] {
  const findings: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (d: Diagnostic) => {
    const key = `${d.rule}:${d.line}:${d.column}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(d);
  };
  const place = (p: { start: { line: number; column: number } } | undefined): Position => ({ line: (p?.start.line ?? 1) + entry.bodyLine - 1, column: p?.start.column ?? 1 });
  const at = (node: Nodes) => place(node.position);
  const htmlHits: { node: Nodes; tag: string }[] = [];
  let htmlSeen = false;
  const visit = (node: Nodes) => {
    switch (node.type) {
      case 'html': {
        htmlSeen = true;
        const m = ACTIVE_TAG.exec(node.value);
        if (m) htmlHits.push({ node, tag: m[0].trim() });
        break;
      }
      case 'link':
      case 'image':
      case 'definition': {
        // Markdown turns a reference to a control character (`&#1;`) into U+FFFD; an HTML renderer
        // would have kept the control, which a browser strips: judge the URL both ways.
        const first = judgeUrl(node.url);
        const verdict = first.ok && node.url.includes('\ufffd') ? judgeUrl(node.url.replace(/\ufffd/g, '')) : first;
        if (!verdict.ok) add(diagnostic('url-scheme', 'error', entry.path, at(node), { zh: `${node.type === 'image' ? '图片' : '链接'}指向 ${verdict.reasonZh}`, en: `a ${node.type} to ${verdict.reason}` }, { fix: URL_FIX }));
        else if (node.type === 'image' && verdict.scheme === undefined && /^[\s]*[/#?\\]/.test(node.url)) {
          add(
            diagnostic('asset-hostile', 'error', entry.path, at(node), { zh: `图片“${node.url.slice(0, 60)}”不是本条目的文件`, en: `image "${node.url.slice(0, 60)}" is not a file of this entry` }, {
              fix: { zh: '将图片放在条目旁边，用相对路径引用（例如 ./photos/hall.png）', en: 'put the image beside the entry and refer to it with a relative path (e.g. ./photos/hall.png)' },
            }),
          );
        }
        break;
      }
      case 'mdxjsEsm':
        findings.push(
          diagnostic('mdx-esm', 'error', entry.path, at(node), { zh: '不允许使用 MDX import/export 语句：它们会在构建时执行代码', en: 'MDX import/export statements are not allowed: they run code during the build' }, {
            fix: { zh: `删除该语句；组件 ${Object.keys(MDX_COMPONENTS).join(', ')} 无需导入即可使用`, en: `remove the statement; the components ${Object.keys(MDX_COMPONENTS).join(', ')} are available without import` },
          }),
        );
        break;
      case 'mdxFlowExpression':
      case 'mdxTextExpression':
        findings.push(
          diagnostic('mdx-expression', 'error', entry.path, at(node), { zh: `不允许使用 MDX 表达式 {${node.value.slice(0, 40)}}：它会在构建时执行代码`, en: `MDX expression {${node.value.slice(0, 40)}} is not allowed: it runs code during the build` }, {
            fix: { zh: '直接写文字；字面的 `{` 写成 `\\{`', en: 'write the text itself; a literal `{` is written `\\{`' },
          }),
        );
        break;
      case 'mdxJsxFlowElement':
      case 'mdxJsxTextElement': {
        const name = node.name ?? '';
        const allowed = MDX_COMPONENTS[name];
        if (!allowed) {
          findings.push(
            diagnostic('mdx-component-unknown', 'error', entry.path, at(node), name ? { zh: `<${name}> 不是主题提供的组件`, en: `<${name}> is not a component of the theme` } : { zh: '不允许使用片段 <></>', en: 'fragments <></> are not allowed' }, {
              fix: { zh: `使用 Markdown，或以下组件之一：${Object.keys(MDX_COMPONENTS).map((c) => `<${c}>`).join(', ')}`, en: `use Markdown, or one of ${Object.keys(MDX_COMPONENTS).map((c) => `<${c}>`).join(', ')}` },
            }),
          );
        }
        for (const attr of node.attributes) {
          if (attr.type === 'mdxJsxExpressionAttribute') {
            findings.push(diagnostic('mdx-expression', 'error', entry.path, at(node), { zh: `<${name}> 含有展开属性 {${attr.value.slice(0, 40)}}`, en: `<${name}> has a spread attribute {${attr.value.slice(0, 40)}}` }, { fix: { zh: '每个属性写成 name="text"', en: 'write each prop as name="text"' } }));
          } else if (attr.value !== null && typeof attr.value === 'object') {
            findings.push(diagnostic('mdx-expression', 'error', entry.path, at(node), { zh: `<${name} ${attr.name}={…}> 使用了表达式`, en: `<${name} ${attr.name}={…}> uses an expression` }, { fix: { zh: `写成 ${attr.name}="text"`, en: `write ${attr.name}="text"` } }));
          } else if (allowed && !allowed.includes(attr.name)) {
            findings.push(
              diagnostic('mdx-component-unknown', 'error', entry.path, at(node), { zh: `<${name}> 没有属性 \`${attr.name}\``, en: `<${name}> has no prop \`${attr.name}\`` }, {
                fix: allowed.length ? { zh: `可用属性：${allowed.join(', ')}`, en: `its props are ${allowed.join(', ')}` } : { zh: `<${name}> 不接受任何属性`, en: `<${name}> takes no props` },
              }),
            );
          }
        }
        break;
      }
      default:
        break;
    }
    if ('children' in node) for (const child of node.children as Nodes[]) visit(child);
  };
  visit(entry.tree);

  // The renderer's judge, on the tree the renderer will judge. Without raw HTML, the Markdown
  // tree's elements carry only the URLs judged above (and made safer by normalisation).
  const tree = (entry.format === 'md' ? (htmlSeen ? markdownHast(entry.tree) : { type: 'root', children: [] }) : entry.tree) as unknown as MarkupNode;
  const judged: [number, number][] = [];
  for (const p of findActive(tree)) {
    const pos = p.node.position;
    if (pos?.start.offset !== undefined && pos.end.offset !== undefined) judged.push([pos.start.offset, pos.end.offset]);
    add(diagnostic(p.rule, 'error', entry.path, place(pos), { zh: p.zh, en: p.message }, { fix: p.rule === 'url-scheme' ? URL_FIX : ACTIVE_FIX }));
  }
  // The renderer reads the size of a site-absolute <img> from the published files, and fails the
  // build when there is none: only the entry's own files (rewritten to /assets/…) are published.
  if (entry.format === 'md') {
    for (const img of rawImages(tree)) {
      add(
        diagnostic('asset-hostile', 'error', entry.path, place(img.node.position), { zh: `<img src="${img.src.slice(0, 60)}"> 不是本条目的文件`, en: `<img src="${img.src.slice(0, 60)}"> is not a file of this entry` }, {
          fix: { zh: '使用相对于条目路径的 Markdown 图片（![说明](./photos/hall.png)），使文件随条目一并发布', en: 'use a Markdown image with a path relative to the entry (![说明](./photos/hall.png)), so the file is published with it' },
        }),
      );
    }
  }
  for (const { node, tag } of htmlHits) {
    const s = node.position?.start.offset ?? -1;
    const e = node.position?.end.offset ?? -1;
    if (judged.some(([a, b]) => a < e && b > s)) continue;
    add(diagnostic('html-active', 'error', entry.path, at(node), { zh: `含有活动内容的 HTML：${tag}`, en: `raw HTML with active content: ${tag}` }, { fix: ACTIVE_FIX }));
  }
  return findings;
}

/** <img> elements whose src is a site-absolute path. */
function rawImages(tree: MarkupNode): { node: MarkupNode; src: string }[] {
  const out: { node: MarkupNode; src: string }[] = [];
  const visit = (node: MarkupNode) => {
    if (node.type === 'element' && node.tagName === 'img') {
      const src = node.properties?.src;
      if (typeof src === 'string' && src.startsWith('/') && !src.startsWith('//')) out.push({ node, src });
    }
    for (const child of node.children ?? []) visit(child);
  };
  visit(tree);
  return out;
}
