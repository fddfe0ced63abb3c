/**
 * What an entry's markup may do. Pages carry no active content (no scripts,
 * frames, forms, event handlers), and MDX is restricted to the theme's
 * components with literal props: an `import`, `export` or `{expression}` would
 * run a writer's code inside the build.
 */
import type { Nodes } from 'mdast';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import type { ParsedEntry } from '../parse/index.ts';

/** Components the theme passes to MDX entries, and their allowed props. */
export const MDX_COMPONENTS: Readonly<Record<string, readonly string[]>> = {
  Callout: ['type', 'title'],
  Steps: [],
  Step: ['title'],
};

const ACTIVE_TAG = /<\s*\/?\s*(script|iframe|frame|frameset|object|embed|applet|form|input|button|textarea|select|meta|link|base|style|svg|math)\b/i;
const EVENT_ATTR = /\son[a-z]+\s*=/i;
const SCRIPT_URL = /(?:href|src|action|formaction|xlink:href)\s*=\s*["']?\s*(?:javascript|vbscript|data):/i;

export function checkMarkup(entry: ParsedEntry): Diagnostic[] {
  const findings: Diagnostic[] = [];
  const at = (node: Nodes) => ({ line: (node.position?.start.line ?? 1) + entry.bodyLine - 1, column: node.position?.start.column ?? 1 });
  const visit = (node: Nodes) => {
    switch (node.type) {
      case 'html': {
        const m = ACTIVE_TAG.exec(node.value) ?? EVENT_ATTR.exec(node.value) ?? SCRIPT_URL.exec(node.value);
        if (m) {
          findings.push(
            diagnostic('html-active', 'error', entry.path, at(node), `raw HTML with active content: ${m[0].trim()}`, {
              fix: 'remove it; pages of the site group carry no scripts, frames, forms or event handlers',
            }),
          );
        }
        break;
      }
      case 'link':
      case 'image':
      case 'definition':
        if (/^\s*(javascript|vbscript|data):/i.test(node.url)) {
          findings.push(diagnostic('html-active', 'error', entry.path, at(node), `a ${node.type} to a ${node.url.split(':')[0]}: URL`, { fix: 'link to a page or a file instead' }));
        }
        break;
      case 'mdxjsEsm':
        findings.push(
          diagnostic('mdx-esm', 'error', entry.path, at(node), 'MDX import/export statements are not allowed: they run code during the build', {
            fix: `remove the statement; the components ${Object.keys(MDX_COMPONENTS).join(', ')} are available without import`,
          }),
        );
        break;
      case 'mdxFlowExpression':
      case 'mdxTextExpression':
        findings.push(
          diagnostic('mdx-expression', 'error', entry.path, at(node), `MDX expression {${node.value.slice(0, 40)}} is not allowed: it runs code during the build`, {
            fix: 'write the text itself; a literal `{` is written `\\{`',
          }),
        );
        break;
      case 'mdxJsxFlowElement':
      case 'mdxJsxTextElement': {
        const name = node.name ?? '';
        const allowed = MDX_COMPONENTS[name];
        if (!allowed) {
          findings.push(
            diagnostic('mdx-component-unknown', 'error', entry.path, at(node), name ? `<${name}> is not a component of the theme` : 'fragments <></> are not allowed', {
              fix: `use Markdown, or one of ${Object.keys(MDX_COMPONENTS).map((c) => `<${c}>`).join(', ')}`,
            }),
          );
        }
        for (const attr of node.attributes) {
          if (attr.type === 'mdxJsxExpressionAttribute') {
            findings.push(diagnostic('mdx-expression', 'error', entry.path, at(node), `<${name}> has a spread attribute {${attr.value.slice(0, 40)}}`, { fix: 'write each prop as name="text"' }));
          } else if (attr.value !== null && typeof attr.value === 'object') {
            findings.push(diagnostic('mdx-expression', 'error', entry.path, at(node), `<${name} ${attr.name}={…}> uses an expression`, { fix: `write ${attr.name}="text"` }));
          } else if (allowed && !allowed.includes(attr.name)) {
            findings.push(
              diagnostic('mdx-component-unknown', 'error', entry.path, at(node), `<${name}> has no prop \`${attr.name}\``, {
                fix: allowed.length ? `its props are ${allowed.join(', ')}` : `<${name}> takes no props`,
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
  return findings;
}
