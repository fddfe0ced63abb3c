/**
 * New keys and certificates on disk. Private keys are written encrypted
 * (0600) to the key directory, never under the repository's content/ or
 * sites/ (Trust model 8); certificates are public and a copy of each is kept
 * in sites/trust/certs/ so that `keys list` and CI can see when they expire.
 */
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { assertKeyPathAllowed, generateSigningKeyAsync, isoInstant, writeEncryptedKey, type IssuedCertificate } from '../trust/index.ts';
import { CERTS_DIR, writeWhole } from './state.ts';

function usage(message: string): SealpressError {
  return new SealpressError('USAGE', message);
}

/**
 * The key directory: created 0700 if missing; refused under content/ or sites/
 * (writeEncryptedKey checks again for each file). Inside the repository it is
 * allowed but warned about: it would be one `git add .` away from a commit.
 */
export function prepareKeyDir(dir: string | undefined, root: string, notify: (text: string) => void, options: { mustBeEmpty?: boolean } = {}): string {
  if (dir === undefined) throw usage('--key-dir DIR is required: where the new private keys are written (outside the repository)');
  const abs = resolve(dir);
  // Checked on a file inside the folder, so that a link anywhere on the way is followed.
  assertAllowed(join(abs, 'probe.key.pem'), root);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw usage(`--key-dir ${dir} is not a folder`);
    if (options.mustBeEmpty && readdirSync(abs).length > 0) throw usage(`--key-dir ${dir} is not empty; keys init writes a new CA and new keys into a fresh folder`);
  }
  const rel = relative(root, abs);
  if (!rel.startsWith('..') && !isAbsolute(rel)) notify(`warning: --key-dir ${dir} is inside the repository; make sure it is never committed (keep keys outside the repository)`);
  return abs;
}

function assertAllowed(path: string, root: string): void {
  try {
    assertKeyPathAllowed(path, root);
  } catch (error) {
    const zh = error instanceof SealpressError ? error.zh : undefined;
    const message = `${(error as Error).message} [KEY_PATH_FORBIDDEN]`;
    throw new SealpressError('CONFIG_INVALID', zh ? { zh: `${zh.message} [KEY_PATH_FORBIDDEN]`, en: message } : message, { cause: error });
  }
}

/** `<id>.key.pem` when free, else `<id>-<YYYYMMDD>[-n].key.pem`: a key file is never overwritten. */
export function freshKeyName(dir: string, id: string, now: Date): string {
  const free = (base: string) => !existsSync(join(dir, `${base}.key.pem`)) && !existsSync(join(dir, `${base}.cert.pem`));
  if (free(id)) return id;
  const stamp = isoInstant(now.getTime()).slice(0, 10).replaceAll('-', '');
  for (let n = 1; ; n++) {
    const base = n === 1 ? `${id}-${stamp}` : `${id}-${stamp}-${n}`;
    if (free(base)) return base;
  }
}

export interface NewKey {
  person: { id: string; name: string; department: string };
  key: KeyObject;
  cert: IssuedCertificate;
  passphrase: string;
  base: string;
}

/** Write new keys (encrypted, 0600) and their certificates into the key dir, and a public copy of each certificate into the repository. */
export function writeNewKeys(root: string, dir: string, keysToWrite: readonly NewKey[]): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  for (const k of keysToWrite) {
    const keyPath = join(dir, `${k.base}.key.pem`);
    assertAllowed(keyPath, root);
    writeKeyFile(keyPath, k.key, k.passphrase, root);
    writeFileSync(join(dir, `${k.base}.cert.pem`), k.cert.certPem, { flag: 'wx' });
    written.push(keyPath, join(dir, `${k.base}.cert.pem`));
  }
  storeCertificates(root, keysToWrite.map((k) => ({ id: k.person.id, certPem: k.cert.certPem, fingerprint: k.cert.fingerprint })));
  return written;
}

export function writeKeyFile(path: string, key: KeyObject, passphrase: string, root: string): void {
  // A key that cannot be written (KEY_EXISTS, KEY_PATH_FORBIDDEN, KEY_IO…) is the user's to fix: its code gives exit 2.
  writeEncryptedKey(path, key, passphrase, { repoRoot: root });
}

function storeCertificates(root: string, certs: readonly { id: string; certPem: string; fingerprint: string }[]): void {
  const dir = join(root, CERTS_DIR);
  mkdirSync(dir, { recursive: true });
  for (const c of certs) writeWhole(join(dir, `${c.id}-${c.fingerprint.slice(0, 16)}.pem`), c.certPem);
}

/** Generate the keys in parallel (libuv pool), with progress: RSA-3072 takes about half a second each. */
export async function generateKeys(count: number, bits: number, notify: (text: string) => void) {
  notify(`generating ${count} RSA-${bits} key${count === 1 ? '' : 's'}…`);
  return Promise.all(Array.from({ length: count }, () => generateSigningKeyAsync(bits)));
}
