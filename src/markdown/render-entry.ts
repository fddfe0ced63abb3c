/**
 * An entry body to HTML, Markdown or MDX, with the site's markdown pipeline:
 * GFM, no smart quotes or syntax highlighting, remark-cjk-friendly, then our
 * rehype pass (rehype-sealpress.ts) with the site's public dir and host, and
 * Astro's heading ids. The bundle loader renders every entry with it and
 * caches the HTML by digest, so no entry is compiled by the build.
 *
 * MDX is parsed by remark-mdx (the gate's parser), checked by remark-mdx-guard
 * and turned to HTML by the components' handlers (mdx-components.ts).
 */
import { createMarkdownProcessor, type MarkdownProcessor, type MarkdownProcessorRenderOptions } from '@astrojs/markdown-remark';
import rehypeRaw from 'rehype-raw';
import remarkCjkFriendly from 'remark-cjk-friendly';
import remarkMdx from 'remark-mdx';
import { MDX_HANDLERS } from './mdx-components.ts';
import rehypeSealpress, { type RehypeSealpressOptions } from './rehype-sealpress.ts';
import remarkMdxGuard from './remark-mdx-guard.ts';

export interface RenderedBody {
  html: string;
  metadata: { headings: { depth: number; slug: string; text: string }[]; localImagePaths: string[]; remoteImagePaths: string[]; frontmatter: Record<string, unknown> };
}

export interface EntryRenderer {
  /** `file`: the entry's source path (content/…), named in errors. */
  render(body: string, format: 'md' | 'mdx', file: string): Promise<RenderedBody>;
}

/** The keys of an entry's markdown pipeline: a change to any of them changes every page. */
const COMMON = { gfm: true, smartypants: false, syntaxHighlight: false } as const;

export async function entryRenderer(site: RehypeSealpressOptions): Promise<EntryRenderer> {
  const processors: Record<'md' | 'mdx', MarkdownProcessor> = {
    // rehype-raw first, so our checks see raw HTML as elements.
    md: await createMarkdownProcessor({ ...COMMON, remarkPlugins: [remarkCjkFriendly], rehypePlugins: [rehypeRaw, [rehypeSealpress, site]] }),
    mdx: await createMarkdownProcessor({ ...COMMON, remarkPlugins: [remarkMdx, remarkCjkFriendly, remarkMdxGuard], rehypePlugins: [[rehypeSealpress, site]], remarkRehype: { handlers: MDX_HANDLERS as never } }),
  };
  return {
    async render(body, format, file) {
      // The processor names its file `fileURL` (a path is enough), though its types do not say so.
      const { code, metadata } = await processors[format].render(body, { fileURL: file } as MarkdownProcessorRenderOptions);
      return { html: code, metadata };
    },
  };
}
