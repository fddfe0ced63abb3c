/**
 * Passphrases and confirmations at the command line (opening keys is the
 * library's: pipeline/pki/signers.ts).
 *
 * A passphrase never comes from the command line itself (it would stay in the
 * shell history and show in `ps` to everyone on the machine). It is read, in
 * this order, from a file named by an option (its first line), from
 * SEALPRESS_PASSPHRASE (for CI), or from the terminal without echo. With none
 * of them and no terminal, the command stops with a usage error rather than
 * hang or guess. Passphrases are used and forgotten: never printed, stored or
 * put in an error message (Trust model 8).
 */
import { readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { SealpressError } from '../errors/index.ts';
import { loadSigner as openSigner, type LoadedSigner, type PassphraseRequest, type Passphrases, type SignerFiles } from '../pki/signers.ts';
import { MIN_PASSPHRASE_LENGTH } from '../trust/index.ts';
import type { Io } from './output.ts';

export { keyStep, type LoadedSigner } from '../pki/signers.ts';

export const PASSPHRASE_ENV = 'SEALPRESS_PASSPHRASE';

function usage(message: string): SealpressError {
  return new SealpressError('USAGE', message);
}

/** The first line of a passphrase file. */
function passphraseFromFile(file: string, io: Io): string {
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
      io.err(`warning: ${file} can be read by other users; a passphrase file should be chmod 600`);
    }
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new SealpressError('USAGE', `cannot read the passphrase file ${file} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  if (first === '') throw usage(`the passphrase file ${file} is empty (the passphrase is its first line)`);
  return first;
}

/** Read a line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(usage('no terminal to ask for the passphrase on'));
  return new Promise((resolve, reject) => {
    let value = '';
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        // Ctrl-C, or Ctrl-D on an empty line: the user gives up.
        if (ch === '\u0003' || (ch === '\u0004' && value === '')) return finish(usage('cancelled'));
        if (ch === '\u0004') return finish();
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Whether the terminal can be asked (stdin and stderr both a TTY). */
export function interactive(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/** The passphrase of an existing key: file, else SEALPRESS_PASSPHRASE, else the terminal. */
export async function readPassphrase(request: PassphraseRequest, io: Io): Promise<string> {
  if (request.file !== undefined) return passphraseFromFile(request.file, io);
  const env = process.env[PASSPHRASE_ENV];
  if (env !== undefined && env !== '') return env;
  if (!interactive()) {
    throw usage(`a passphrase is needed for ${request.what}: give ${request.option} FILE or set ${PASSPHRASE_ENV} (stdin is not a terminal to ask on)`);
  }
  return promptHidden(`Passphrase for ${request.what}: `);
}

/**
 * The passphrase for a NEW key: the same sources; on a terminal it is asked
 * twice. Its strength is checked by the library (pki/signers.ts newPassphrase).
 */
export async function readNewPassphrase(request: PassphraseRequest, io: Io): Promise<string> {
  let value: string;
  if (request.file !== undefined || (process.env[PASSPHRASE_ENV] ?? '') !== '') value = await readPassphrase(request, io);
  else {
    if (!interactive()) {
      throw usage(`a passphrase is needed to protect ${request.what}: give ${request.option} FILE or set ${PASSPHRASE_ENV} (stdin is not a terminal to ask on)`);
    }
    value = await promptHidden(`New passphrase for ${request.what} (at least ${MIN_PASSPHRASE_LENGTH} characters): `);
    if ((await promptHidden('Repeat it: ')) !== value) throw usage('the two passphrases differ; nothing was written');
  }
  return value;
}

/** Passphrases at the command line: a file named by an option, else SEALPRESS_PASSPHRASE, else the terminal. */
export function cliPassphrases(io: Io): Passphrases {
  return { existing: (request) => readPassphrase(request, io), fresh: (request) => readNewPassphrase(request, io) };
}

/** Open a signer's key and certificate, asking for the passphrase as the command line does. */
export function loadSigner(files: SignerFiles, io: Io): Promise<LoadedSigner> {
  return openSigner(files, cliPassphrases(io));
}

/** Refuse early when a confirmation will be needed and cannot be asked. */
export function requireConfirmable(yes: boolean | undefined): void {
  if (!yes && !interactive()) throw usage('stdin is not a terminal to confirm on: review the output and pass --yes');
}

/** Ask a yes/no question on the terminal; anything but y/yes/是 is no. */
export async function confirm(question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  requireConfirmable(yes);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [y/N] `)).trim().toLowerCase();
    return answer === 'y' || answer === 'yes' || answer === '是';
  } finally {
    rl.close();
  }
}
