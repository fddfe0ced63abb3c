/** Typed option parsing for the commands, over node:util's parseArgs. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, SealpressError } from '../errors/index.ts';
import { HELP, type HelpTopic } from '../messages/help.ts';
import { chooseLang, LANGS, type Lang } from '../messages/text.ts';
import type { Io } from './output.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTIONS = {
  root: { type: 'string' },
  now: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  lang: { type: 'string' },
} as const satisfies Options;

/** The language of the run: --lang, else SEALPRESS_LANG, else Chinese; any other value is a usage error. */
export function language(option: string | undefined, env: Record<string, string | undefined> = process.env): Lang {
  const lang = chooseLang(option, env);
  if (lang !== undefined) return lang;
  const [name, value] = option !== undefined ? ['--lang', option] : ['SEALPRESS_LANG', env['SEALPRESS_LANG']];
  throw new SealpressError('USAGE', { zh: `${name} 应为以下之一：${LANGS.join(', ')}，实际为“${value}”`, en: `${name} must be one of ${LANGS.join(', ')}, found "${value}"` });
}

export function parse<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new SealpressError('USAGE', (cause as Error).message, { cause });
  }
}

export type Parsed<T extends Options> = ReturnType<typeof parse<T>>;

/** A command: its options parsed (with --root, --now, --help), its help (the catalogue's, pipeline/messages/help.ts) printed on --help, else `run`. */
export function command<T extends Options>(topic: HelpTopic, options: T, run: (parsed: Parsed<T>, io: Io) => Promise<number>): (args: string[], io: Io) => Promise<number> {
  return async (args, io) => {
    const parsed = parse(args, options);
    const lang = language((parsed.values as { lang?: string }).lang);
    if (!(parsed.values as { help?: boolean }).help) return run(parsed, { ...io, lang });
    return printHelp(io, topic);
  };
}

type Run = (args: string[], io: Io) => Promise<number>;

/** A command of subcommands: its help (no subcommand, --help, -h, help), else the named subcommand, else a usage error naming them. */
export function subcommands(topic: HelpTopic, table: Record<string, Run>, names: string): Run {
  return async (args, io) => {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return printHelp(io, topic);
    const run = Object.hasOwn(table, sub) ? table[sub] : undefined;
    if (!run) throw new SealpressError('USAGE', { zh: `未知子命令“${sub}”；可用：${names}`, en: `unknown subcommand "${sub}"; use ${names}` });
    return run(rest, io);
  };
}

/** Print a command's help from the catalogue. */
export function printHelp(io: Io, topic: HelpTopic): number {
  io.out(HELP[topic]);
  return EXIT.OK;
}

/** The run's clock: `--now` (for reproducible runs and tests) or the system time, read once. */
export function clock(now: string | undefined): Date {
  if (now === undefined) return new Date();
  const t = Date.parse(now);
  if (Number.isNaN(t)) throw new SealpressError('USAGE', { zh: `--now 应为 ISO 8601 日期时间，实际为“${now}”`, en: `--now must be an ISO 8601 date-time, found "${now}"` });
  return new Date(t);
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SealpressError('USAGE', { zh: `--${name} 应为以下之一：${allowed.join(', ')}，实际为“${value}”`, en: `--${name} must be one of ${allowed.join(', ')}, found "${value}"` });
}

/**
 * The CA fingerprint pinned from outside the repository (a CI setting): the
 * --trust-anchor option, else SEALPRESS_TRUST_ANCHOR. Without it the gate uses
 * the CA certificate committed in sites/trust/ and warns.
 */
export function trustAnchor(option: string | undefined): { trustAnchor?: string } {
  const value = option ?? process.env['SEALPRESS_TRUST_ANCHOR'];
  return value ? { trustAnchor: value } : {};
}
