/**
 * A ZIP archive attached as it is (资料.zip): read with the same zip reader
 * and caps as a document (entries, total size, ratio), and every member
 * handed back as a file inside the file, so each is read by the reader for
 * its type and checked (`资料.zip › 名单.xlsx › Sheet1 › C3`), to the nesting
 * limit. A member no reader can read makes the archive refused, its finding
 * naming the member; an encrypted member refuses the archive. RAR and 7z
 * have no well-kept reader for Node and stay refused with a fix
 * (pipeline/check/attachment.ts).
 */
import { posix } from 'node:path';
import { embed, emptyDocument, type ReadDocument, type ReadLimits } from './document.ts';
import { readZip, type ZipFixes } from './zip.ts';

export const FIX_UNPACK = '解压后分别上传: extract the archive and attach each file on its own (legacy DOC/XLS/PPT, WPS and RAR/7z files saved again as DOCX/XLSX/PDF first), so each is checked';

const ARCHIVE_FIXES: ZipFixes = {
  unreadable: FIX_UNPACK,
  encrypted: '压缩包设有密码: extract the archive, then attach its files on their own (or make the archive again without a password)',
};

export async function readArchive(bytes: Uint8Array, limits: ReadLimits): Promise<ReadDocument> {
  const { files } = await readZip(bytes, limits, ARCHIVE_FIXES);
  const doc = emptyDocument('zip');
  // A member's place is its path in the archive; its base name chooses its reader.
  for (const [name, content] of files) embed(doc, name, posix.basename(name), content);
  return doc;
}
