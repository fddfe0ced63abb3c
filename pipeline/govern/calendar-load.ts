/**
 * The repository's working-day calendar: the installed chinese-days package
 * extended (or overridden, year by year) by the files under sites/calendar/.
 * I/O at the edge; the pure parts are calendar.ts and calendar-file.ts.
 *
 * A broken file is not ignored and does not stop the gate (as with the column
 * change requests under sites/_changes/, which only governance reads): each of
 * its problems is a `calendar-invalid` error that `sealpress check` prints at
 * its line, and its year is not covered at all, even where the package has it,
 * so every count that needs the year is `unknown`, never guessed.
 */
import type { Text } from '../messages/text.ts';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import { readPlainSync } from '../fs/index.ts';
import { decodeUtf8 } from '../util/text.ts';
import { CALENDAR_DIR, CALENDAR_README, installedCalendarData, workCalendar, type CalendarYear, type WorkCalendar } from './calendar.ts';
import { CALENDAR_FILE_NAME, MAX_CALENDAR_FILE_BYTES, readCalendarFile } from './calendar-file.ts';

/** A misnamed file that still names a year (2027.yml, 2027.YAML): that year is taken out too, not left to the package. */
const YEAR_LIKE = /^(\d{4})\.[A-Za-z]+$/;

export interface CalendarFilesResult {
  years: CalendarYear[];
  /** Years whose file is invalid (→ the file). */
  invalid: Map<number, string>;
  diagnostics: Diagnostic[];
}

/** Read and validate every sites/calendar/<year>.yaml. The folder may be absent: then the package alone. */
export function loadCalendarFiles(root: string): CalendarFilesResult {
  const years: CalendarYear[] = [];
  const invalid = new Map<number, string>();
  const diagnostics: Diagnostic[] = [];
  const refuse = (file: string, why: Text, fix: Text) => diagnostics.push(diagnostic('calendar-invalid', 'error', file, undefined, why, { fix }));
  let isFolder = false;
  try {
    const stat = lstatSync(join(root, CALENDAR_DIR));
    isFolder = stat.isDirectory();
    if (!isFolder) refuse(CALENDAR_DIR, { zh: '不是文件夹（是文件或符号链接）；不读取任何日历文件', en: 'not a folder (a file or a symlink); no calendar file is read' }, { zh: `将 ${CALENDAR_DIR} 改为存放 <year>.yaml 文件的文件夹（${CALENDAR_README}）`, en: `make ${CALENDAR_DIR} a folder of <year>.yaml files (${CALENDAR_README})` });
  } catch {
    return { years, invalid, diagnostics };
  }
  if (!isFolder) return { years, invalid, diagnostics };
  const entries = readdirSync(join(root, CALENDAR_DIR), { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && e.name !== 'README.md')
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const file = `${CALENDAR_DIR}/${e.name}`;
    const named = CALENDAR_FILE_NAME.exec(e.name);
    const year = Number((named ?? YEAR_LIKE.exec(e.name))?.[1] ?? NaN);
    const broken = (why: Text, fix: Text) => {
      refuse(file, why, fix);
      if (Number.isInteger(year)) invalid.set(year, file);
    };
    if (!named) {
      broken(
        { zh: `不是日历文件名（<year>.yaml，四位数年份）${Number.isInteger(year) ? `；因此 ${year} 年未覆盖` : ''}；不予读取`, en: `not a calendar file name (<year>.yaml, the year in four digits)${Number.isInteger(year) ? `; ${year} is therefore not covered` : ''}; it is not read` },
        Number.isInteger(year) ? { zh: `改名为 ${year}.yaml`, en: `rename it to ${year}.yaml` } : { zh: `改名为 <year>.yaml，或删除（${CALENDAR_DIR} 只存放年份文件和 README.md）`, en: `rename it to <year>.yaml, or remove it (${CALENDAR_DIR} holds only the year files and README.md)` },
      );
      continue;
    }
    if (e.isSymbolicLink() || !e.isFile()) {
      broken({ zh: '不是普通文件（是符号链接或文件夹）；不予读取', en: 'not a plain file (a symlink or a folder); it is not read' }, { zh: '提交年份文件本身', en: 'commit the year file itself' });
      continue;
    }
    const got = readPlainSync(join(root, file), MAX_CALENDAR_FILE_BYTES);
    if (!got.ok) {
      if (got.problem === 'too-large') broken({ zh: `${got.size} 字节；日历文件最多 ${MAX_CALENDAR_FILE_BYTES} 字节（一年的安排远小于 2 KiB）`, en: `${got.size} bytes; a calendar file may have at most ${MAX_CALENDAR_FILE_BYTES} (a year's arrangement is well under 2 KiB)` }, { zh: `文件中只保留该年的放假安排（${CALENDAR_README}）`, en: `keep only the year's arrangement in it (${CALENDAR_README})` });
      else if (got.problem === 'not-plain') broken({ zh: '不是普通文件（是符号链接或文件夹）；不予读取', en: 'not a plain file (a symlink or a folder); it is not read' }, { zh: '提交年份文件本身', en: 'commit the year file itself' });
      else broken({ zh: `无法读取（${got.detail}）`, en: `it cannot be read (${got.detail})` }, { zh: '让运行 sealpress 的用户可以读取，或删除该文件', en: 'make it readable by the user that runs sealpress, or remove it' });
      continue;
    }
    const text = decodeUtf8(got.bytes);
    if (text === undefined) {
      broken({ zh: '不是有效的 UTF-8（或含有 NUL 字节）', en: 'not valid UTF-8 (or it has a NUL byte)' }, { zh: '另存为 UTF-8 编码', en: 'save it as UTF-8' });
      continue;
    }
    const read = readCalendarFile(file, text);
    diagnostics.push(...read.diagnostics);
    if (read.year) years.push(read.year);
    else invalid.set(year, file);
  }
  // Two files naming one year (2027.yaml and 2027.yml): the year is not covered until one is removed.
  return { years: years.filter((y) => !invalid.has(y.year)), invalid, diagnostics };
}

/** The calendar a repository's gate uses: the installed package, with the repository's files. */
export function repositoryCalendar(root: string): { calendar: WorkCalendar; diagnostics: Diagnostic[] } {
  const files = loadCalendarFiles(root);
  const { data, source } = installedCalendarData();
  return { calendar: workCalendar(data, source, { years: files.years, invalid: files.invalid }), diagnostics: files.diagnostics };
}
