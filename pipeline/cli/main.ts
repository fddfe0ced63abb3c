/**
 * The `sealpress` command line: a thin layer over the library in pipeline/.
 * Each command parses its options, calls the library, prints, and returns an
 * exit code (see exit.ts).
 */
import { chooseLang, type Lang } from '../messages/text.ts';
import { OVERVIEW, type CommandName } from '../messages/commands.ts';
import { EXIT, TOOL_VERSION } from './exit.ts';
import { processIo, reportError, type Io } from './output.ts';

type Run = (args: string[], io: Io) => Promise<number>;
type Command = () => Promise<Run>;

// Commands load lazily: `check` must not pay for loading Astro. Their summaries and help are the catalogue's (pipeline/messages/).
const COMMANDS: Record<CommandName, Command> = {
  check: async () => (await import('./check.ts')).check,
  build: async () => (await import('./build.ts')).build,
  preview: async () => (await import('./preview.ts')).preview,
  keys: async () => (await import('./keys.ts')).keys,
  submit: async () => (await import('./submit.ts')).submit,
  approve: async () => (await import('./approve.ts')).approve,
  withdraw: async () => (await import('./withdraw.ts')).withdraw,
  reject: async () => (await import('./reject.ts')).reject,
  review: async () => (await import('./review.ts')).review,
  waive: async () => (await import('./waive.ts')).waive,
  trust: async () => (await import('./trust.ts')).trust,
  publish: async () => (await import('./publish.ts')).publish,
  verify: async () => (await import('./verify.ts')).verify,
  watch: async () => (await import('./watch.ts')).watch,
  rollback: async () => (await import('./rollback.ts')).rollback,
  report: async () => (await import('./report.ts')).report,
  column: async () => (await import('./column.ts')).column,
  audit: async () => (await import('./audit.ts')).audit,
  demo: async () => (await import('./demo.ts')).demo,
};

/** `sealpress --help`: the catalogue's overview of the commands. */
export const HELP = OVERVIEW;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] && Object.hasOwn(COMMANDS, rest[0])) return main([rest[0], '--help'], io);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return EXIT.OK;
  }
  if (name === '--version') {
    io.out(`sealpress ${TOOL_VERSION}`);
    return EXIT.OK;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
  if (!command) {
    io.err(`sealpress: unknown command "${name}"\n\n${HELP}`);
    return EXIT.CONFIG;
  }
  try {
    return await (await command())(rest, io);
  } catch (error) {
    // Every library error carries a stable code, which decides the exit code; never a stack trace.
    // It is said in the run's language (an unknown --lang is itself the error: said in Chinese).
    return reportError({ ...io, lang: io.lang ?? langOfArgs(rest) }, name, error);
  }
}

/** The language a command line asks for (--lang X or --lang=X, else SEALPRESS_LANG), for its errors: an unknown --lang falls back to SEALPRESS_LANG, then Chinese. */
export function langOfArgs(args: readonly string[], env: Record<string, string | undefined> = process.env): Lang {
  const i = args.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const option = i < 0 ? undefined : args[i]!.startsWith('--lang=') ? args[i]!.slice('--lang='.length) : args[i + 1];
  return chooseLang(option, env) ?? chooseLang(undefined, env) ?? 'zh';
}
