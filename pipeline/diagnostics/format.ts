/**
 * Compiler-style output: `file:line:col severity rule-id message`, the form
 * editors and CI logs turn into links.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shownFix, shownMessage, type Diagnostic } from './diagnostic.ts';
import type { Lang } from '../messages/text.ts';

export interface FormatOptions {
  /** Returns the text of a 1-based line of a repo file, for the excerpt. */
  lineOf?: (file: string, line: number) => string | undefined;
  color?: boolean;
  /** The language of the message, the fix and the labels (the command line's --lang: Chinese unless asked otherwise). */
  lang: Lang;
}

/** The fixed words around a finding in text output, per language (severity words stay ASCII in JSON and SARIF). */
export const LABELS = {
  zh: { error: '错误', warning: '警告', info: '提示', waived: '已豁免', fix: '修改建议：', inFile: '文件中：', waivedBy: (w: string, j: string) => `（由豁免 ${w} 放行：${j}）` },
  en: { error: 'error', warning: 'warning', info: 'info', waived: 'waived', fix: 'fix:', inFile: '文件中:', waivedBy: (w: string, j: string) => ` (waived by ${w}: ${j})` },
} as const satisfies Record<Lang, unknown>;

const paint = (on: boolean, code: number, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

export function formatDiagnostic(d: Diagnostic, options: FormatOptions): string {
  const color = options.color ?? false;
  const lang = options.lang;
  const label = LABELS[lang];
  const sev = paint(color, d.severity === 'error' ? 31 : d.severity === 'warning' ? 33 : 36, label[d.severity]);
  const waived = d.suppressed ? label.waivedBy(d.suppressed.waiver, d.suppressed.justification) : '';
  // A finding inside a file an entry attaches is positioned at the entry's reference to
  // it (its message names the attachment and the place in it); else the place is in `file`.
  const where = d.location === undefined || d.attachment !== undefined ? d.file : `${d.file} › ${d.location}`;
  const lines = [`${where}:${d.line}:${d.column} ${d.suppressed ? label.waived : sev} ${paint(color, 2, d.rule)} ${shownMessage(d, lang)}${waived}`];
  // A check finding brings its own excerpt, with every sensitive value masked: the
  // raw line would print the ID number into the CI log. A finding at 1:1 concerns
  // the whole file; its first line (`---`) says nothing.
  const own = (d as { excerpt?: string }).excerpt;
  const excerpt = own ?? (d.location !== undefined || (d.line === 1 && d.column === 1) ? undefined : options.lineOf?.(d.file, d.line));
  if (excerpt !== undefined && excerpt.trim() !== '') {
    const text = excerpt.length > 120 ? `${excerpt.slice(0, 117)}…` : excerpt;
    // An attachment finding's excerpt is text of the attached file, not of the entry's line it is reported at.
    lines.push(d.attachment !== undefined ? `       ${paint(color, 2, label.inFile)} ${text}` : `  ${String(d.line).padStart(4)} | ${text}`);
  }
  const fix = shownFix(d, lang);
  if (fix) lines.push(`       ${paint(color, 32, label.fix)}${lang === 'zh' ? '' : ' '}${fix}`);
  return lines.join('\n');
}

/** Reads source lines for excerpts (FormatOptions.lineOf), each file once; a file that cannot be read gives none. */
export function lineReader(root: string): (file: string, line: number) => string | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (file, line) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(join(root, file), 'utf8').split(/\r?\n/));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file)?.[line - 1];
  };
}
