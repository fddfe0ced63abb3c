import { createReadStream, existsSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deployToFolder, fetchMirrorMeta, fileUrl, inspectUrl, normaliseBaseUrl } from '../../pipeline/mirror/index.ts';
import { RELEASE_TRUST_FILES } from '../../pipeline/release/manifest.ts';
import { MAIN, makeArchive, makeRelease, smallSite, SUB, tempDir, TRUST_FILES } from './fixtures.ts';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server over the deployed mirror (like nginx with root <target>), plus per-test routes that misbehave. */
let root: { dir: string; cleanup: () => void };
let target: string;
let base: string;
let other: string;
let release: ReturnType<typeof makeRelease>;
const routes = new Map<string, Route>();
const closers: (() => void)[] = [];
let sentToEndless = 0;

function listen(handler: Route): Promise<string> {
  const server = createServer(handler);
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  root = tempDir('sealpress-http-');
  const archive = makeArchive(join(root.dir, 'archive'));
  release = makeRelease(archive, 1, smallSite('v1'));
  target = join(root.dir, 'mirror');
  await deployToFolder({ target, ...release });
  base = await listen((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes.get(path);
    if (route !== undefined) return route(req, res);
    const file = join(target, ...path.split('/').map(decodeURIComponent));
    if (!file.startsWith(target + '/') || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  other = await listen((_req, res) => res.writeHead(200).end('elsewhere'));
});
afterAll(() => {
  for (const close of closers) close();
  root.cleanup();
});

const site = (code: string): string => `${base}/${code}`;

describe('inspectUrl', () => {
  test('a clean site passes; Chinese and spaced file names are percent-encoded as UTF-8', async () => {
    for (const code of [MAIN, SUB]) {
      const got = await inspectUrl(site(code), code, release.manifest);
      expect(got).toMatchObject({ modified: [], missing: [], failed: [] });
      expect(got.filesChecked).toBe(release.manifest.files.filter((f) => f.path.startsWith(`${code}/`)).length);
    }
    expect(fileUrl(normaliseBaseUrl(site(MAIN)), 'xxgk/tzgg/通知.html')).toBe(`${base}/${MAIN}/xxgk/tzgg/%E9%80%9A%E7%9F%A5.html`);
    expect(fileUrl(normaliseBaseUrl(`${site(SUB)}/`), 'bsfw/bszn/a b.html')).toBe(`${base}/${SUB}/bsfw/bszn/a%20b.html`);
  });

  test.for([
    {
      name: 'a page changed on disk',
      setup: () => {
        const p = join(target, MAIN, 'index.html');
        const old = release.bytes.get(`${MAIN}/index.html`)!;
        writeFileSync(p, Buffer.concat([old.subarray(0, old.length - 1), Buffer.from('!')]));
        return () => writeFileSync(p, old);
      },
      want: { modified: [{ path: `${MAIN}/index.html`, reason: 'content' }], missing: [], failed: [] },
    },
    {
      name: 'a page deleted (404)',
      setup: () => {
        const p = join(target, MAIN, '404.html');
        unlinkSync(p);
        return () => writeFileSync(p, release.bytes.get(`${MAIN}/404.html`)!);
      },
      want: { modified: [], missing: [`${MAIN}/404.html`], failed: [] },
    },
    {
      name: 'endless data without a length: read up to the cap, then aborted',
      setup: () => {
        routes.set(`/${MAIN}/404.html`, (_req, res) => {
          res.writeHead(200);
          const chunk = Buffer.alloc(64 * 1024, 'A');
          const pump = (): void => {
            while (!res.destroyed) {
              sentToEndless += chunk.length;
              if (!res.write(chunk)) break;
            }
            if (!res.destroyed) res.once('drain', pump);
          };
          pump();
        });
        return () => routes.delete(`/${MAIN}/404.html`);
      },
      want: { modified: [{ path: `${MAIN}/404.html`, reason: 'larger' }], missing: [], failed: [] },
    },
    {
      name: 'a huge declared length: refused unread',
      setup: () => {
        routes.set(`/${MAIN}/index.html`, (_req, res) => {
          res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
          res.write(Buffer.alloc(1024));
        });
        return () => routes.delete(`/${MAIN}/index.html`);
      },
      want: { modified: [{ path: `${MAIN}/index.html`, reason: 'larger' }], missing: [], failed: [] },
    },
    {
      name: 'a redirect to another host is not followed',
      setup: () => {
        routes.set(`/${MAIN}/index.html`, (_req, res) => res.writeHead(302, { location: `${other}/index.html` }).end());
        return () => routes.delete(`/${MAIN}/index.html`);
      },
      want: { modified: [], missing: [], failed: [`${MAIN}/index.html`] },
    },
    {
      name: 'a same-origin redirect is followed and the bytes still decide',
      setup: () => {
        routes.set(`/${MAIN}/index.html`, (_req, res) => res.writeHead(301, { location: `/${SUB}/index.html` }).end());
        return () => routes.delete(`/${MAIN}/index.html`);
      },
      want: { modified: [{ path: `${MAIN}/index.html`, reason: 'size' }], missing: [], failed: [] },
    },
    {
      name: 'a server error',
      setup: () => {
        routes.set(`/${MAIN}/index.html`, (_req, res) => res.writeHead(500).end());
        return () => routes.delete(`/${MAIN}/index.html`);
      },
      want: { modified: [], missing: [], failed: [`${MAIN}/index.html`] },
    },
    {
      name: 'a server that never answers (timeout)',
      setup: () => {
        routes.set(`/${MAIN}/index.html`, () => undefined);
        return () => routes.delete(`/${MAIN}/index.html`);
      },
      want: { modified: [], missing: [], failed: [`${MAIN}/index.html`] },
    },
  ])('$name', async ({ setup, want }) => {
    const undo = setup();
    try {
      const started = Date.now();
      const got = await inspectUrl(site(MAIN), MAIN, release.manifest, { timeoutMs: 1000 });
      expect({ modified: got.modified.map((m) => ({ path: m.path, reason: m.reason })), missing: got.missing, failed: got.failed.map((f) => f.path) }).toEqual(want);
      expect(got.bytesRead).toBeLessThanOrEqual(release.manifest.files.filter((f) => f.path.startsWith(`${MAIN}/`)).reduce((n, f) => n + f.size, 0));
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      undo();
    }
  });

  test('the endless body was cut short (the server could send only what the socket buffers hold)', () => {
    expect(sentToEndless).toBeGreaterThan(0);
    expect(sentToEndless).toBeLessThan(16 * 1024 * 1024);
  });

  test.for([
    { name: 'a site not in the release', url: () => site(MAIN), code: '12345678901' },
    { name: 'an ftp URL', url: () => 'ftp://127.0.0.1/', code: MAIN },
    { name: 'a URL with a query', url: () => `${site(MAIN)}?x=1`, code: MAIN },
  ])('refuses $name', async ({ url, code }) => {
    await expect(inspectUrl(url(), code, release.manifest)).rejects.toMatchObject({ code: 'URL_INVALID' });
  });
});

describe('fetchMirrorMeta', () => {
  test('returns the signed manifest and trust files as served', async () => {
    const meta = await fetchMirrorMeta(site(SUB));
    expect(Buffer.from(meta.envelope)).toEqual(Buffer.from(release.envelopeBytes));
    for (const n of RELEASE_TRUST_FILES) expect(Buffer.from(meta.trust[n])).toEqual(Buffer.from(TRUST_FILES[n]!));
  });

  test.for([
    { name: 'an envelope over the cap', options: { maxEnvelopeBytes: 100 }, remove: undefined },
    { name: 'a missing trust file', options: {}, remove: `${MAIN}/.well-known/sealpress/trust/policy.dsse.json` },
  ])('fails closed on $name', async ({ options, remove }) => {
    const path = remove === undefined ? undefined : join(target, remove);
    const saved = path === undefined ? undefined : TRUST_FILES['policy.dsse.json']!;
    if (path !== undefined) unlinkSync(path);
    try {
      await expect(fetchMirrorMeta(site(MAIN), options)).rejects.toMatchObject({ code: 'META_UNAVAILABLE' });
    } finally {
      if (path !== undefined) writeFileSync(path, saved!);
    }
  });
});
