/**
 * The HTML tree a Markdown body becomes, as the renderer builds it (remark-rehype
 * with raw HTML kept, then rehype-raw: parse5 reads the raw HTML as a browser
 * would). The gate judges this tree with the renderer's own judge (active.ts), so
 * the two cannot disagree about what a page would carry.
 *
 * The two libraries (and parse5 behind them) are loaded on first use: most entries
 * have no raw HTML, and every analysis worker would otherwise pay for them.
 */
import { createRequire } from 'node:module';
import type { Root as HastRoot } from 'hast';
import type { Root as MdastRoot } from 'mdast';

type Libraries = { raw: typeof import('hast-util-raw').raw; toHast: typeof import('mdast-util-to-hast').toHast };
const require = createRequire(import.meta.url);
let libraries: Libraries | undefined;

function load(): Libraries {
  libraries ??= {
    raw: (require('hast-util-raw') as typeof import('hast-util-raw')).raw,
    toHast: (require('mdast-util-to-hast') as typeof import('mdast-util-to-hast')).toHast,
  };
  return libraries;
}

export function markdownHast(tree: MdastRoot): HastRoot {
  const { raw, toHast } = load();
  const hast = toHast(tree, { allowDangerousHtml: true });
  return raw(hast as HastRoot) as HastRoot;
}
