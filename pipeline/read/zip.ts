/**
 * A zip read within limits, with yauzl: it reads the central directory (not
 * the local headers an attacker can make disagree with it) and refuses an
 * entry that inflates beyond its declared size, so capping the declared sizes
 * caps what is inflated. A zip bomb, too many entries, an encrypted entry or a
 * truncated archive is an UnreadableError, never a partial read.
 */
import type { Text } from '../messages/text.ts';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { FIX_RESAVE, UnreadableError, type ReadLimits } from './document.ts';

const MiB = 1024 * 1024;

export interface ZipEntries {
  /** Entry names in central-directory order. */
  names: string[];
  /** Uncompressed bytes of each entry (directories are left out). */
  files: Map<string, Uint8Array>;
}

function fromBuffer(bytes: Uint8Array): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (error, zip) => (error ? reject(error) : resolve(zip)));
  });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const GB18030 = new TextDecoder('gb18030', { fatal: true });

/**
 * An entry's name as its writer typed it. A zip made on Chinese Windows
 * (the Explorer's 发送到 → 压缩文件夹, older WinRAR/360压缩) stores names in
 * GBK without the UTF-8 flag, which yauzl decodes as CP437: such a name is
 * decoded as UTF-8 when it is valid UTF-8, else as GB18030 (a superset of GBK).
 */
function nameOf(entry: Entry): string {
  const raw = (entry as Entry & { fileNameRaw?: Buffer }).fileNameRaw;
  const flagged = (entry.generalPurposeBitFlag & 0x800) !== 0 || entry.extraFields.some((f) => f.id === 0x7075);
  if (flagged || !raw || raw.every((b) => b < 0x80)) return entry.fileName;
  for (const decoder of [UTF8, GB18030]) {
    try {
      return decoder.decode(raw).replace(/\\/g, '/');
    } catch {
      // next decoder
    }
  }
  return entry.fileName;
}

function readEntry(zip: ZipFile, entry: Entry): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** What a writer does when the zip cannot be read: an Office or OFD document is saved again, an archive is unpacked. */
export interface ZipFixes {
  /** For a damaged, truncated or oversized zip. */
  unreadable: Text;
  /** For an encrypted entry. */
  encrypted: Text;
}

const PACKAGE_FIXES: ZipFixes = { unreadable: FIX_RESAVE, encrypted: { zh: '取消密码（文件 → 信息 → 保护文档）后重新上传', en: 'remove the password (文件 → 信息 → 保护文档) and attach the file again' } };

/** Every entry of a zip, or an UnreadableError saying which limit it passed. */
export async function readZip(bytes: Uint8Array, limits: ReadLimits, fixes: ZipFixes = PACKAGE_FIXES): Promise<ZipEntries> {
  const fix = fixes.unreadable;
  let zip: ZipFile;
  try {
    zip = await fromBuffer(bytes);
  } catch (error) {
    throw new UnreadableError({ zh: `文件不是可读取的 zip 包（${(error as Error).message}）：可能不完整或已损坏`, en: `the file is not a readable zip package (${(error as Error).message}): it may be truncated or damaged` }, fix);
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new UnreadableError({ zh: `文件包内有 ${zip.entryCount} 个文件，超过文档应有的 ${limits.maxEntries} 个：可能是压缩炸弹，予以拒绝`, en: `the package holds ${zip.entryCount} files, more than the ${limits.maxEntries} a document has: it is refused as a possible zip bomb` }, fix);
  }
  const names: string[] = [];
  const files = new Map<string, Uint8Array>();
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        void (async () => {
          const fileName = nameOf(entry);
          names.push(fileName);
          if (fileName.endsWith('/')) return zip.readEntry();
          if ((entry.generalPurposeBitFlag & 1) !== 0) throw new UnreadableError({ zh: `文件包中的 ${fileName} 已加密：无法读取其内容`, en: `the package entry ${fileName} is encrypted: its content cannot be read` }, fixes.encrypted, fileName);
          total += entry.uncompressedSize;
          if (total > limits.maxUncompressed) throw new UnreadableError({ zh: `文件包解压后超过 ${Math.round(limits.maxUncompressed / MiB)} MiB：可能是压缩炸弹，予以拒绝`, en: `the package inflates to more than ${Math.round(limits.maxUncompressed / MiB)} MiB: it is refused as a possible zip bomb` }, fix);
          if (entry.uncompressedSize > MiB && entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)) {
            throw new UnreadableError({ zh: `文件包中的 ${fileName} 解压后为压缩大小的 ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} 倍：可能是压缩炸弹，予以拒绝`, en: `the package entry ${fileName} inflates ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} times its size: it is refused as a possible zip bomb` }, fix);
          }
          if (files.has(fileName)) throw new UnreadableError({ zh: `文件包中 ${fileName} 出现两次：不同软件读取的可能不是同一份`, en: `the package holds ${fileName} twice: readers would disagree on which copy counts` }, fix);
          files.set(fileName, await readEntry(zip, entry));
          zip.readEntry();
        })().catch(reject);
      });
      zip.readEntry();
    });
  } catch (error) {
    if (error instanceof UnreadableError) throw error;
    throw new UnreadableError({ zh: `zip 包无法完整读取（${(error as Error).message}）`, en: `the zip package cannot be read to its end (${(error as Error).message})` }, fix);
  } finally {
    zip.close();
  }
  return { names, files };
}

/** A zip's local file header signature: what DOCX, XLSX, PPTX, OFD and ZIP files start with. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}
