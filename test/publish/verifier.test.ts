/**
 * Which CA a verifier trusts, where it keeps its memory and archive, and which
 * trust-document versions a mirror may not go below, decided by the library
 * from what it is given: options, the environment's values (passed, never read
 * from the process), and the checkout of the group at root.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { removeTree } from '../../pipeline/mirror/index.ts';
import { archiveDir, checkoutTrustFloor, statePath, verifierAnchor } from '../../pipeline/publish/index.ts';
import { RELEASE_TRUST_FILES } from '../../pipeline/release/index.ts';
import { PKI_SETUP_TIMEOUT } from '../trust/pki.ts';
import { makeReleaseFixture, NOW, type ReleaseFixture } from '../release/fixture.ts';

let fx: ReleaseFixture;
let work: string;
/** A checkout with the group's CA and its verified trust documents. */
let checkout: string;
/** A folder that is no checkout at all. */
let bare: string;
const OTHER = 'ab'.repeat(32);

beforeAll(async () => {
  fx = await makeReleaseFixture();
  work = mkdtempSync(join(tmpdir(), 'sealpress-verifier-'));
  checkout = join(work, 'checkout');
  bare = join(work, 'bare');
  mkdirSync(join(checkout, 'sites', 'trust'), { recursive: true });
  mkdirSync(bare);
  const files = fx.trustFiles();
  for (const name of RELEASE_TRUST_FILES) writeFileSync(join(checkout, 'sites', 'trust', name), files[name]);
}, PKI_SETUP_TIMEOUT);
afterAll(async () => removeTree(work, tmpdir()));

describe('the anchor a verifier trusts', () => {
  test.for([
    { name: 'the option wins over the environment and the checkout', option: OTHER.toUpperCase(), env: { SEALPRESS_TRUST_ANCHOR: 'cd'.repeat(32) }, root: 'checkout', want: OTHER },
    { name: 'the environment wins over the checkout', option: undefined, env: { SEALPRESS_TRUST_ANCHOR: OTHER }, root: 'checkout', want: OTHER },
    { name: 'else the CA of the checkout', option: undefined, env: {}, root: 'checkout', want: 'ca' },
  ] as const)('$name', ({ option, env, root, want }) => {
    const dir = root === 'checkout' ? checkout : bare;
    expect(verifierAnchor(option, dir, env)).toBe(want === 'ca' ? fx.pki.ca.fingerprint : want);
  });

  test('no option, no environment and no checkout: a usage error that says where to find the fingerprint', () => {
    expect(() => verifierAnchor(undefined, bare, {})).toThrow(/no trust anchor: give --trust-anchor FP .*sites\/trust\/ca\.pem/);
  });

  test('a fingerprint that is not 64 hex digits is refused, not ignored in favour of the checkout', () => {
    expect(() => verifierAnchor('abc', checkout, {})).toThrow(/--trust-anchor must be a SHA-256 fingerprint \(64 hex digits\), found "abc"/);
    expect(() => verifierAnchor(undefined, checkout, { SEALPRESS_TRUST_ANCHOR: 'not-hex' })).toThrow(/found "not-hex"/);
  });
});

describe('where the memory and the archive are', () => {
  test('the state file: the option, else $SEALPRESS_STATE_DIR, else under the home folder', () => {
    expect(statePath(join(work, 's.json'), { SEALPRESS_STATE_DIR: '/elsewhere' })).toBe(join(work, 's.json'));
    expect(statePath(undefined, { SEALPRESS_STATE_DIR: join(work, 'state') })).toBe(join(work, 'state', 'seen-versions.json'));
    expect(statePath(undefined, {})).toBe(join(homedir(), '.local', 'state', 'sealpress', 'seen-versions.json'));
  });

  test('the archive: the option, else $SEALPRESS_ARCHIVE, else the repository\'s', () => {
    expect(archiveDir(join(work, 'a'), checkout, { SEALPRESS_ARCHIVE: '/elsewhere' })).toBe(join(work, 'a'));
    expect(archiveDir(undefined, checkout, { SEALPRESS_ARCHIVE: join(work, 'b') })).toBe(join(work, 'b'));
    expect(archiveDir(undefined, checkout, {})).toBe(join(checkout, '.sealpress', 'archive'));
  });
});

describe('the trust floor of the checkout', () => {
  test('the versions of the checkout\'s verified trust documents, under the same anchor', () => {
    expect(checkoutTrustFloor(checkout, NOW, fx.pki.ca.fingerprint)).toEqual({ trustFloor: { root: 1, roster: 1, policy: 1, revocations: 1 } });
  });

  test('none under another anchor (they would not verify), and none without trust documents', () => {
    expect(checkoutTrustFloor(checkout, NOW, OTHER)).toEqual({});
    expect(checkoutTrustFloor(bare, NOW, fx.pki.ca.fingerprint)).toEqual({});
  });
});
