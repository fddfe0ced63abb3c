/**
 * Opening the keys that sign: a signer's encrypted key and its certificate,
 * the security administrators' keys, the CA key. Where a passphrase comes
 * from (a file, the environment, a terminal, a web form) is the caller's:
 * it passes a `Passphrases` source. Passphrases are used and forgotten: never
 * printed, stored or put in an error message (Trust model 8).
 */
import type { Text } from '../messages/text.ts';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { SealpressError } from '../errors/index.ts';
import { TRUST_DIR, TRUST_FILES } from '../load/index.ts';
import { describeCert, inspectCertificate, keyMatches, MIN_PASSPHRASE_LENGTH, readEncryptedKey, TrustError, type CertInfo, type RootDocument, type Signer } from '../trust/index.ts';

export interface PassphraseRequest {
  /** What the passphrase opens, for the prompt: `the key of 王建国 (sa-1)`. */
  what: string;
  /** A passphrase file given for this key. */
  file?: string | undefined;
  /** The option that names such a file, for the error message. */
  option: string;
}

/** Where passphrases come from: the command line reads a file, SEALPRESS_PASSPHRASE or the terminal. */
export interface Passphrases {
  /** The passphrase of an existing key. */
  existing(request: PassphraseRequest): Promise<string>;
  /** The passphrase for a new key (asked twice where a person types it); use it through newPassphrase. */
  fresh(request: PassphraseRequest): Promise<string>;
}

/**
 * The passphrase for a new key, whatever its source: at least
 * MIN_PASSPHRASE_LENGTH characters (the rules want passwords strong enough to
 * last three months). Asked before any key is generated.
 */
export async function newPassphrase(passphrases: Passphrases, request: PassphraseRequest): Promise<string> {
  const value = await passphrases.fresh(request);
  if ([...value].length < MIN_PASSPHRASE_LENGTH) {
    throw new SealpressError('CONFIG_INVALID', { zh: `${request.what} 的口令少于 ${MIN_PASSPHRASE_LENGTH} 个字符 [KEY_PASSPHRASE_WEAK]`, en: `the passphrase for ${request.what} has fewer than ${MIN_PASSPHRASE_LENGTH} characters [KEY_PASSPHRASE_WEAK]` });
  }
  return value;
}

function usage(message: string | Text): SealpressError {
  return new SealpressError('USAGE', message);
}

/**
 * A library error from key handling becomes a command error with its stable
 * code in the message; main() prints it and exits 2 (a wrong passphrase, a key
 * others can read, a key path under content/ are problems of the invocation).
 */
export function cliError(error: unknown): unknown {
  if (error instanceof TrustError) {
    // The message in both languages when the library said it in both.
    const message = `${error.message} [${error.code}]`;
    return new SealpressError('CONFIG_INVALID', error.zh ? { zh: `${error.zh.message} [${error.code}]`, en: message } : message, { cause: error });
  }
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

/** Open an encrypted key file; wrong passphrase, loose permissions etc. become exit-2 errors. */
export async function unlockKey(path: string, request: PassphraseRequest, passphrases: Passphrases): Promise<KeyObject> {
  // Fail on a missing or exposed file before asking for anything.
  if (!existsSync(path)) throw usage({ zh: `密钥文件 ${path} 不存在`, en: `the key file ${path} does not exist` });
  await keyStep(() => {
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
      throw new TrustError('KEY_PERMISSIONS', { zh: `${path} 可被其他用户读取；请运行 chmod 600 ${path}（如曾被共享，应视为密钥已泄露）`, en: `${path} can be read by other users; run chmod 600 ${path} (and consider the key exposed if it was shared)` });
    }
  });
  const passphrase = await passphrases.existing(request);
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
    throw new SealpressError('USAGE', { zh: `无法读取证书 ${path}（${(cause as NodeJS.ErrnoException).code ?? 'error'}）`, en: `cannot read the certificate ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})` }, { cause });
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
    throw usage({ zh: `没有 ${files.key} 的证书：请用 ${files.option === '--key' ? '--cert' : files.option.replace(/key$/, 'cert')} FILE 给出（或将其以 <name>.cert.pem 放在密钥旁边）`, en: `no certificate for ${files.key}: give it with ${files.option === '--key' ? '--cert' : files.option.replace(/key$/, 'cert')} FILE (or keep it beside the key as <name>.cert.pem)` });
  }
  return { cert: readCertificate(certPath), certPath };
}

/**
 * Open a signer's key and certificate. A key that is not the certificate's
 * throws TrustError KEY_CERT_MISMATCH (callers decide what that means).
 */
