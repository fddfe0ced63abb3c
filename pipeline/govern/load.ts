/**
 * Read the column change requests (sites/_changes/<site>/<id>.dsse.json) as
 * bytes for the pure verifier. Nothing is followed through a symlink, nothing
 * over the signed-file size limit is read, and a file elsewhere in the folder
 * is reported (it would approve nothing, and whoever put it there should know).
 */
import type { Text } from '../messages/text.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import { readPlainSync } from '../fs/index.ts';
import { MAX_SIGNED_FILE_BYTES, type RecordFile } from '../load/index.ts';
import { CHANGES_DIR } from './column-change.ts';

const SITE_FOLDER = /^\d{11}$/;
const REQUEST_FILE = /^[a-z0-9][a-z0-9._-]{0,79}\.dsse\.json$/;

export function loadColumnChanges(root: string): { records: RecordFile[]; diagnostics: Diagnostic[] } {
  const records: RecordFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const refuse = (file: string, why: Text, fix: Text) => diagnostics.push(diagnostic('column-change-invalid', 'error', file, undefined, why, { fix }));
  const list = (rel: string) => {
    try {
      return readdirSync(join(root, rel), { withFileTypes: true }).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      return [];
    }
  };
  for (const folder of list(CHANGES_DIR)) {
    const dir = `${CHANGES_DIR}/${folder.name}`;
    if (!folder.isDirectory() || !SITE_FOLDER.test(folder.name)) {
      refuse(dir, { zh: '不是站点文件夹：栏目变更申请应存放在 sites/_changes/<11 位站点代码>/', en: 'not a site folder: column change requests are kept in sites/_changes/<11-digit site code>/' }, { zh: '移到所属站点的文件夹，或删除', en: 'move it into its site\'s folder, or remove it' });
      continue;
    }
    for (const e of list(dir)) {
      const file = `${dir}/${e.name}`;
      if (e.isSymbolicLink() || !e.isFile()) {
        refuse(file, { zh: '不是普通文件（是符号链接或文件夹）；不予读取', en: 'not a plain file (a symlink or a folder); it is not read' }, { zh: '提交申请文件本身', en: 'commit the request file itself' });
        continue;
      }
      if (!REQUEST_FILE.test(e.name)) {
        refuse(file, { zh: '不是申请文件名（<id>.dsse.json，小写）；不予读取', en: 'not a request file name (<id>.dsse.json, lower-case); it is not read' }, { zh: '按 `sealpress column request` 生成的格式改名为 <id>.dsse.json，或删除', en: 'rename it to <id>.dsse.json as `sealpress column request` writes it, or remove it' });
        continue;
      }
      const read = readPlainSync(join(root, file), MAX_SIGNED_FILE_BYTES);
      if (read.ok) records.push({ file, bytes: read.bytes });
      else if (read.problem === 'too-large') refuse(file, { zh: `${read.size} 字节；签名文件最多 ${MAX_SIGNED_FILE_BYTES} 字节`, en: `${read.size} bytes; a signed file may have at most ${MAX_SIGNED_FILE_BYTES}` }, { zh: '删除该文件；申请文件通常只有几 KiB', en: 'remove it; a request is a few KiB' });
      else if (read.problem === 'not-plain') refuse(file, { zh: '不是普通文件（是符号链接或文件夹）；不予读取', en: 'not a plain file (a symlink or a folder); it is not read' }, { zh: '提交申请文件本身', en: 'commit the request file itself' });
      else refuse(file, { zh: `无法读取（${read.detail}）`, en: `it cannot be read (${read.detail})` }, { zh: '让运行 sealpress 的用户可以读取，或删除该文件', en: 'make it readable by the user that runs sealpress, or remove it' });
    }
  }
  return { records, diagnostics };
}
