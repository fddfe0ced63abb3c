/** Shared printing for the commands. */
import { formatDiagnostic, lineReader, type Diagnostic } from '../diagnostics/index.ts';
import { errorText, EXIT, exitCodeFor, SealpressError, type ExitCode } from '../errors/index.ts';
import type { Lang, Text } from '../messages/text.ts';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
  /** The language findings and messages are printed in: set by the command from --lang or SEALPRESS_LANG (Chinese by default). */
  lang?: Lang;
}

/** The language a command prints in (Chinese unless --lang or SEALPRESS_LANG said otherwise). */
export function langOf(io: Pick<Io, 'lang'>): Lang {
  return io.lang ?? 'zh';
}

export const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  color: process.stdout.isTTY === true && !process.env['NO_COLOR'],
};

/** A library result as the commands print it: its JSON (--json) or its lines. */
export function printResult(io: Io, json: boolean | undefined, result: { json: unknown; lines: readonly string[] }): void {
  if (json) io.out(JSON.stringify(result.json, null, 2));
  else for (const line of result.lines) io.out(line);
}

export function printDiagnostics(io: Io, root: string, diagnostics: readonly Diagnostic[]): void {
  const lineOf = lineReader(root);
  const lang = langOf(io);
  for (const d of diagnostics) io.out(formatDiagnostic(d, { lineOf, color: io.color, lang }));
}

/** A configuration (or sheet) that does not load: its diagnostics on stdout, then `what` on stderr; EXIT.CONFIG. */
export function configInvalid(io: Io, root: string, diagnostics: readonly Diagnostic[], what: Text = { zh: 'sealpress：站群配置（sites/）有误；请按上面列出的错误修改', en: 'sealpress: the site group configuration (sites/) is invalid; fix the errors above' }): ExitCode {
  printDiagnostics(io, root, diagnostics);
  io.err(what[langOf(io)]);
  return EXIT.CONFIG;
}

/**
 * Print an error that stops a command, with its code, file, position and fix,
 * and return the exit code the one table gives its code (pipeline/errors/codes.ts):
 * the same failure exits the same way from every command. Anything that is not
 * a SealpressError is a bug and is rethrown with its stack trace.
 */
export function reportError(io: Io, command: string, error: unknown): ExitCode {
  if (!(error instanceof SealpressError)) throw error;
  const lang = langOf(io);
  const { message, fix } = errorText(error, lang);
  const at = error.position ? `:${error.position.line}:${error.position.column}` : '';
  // A message that already names its code (a wrapped library error) does not repeat it.
  const code = message.includes(`[${error.code}]`) ? '' : ` [${error.code}]`;
  const where = error.file === undefined ? '' : lang === 'zh' ? `（${error.file}${at}）` : ` (${error.file}${at})`;
  io.err(`sealpress ${command}: ${message}${code}${where}`);
  if (fix !== undefined) io.err(lang === 'zh' ? `  修改建议：${fix}` : `  fix: ${fix}`);
  if (error.code === 'USAGE') io.err(lang === 'zh' ? `运行 \`sealpress ${command} --help\` 查看用法。` : `Run \`sealpress ${command} --help\` for usage.`);
  return exitCodeFor(error.code);
}
