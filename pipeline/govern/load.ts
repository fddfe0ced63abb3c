/**
 * Read the column change requests (sites/_changes/<site>/<id>.dsse.json) as
 * bytes for the pure verifier. Nothing is followed through a symlink, nothing
 * over the signed-file size limit is read, and a file elsewhere in the folder
 * is reported (it would approve nothing, and whoever put it there should know).
 */
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
  const refuse = (file: string, why: string, fix: string) => diagnostics.push(diagnostic('column-change-invalid', 'error', file, undefined, why, { fix }));
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
      refuse(dir, 'not a site folder: column change requests are kept in sites/_changes/<11-digit site code>/', 'move it into its site\'s folder, or remove it');
      continue;
    }
    for (const e of list(dir)) {
      const file = `${dir}/${e.name}`;
      if (e.isSymbolicLink() || !e.isFile()) {
        refuse(file, 'not a plain file (a symlink or a folder); it is not read', 'commit the request file itself');
        continue;
      }
      if (!REQUEST_FILE.test(e.name)) {
        refuse(file, 'not a request file name (<id>.dsse.json, lower-case); it is not read', 'rename it to <id>.dsse.json as `sealpress column request` writes it, or remove it');
        continue;
      }
      const read = readPlainSync(join(root, file), MAX_SIGNED_FILE_BYTES);
      if (read.ok) records.push({ file, bytes: read.bytes });
      else if (read.problem === 'too-large') refuse(file, `${read.size} bytes; a signed file may have at most ${MAX_SIGNED_FILE_BYTES}`, 'remove it; a request is a few KiB');
      else if (read.problem === 'not-plain') refuse(file, 'not a plain file (a symlink or a folder); it is not read', 'commit the request file itself');
      else refuse(file, `it cannot be read (${read.detail})`, 'make it readable by the user that runs sealpress, or remove it');
    }
  }
  return { records, diagnostics };
}
