/**
 * The components an MDX entry may use, as the HTML they render to. An MDX
 * entry is a document with a few block components (string attributes only, no
 * import, export or expression: remark-mdx-guard.ts), so its body is rendered
 * like Markdown, by the bundle loader (render-entry.ts): the MDX syntax tree
 * goes to HTML through these handlers, never through a compiled module. The
 * build compiles no MDX, and a body renders once, then comes from the cache.
 *
 *   <Callout type="info|warning|tip" title="…">  an aside named by its title
 *   <Steps> <Step title="…">…</Step> … </Steps>  a numbered list of steps
 */
import { h } from 'hastscript';
import type { ElementContent } from 'hast';
import type { Paragraph } from 'mdast';
import type { MdxJsxFlowElement, MdxJsxTextElement } from 'mdast-util-mdx-jsx';
import { defaultHandlers, type State } from 'mdast-util-to-hast';

type Attributes = Record<string, string | true>;
type Component = (attributes: Attributes, children: ElementContent[]) => ElementContent;

const LABELS = { info: '说明', warning: '注意', tip: '提示' } as const;

const text = (value: string | true | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

const COMPONENTS: Record<string, Component> = {
  Callout: (attributes, children) => {
    const wanted = text(attributes.type);
    const type = wanted !== undefined && wanted in LABELS ? (wanted as keyof typeof LABELS) : 'info';
    const title = text(attributes.title) ?? LABELS[type];
    return h('aside', { className: ['callout', type], ariaLabel: title }, [h('p', title), ...children]);
  },
  Steps: (_attributes, children) => h('ol', { className: ['steps'] }, children),
  Step: (attributes, children) => {
    const title = text(attributes.title);
    return h('li', [...(title ? [h('p', [h('strong', title)])] : []), ...children]);
  },
};

/** The component names an MDX entry may use. */
export const MDX_COMPONENTS = Object.keys(COMPONENTS) as readonly string[];

/** A JSX element of an entry as HTML: a component as above, an HTML element as itself, a fragment as its children. */
function jsxElement(state: State, node: MdxJsxFlowElement | MdxJsxTextElement): ElementContent | ElementContent[] {
  const children = state.all(node) as ElementContent[];
  if (!node.name) return children;
  const attributes: Attributes = {};
  for (const attribute of node.attributes) {
    // remark-mdx-guard has refused spreads and expressions: each is a name with a string or no value.
    if (attribute.type !== 'mdxJsxAttribute' || (attribute.value !== null && attribute.value !== undefined && typeof attribute.value !== 'string')) {
      throw new Error(`<${node.name}>: only plain string attributes are rendered`);
    }
    attributes[attribute.name] = attribute.value ?? true;
  }
  const component = COMPONENTS[node.name];
  if (component) return component(attributes, children);
  if (/^[A-Z]/.test(node.name) || node.name.includes('.')) throw new Error(`<${node.name}> is not a component an entry may use`);
  return h(node.name, attributes, children);
}

/**
 * A component written on one line (`<Callout title="…">正文</Callout>`) is, to
 * MDX, a paragraph holding it: it is rendered as the block it is, not inside a
 * `<p>` (which HTML would close before the block, leaving empty paragraphs).
 */
function paragraph(state: State, node: Paragraph): ElementContent | ElementContent[] | undefined {
  const [only, ...rest] = node.children.filter((c) => !(c.type === 'text' && c.value.trim() === ''));
  if (only?.type === 'mdxJsxTextElement' && rest.length === 0 && only.name && only.name in COMPONENTS) return jsxElement(state, only);
  return defaultHandlers.paragraph(state, node);
}

/** remark-rehype handlers for an MDX entry's tree (an empty `{/* comment *\/}` renders nothing). */
export const MDX_HANDLERS = {
  paragraph,
  mdxJsxFlowElement: jsxElement,
  mdxJsxTextElement: jsxElement,
  mdxFlowExpression: () => undefined,
  mdxTextExpression: () => undefined,
  mdxjsEsm: () => undefined,
};
