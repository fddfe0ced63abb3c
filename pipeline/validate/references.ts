/**
 * Local files an entry references: front-matter images and attachments, and the
 * body's images, links and link definitions with a relative URL. Each is resolved
 * against the entry's folder and must stay inside the entry's site folder
 * (content/<site>/): a `../../other-site/x` or `/etc/passwd` is refused here,
 * before anything is read.
 */
import type { Text } from '../messages/text.ts';
import type { Definition, Image, Link, Nodes } from 'mdast';
import { posix } from 'node:path';
import type { Position } from '../diagnostics/index.ts';
import type { ParsedEntry } from '../parse/index.ts';

export interface Reference {
  /** As written. */
  src: string;
  role: 'image' | 'attachment' | 'body';
  /** Where it is written in the file. */
  at: Position;
  /** Repo-relative path it resolves to, when it is a confined local path. */
  path?: string;
  /** Why it is refused, when it is not. */
  /** Why the reference cannot be published, in both languages. */
  problem?: Text;
  /** For body references: the range of the URL text in the body, to rewrite. */
  range?: { start: number; end: number };
}

/** A URL with a scheme, protocol-relative, site-absolute, or a pure fragment/query: not a local file. */
export function isExternal(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('/') || url.startsWith('#') || url.startsWith('?') || url.startsWith('\\');
}

export function resolveLocal(entryPath: string, site: string, src: string): { path?: string; problem?: Text } {
  let decoded = src.replace(/[#?].*$/, '');
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    return { problem: { zh: `“${src}”不是有效的网址路径`, en: `"${src}" is not a valid URL path` } };
  }
  if (decoded === '' || decoded.includes('\\') || /[\u0000-\u001f]/.test(decoded)) return { problem: { zh: `“${src}”不是可用的文件路径`, en: `"${src}" is not a usable file path` } };
  const path = posix.normalize(posix.join(posix.dirname(entryPath), decoded));
  const siteDir = `content/${site}/`;
  if (!path.startsWith(siteDir)) return { problem: { zh: `“${src}”指向本站文件夹 ${siteDir} 之外`, en: `"${src}" leads outside this site's folder ${siteDir}` } };
  return { path };
}

export function collectReferences(entry: ParsedEntry, frontMatter: { images?: { src: string }[]; attachments?: { src: string }[] } | undefined): Reference[] {
  const refs: Reference[] = [];
  const fmRef = (src: string, role: 'image' | 'attachment', path: (string | number)[]) => {
    const at = entry.frontMatter.positionOf(path) ?? { line: 1, column: 1 };
    if (isExternal(src)) {
      refs.push({ src, role, at, problem: { zh: `“${src}”不是本站的文件；${role === 'image' ? '图片' : '附件'}须从仓库发布，不得盗链`, en: `"${src}" is not a file of this site; ${role === 'image' ? 'images' : 'attachments'} are published from the repository, never hot-linked` } });
      return;
    }
    refs.push({ src, role, at, ...resolveLocal(entry.path, entry.site, src) });
  };
  frontMatter?.images?.forEach((img, i) => fmRef(img.src, 'image', ['images', i, 'src']));
  frontMatter?.attachments?.forEach((a, i) => fmRef(a.src, 'attachment', ['attachments', i, 'src']));

  const visit = (node: Nodes) => {
    if ((node.type === 'image' || node.type === 'link' || node.type === 'definition') && node.position) {
      const n = node as Image | Link | Definition;
      if (n.url && !isExternal(n.url)) {
        const start = n.position!.start;
        const end = n.position!.end;
        const at = { line: start.line + entry.bodyLine - 1, column: start.column };
        const range = urlRange(entry.body, start.offset ?? 0, end.offset ?? 0, n.url);
        const ref: Reference = { src: n.url, role: 'body', at, ...resolveLocal(entry.path, entry.site, n.url) };
        if (range) ref.range = range;
        else if (!ref.problem) ref.problem = { zh: `无法在正文中找到链接目标“${n.url}”`, en: `cannot locate the link target "${n.url}" in the text` };
        refs.push(ref);
      }
    }
    if ('children' in node) for (const child of node.children as Nodes[]) visit(child);
  };
  visit(entry.tree);
  return refs;
}

/** Find the destination text of a link/image/definition inside its source slice. */
function urlRange(body: string, start: number, end: number, url: string): { start: number; end: number } | undefined {
  const slice = body.slice(start, end);
  for (const candidate of [`<${url}>`, url, encodeURI(url)]) {
    const i = slice.lastIndexOf(candidate);
    if (i !== -1) return { start: start + i, end: start + i + candidate.length };
  }
  return undefined;
}

/** Apply URL rewrites to the body, last first so earlier offsets stay valid. */
export function rewriteBody(body: string, edits: { start: number; end: number; text: string }[]): string {
  let out = body;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