export async function loadSigner(files: SignerFiles, passphrases: Passphrases): Promise<LoadedSigner> {
  const { cert, certPath } = signerCertificate(files);
  const who = `${cert.name ?? 'the signer'}${cert.uid ? ` (${cert.uid})` : ''}`;
  const key = await unlockKey(files.key, { what: `the key of ${who} (${files.key})`, file: files.passphraseFile, option: files.passphraseOption }, passphrases);
  if (!keyMatches(key, cert)) {
    throw new TrustError('KEY_CERT_MISMATCH', { zh: `密钥 ${files.key} 与证书 ${certPath}（${who}）不匹配；请给出同一人的密钥和证书`, en: `the key ${files.key} does not belong to the certificate ${certPath} (${who}); give the key and certificate of the same person` });
  }
  return { signer: { key, certPem: cert.pem }, cert, keyPath: files.key, certPath };
}

/**
 * Pair repeated options in order: each `--admin-key` with the `--admin-cert`
 * and `--admin-passphrase-file` at the same position (either list may be
 * shorter; missing ones fall back to the defaults).
 */
export function pairSigners(keys: readonly string[], certs: readonly string[], passphraseFiles: readonly string[], prefix: string): SignerFiles[] {
  if (certs.length > keys.length) throw usage({ zh: `--${prefix}-cert 的个数多于 --${prefix}-key`, en: `more --${prefix}-cert than --${prefix}-key options` });
  if (passphraseFiles.length > keys.length) throw usage({ zh: `--${prefix}-passphrase-file 的个数多于 --${prefix}-key`, en: `more --${prefix}-passphrase-file than --${prefix}-key options` });
  return keys.map((key, i) => ({ key, cert: certs[i], passphraseFile: passphraseFiles[i], option: `--${prefix}-key`, passphraseOption: `--${prefix}-passphrase-file` }));
}

/** The administrators' key files, paired in order (as --admin-key, --admin-cert and --admin-passphrase-file give them). */
export interface AdminKeys {
  'admin-key'?: string[] | undefined;
  'admin-cert'?: string[] | undefined;
  'admin-passphrase-file'?: string[] | undefined;
}

/**
 * Open the administrators' keys. Before asking for any passphrase: each
 * certificate must name a security administrator of the root, each person
 * once, and there must be at least `threshold` of them.
 */
export async function openAdmins(values: AdminKeys, root: RootDocument, passphrases: Passphrases, options: { minimum?: number } = {}): Promise<LoadedSigner[]> {
  const files = pairSigners(values['admin-key'] ?? [], values['admin-cert'] ?? [], values['admin-passphrase-file'] ?? [], 'admin');
  const needed = options.minimum ?? root.threshold;
  if (files.length < needed) {
    throw new SealpressError('USAGE', { zh: `须由 ${needed} 名保密管理员的密钥签署（根文件门限为 ${root.threshold}）；请给出 ${needed} 次 --admin-key，实际为 ${files.length} 次`, en: `${needed} security administrator key(s) must sign (the root's threshold is ${root.threshold}); give --admin-key ${needed} time(s), found ${files.length}` });
  }
  const signers: LoadedSigner[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const signer = await keyStep(() => loadSigner(f, passphrases));
    const uid = signer.cert.uid;
    if (uid === undefined || !root.securityAdmins.includes(uid)) {
      throw new SealpressError('USAGE', { zh: `${f.key}：证书属于 ${describeCert(signer.cert)}，不是根文件指定的保密管理员（${root.securityAdmins.join(', ')}）`, en: `${f.key}: the certificate is ${describeCert(signer.cert)}, who is not a security administrator named by the root (${root.securityAdmins.join(', ')})` });
    }
    if (seen.has(uid)) throw new SealpressError('USAGE', { zh: `${uid} 在 --admin-key 中出现两次：同一人只计一次`, en: `${uid} is given twice among the --admin-key options: one person counts once` });
    seen.add(uid);
    signers.push(signer);
  }
  return signers;
}

/** Open the CA key and check it is the key of sites/trust/ca.pem. */
export async function openCa(key: { path: string | undefined; passphraseFile: string | undefined }, anchor: CertInfo, passphrases: Passphrases): Promise<KeyObject> {
  const { path } = key;
  if (path === undefined) throw usage({ zh: '必须给出 --ca-key FILE：由 CA 密钥签发新证书', en: '--ca-key FILE is required: the CA key signs the new certificate' });
  const opened = await unlockKey(path, { what: `the group CA key (${path})`, file: key.passphraseFile, option: '--ca-passphrase-file' }, passphrases);
  if (!keyMatches(opened, anchor)) throw new SealpressError('CONFIG_INVALID', { zh: `${path} 不是 ${TRUST_DIR}/${TRUST_FILES.ca} 中本站群 CA 的密钥 [KEY_CERT_MISMATCH]`, en: `${path} is not the key of the group CA in ${TRUST_DIR}/${TRUST_FILES.ca} [KEY_CERT_MISMATCH]` });
  return opened;
}
