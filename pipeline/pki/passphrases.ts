/**
 * Where a passphrase comes from, in order: a file named by an option (its
 * first line), SEALPRESS_PASSPHRASE (for CI), or a terminal without echo.
 * A passphrase never comes from the command line itself (it would stay in the
 * shell history and show in `ps` to everyone on the machine). With none of
 * them and no terminal, the act stops with a usage error rather than hang or
 * guess. The terminal itself (raw mode, no echo) is the caller's: it passes a
 * `PassphraseTerminal`; the environment is passed in, never read here.
 */
import { readFileSync, statSync } from 'node:fs';
import { SealpressError } from '../errors/index.ts';
import { MIN_PASSPHRASE_LENGTH } from '../trust/index.ts';
import type { PassphraseRequest, Passphrases } from './signers.ts';

export const PASSPHRASE_ENV = 'SEALPRESS_PASSPHRASE';

/** A terminal to ask on: whether one is there, and a question answered without echo. */
export interface PassphraseTerminal {
  interactive(): boolean;
  prompt(question: string): Promise<string>;
}

export interface PassphraseSources {
  /** The environment ($SEALPRESS_PASSPHRASE). */
  env: Readonly<Record<string, string | undefined>>;
  terminal: PassphraseTerminal;
  /** What a person should be told (a passphrase file others can read). */
  warn: (text: string) => void;
}

function usage(message: string): SealpressError {
  return new SealpressError('USAGE', message);
}

/** The first line of a passphrase file. */
function passphraseFromFile(file: string, warn: (text: string) => void): string {
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
      warn(`warning: ${file} can be read by other users; a passphrase file should be chmod 600`);
    }
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SealpressError('USAGE', `cannot read the passphrase file ${file} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  if (first === '') throw usage(`the passphrase file ${file} is empty (the passphrase is its first line)`);
  return first;
}

/** The passphrase of an existing key: file, else SEALPRESS_PASSPHRASE, else the terminal. */
export async function readPassphrase(request: PassphraseRequest, sources: PassphraseSources): Promise<string> {
  if (request.file !== undefined) return passphraseFromFile(request.file, sources.warn);
  const env = sources.env[PASSPHRASE_ENV];
  if (env !== undefined && env !== '') return env;
  if (!sources.terminal.interactive()) {
    throw usage(`a passphrase is needed for ${request.what}: give ${request.option} FILE or set ${PASSPHRASE_ENV} (stdin is not a terminal to ask on)`);
  }
  return sources.terminal.prompt(`Passphrase for ${request.what}: `);
}

/**
 * The passphrase for a NEW key: the same sources; on a terminal it is asked
 * twice. Its strength is checked by newPassphrase (signers.ts).
 */
export async function readNewPassphrase(request: PassphraseRequest, sources: PassphraseSources): Promise<string> {
  let value: string;
  if (request.file !== undefined || (sources.env[PASSPHRASE_ENV] ?? '') !== '') value = await readPassphrase(request, sources);
  else {
    if (!sources.terminal.interactive()) {
      throw usage(`a passphrase is needed to protect ${request.what}: give ${request.option} FILE or set ${PASSPHRASE_ENV} (stdin is not a terminal to ask on)`);
    }
    value = await sources.terminal.prompt(`New passphrase for ${request.what} (at least ${MIN_PASSPHRASE_LENGTH} characters): `);
    if ((await sources.terminal.prompt('Repeat it: ')) !== value) throw usage('the two passphrases differ; nothing was written');
  }
  return value;
}

/** Passphrases from a file named by an option, else SEALPRESS_PASSPHRASE, else the terminal. */
export function passphrasesFrom(sources: PassphraseSources): Passphrases {
  return { existing: (request) => readPassphrase(request, sources), fresh: (request) => readNewPassphrase(request, sources) };
}
