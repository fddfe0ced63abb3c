/**
 * Parse an entry: strict UTF-8, YAML-only front matter (gray-matter split, our
 * YAML parser with positions: any other front-matter language is refused, never
 * executed), and the body as an mdast tree with positions (remark-parse + GFM +
 * CJK-friendly emphasis, + MDX for .mdx). Pure: bytes in, tree and findings out.
 */
import matter from 'gray-matter';
import type { Root } from 'mdast';
import remarkCjkFriendly from 'remark-cjk-friendly';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import type { LoadedEntry } from '../load/index.ts';
import { decodeUtf8 } from '../util/text.ts';
import { parseFrontMatterYaml, parseYaml, type YamlSource } from '../util/yaml.ts';

export interface ParsedEntry {
  path: string;
  site: string;
  column: string;
  slug: string;
  format: 'md' | 'mdx';
  digest: string;
  /** The whole file as text (BOM dropped). */
  text: string;
  frontMatter: YamlSource;
  /** The body as written (everything after the closing `---`). */
  body: string;
  /** 1-based line of the file on which the body starts. */
  bodyLine: number;
  tree: Root;
}

export type ParseResult = { ok: true; entry: ParsedEntry } | { ok: false; findings: Diagnostic[] };

const markdown = unified().use(remarkParse).use(remarkGfm).use(remarkCjkFriendly).freeze();
const mdx = unified().use(remarkParse).use(remarkMdx).use(remarkGfm).use(remarkCjkFriendly).freeze();

const OPENING = /^---[ \t]*\r?$/;

function refuseEngine(language: string) {
  return {
    parse(): never {
      throw new Error(`front-matter language "${language}" is refused`);
    },
  };
}
/** gray-matter's built-in engines include JavaScript (it calls eval); every one but ours is replaced. */
const REFUSED_ENGINES = Object.fromEntries(['js', 'javascript', 'coffee', 'coffeescript', 'cson', 'json', 'toml'].map((l) => [l, refuseEngine(l)]));

export interface ParseOptions {
  /** Parse the body even when no rule could find anything in it (see needsTree). */
  alwaysParse?: boolean;
}

