/**
 * Private keys at rest: encrypted PKCS#8 PEM (AES-256-CBC, passphrase), file
 * mode 0600, never under the repository's content/ or sites/ (which are
 * committed and published). The passphrase is used and forgotten: it is never
 * logged, stored, or put in an error message. Trust model 8: secrets never
 * enter the repo.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, readFileSync, realpathSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { CertInfo } from './certs.ts';
import { TrustError } from './errors.ts';

/** The rules want passwords kept secret and strong enough to last three months. */
export const MIN_PASSPHRASE_LENGTH = 12;
const FORBIDDEN_DIRS = ['content', 'sites'];

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Where the file would really land: the real path of its folder (links resolved) plus its name. */
function landingPath(path: string): string {
  const abs = resolve(path);
  let dir = dirname(abs);
  const tail: string[] = [basename(abs)];
  // Resolve the nearest existing ancestor, so a link anywhere above is followed.
  while (!existsSync(dir) && dirname(dir) !== dir) {
    tail.unshift(basename(dir));
    dir = dirname(dir);
  }
  return join(realOrSelf(dir), ...tail);
}

function inside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder + sep);
}

/** Refuse key paths under the repository's content/ or sites/, also through symlinks. */
export function assertKeyPathAllowed(path: string, repoRoot: string): void {
  const target = landingPath(path);
  const roots = new Set([resolve(repoRoot), realOrSelf(resolve(repoRoot))]);
  for (const root of roots) {
    for (const name of FORBIDDEN_DIRS) {
      const folder = join(root, name);
      if (inside(target, folder) || inside(target, realOrSelf(folder)) || inside(resolve(path), folder)) {
        throw new TrustError('KEY_PATH_FORBIDDEN', { zh: `拒绝将私钥写入仓库的 ${name}/ 下（${path}）：该文件夹会被提交和发布；请将密钥保存在仓库之外`, en: `refusing to write a private key under ${name}/ of the repository (${path}): that folder is committed and published; keep keys outside the repository` });
      }
    }
  }
}

/**
 * Write a private key encrypted with the passphrase, mode 0600. Refuses paths
 * under content/ or sites/, weak passphrases, and (unless `overwrite`) an
 * existing file.
 */
export function writeEncryptedKey(path: string, key: KeyObject, passphrase: string, options: { repoRoot: string; overwrite?: boolean }): void {
  if (key.type !== 'private') throw new TrustError('INVALID_ARGUMENT', { zh: '只有私钥会加密写入；证书和公钥不属于秘密', en: 'only private keys are written encrypted; certificates and public keys are not secret' });
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new TrustError('KEY_PASSPHRASE_WEAK', { zh: `口令至少需要 ${MIN_PASSPHRASE_LENGTH} 个字符`, en: `the passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters` });
  }
  assertKeyPathAllowed(path, options.repoRoot);
  const pem = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
  try {
    if (options.overwrite && existsSync(path)) {
      // Unlink rather than truncate: a link planted at the path must not redirect the write.
      if (lstatSync(path).isDirectory()) throw new TrustError('KEY_IO', { zh: `${path} 是文件夹`, en: `${path} is a folder` });
      unlinkSync(path);
    }
    // 'wx' fails on an existing file or link; the mode applies at creation.
    writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (e) {
    if (e instanceof TrustError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new TrustError('KEY_EXISTS', { zh: `${path} 已存在；如需替换请指定覆盖`, en: `${path} already exists; pass overwrite to replace it` }, { cause: e });
    throw new TrustError('KEY_IO', { zh: `无法将密钥写入 ${path}（${code ?? 'error'}）`, en: `cannot write the key to ${path} (${code ?? 'error'})` }, { cause: e });
  }
}

/** Read an encrypted key. A wrong passphrase gives KEY_PASSPHRASE_WRONG; a key others can read gives KEY_PERMISSIONS. */
export function readEncryptedKey(path: string, passphrase: string): KeyObject {
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
      throw new TrustError('KEY_PERMISSIONS', { zh: `${path} 可被其他用户读取；请运行 chmod 600 ${path}（如曾被共享，应视为密钥已泄露）`, en: `${path} can be read by other users; run chmod 600 ${path} (and consider the key exposed if it was shared)` });
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof TrustError) throw e;
    throw new TrustError('KEY_IO', { zh: `无法读取密钥 ${path}（${(e as NodeJS.ErrnoException).code ?? 'error'}）`, en: `cannot read the key ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})` }, { cause: e });
  }
  return decryptKeyPem(text, passphrase, path);
}

/** Open encrypted PKCS#8 PEM text (from a file, or a CI secret in the environment); `where` names it in errors. */
export function decryptKeyPem(text: string, passphrase: string, where: string): KeyObject {
  if (!/^-----BEGIN ENCRYPTED PRIVATE KEY-----\r?\n/.test(text)) {
    throw new TrustError('KEY_NOT_ENCRYPTED', { zh: `${where} 不是加密的 PKCS#8 密钥；请用口令重新加密`, en: `${where} is not an encrypted PKCS#8 key; re-encrypt it with a passphrase` });
  }
  try {
    return createPrivateKey({ key: text, format: 'pem', passphrase });
  } catch (e) {
    // The OpenSSL message says nothing about the passphrase; ours says what to do.
    throw new TrustError('KEY_PASSPHRASE_WRONG', { zh: `口令无法打开 ${where}；请检查后重试`, en: `the passphrase does not open ${where}; check it and try again` }, { cause: e });
  }
}

/** Whether a private key is the one a certificate certifies (same public key). */
export function keyMatches(key: KeyObject, cert: CertInfo): boolean {
  const a = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const b = cert.publicKey.export({ type: 'spki', format: 'der' });
  return Buffer.compare(a, b) === 0;
}
