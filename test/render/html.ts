/** Small readers for built HTML, enough for assertions (no DOM library needed). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export function read(outDir: string, path: string): string {
  return readFileSync(join(outDir, ...path.split('/').filter(Boolean), path.endsWith('/') || path === '' ? 'index.html' : ''), 'utf8');
}

/** `content` of `<meta name="…">`, or undefined. */
export function meta(html: string, name: string): string | undefined {
  const m = new RegExp(`<meta name="${name}" content="([^"]*)"`).exec(html);
  return m?.[1] === undefined ? undefined : decode(m[1]);
}

export function decode(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Every HTML file under dir, as site paths (`/a/b/` for a/b/index.html). */
export function htmlPages(dir: string): { path: string; file: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => {
      const file = join(e.parentPath, e.name);
      const rel = relative(dir, file).split(sep).join('/');
      return { path: `/${rel.replace(/index\.html$/, '')}`, file };
    });
}

/** The hrefs of links in the list items of `<ul class="list">`. */
export function listLinks(html: string): string[] {
  const lists = html.match(/<ul class="list">[\s\S]*?<\/ul>/g) ?? [];
  return lists.flatMap((l) => [...l.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1] ?? ''));
}
