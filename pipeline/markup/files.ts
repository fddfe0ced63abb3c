/**
 * Files a browser would run as a page if the site served them. A file published
 * under /assets/ is served from the site's own origin, so an HTML, SVG, XML or
 * script file there is a page of the portal that no approver read as one. Decided
 * by the name (every extension, any case, trailing dots and spaces ignored, as a
 * server or a Windows share would) and by the bytes (markup or script where the
 * file starts, whatever its name says), so neither a renamed file nor a double
 * extension gets through.
 */
import type { Text } from '../messages/text.ts';

/** Extensions a web server serves as a document, a script, or something a plug-in runs. */
export const ACTIVE_EXTENSIONS: ReadonlySet<string> = new Set([
  'html', 'htm', 'xhtml', 'xht', 'shtml', 'shtm', 'stm', 'mht', 'mhtml', 'hta', 'htc',
  'svg', 'svgz', 'xml', 'xsl', 'xslt', 'xsd', 'rdf', 'rss', 'atom', 'xul', 'vml', 'mml',
  'js', 'mjs', 'cjs', 'jsx', 'vbs', 'vbe', 'wsf', 'wasm', 'swf', 'spl', 'jar', 'class', 'xap', 'css',
  'php', 'phtml', 'php3', 'php4', 'php5', 'pht', 'phar', 'asp', 'aspx', 'ashx', 'asmx', 'jsp', 'jspx', 'cgi', 'pl', 'py', 'sh',
  'appcache', 'manifest', 'webmanifest',
]);

/** Leading bytes of formats the site publishes as they are, which no browser sniffs as a page. */
const INERT_MAGIC: readonly (readonly number[])[] = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF8
  [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  [0x50, 0x4b, 0x03, 0x04], // ZIP (Office documents)
  [0xd0, 0xcf, 0x11, 0xe0], // OLE (old Office documents)
];

/** Markup or script a browser's sniffer (or an old one) takes for a page. */
const ACTIVE_CONTENT = /<\s*(?:!doctype|html|head|body|script|iframe|svg|xml|\?xml|xsl|x:|object|embed|meta|style|title|img|a\s|div|table|frameset|!--|br|p\b|b\b|h1|font)|^\s*</i;

const SWF = ['FWS', 'CWS', 'ZWS'];

/** The extensions of a file name, lower case, with trailing dots and spaces dropped: `a.HTML.png. ` → ['html', 'png']. */
export function fileExtensions(name: string): string[] {
  const base = name.split(/[\\/]/).pop() ?? '';
  const parts = base.replace(/[. \u0000-\u001f]+$/g, '').toLowerCase().split('.');
  return parts.slice(1).map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * Why a file would be active on the site, or undefined when it is inert. `bytes`
 * may be just the start of the file (the first KiB decides).
 */
export function activeFile(name: string, bytes?: Uint8Array): string | undefined {
  return activeFileText(name, bytes)?.en;
}

/** activeFile in both languages. */
export function activeFileText(name: string, bytes?: Uint8Array): Text | undefined {
  const ext = fileExtensions(name).find((e) => ACTIVE_EXTENSIONS.has(e));
  if (ext) return { zh: `.${ext} 文件会作为网页或脚本提供`, en: `a .${ext} file is served as a page or a script` };
  if (!bytes) return undefined;
  if (INERT_MAGIC.some((magic) => magic.every((b, i) => bytes[i] === b))) return undefined;
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46 && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') return undefined;
  const head = Buffer.from(bytes.subarray(0, 1024));
  if (SWF.includes(head.subarray(0, 3).toString('latin1'))) return { zh: '其内容是 Flash（SWF）程序', en: 'its content is a Flash (SWF) program' };
  // UTF-8 or UTF-16 text, BOM and NULs dropped: a sniffer reads past both.
  const text = head.toString(head[0] === 0xff && head[1] === 0xfe ? 'utf16le' : 'latin1').replace(/^\ufeff|^\u00ef\u00bb\u00bf|^\u00fe\u00ff|\u0000/g, '');
  const m = ACTIVE_CONTENT.exec(text);
  if (m) return { zh: `其内容是标记语言（${JSON.stringify(m[0].trim().slice(0, 12))}），浏览器可能将其作为网页运行`, en: `its content is markup (${JSON.stringify(m[0].trim().slice(0, 12))}), which a browser may run as a page` };
  return undefined;
}
