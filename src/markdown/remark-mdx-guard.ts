/**
 * MDX is a program: an `import`, an `export` or a `{expression}` in an entry would
 * run at build time, and a JSX `<script>` would reach readers untouched by the rehype
 * checks (MDX keeps JSX as its own node type). An entry is approved as a document, so
 * MDX entries may use only the components below with plain string attributes, and
 * nothing that executes. Anything else fails the build, naming the file and line.
 */
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { FORBIDDEN_ELEMENTS, judgeAttribute } from '../../pipeline/markup/active.ts';
import { MDX_COMPONENTS } from './mdx-components.ts';

/** The components an MDX entry may use, and the HTML each renders to: mdx-components.ts. */
export { MDX_COMPONENTS } from './mdx-components.ts';

interface AnyNode {
  type: string;
  name?: string | null;
  attributes?: Array<{ type: string; name?: string; value?: unknown }>;
  data?: { estree?: { body?: unknown[] } | null };
  children?: AnyNode[];
  position?: Root['position'];
}

export default function remarkMdxGuard() {
  const allowed = new Set<string>(MDX_COMPONENTS);
  return (tree: Root, file: VFile): void => {
    const refuse = (node: AnyNode, why: string): never =>
      file.fail(`${why} (MDX entries may use only ${MDX_COMPONENTS.join(', ')} with plain text attributes, and no import, export or {expression})`, node.position, 'sealpress:mdx-guard');

    const visit = (node: AnyNode): void => {
      switch (node.type) {
        case 'mdxjsEsm':
          refuse(node, 'import/export is not allowed in an entry');
          break;
        case 'mdxFlowExpression':
        case 'mdxTextExpression':
          // `{/* a comment */}` parses to an empty program: harmless.
          if ((node.data?.estree?.body?.length ?? 1) !== 0) refuse(node, 'a {expression} is not allowed in an entry');
          break;
        case 'mdxJsxFlowElement':
        case 'mdxJsxTextElement': {
          const name = node.name;
          if (name) {
            const isComponent = /^[A-Z]/.test(name) || name.includes('.');
            if (isComponent && !allowed.has(name)) refuse(node, `component <${name}> is not allowed`);
            if (!isComponent && FORBIDDEN_ELEMENTS.has(name.toLowerCase())) refuse(node, `<${name}> is not allowed`);
          }
          for (const attr of node.attributes ?? []) {
            if (attr.type !== 'mdxJsxAttribute') refuse(node, `spread attributes are not allowed on <${name ?? ''}>`);
            const attrName = attr.name ?? '';
            if (attr.value !== null && attr.value !== undefined && typeof attr.value !== 'string') {
              refuse(node, `attribute ${attrName}={…} on <${name ?? ''}> must be a plain string`);
            }
            const problem = judgeAttribute(name ?? '', attrName, attr.value);
            if (problem) refuse(node, problem.message);
          }
          break;
        }
        default:
          break;
      }
      for (const child of node.children ?? []) visit(child);
    };
    visit(tree as unknown as AnyNode);
  };
}
