/**
 * Which reader reads a file, by its name and its first bytes. A reader runs
 * in the reading worker (pool.ts); `readDocument` is also what the worker calls.
 */
import type { Text } from '../messages/text.ts';
import { DEFAULT_READ_LIMITS, FIX_RESAVE, UnreadableError, type ReadDocument, type ReadLimits, type ReadRefusal } from './document.ts';
import { FIX_UNPACK, readArchive } from './archive.ts';
import { FIX_OFD, readOfd } from './ofd.ts';
import { readOoxml } from './ooxml.ts';
import { readPdf } from './pdf.ts';
import { PICTURE_READERS } from './picture.ts';
import { isZip } from './zip.ts';

export const OOXML_EXTENSIONS = ['docx', 'docm', 'dotx', 'dotm', 'xlsx', 'xlsm', 'xltx', 'xltm', 'pptx', 'pptm', 'ppsx', 'ppsm', 'potx'] as const;
/** Pictures that carry text of their own (charts and diagrams drawn as Windows metafiles): read like documents, wherever they are. */
export const PICTURE_EXTENSIONS = ['emf', 'wmf'] as const;
/**
 * Read only inside a document (a picture in a DOCX or PPTX, a file in a PDF or
 * OFD): an SVG on its own would be served as a page of the site's origin, and
 * is refused (asset-active, attachment-unscannable); a ZIP member is a file of
 * its own too.
 */
export const DOCUMENT_PICTURE_EXTENSIONS = ['svg'] as const;
export const DOCUMENT_EXTENSIONS: readonly string[] = [...OOXML_EXTENSIONS, 'pdf', 'ofd', 'zip', ...PICTURE_EXTENSIONS];

export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** Does this file need a format reader (run in a worker) before the checks? `inDocument`: it is a picture or file inside a document, not an archive's member or a file of its own. */
export function needsReader(name: string, inDocument = false): boolean {
  const ext = extensionOf(name);
  return DOCUMENT_EXTENSIONS.includes(ext) || (inDocument && (DOCUMENT_PICTURE_EXTENSIONS as readonly string[]).includes(ext));
}

const OLE = [0xd0, 0xcf, 0x11, 0xe0];
const starts = (bytes: Uint8Array, magic: string) => Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, magic.length)).toString('latin1') === magic;

export async function readDocument(name: string, bytes: Uint8Array, limits: ReadLimits): Promise<ReadDocument> {
  const ext = extensionOf(name);
  if (ext === 'pdf') return readPdf(bytes, limits);
  const picture = PICTURE_READERS[ext];
  if (picture) return picture(bytes, name);
  if (ext === 'zip') {
    if (starts(bytes, 'Rar!\x1a\x07')) throw new UnreadableError({ zh: '文件扩展名为 .zip，实际是 RAR 压缩包，无法检查', en: 'the file is named .zip but is a RAR archive, which the checks cannot read' }, FIX_UNPACK);
    if (starts(bytes, '7z\xbc\xaf\x27\x1c')) throw new UnreadableError({ zh: '文件扩展名为 .zip，实际是 7z 压缩包，无法检查', en: 'the file is named .zip but is a 7z archive, which the checks cannot read' }, FIX_UNPACK);
    if (!isZip(bytes)) throw new UnreadableError({ zh: '文件扩展名为 .zip，实际不是 ZIP 压缩包', en: 'the file is named .zip but is not a ZIP archive' }, FIX_UNPACK);
    return readArchive(bytes, limits);
  }
  if (ext === 'ofd') {
    if (!isZip(bytes)) throw new UnreadableError({ zh: '文件扩展名为 .ofd，实际不是 OFD 包（OFD 文件是含有 OFD.xml 的 zip 包）', en: 'the file is named .ofd but is not an OFD package (an OFD file is a zip holding OFD.xml)' }, FIX_OFD);
    return readOfd(bytes, limits);
  }
  if (OLE.every((b, i) => bytes[i] === b)) throw new UnreadableError({ zh: `文件扩展名为 .${ext}，实际是旧版二进制 Office 文件（DOC/XLS/PPT 格式），无法检查`, en: `the file is named .${ext} but is a legacy binary Office file (DOC/XLS/PPT format), which the checks cannot read` }, FIX_RESAVE);
  if (!isZip(bytes)) throw new UnreadableError({ zh: `文件扩展名为 .${ext}，实际不是 Office Open XML 文件包`, en: `the file is named .${ext} but is not an Office Open XML package` }, FIX_RESAVE);
  return readOoxml(bytes, limits);
}

export type ReadOutcome = { ok: true; doc: ReadDocument } | { ok: false; refusal: ReadRefusal };

/** Read a document; a file that cannot be read gives its refusal, never an exception. */
export async function readOutcome(name: string, bytes: Uint8Array, limits: ReadLimits): Promise<ReadOutcome> {
  try {
    return { ok: true, doc: await readDocument(name, bytes, limits) };
  } catch (error) {
    if (error instanceof UnreadableError) return { ok: false, refusal: { message: error.text.message, fix: error.text.fix, ...(error.where ? { where: error.where } : {}) } };
    return { ok: false, refusal: { message: { zh: `读取文件失败（${(error as Error)?.message ?? String(error)}）：未经读取的文件不予放行`, en: `the reader failed on the file (${(error as Error)?.message ?? String(error)}): it is refused rather than passed unread` }, fix: FIX_RESAVE } };
  }
}

/** Reads on this thread, without a time limit: for tests and tools that read files they trust to end. */
export function inlineReader(limits: ReadLimits = DEFAULT_READ_LIMITS): { limits: ReadLimits; read(name: string, bytes: Uint8Array): Promise<ReadOutcome> } {
  return { limits, read: (name, bytes) => readOutcome(name, bytes, limits) };
}
