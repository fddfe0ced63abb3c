/**
 * The terminal side of passphrases and confirmations: asking without echo and
 * yes/no questions. Where a passphrase comes from (a file, SEALPRESS_PASSPHRASE,
 * this terminal) is the library's (pipeline/pki/passphrases.ts); opening keys
 * too (pipeline/pki/signers.ts).
 */
import type { Text } from '../messages/text.ts';
import { createInterface } from 'node:readline/promises';
import { SealpressError } from '../errors/index.ts';
import { loadSigner as openSigner, passphrasesFrom, type LoadedSigner, type Passphrases, type SignerFiles } from '../pki/index.ts';
import type { Io } from './output.ts';

export { keyStep, PASSPHRASE_ENV, type LoadedSigner } from '../pki/index.ts';

function usage(message: string | Text): SealpressError {
  return new SealpressError('USAGE', message);
}

/** Read a line from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(usage({ zh: '没有可输入口令的终端', en: 'no terminal to ask for the passphrase on' }));
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
        if (ch === '\u0003' || (ch === '\u0004' && value === '')) return finish(usage({ zh: '已取消', en: 'cancelled' }));
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

/** Passphrases at the command line: a file named by an option, else SEALPRESS_PASSPHRASE, else the terminal. */
export function cliPassphrases(io: Io): Passphrases {
  return passphrasesFrom({ env: process.env, warn: io.err, terminal: { interactive, prompt: promptHidden } });
}

/** Open a signer's key and certificate, asking for the passphrase as the command line does. */
export function loadSigner(files: SignerFiles, io: Io): Promise<LoadedSigner> {
  return openSigner(files, cliPassphrases(io));
}

/** Refuse early when a confirmation will be needed and cannot be asked. */
export function requireConfirmable(yes: boolean | undefined): void {
  if (!yes && !interactive()) throw usage({ zh: '标准输入不是可确认的终端：请核对输出后加上 --yes', en: 'stdin is not a terminal to confirm on: review the output and pass --yes' });
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
