/**
 * Our one rehype pass over every entry body (Markdown and MDX):
 *
 * - `<img>` gets `loading="lazy" decoding="async"` and its pixel size from the file
 *   header in the stage's public dir, so pages do not shift while images load;
 * - links to other hosts get `rel="noopener"`;
 * - a GFM task-list checkbox is named by its item's text (WCAG 4.1.2: a form
 *   control needs a name; axe-core rule `label`);
 * - anything that would run script in a reader's browser is refused. The site ships
 *   no client JS outside /search/, and an entry is approved as a document, not as a
 *   program, so a `<script>`, an event handler or a `javascript:` URL fails the build
 *   (fail closed) instead of being quietly dropped. The judge is the gate's own
 *   (pipeline/markup/active.ts, URLs by the scheme a browser parses), so an entry
 *   the gate passed never fails here.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Element, ElementContent, Root, RootContent } from 'hast';
import type { VFile } from 'vfile';
import { findActive, type MarkupNode } from '../../pipeline/markup/active.ts';
import { HEADER_BYTES, imageSize, type ImageSize } from './image-size.ts';

export interface RehypeSealpressOptions {
  /** Absolute path of the stage's public dir (where `/assets/...` URLs live). */
  publicDir: string;
  /** The site's absolute base URL; links to its host are internal. */
  siteUrl: string;
}

/**
 * Bump when this plugin's output changes: the bundle loader folds it into the digest
 * it uses to reuse a cached rendering, so a cached store never serves old HTML.
 */
export const RENDERER_REVISION = 4;

/** The one judge of active markup, shared with the gate (pipeline/markup/): what one refuses, the other does. */
export { FORBIDDEN_ELEMENTS, URL_ATTRIBUTES } from '../../pipeline/markup/active.ts';

const sizeCache = new Map<string, ImageSize | undefined>();

function readImageSize(file: string): ImageSize | undefined {
  if (sizeCache.has(file)) return sizeCache.get(file);
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEADER_BYTES);
    const n = readSync(fd, buf, 0, HEADER_BYTES, 0);
    const size = imageSize(buf.subarray(0, n));
    sizeCache.set(file, size);
    return size;
  } finally {
    closeSync(fd);
  }
}

/** Site path -> file under publicDir, or undefined when the path would leave it. */
export function publicFile(publicDir: string, src: string): string | undefined {
  const pathname = src.split(/[?#]/, 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const root = resolve(publicDir);
  const file = resolve(root, `.${decoded}`);
  return file.startsWith(root + sep) ? file : undefined;
}

function isElement(node: RootContent | ElementContent): node is Element {
  return node.type === 'element';
}

/** The text a list item says, without its nested lists (they are items of their own). */
function itemText(node: Element): string {
  let out = '';
  for (const child of node.children) {
    if (child.type === 'text') out += child.value;
    else if (isElement(child) && child.tagName !== 'ul' && child.tagName !== 'ol') out += itemText(child);
  }
  return out;
}

/**
 * GFM renders `- [x] text` as `<li class="task-list-item"><input type="checkbox" disabled> text</li>`
 * (in a loose list, inside the item's first `<p>`): a checkbox with no name, which a screen
 * reader announces as just "checkbox, checked". Name it with the item's own text.
 */
function nameTaskCheckbox(li: Element): void {
  const classes = li.properties.className;
  if (!(Array.isArray(classes) ? classes.map(String) : String(classes ?? '').split(/\s+/)).includes('task-list-item')) return;
  const first = li.children.find(isElement);
  const box = first?.tagName === 'p' ? first.children.find(isElement) : first;
  if (box?.tagName !== 'input' || box.properties.type !== 'checkbox') return;
  if (box.properties.ariaLabel !== undefined || box.properties.ariaLabelledBy !== undefined) return;
  const name = itemText(li).replace(/\s+/g, ' ').trim();
  if (name !== '') box.properties.ariaLabel = name;
}

export default function rehypeSealpress(options: RehypeSealpressOptions) {
  const siteHost = new URL(options.siteUrl).host;

  return (tree: Root, file: VFile): void => {
    const where = file.path ? ` in ${file.path}` : '';
    const refuse = (node: Element, why: string): never => {
      file.fail(`${why}${where}. Entry bodies may not carry script; remove it or ask the office to publish it another way.`, node, 'sealpress:no-script');
    };

    // The shared judge first, over the whole tree (into MDX components too): the first problem fails the build.
    const problem = findActive(tree as unknown as MarkupNode)[0];
    if (problem) refuse(problem.node as unknown as Element, problem.message);

    const visit = (node: Root | Element): void => {
      for (const child of node.children) {
        if (!isElement(child)) {
          if ('children' in child && Array.isArray(child.children)) visit(child as unknown as Element);
          continue;
        }
        const el = child;
        if (el.tagName === 'img') decorateImage(el);
        if (el.tagName === 'a') decorateLink(el);
        if (el.tagName === 'li') nameTaskCheckbox(el);
        visit(el);
      }
    };

    const decorateImage = (el: Element): void => {
      el.properties.loading = 'lazy';
      el.properties.decoding = 'async';
      const src = el.properties.src;
      if (typeof src !== 'string' || !src.startsWith('/') || src.startsWith('//')) return;
      if (el.properties.width !== undefined && el.properties.height !== undefined) return;
      const local = publicFile(options.publicDir, src);
      if (local === undefined) refuse(el, `image path ${src} leaves the public dir`);
      let size: ImageSize | undefined;
      try {
        size = readImageSize(local as string);
      } catch (cause) {
        file.fail(`image ${src}${where} is not in the stage's public dir (${(cause as Error).message}). The gate should have staged it: re-run the stage.`, el, 'sealpress:image-missing');
      }
      if (size) {
        el.properties.width = size.width;
        el.properties.height = size.height;
      }
    };

    const decorateLink = (el: Element): void => {
      const href = el.properties.href;
      if (typeof href !== 'string' || !/^(https?:)?\/\//i.test(href)) return;
      let host: string;
      try {
        host = new URL(href, options.siteUrl).host;
      } catch {
        return;
      }
      if (host === siteHost) return;
      const current = el.properties.rel;
      const rel = new Set<string>(Array.isArray(current) ? current.map(String) : current ? String(current).split(/\s+/) : []);
      rel.add('noopener');
      el.properties.rel = [...rel];
    };

    visit(tree);
  };
}