export function parseEntry(loaded: LoadedEntry, options: ParseOptions = {}): ParseResult {
  const { path } = loaded;
  if (!loaded.bytes || loaded.digest === undefined) return { ok: false, findings: [] };
  const text = decodeUtf8(loaded.bytes);
  if (text === undefined) {
    return {
      ok: false,
      findings: [
        diagnostic('encoding-invalid', 'error', path, undefined, { zh: '文件不是有效的 UTF-8 文本（或含有 NUL 字节）', en: 'the file is not valid UTF-8 text (or contains a NUL byte)' }, {
          fix: { zh: '将文件另存为 UTF-8；如内容是从文字处理软件粘贴的，请以纯文本方式粘贴', en: 'save the file as UTF-8; if it was pasted from a word processor, paste it as plain text' },
        }),
      ],
    };
  }
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  if (!firstLine.startsWith('---')) {
    return {
      ok: false,
      findings: [diagnostic('frontmatter-missing', 'error', path, undefined, { zh: '条目没有以前置信息块开头', en: 'the entry does not start with a front-matter block' }, { fix: { zh: '文件以一行 `---` 开头，接着写 YAML 字段（title、date、author……），再以一行 `---` 结束', en: 'start the file with a line `---`, the YAML fields (title, date, author, …), and another `---`' } })],
    };
  }
  if (!OPENING.test(firstLine)) {
    return {
      ok: false,
      findings: [
        diagnostic('frontmatter-engine', 'error', path, { line: 1, column: 4 }, { zh: `前置信息必须是 YAML；“${firstLine.trim()}”要求使用其他语言，予以拒绝（可能执行代码）`, en: `front matter must be YAML; "${firstLine.trim()}" asks for another language, which is refused (it could run code)` }, {
          fix: { zh: '第一行只写 `---`，字段用 YAML 书写', en: 'make the first line exactly `---` and write the fields in YAML' },
        }),
      ],
    };
  }

  let yaml: YamlSource | undefined;
  const parsed = matter(text, {
    language: 'yaml',
    engines: {
      ...REFUSED_ENGINES,
      yaml: {
        parse(source: string) {
          // The block starts right after the opening `---` on line 1, column 4.
          // With CRLF endings the block ends in a lone `\r` (gray-matter splits on `\n---`).
          yaml = parseFrontMatterYaml(source.replace(/\r$/, ''), { line: 1, column: 4 });
          return {};
        },
      },
    },
  });
  if (parsed.content === '' && !/\r?\n---[ \t]*(\r?\n|$)/.test(text)) {
    return {
      ok: false,
      findings: [diagnostic('frontmatter-missing', 'error', path, { line: 1, column: 1 }, { zh: '前置信息块没有结束', en: 'the front-matter block is never closed' }, { fix: { zh: '在最后一个前置信息字段后加一行 `---`', en: 'add a line `---` after the last front-matter field' } })],
    };
  }
  yaml ??= parseYaml('', { line: 2, column: 1 });
  if (yaml.errors.length > 0) {
    return {
      ok: false,
      findings: yaml.errors.map((e) =>
        diagnostic('frontmatter-yaml', 'error', path, e.at, { zh: `前置信息不是有效的 YAML：${e.message}`, en: `front matter is not valid YAML: ${e.message}` }, {
          fix: { zh: '检查缩进、冒号和引号；含冒号的文字需加引号', en: 'check indentation, colons and quotes; text with a colon in it needs quotes' },
        }),
      ),
    };
  }

  const body = parsed.content;
  const bodyOffset = text.length - body.length;
  let bodyLine = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < bodyOffset; i = text.indexOf('\n', i + 1)) bodyLine++;

  let tree: Root;
  try {
    tree = options.alwaysParse || needsTree(loaded.format, body) ? (loaded.format === 'mdx' ? mdx : markdown).parse(body) : { type: 'root', children: [] };
  } catch (cause) {
    const place = cause as { line?: number; column?: number; reason?: string; message?: string };
    const at = typeof place.line === 'number' ? { line: place.line + bodyLine - 1, column: place.column ?? 1 } : { line: bodyLine, column: 1 };
    return {
      ok: false,
      findings: [
        diagnostic('body-syntax', 'error', path, at, { zh: `无法解析 ${loaded.format === 'mdx' ? 'MDX' : 'Markdown'} 正文：${place.reason ?? place.message ?? String(cause)}`, en: `the ${loaded.format === 'mdx' ? 'MDX' : 'Markdown'} body cannot be parsed: ${place.reason ?? place.message ?? String(cause)}` }, {
          fix: loaded.format === 'mdx' ? { zh: '闭合所有组件标签，字面的 `<` 或 `{` 写成 `\\<` 或 `\\{`', en: 'close every component tag, and escape a literal `<` or `{` as `\\<` or `\\{`' } : { zh: '修正此处的语法', en: 'fix the syntax at this position' },
        }),
      ],
    };
  }
  return {
    ok: true,
    entry: { path, site: loaded.site, column: loaded.column, slug: loaded.slug, format: loaded.format, digest: loaded.digest, text, frontMatter: yaml, body, bodyLine, tree },
  };
}

/**
 * Whether the body can hold a node any rule reads. Parsing is the gate's main
 * cost (micromark: about 1 ms for a 2 KB entry), and the rules read only images,
 * links, definitions, raw HTML and MDX nodes. In Markdown, every one of those
 * needs a `[` or a `<` in the text, except GFM's bare autolinks (`www.…`,
 * `https://…`, e-mail addresses), which are always external, so no rule acts on
 * them. A Markdown body with neither character therefore yields the same facts
 * with an empty tree; the equivalence is tested on every demo entry. MDX is
 * always parsed (its syntax errors are findings).
 */
export function needsTree(format: 'md' | 'mdx', body: string): boolean {
  return format === 'mdx' || body.includes('[') || body.includes('<');
}
