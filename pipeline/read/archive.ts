/**
 * A ZIP archive attached as it is (资料.zip): read with the same zip reader
 * and caps as a document (entries, total size, ratio), and every member
 * handed back as a file inside the file, so each is read by the reader for
 * its type and checked (`资料.zip › 名单.xlsx › Sheet1 › C3`), to the nesting
 * limit; XML data is read as text. A member no reader can read makes the
 * archive refused, its finding naming the member; so does an encrypted
 * member, and the metadata an archiver adds on its own (__MACOSX, .DS_Store,
 * Thumbs.db), which no reader reads. RAR and 7z
 * have no well-kept reader for Node and stay refused with a fix
 * (pipeline/check/attachment.ts).
 */
import type { Text } from '../messages/text.ts';
import { posix } from 'node:path';
import { embed, emptyDocument, UnreadableError, type ReadDocument, type ReadLimits } from './document.ts';
import { xmlText } from './xml.ts';
import { readZip, type ZipFixes } from './zip.ts';

export const FIX_UNPACK: Text = {
  zh: '解压后分别上传：将压缩包解压，逐个上传其中的文件（旧版 DOC/XLS/PPT、WPS 和 RAR/7z 文件先另存为 DOCX/XLSX/PDF），以便逐一检查',
  en: '解压后分别上传: extract the archive and attach each file on its own (legacy DOC/XLS/PPT, WPS and RAR/7z files saved again as DOCX/XLSX/PDF first), so each is checked',
};

const ARCHIVE_FIXES: ZipFixes = {
  unreadable: FIX_UNPACK,
  encrypted: { zh: '压缩包设有密码：解压后分别上传其中的文件（或重新压缩，不设密码）', en: '压缩包设有密码: extract the archive, then attach its files on their own (or make the archive again without a password)' },
};

/** What an archiver adds on its own: macOS resource forks and Finder settings, Windows thumbnails. */
const ARCHIVER_METADATA = /(?:^|\/)(?:__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i;

export async function readArchive(bytes: Uint8Array, limits: ReadLimits): Promise<ReadDocument> {
  const { files } = await readZip(bytes, limits, ARCHIVE_FIXES);
  const doc = emptyDocument('zip');
  for (const [name, content] of files) {
    if (ARCHIVER_METADATA.test(name)) throw new UnreadableError({ zh: `压缩包中有 ${name}，这是 Mac 访达或 Windows 资源管理器压缩文件夹时自动加入的文件，不是可检查的文档`, en: `the archive holds ${name}, a file the Mac Finder or Windows Explorer adds when it compresses a folder; it is not a document the checks can read` }, { zh: `${FIX_UNPACK.zh}；或不含该文件重新压缩`, en: `${FIX_UNPACK.en}; or compress the files again without it` }, name);
    // XML data is read here, as text; any other member by the reader its base name chooses. A member's place is its path in the archive.
    if (/\.xml$/i.test(name)) {
      const text = xmlText(content, name);
      if (text.trim() !== '') doc.texts.push({ where: name, text });
    } else embed(doc, name, posix.basename(name), content);
  }
  for (const a of doc.active) a.fix = {
      zh: `解压后删除 ${a.where}：程序一律不得公开；将文档单独上传，或不含该程序重新压缩`,
      en: `解压后删除 ${a.where}: a program is never published; attach the documents on their own, or compress them again without it`,
    };
  return doc;
}
