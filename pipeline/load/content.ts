/**
 * Read every entry under content/. Paths are confined to the repository: a
 * symlink anywhere under content/ is refused (it could lead outside, or publish
 * one file under two approvals), and nothing is followed. Files too large are not
 * read at all. This is I/O; it judges only what it must to read safely.
 */
import { lstatSync, readdirSync, realpathSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import { readPlainSync, sha256Hex } from '../fs/index.ts';

/** A slug becomes `/<column>/<slug>/`; an all-digit one would collide with list page `/<column>/2/`. */
export const SLUG = /^(?=[a-z0-9-]*[a-z])[a-z0-9][a-z0-9-]{0,99}$/;
export const ENTRY_EXTENSIONS = ['.md', '.mdx'] as const;

/** An entry file as found on disk; `bytes` is absent when it could not be read safely. */
export interface LoadedEntry {
  path: string;
  site: string;
  column: string;
  slug: string;
  format: 'md' | 'mdx';
  bytes?: Uint8Array;
  digest?: string;
  findings: Diagnostic[];
}

export interface LoadedContent {
  entries: LoadedEntry[];
  /** Problems with files that are not entries (a symlinked folder, a stray file). */
  diagnostics: Diagnostic[];
}

function entryFormat(name: string): 'md' | 'mdx' | undefined {
  if (name.endsWith('.mdx')) return 'mdx';
  if (name.endsWith('.md')) return 'md';
  return undefined;
}

/** True when `child` (absolute, real) lies inside `parent` (absolute, real). */
export function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

export function loadContent(root: string, options: { maxEntryBytes: number; sites?: ReadonlySet<string> }): LoadedContent {
  const entries: LoadedEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const realRoot = realpathSync(root);
  const contentDir = join(root, 'content');
  let realContent: string;
  try {
    realContent = realpathSync(contentDir);
  } catch {
    return { entries, diagnostics };
  }
  if (!isInside(realRoot, realContent) || lstatSync(contentDir).isSymbolicLink()) {
    diagnostics.push(
      diagnostic('path-hostile', 'error', 'content', undefined, { zh: 'content/ 是符号链接或位于仓库之外；不读取其中任何内容', en: 'content/ is a symlink or lies outside the repository; nothing under it is read' }, {
        fix: { zh: '将 content/ 改为仓库中的普通文件夹', en: 'make content/ a plain folder of the repository' },
      }),
    );
    return { entries, diagnostics };
  }

  const list = (dir: string, rel: string): Dirent[] => {
    try {
      return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch (cause) {
      diagnostics.push(diagnostic('path-hostile', 'error', rel, undefined, { zh: `无法列出文件夹：${(cause as Error).message}`, en: `cannot list folder: ${(cause as Error).message}` }));
      return [];
    }
  };
  const hostile = (rel: string, what: string): Diagnostic =>
    diagnostic('path-hostile', 'error', rel, undefined, { zh: `${what} 是符号链接；内容必须是普通文件和文件夹`, en: `${what} is a symlink; content must be plain files and folders` }, {
      fix: { zh: '用文件本身替换该链接，或删除', en: 'replace the link with the file itself, or remove it' },
    });

  for (const siteDir of list(contentDir, 'content')) {
    const siteRel = `content/${siteDir.name}`;
    // Hidden files, and the signed records (content/_approvals/, content/_waivers/), are not entries.
    if (siteDir.name.startsWith('.') || siteDir.name.startsWith('_')) continue;
    if (siteDir.isSymbolicLink()) {
      diagnostics.push(hostile(siteRel, 'this site folder'));
      continue;
    }
    if (!siteDir.isDirectory()) {
      diagnostics.push(diagnostic('path-layout', 'warning', siteRel, undefined, { zh: '直接放在 content/ 下的文件将被忽略', en: 'files directly under content/ are ignored' }, { fix: { zh: '条目应放在 content/<站点>/<栏目>/<slug>.md', en: 'entries go in content/<site>/<column>/<slug>.md' } }));
      continue;
    }
    if (options.sites && !options.sites.has(siteDir.name)) continue;
    for (const columnDir of list(join(contentDir, siteDir.name), siteRel)) {
      const columnRel = `${siteRel}/${columnDir.name}`;
      if (columnDir.name.startsWith('.')) continue;
      if (columnDir.isSymbolicLink()) {
        diagnostics.push(hostile(columnRel, 'this column folder'));
        continue;
      }
      if (!columnDir.isDirectory()) {
        diagnostics.push(diagnostic('path-layout', 'warning', columnRel, undefined, { zh: '直接放在站点文件夹下的文件将被忽略', en: 'files directly under a site folder are ignored' }, { fix: { zh: '条目应放在 content/<站点>/<栏目>/<slug>.md', en: 'entries go in content/<site>/<column>/<slug>.md' } }));
        continue;
      }
      for (const file of list(join(contentDir, siteDir.name, columnDir.name), columnRel)) {
        const format = entryFormat(file.name);
        const rel = `${columnRel}/${file.name}`;
        if (file.isSymbolicLink()) {
          if (format) {
            entries.push({ path: rel, site: siteDir.name, column: columnDir.name, slug: file.name.slice(0, -(format.length + 1)), format, findings: [hostile(rel, 'this entry')] });
          } else {
            diagnostics.push(hostile(rel, 'this file'));
          }
          continue;
        }
        // Folders beside entries hold their assets; they are read when referenced.
        if (!format || !file.isFile()) continue;
        entries.push(readEntry(root, rel, siteDir.name, columnDir.name, file.name, format, options.maxEntryBytes));
      }
    }
  }
  return { entries, diagnostics };
}

function readEntry(root: string, rel: string, site: string, column: string, name: string, format: 'md' | 'mdx', maxBytes: number): LoadedEntry {
  const slug = name.slice(0, -(format.length + 1));
  const entry: LoadedEntry = { path: rel, site, column, slug, format, findings: [] };
  if (!SLUG.test(slug)) {
    entry.findings.push(
      diagnostic('path-layout', 'error', rel, undefined, { zh: `文件名“${slug}”不是有效的 slug：它将成为页面网址`, en: `the file name "${slug}" is not a valid slug: it becomes the page URL` }, {
        fix: { zh: '使用小写英文字母、数字和连字符，且至少含一个字母，例如 2026-10-tax-refund-notice.md', en: 'use lower-case ASCII letters, digits and hyphens, with at least one letter, e.g. 2026-10-tax-refund-notice.md' },
      }),
    );
  }
  const read = readPlainSync(join(root, rel), maxBytes);
  if (!read.ok) {
    entry.findings.push(
      read.problem === 'too-large'
        ? diagnostic('file-too-large', 'error', rel, undefined, { zh: `条目大小为 ${read.size} 字节；上限为 ${maxBytes} 字节（sites/group.yaml limits.maxEntryBytes）`, en: `the entry is ${read.size} bytes; the limit is ${maxBytes} (sites/group.yaml limits.maxEntryBytes)` }, {
            fix: { zh: '拆分为多个条目，或将数据移入附件', en: 'split it into several entries or move data into an attachment' },
          })
        : diagnostic('path-hostile', 'error', rel, undefined, { zh: `无法安全读取该条目（${read.detail}）`, en: `the entry cannot be read safely (${read.detail})` }, { fix: { zh: '将条目作为普通文件提交，并确保运行 sealpress 的用户可以读取', en: 'commit the entry as a plain file, readable by the user that runs sealpress' } }),
    );
    return entry;
  }
  const bytes = read.bytes;
  entry.bytes = bytes;
  entry.digest = sha256Hex(bytes);
  return entry;
}
