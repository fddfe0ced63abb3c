/**
 * One year's holiday arrangement, sites/calendar/<year>.yaml, as the office
 * copies it from the State Council's notice (format: sites/calendar/README.md):
 *
 *   year: 2099
 *   notice: 国办发明电〔2098〕99号
 *   holidays:
 *     - { name: 元旦, from: 2099-01-01, to: 2099-01-03 }
 *   workdays:
 *     - { date: 2099-01-04, name: 元旦 }
 *
 * Read and validated here (pure: the text in, the year or every problem out,
 * each a `calendar-invalid` diagnostic at its line and column with a fix). A
 * file with any problem gives no year at all: half a year's arrangement would
 * be a guess. Dates lie in the file's year, or in the previous December from
 * 12-25 on (a New Year arrangement can move those days: 2019's made 2018-12-29
 * a working day and 12-30 and 12-31 days off).
 */
import type { Text } from '../messages/text.ts';
import { diagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics/index.ts';
import { Fields, issueText, describe, type FieldIssue, type Path } from '../util/fields.ts';
import { parseYaml, type YamlSource } from '../util/yaml.ts';
import { CALENDAR_README, PREVIOUS_DECEMBER_FROM, dateOfDay, dayNumber, weekday, type CalendarYear } from './calendar.ts';

/** A calendar file's name: the year, four digits, `.yaml`. */
export const CALENDAR_FILE_NAME = /^(\d{4})\.yaml$/;
/** A year's arrangement is a few hundred bytes; anything near this cap is not one. */
export const MAX_CALENDAR_FILE_BYTES = 64 * 1024;
const KEYS = ['year', 'notice', 'holidays', 'workdays'] as const;
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WEEKDAY_NAMES_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
const FIX: Text = { zh: `见 ${CALENDAR_README}`, en: `see ${CALENDAR_README}` };

export interface CalendarFileResult {
  /** The year's arrangement; undefined when the file has any problem. */
  year: CalendarYear | undefined;
  diagnostics: Diagnostic[];
}

interface Range {
  name: string;
  from: string;
  to: string;
  index: number;
}

/** Read and validate the text of `file` (repo-relative, named <year>.yaml). Pure. */
export function readCalendarFile(file: string, text: string): CalendarFileResult {
  const diagnostics: Diagnostic[] = [];
  const yaml = parseYaml(text);
  if (yaml.errors.length > 0) {
    for (const e of yaml.errors) diagnostics.push(diagnostic('calendar-invalid', 'error', file, e.at, yamlMessage(e.message, text, e.at), { fix: YAML_FIX }));
    return { year: undefined, diagnostics };
  }
  const issues: FieldIssue[] = [];
  const named = CALENDAR_FILE_NAME.exec(file.split('/').pop() ?? '');
  const fileYear = named ? Number(named[1]) : undefined;
  const f = Fields.of(yaml.value, [], issues, file);
  let result: CalendarYear | undefined;
  if (f) {
    f.rejectUnknown(KEYS);
    const year = readYear(f, fileYear, issues);
    // The file's name says which year it holds: its dates are checked against it even when `year` disagrees, so every problem shows at once.
    const span = fileYear ?? year;
    const notice = readNotice(f, issues);
    const ranges = readHolidays(f, span, issues);
    const workdays = readWorkdays(f, span, issues);
    crossCheck(yaml, ranges, workdays, issues);
    if (issues.length === 0 && year !== undefined && notice !== undefined) {
      const holidays = new Map<string, string>();
      for (const r of ranges) for (let d = dayNumber(r.from); d <= dayNumber(r.to); d++) holidays.set(dateOfDay(d), r.name);
      result = { year, notice, file, holidays, workdays: new Map(workdays.map((w) => [w.date, w.name])) };
    }
  }
  for (const i of issues) {
    const at = yaml.positionOf(i.path, i.atKey ?? false) ?? yaml.positionOf(i.path.slice(0, -1)) ?? yaml.positionOf([]);
    diagnostics.push(diagnostic('calendar-invalid', 'error', file, at, { zh: i.zh.message, en: i.message }, { fix: i.fix !== undefined ? { zh: i.zh.fix ?? i.fix, en: i.fix } : FIX }));
  }
  return { year: result, diagnostics: sortDiagnostics(diagnostics) };
}

/** yaml says "Map keys must be unique"; name the key, read from the line it points at. */
export function yamlMessage(message: string, text: string, at: { line: number; column: number }): Text {
  if (!/keys must be unique/i.test(message)) return { zh: `YAML 语法错误：${message}`, en: `YAML syntax: ${message}` };
  const line = text.split(/\r?\n/)[at.line - 1] ?? '';
  const key = /^["']?([^"':,{}[\]\s]+)/.exec(line.slice(at.column - 1))?.[1];
  return key
    ? { zh: `键 \`${key}\` 重复：同一映射中每个键只能出现一次`, en: `duplicate key \`${key}\`: a key may appear once in a mapping` }
    : { zh: '键重复：同一映射中每个键只能出现一次', en: 'duplicate key: a key may appear once in a mapping' };
}

/** The fix of a YAML syntax error. */
export const YAML_FIX: Text = { zh: '修正 YAML 语法（缩进、冒号、括号）；同一映射中每个键只能出现一次', en: 'fix the YAML syntax (indentation, colons, brackets); a key may appear once in each mapping' };

function readYear(f: Fields, fileYear: number | undefined, issues: FieldIssue[]): number | undefined {
  const raw = f.value['year'];
  if (raw === undefined || raw === null) {
    issues.push({ path: [], ...issueText({ zh: '缺少必填字段 `year`', en: 'required field `year` is missing' }, { zh: `添加 \`year: ${fileYear ?? 'YYYY'}\``, en: `add \`year: ${fileYear ?? 'YYYY'}\`` }) });
    return undefined;
  }
  const text = typeof raw === 'number' || typeof raw === 'string' ? String(raw).trim() : '';
  if (!/^\d{4}$/.test(text) || Number(text) < 1000) {
    issues.push({ path: ['year'], ...issueText({ zh: `\`year\` 应为四位数年份，实际为 ${describe(raw)}`, en: `\`year\` must be a year of four digits, found ${describe(raw)}` }, { zh: `写为 \`year: ${fileYear ?? 'YYYY'}\``, en: `write \`year: ${fileYear ?? 'YYYY'}\`` }) });
    return undefined;
  }
  const year = Number(text);
  if (fileYear !== undefined && year !== fileYear) {
    issues.push({ path: ['year'], ...issueText({ zh: `年份 ${year} 与文件名 ${fileYear}.yaml 不一致`, en: `year ${year} does not match the file name ${fileYear}.yaml` }, { zh: `文件只能存放与文件名相同年份的安排：将文件改名为 ${year}.yaml，或更正 \`year\``, en: `a file holds the year it is named after: rename the file to ${year}.yaml, or correct \`year\`` }) });
  }
  return year;
}

function readNotice(f: Fields, issues: FieldIssue[]): string | undefined {
  if (!f.has('notice')) {
    const present = 'notice' in f.value;
    issues.push({
      path: present ? ['notice'] : [],
      atKey: present,
      ...issueText({ zh: `${present ? '`notice` 为空' : '缺少必填字段 `notice`'}：应填写放假安排所依据的国务院通知文号`, en: `${present ? '`notice` is empty' : 'required field `notice` is missing'}: the number (通知文号) of the State Council notice the arrangement is copied from` }, { zh: '填写通知文号，例如 `notice: 国办发明电〔YYYY〕N号`', en: 'write the notice\'s number, e.g. `notice: 国办发明电〔YYYY〕N号`' }),
    });
    return undefined;
  }
  return f.requiredString('notice', { max: 100 });
}

/** A date field: text YYYY-MM-DD, a real date, inside the arrangement's span. */
function readDate(f: Fields, key: string, path: Path, year: number | undefined, issues: FieldIssue[]): string | undefined {
  const raw = f.value[key];
  if (raw === undefined || raw === null) {
    issues.push({ path, ...issueText({ zh: `缺少必填字段 \`${key}\``, en: `required field \`${key}\` is missing` }, { zh: `添加 \`${key}: YYYY-MM-DD\``, en: `add \`${key}: YYYY-MM-DD\`` }) });
    return undefined;
  }
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  let valid = false;
  if (text !== undefined) {
    try {
      dayNumber(text);
      valid = true;
    } catch {
      valid = false;
    }
  }
  if (!valid || text === undefined) {
    issues.push({ path: [...path, key], ...issueText({ zh: `\`${key}\` 应为有效日期 YYYY-MM-DD，实际为 ${describe(raw)}`, en: `\`${key}\` must be a real date YYYY-MM-DD, found ${describe(raw)}` }, { zh: `将 \`${key}:\` 写为 YYYY-MM-DD，例如 ${year ?? 'YYYY'}-01-01`, en: `write \`${key}:\` as YYYY-MM-DD, e.g. ${year ?? 'YYYY'}-01-01` }) });
    return undefined;
  }
  if (year !== undefined && !inArrangement(text, year)) {
    issues.push({
      path: [...path, key],
      ...issueText({ zh: `${text} 不在 ${year} 年内：一个文件只存放一年的安排，上一年只能包含 ${year - 1}-${PREVIOUS_DECEMBER_FROM} 及以后的日期（元旦调休可能涉及）`, en: `${text} is outside ${year}: a file holds one year's arrangement, and of the year before only the days from ${year - 1}-${PREVIOUS_DECEMBER_FROM} on (a New Year arrangement can move them)` }, { zh: `移到 ${text.slice(0, 4)} 年的文件中，或更正日期中的年份`, en: `put it in ${text.slice(0, 4)}'s file, or correct the year of the date` }),
    });
    return undefined;
  }
  return text;
}

function inArrangement(date: string, year: number): boolean {
  return date.startsWith(`${year}-`) || (date.startsWith(`${year - 1}-`) && date.slice(5) >= PREVIOUS_DECEMBER_FROM);
}

/** The holidays that are valid on their own (overlaps are checked after). */
function readHolidays(f: Fields, year: number | undefined, issues: FieldIssue[]): Range[] {
  const raw = f.value['holidays'];
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) {
    const present = 'holidays' in f.value;
    issues.push({ path: present ? ['holidays'] : [], atKey: present, ...issueText({ zh: '该年没有节假日：每年的安排都有节假日（元旦、春节、国庆节……）', en: 'the year has no holidays: every arrangement has some (元旦, 春节, 国庆节…)' }, { zh: '在 `holidays:` 下列出通知中的节假日，每项写为 `{ name, from, to }`', en: 'list the notice\'s holidays under `holidays:`, each as `{ name, from, to }`' }) });
    return [];
  }
  const list = f.list('holidays', true);
  if (!list) return [];
  const before = issues.length;
  const ranges: Range[] = [];
  list.forEach((item, i) => {
    const path = ['holidays', i];
    const h = Fields.of(item, path, issues, 'a holiday (`{ name, from, to }`)');
    if (!h) return;
    h.rejectUnknown(['name', 'from', 'to']);
    const name = h.requiredString('name', { max: 40 });
    const from = readDate(h, 'from', path, year, issues);
    const to = readDate(h, 'to', path, year, issues);
    if (from !== undefined && to !== undefined && from > to) {
      issues.push({ path: [...path, 'to'], ...issueText({ zh: `\`to\` ${to} 早于 \`from\` ${from}`, en: `\`to\` ${to} is before \`from\` ${from}` }, { zh: '节假日从放假第一天到最后一天；请调换或更正日期', en: 'a holiday runs from its first day off to its last; swap or correct the dates' }) });
      return;
    }
    if (name !== undefined && from !== undefined && to !== undefined) ranges.push({ name, from, to, index: i });
  });
  if (year !== undefined && issues.length === before && !ranges.some((r) => r.to.startsWith(`${year}-`))) {
    issues.push({ path: ['holidays'], atKey: true, ...issueText({ zh: `${year} 年本身没有节假日，只有上一年 12 月的`, en: `the year has no holidays in ${year} itself, only in the December before` }, { zh: '列出通知中该年的节假日', en: 'list the notice\'s holidays of the year' }) });
  }
  return ranges;
}

/** The adjusted working days that are valid on their own. */
function readWorkdays(f: Fields, year: number | undefined, issues: FieldIssue[]): { date: string; name: string; index: number }[] {
  const raw = f.value['workdays'];
  // A year without adjusted working days is possible: `workdays:` may be left out or empty.
  if (raw === undefined || raw === null) return [];
  const list = f.list('workdays', false);
  if (!list) return [];
  const out: { date: string; name: string; index: number }[] = [];
  list.forEach((item, i) => {
    const path = ['workdays', i];
    const w = Fields.of(item, path, issues, 'an adjusted working day (`{ date, name }`)');
    if (!w) return;
    w.rejectUnknown(['date', 'name']);
    const name = w.optionalString('name', { max: 40 }) ?? '';
    const date = readDate(w, 'date', path, year, issues);
    if (date === undefined) return;
    const day = weekday(date);
    if (day !== 0 && day !== 6) {
      issues.push({ path: [...path, 'date'], ...issueText({ zh: `${date} 是${WEEKDAY_NAMES_ZH[day]}：调休上班日应为周六或周日，工作日本来就上班`, en: `${date} is a ${WEEKDAY_NAMES[day]}: an adjusted working day (调休上班) is a Saturday or Sunday; a weekday is worked anyway` }, { zh: '从通知中重新抄录日期（……上班）', en: 'copy the date again from the notice (…上班)' }) });
      return;
    }
    out.push({ date, name, index: i });
  });
  return out;
}

/** Overlapping holidays, a day listed as both, a working day listed twice. */
function crossCheck(yaml: YamlSource, ranges: readonly Range[], workdays: readonly { date: string; index: number }[], issues: FieldIssue[]): void {
  const lineOf = (path: Path) => yaml.positionOf(path)?.line;
  for (let j = 0; j < ranges.length; j++) {
    const b = ranges[j]!;
    for (let i = 0; i < j; i++) {
      const a = ranges[i]!;
      if (a.from <= b.to && b.from <= a.to) {
        issues.push({
          path: ['holidays', b.index],
          ...issueText({ zh: `节假日 ${b.name}（${b.from} 至 ${b.to}）与 ${a.name}（${a.from} 至 ${a.to}，第 ${lineOf(['holidays', a.index])} 行）重叠`, en: `holiday ${b.name} (${b.from} to ${b.to}) overlaps ${a.name} (${a.from} to ${a.to}, line ${lineOf(['holidays', a.index])})` }, { zh: '每个放假日只列一次；通知中连休的节日（如中秋节、国庆节）写成一个区间，名称并列', en: 'each day off is listed once; holidays the notice joins (e.g. 中秋节、国庆节) are one range with both names' }),
        });
      }
    }
  }
  const seen = new Map<string, number>();
  for (const w of workdays) {
    const holiday = ranges.find((r) => r.from <= w.date && w.date <= r.to);
    if (holiday) {
      issues.push({
        path: ['workdays', w.index, 'date'],
        ...issueText({ zh: `${w.date} 既是上班日又是放假日（${holiday.name}，第 ${lineOf(['holidays', holiday.index])} 行）`, en: `${w.date} is both a working day and a day off (${holiday.name}, line ${lineOf(['holidays', holiday.index])})` }, { zh: '从通知中重新抄录：一天要么放假，要么上班', en: 'copy both from the notice again: a day is either off (放假) or worked (上班)' }),
      });
    }
    const first = seen.get(w.date);
    if (first !== undefined) issues.push({ path: ['workdays', w.index, 'date'], ...issueText({ zh: `${w.date} 重复列出（另见第 ${lineOf(['workdays', first])} 行）`, en: `${w.date} is listed twice (also line ${lineOf(['workdays', first])})` }, { zh: '删除其中一项', en: 'remove one' }) });
    else seen.set(w.date, w.index);
  }
}
