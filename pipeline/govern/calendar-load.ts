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
  const refuse = (file: string, why: string, fix: string) => diagnostics.push(diagnostic('calendar-invalid', 'error', file, undefined, why, { fix }));
  let isFolder = false;
  try {
    const stat = lstatSync(join(root, CALENDAR_DIR));
    isFolder = stat.isDirectory();
    if (!isFolder) refuse(CALENDAR_DIR, 'not a folder (a file or a symlink); no calendar file is read', `make ${CALENDAR_DIR} a folder of <year>.yaml files (${CALENDAR_README})`);
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
    const broken = (why: string, fix: string) => {
      refuse(file, why, fix);
      if (Number.isInteger(year)) invalid.set(year, file);
    };
    if (!named) {
      broken(
        `not a calendar file name (<year>.yaml, the year in four digits)${Number.isInteger(year) ? `; ${year} is therefore not covered` : ''}; it is not read`,
        Number.isInteger(year) ? `rename it to ${year}.yaml` : `rename it to <year>.yaml, or remove it (${CALENDAR_DIR} holds only the year files and README.md)`,
      );
      continue;
    }
    if (e.isSymbolicLink() || !e.isFile()) {
      broken('not a plain file (a symlink or a folder); it is not read', 'commit the year file itself');
      continue;
    }
    const got = readPlainSync(join(root, file), MAX_CALENDAR_FILE_BYTES);
    if (!got.ok) {
      if (got.problem === 'too-large') broken(`${got.size} bytes; a calendar file may have at most ${MAX_CALENDAR_FILE_BYTES} (a year's arrangement is well under 2 KiB)`, `keep only the year's arrangement in it (${CALENDAR_README})`);
      else if (got.problem === 'not-plain') broken('not a plain file (a symlink or a folder); it is not read', 'commit the year file itself');
      else broken(`it cannot be read (${got.detail})`, 'make it readable by the user that runs sealpress, or remove it');
      continue;
    }
    const text = decodeUtf8(got.bytes);
    if (text === undefined) {
      broken('not valid UTF-8 (or it has a NUL byte)', 'save it as UTF-8');
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
