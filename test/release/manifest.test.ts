/**
 * The manifest: reading it as hostile input (every problem collected),
 * building it, collecting a built tree, and the policy's release threshold.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  buildManifest,
  collectReleaseFiles,
  readManifest,
  RELEASE_TRUST_FILES,
  type ManifestInput,
} from '../../pipeline/release/index.ts';
import { readPolicy } from '../../pipeline/trust/index.ts';
import { DEFAULT_POLICY } from '../trust/pki.ts';
import { MAIN, SUB, tempTree } from './fixture.ts';

const H = (c: string) => c.repeat(64);
const TRUST = Object.fromEntries(RELEASE_TRUST_FILES.map((n, i) => [n, H(String(i))]));

function valid(): Record<string, unknown> {
  return {
    type: 'release',
    format: 1,
    version: 3,
    group: '示例网站群',
    createdAt: '2026-10-01T01:00:00Z',
    expires: '2026-10-08T01:00:00+08:00',
    commit: 'f'.repeat(40),
    trust: { ...TRUST },
    audit: { seq: 12, hash: H('9') },
    sites: [
      { code: MAIN, name: '省局', domain: 'www.tax.example.gov.cn' },
      { code: SUB, name: '市局', domain: '19901000000.tax.example.gov.cn' },
    ],
    files: [
      { path: `${MAIN}/_astro/app.css`, size: 10, sha256: H('a') },
      { path: `${MAIN}/index.html`, size: 0, sha256: H('b') },
      { path: `${MAIN}/通知/二〇二六.html`, size: 3, sha256: H('c') },
      { path: `${SUB}/index.html`, size: 7, sha256: H('b') },
    ],
    entries: [{ path: `content/${MAIN}/tzgg/a.md`, site: MAIN, sha256: H('d'), approvals: [H('e')] }],
  };
}

type Edit = (m: Record<string, unknown>) => void;
const files = (m: Record<string, unknown>) => m.files as Record<string, unknown>[];
const setPath = (path: unknown): Edit => (m) => (files(m)[1]!.path = path);

describe('readManifest', () => {
  test('a valid manifest reads, unknown top-level fields kept out of the typed copy', () => {
    const m = { ...valid(), futureField: { x: 1 } };
    const read = readManifest(m);
    expect(read.ok).toBe(true);
    expect(read.ok && read.value.files.length).toBe(4);
    expect(read.ok && 'futureField' in read.value).toBe(false);
  });

  const hostile: { name: string; edit: Edit; mentions: string }[] = [
    { name: 'wrong type', edit: (m) => (m.type = 'root'), mentions: 'type' },
    { name: 'unknown format', edit: (m) => (m.format = 3), mentions: 'format' },
    { name: 'version 0', edit: (m) => (m.version = 0), mentions: 'version' },
    { name: 'version a float', edit: (m) => (m.version = 1.5), mentions: 'version' },
    { name: 'version too large for the archive name', edit: (m) => (m.version = 10_000_000_000), mentions: 'version' },
    { name: 'createdAt without a zone', edit: (m) => (m.createdAt = '2026-10-01T01:00:00'), mentions: 'createdAt' },
    { name: 'expires before createdAt', edit: (m) => (m.expires = '2026-09-01T00:00:00Z'), mentions: 'expires' },
    { name: 'commit not hex', edit: (m) => (m.commit = 'HEAD'), mentions: 'commit' },
    { name: 'rollbackOf not lower than version', edit: (m) => (m.rollbackOf = 3), mentions: 'rollbackOf' },
    { name: 'a trust digest missing', edit: (m) => delete (m.trust as Record<string, unknown>)['roster.dsse.json'], mentions: 'roster.dsse.json' },
    { name: 'a trust digest in upper case', edit: (m) => ((m.trust as Record<string, unknown>)['ca.pem'] = 'A'.repeat(64)), mentions: 'ca.pem' },
    { name: 'an unknown trust document', edit: (m) => ((m.trust as Record<string, unknown>)['extra.pem'] = H('1')), mentions: 'extra.pem' },
    { name: 'audit with an unknown field', edit: (m) => ((m.audit as Record<string, unknown>).signer = 'x'), mentions: 'audit.signer' },
    { name: 'no sites', edit: (m) => (m.sites = []), mentions: 'sites' },
    { name: 'a site listed twice', edit: (m) => (m.sites as unknown[]).push({ code: MAIN, name: 'x', domain: 'x.example' }), mentions: 'listed twice' },
    { name: 'a site domain with a path', edit: (m) => ((m.sites as Record<string, unknown>[])[0]!.domain = 'evil.example/x'), mentions: 'domain' },
    { name: 'path with ..', edit: setPath(`${MAIN}/../${SUB}/index.html`), mentions: '".." segment' },
    { name: 'path with .', edit: setPath(`${MAIN}/./index.html`), mentions: '"." segment' },
    { name: 'absolute path', edit: setPath(`/${MAIN}/index.html`), mentions: 'absolute' },
    { name: 'path with a backslash', edit: setPath(`${MAIN}/a\\index.html`), mentions: 'backslash' },
    { name: 'path with NUL', edit: setPath(`${MAIN}/index.html\u0000`), mentions: 'control' },
    { name: 'path with a newline', edit: setPath(`${MAIN}/index\n.html`), mentions: 'control' },
    { name: 'path with a lone surrogate', edit: setPath(`${MAIN}/\ud800.html`), mentions: 'invalid Unicode' },
    { name: 'path with //', edit: setPath(`${MAIN}//index.html`), mentions: 'empty segment' },
    { name: 'path with a trailing /', edit: setPath(`${MAIN}/index.html/`), mentions: 'empty segment' },
    { name: 'empty path', edit: setPath(''), mentions: 'empty' },
    { name: 'path not a string', edit: setPath(42), mentions: 'must be a string' },
    { name: 'path of another site', edit: setPath('19999999999/index.html'), mentions: "site codes" },
    { name: 'path is a site folder', edit: setPath(MAIN), mentions: 'site folder' },
    { name: 'path under the metadata folder', edit: setPath(`${MAIN}/.well-known/sealpress/trust/ca.pem`), mentions: '.well-known/sealpress' },
    { name: 'segment longer than 255 bytes', edit: setPath(`${MAIN}/${'字'.repeat(86)}`), mentions: '255 bytes' },
    { name: 'paths out of order', edit: (m) => files(m).reverse(), mentions: 'sorted' },
    { name: 'path listed twice', edit: (m) => (files(m)[2]!.path = files(m)[1]!.path), mentions: 'listed twice' },
    { name: 'negative size', edit: (m) => (files(m)[0]!.size = -1), mentions: 'size' },
    { name: 'fractional size', edit: (m) => (files(m)[0]!.size = 1.5), mentions: 'size' },
    { name: 'size as a string', edit: (m) => (files(m)[0]!.size = '10'), mentions: 'size' },
    { name: 'digest of 63 hex digits', edit: (m) => (files(m)[0]!.sha256 = 'a'.repeat(63)), mentions: 'sha256' },
    { name: 'digest in upper case', edit: (m) => (files(m)[0]!.sha256 = 'A'.repeat(64)), mentions: 'sha256' },
    { name: 'a file with an extra field', edit: (m) => (files(m)[0]!.mode = 0o755), mentions: 'exactly the fields' },
    { name: 'an entry of a site not in the release', edit: (m) => ((m.entries as Record<string, unknown>[])[0]!.site = '19999999999'), mentions: 'entries[0]' },
    { name: 'an entry path outside content/', edit: (m) => ((m.entries as Record<string, unknown>[])[0]!.path = `sites/${MAIN}/x/a.md`), mentions: 'content/<site>' },
    { name: 'an entry without approvals', edit: (m) => ((m.entries as Record<string, unknown>[])[0]!.approvals = []), mentions: 'approvals' },
  ];

  test.for(hostile)('refuses: $name', ({ edit, mentions }) => {
    const m = valid();
    edit(m);
    const read = readManifest(m);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems.join('\n')).toContain(mentions);
  });

  test('refuses a non-object outright', () => {
    for (const v of [null, [], 'release', 3]) expect(readManifest(v).ok).toBe(false);
  });

  test('collects every problem at once', () => {
    const m = valid();
    m.version = -1;
    setPath('/abs')(m);
    (m.trust as Record<string, unknown>)['ca.pem'] = 'x';
    const read = readManifest(m);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems.length).toBeGreaterThanOrEqual(3);
  });

  test('a million bad paths make a bounded report', () => {
    const m = valid();
    m.files = Array.from({ length: 100_000 }, () => ({ path: '/x', size: 1, sha256: H('a') }));
    const read = readManifest(m);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.problems.length).toBeLessThanOrEqual(52);
      expect(read.problems.at(-1)).toContain('more problems not shown');
    }
  });
});

describe('buildManifest', () => {
  const input = (): ManifestInput => {
    const v = valid();
    return {
      version: 3,
      group: '示例网站群',
      createdAt: new Date('2026-10-01T01:00:00Z'),
      expires: new Date('2026-10-08T01:00:00Z'),
      trust: v.trust as ManifestInput['trust'],
      sites: v.sites as ManifestInput['sites'],
      files: [...(v.files as ManifestInput['files'])].reverse(),
      entries: v.entries as ManifestInput['entries'],
    };
  };

  test('sorts files, converts dates, and reads back', () => {
    const m = buildManifest(input());
    expect(m.files.map((f) => f.path)).toEqual((valid().files as { path: string }[]).map((f) => f.path));
    expect(m.createdAt).toBe('2026-10-01T01:00:00.000Z');
    expect(readManifest(JSON.parse(JSON.stringify(m))).ok).toBe(true);
    expect('commit' in m).toBe(false);
  });

  test.for([
    { name: 'duplicate path', change: (i: ManifestInput) => ({ ...i, files: [...i.files, i.files[0]!] }) },
    { name: 'invalid date', change: (i: ManifestInput) => ({ ...i, createdAt: new Date(NaN) }) },
    { name: 'NaN size', change: (i: ManifestInput) => ({ ...i, files: [{ ...i.files[0]!, size: NaN }] }) },
    { name: 'expires before createdAt', change: (i: ManifestInput) => ({ ...i, expires: new Date('2026-01-01T00:00:00Z') }) },
  ])('refuses with RELEASE_MANIFEST_INVALID: $name', ({ change }) => {
    expect(() => buildManifest(change(input()))).toThrow(expect.objectContaining({ code: 'RELEASE_MANIFEST_INVALID' }));
  });
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('collectReleaseFiles', () => {
  test('lists and hashes every regular file, sorted, skipping only the metadata folder', async () => {
    const tree = tempTree({
      [`${MAIN}/index.html`]: '<h1>省局</h1>',
      [`${MAIN}/通知/a.html`]: 'a',
      [`${MAIN}/_astro/x.css`]: 'css',
      [`${MAIN}/.well-known/sealpress/release.dsse.json`]: '{}',
      [`${MAIN}/.well-known/security.txt`]: 'Contact: x',
      [`${MAIN}/empty.txt`]: '',
      [`${SUB}/index.html`]: 'sub',
      [`19999999999/index.html`]: 'not a site of this release',
    });
    try {
      const files = await collectReleaseFiles(tree.dir, [MAIN, SUB]);
      expect(files).toEqual([
        { path: `${MAIN}/.well-known/security.txt`, size: 10, sha256: sha('Contact: x') },
        { path: `${MAIN}/_astro/x.css`, size: 3, sha256: sha('css') },
        { path: `${MAIN}/empty.txt`, size: 0, sha256: sha('') },
        { path: `${MAIN}/index.html`, size: Buffer.byteLength('<h1>省局</h1>'), sha256: sha('<h1>省局</h1>') },
        { path: `${MAIN}/通知/a.html`, size: 1, sha256: sha('a') },
        { path: `${SUB}/index.html`, size: 3, sha256: sha('sub') },
      ]);
    } finally {
      tree.cleanup();
    }
  });

  test('a file larger than the read buffer hashes right', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const tree = tempTree({ [`${MAIN}/big.bin`]: big });
    try {
      const [f] = await collectReleaseFiles(tree.dir, [MAIN]);
      expect(f).toEqual({ path: `${MAIN}/big.bin`, size: big.length, sha256: createHash('sha256').update(big).digest('hex') });
    } finally {
      tree.cleanup();
    }
  });

  const refusals: { name: string; make: (dir: string) => void; code: string; names: string }[] = [
    { name: 'a symlink to a file outside', make: (d) => symlinkSync('/etc/passwd', join(d, MAIN, 'passwd.html')), code: 'RELEASE_FILE_TYPE', names: 'passwd.html' },
    { name: 'a symlinked folder', make: (d) => symlinkSync('/etc', join(d, MAIN, 'etc')), code: 'RELEASE_FILE_TYPE', names: 'etc' },
    { name: 'a FIFO', make: (d) => execFileSync('mkfifo', [join(d, MAIN, 'pipe')]), code: 'RELEASE_FILE_TYPE', names: 'pipe' },
    { name: 'a name with a backslash', make: (d) => writeFileSync(join(d, MAIN, 'a\\b.html'), 'x'), code: 'RELEASE_PATH_UNSAFE', names: 'a\\\\b.html' },
    { name: 'a name with a newline', make: (d) => writeFileSync(join(d, MAIN, 'a\nb.html'), 'x'), code: 'RELEASE_PATH_UNSAFE', names: 'a\\nb.html' },
    { name: 'a name that is not UTF-8', make: (d) => writeFileSync(Buffer.concat([Buffer.from(join(d, MAIN, 'bad-')), Buffer.from([0xff, 0xfe])]), 'x'), code: 'RELEASE_PATH_UNSAFE', names: 'bad-' },
    { name: 'the site folder is a symlink', make: (d) => symlinkSync(join(d, MAIN), join(d, SUB)), code: 'RELEASE_FILE_TYPE', names: SUB },
  ];

  test.for(refusals)('refuses, naming the path: $name', async ({ make, code, names }) => {
    const tree = tempTree({ [`${MAIN}/index.html`]: 'x' });
    try {
      make(tree.dir);
      const sites = names === SUB ? [MAIN, SUB] : [MAIN];
      const error = await collectReleaseFiles(tree.dir, sites).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(error?.code).toBe(code);
      expect(error?.message).toContain(names);
    } finally {
      tree.cleanup();
    }
  });

  test('a site that was not built, and a bad site code, are errors', async () => {
    const tree = tempTree({ [`${MAIN}/index.html`]: 'x' });
    try {
      await expect(collectReleaseFiles(tree.dir, [MAIN, SUB])).rejects.toMatchObject({ code: 'RELEASE_IO' });
      await expect(collectReleaseFiles(tree.dir, ['../x'])).rejects.toMatchObject({ code: 'RELEASE_INVALID_ARGUMENT' });
      mkdirSync(join(tree.dir, SUB));
      await expect(collectReleaseFiles(tree.dir, [MAIN, SUB])).resolves.toHaveLength(1);
    } finally {
      tree.cleanup();
    }
  });
});

describe('the policy’s release threshold (readPolicy)', () => {
  const policy = (release?: unknown) => readPolicy({ ...structuredClone(DEFAULT_POLICY), ...(release === undefined ? {} : { release }) });

  test('absent: one release signer (the existing signed demo policy stays valid)', () => {
    const read = policy();
    expect(read.ok && read.value.release).toEqual({ threshold: 1 });
  });

  test('threshold 3 reads', () => {
    const read = policy({ threshold: 3 });
    expect(read.ok && read.value.release).toEqual({ threshold: 3 });
  });

  test.for([
    { name: 'zero', release: { threshold: 0 } },
    { name: 'eleven', release: { threshold: 11 } },
    { name: 'a string', release: { threshold: '2' } },
    { name: 'missing', release: {} },
    { name: 'not an object', release: 2 },
    { name: 'an unknown field (could widen who may release)', release: { threshold: 2, roles: ['approver'] } },
  ])('refused: $name', ({ release }) => {
    expect(policy(release).ok).toBe(false);
  });
});
