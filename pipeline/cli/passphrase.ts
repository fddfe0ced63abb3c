/**
 * Passphrases, private keys and confirmations at the command line.
 *
 * A passphrase never comes from the command line itself (it would stay in the
 * shell history and show in `ps` to everyone on the machine). It is read, in
 * this order, from a file named by an option (its first line), from
 * SEALPRESS_PASSPHRASE (for CI), or from the terminal without echo. With none
 * of them and no terminal, the command stops with a usage error rather than
 * hang or guess. Passphrases are used and forgotten: never printed, stored or
 * put in an error message (Trust model 8).
 */
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { SealpressError } from '../errors/index.ts';
import { inspectCertificate, keyMatches, MIN_PASSPHRASE_LENGTH, readEncryptedKey, TrustError, type CertInfo, type Signer } from '../trust/index.ts';
import type { Io } from './output.ts';

export const PASSPHRASE_ENV = 'SEALPRESS_PASSPHRASE';

/**
 * A library error from key handling becomes a command error with its stable
 * code in the message; main() prints it and exits 2 (a wrong passphrase, a key
 * others can read, a key path under content/ are problems of the invocation).
 */
export function cliError(error: unknown): unknown {
  if (error instanceof TrustError) return new SealpressError('CONFIG_INVALID', `${error.message} [${error.code}]`, { cause: error });
  return error;
}

/** Run a step whose TrustErrors are the user's to fix (exit 2). */
export async function keyStep<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw cliError(error);
  }
}

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

export interface PassphraseRequest {
  /** What the passphrase opens, for the prompt: `the key of 王建国 (sa-1)`. */
  what: string;
  /** A passphrase file given for this key. */
  file?: string | undefined;
  /** The option that names such a file, for the error message. */
  option: string;
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
 * twice. At least MIN_PASSPHRASE_LENGTH characters: the rules want passwords
 * strong enough to last three months. Checked before any key is generated.
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
  if ([...value].length < MIN_PASSPHRASE_LENGTH) {
    throw new SealpressError('CONFIG_INVALID', `the passphrase for ${request.what} has fewer than ${MIN_PASSPHRASE_LENGTH} characters [KEY_PASSPHRASE_WEAK]`);
  }
  return value;
}

/** Open an encrypted key file; wrong passphrase, loose permissions etc. become exit-2 errors. */
export async function unlockKey(path: string, request: PassphraseRequest, io: Io): Promise<KeyObject> {
  // Fail on a missing or exposed file before asking for anything.
  if (!existsSync(path)) throw usage(`the key file ${path} does not exist`);
  await keyStep(() => {
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
      throw new TrustError('KEY_PERMISSIONS', `${path} can be read by other users; run chmod 600 ${path} (and consider the key exposed if it was shared)`);
    }
  });
  const passphrase = await readPassphrase(request, io);
  return keyStep(() => readEncryptedKey(path, passphrase));
}

/** The certificate beside a key: `x.key.pem` → `x.cert.pem`. */
export function certPathFor(keyPath: string): string | undefined {
  return keyPath.endsWith('.key.pem') ? `${keyPath.slice(0, -'.key.pem'.length)}.cert.pem` : undefined;
}

/** Read a certificate file (public, not secret). */
export function readCertificate(path: string): CertInfo {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new SealpressError('USAGE', `cannot read the certificate ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  const inspected = inspectCertificate(text);
  if (!inspected.ok) throw new SealpressError('CONFIG_INVALID', `${path}: ${inspected.message}`);
  return inspected.cert;
}

export interface LoadedSigner {
  signer: Signer;
  cert: CertInfo;
  keyPath: string;
  certPath: string;
}

/** Where a signer's key and certificate are, and how to open the key. */
export interface SignerFiles {
  key: string;
  cert?: string | undefined;
  passphraseFile?: string | undefined;
  /** The key option, for messages (`--admin-key`). */
  option: string;
  passphraseOption: string;
}

/** The certificate of a signer (without opening the key): given, or beside the key. */
export function signerCertificate(files: SignerFiles): { cert: CertInfo; certPath: string } {
  const certPath = files.cert ?? certPathFor(files.key);
  if (certPath === undefined || !existsSync(certPath)) {
    throw usage(`no certificate for ${files.key}: give it with ${files.option === '--key' ? '--cert' : files.option.replace(/key$/, 'cert')} FILE (or keep it beside the key as <name>.cert.pem)`);
  }
  return { cert: readCertificate(certPath), certPath };
}

/**
 * Open a signer's key and certificate. A key that is not the certificate's
 * throws TrustError KEY_CERT_MISMATCH (callers decide what that means).
 */
export async function loadSigner(files: SignerFiles, io: Io): Promise<LoadedSigner> {
  const { cert, certPath } = signerCertificate(files);
  const who = `${cert.name ?? 'the signer'}${cert.uid ? ` (${cert.uid})` : ''}`;
  const key = await unlockKey(files.key, { what: `the key of ${who} (${files.key})`, file: files.passphraseFile, option: files.passphraseOption }, io);
  if (!keyMatches(key, cert)) {
    throw new TrustError('KEY_CERT_MISMATCH', `the key ${files.key} does not belong to the certificate ${certPath} (${who}); give the key and certificate of the same person`);
  }
  return { signer: { key, certPem: cert.pem }, cert, keyPath: files.key, certPath };
}

/**
 * Pair repeated options in order: each `--admin-key` with the `--admin-cert`
 * and `--admin-passphrase-file` at the same position (either list may be
 * shorter; missing ones fall back to the defaults).
 */
export function pairSigners(keys: readonly string[], certs: readonly string[], passphraseFiles: readonly string[], prefix: string): SignerFiles[] {
  if (certs.length > keys.length) throw usage(`more --${prefix}-cert than --${prefix}-key options`);
  if (passphraseFiles.length > keys.length) throw usage(`more --${prefix}-passphrase-file than --${prefix}-key options`);
  return keys.map((key, i) => ({ key, cert: certs[i], passphraseFile: passphraseFiles[i], option: `--${prefix}-key`, passphraseOption: `--${prefix}-passphrase-file` }));
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
