/**
 * A real nginx (Debian's /usr/sbin/nginx) on loopback for tests: one `server`
 * block per site, each on its own free port, with everything nginx writes (pid,
 * logs, temp paths) inside a fresh temp dir. The mirrors are served as a web
 * host would serve them: the site root may be a symlink the deploy switches
 * atomically, directory URLs serve their index.html, and a miss gets the site's
 * own 404 page with status 404. Each server block is the repository's shipped
 * mirror configuration (deploy/nginx/sealpress-site.conf, with its headers), its
 * includes pointed at deploy/nginx/ instead of /etc/nginx/snippets/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX = '/usr/sbin/nginx';
const MIME_TYPES = '/etc/nginx/mime.types';
/** The shipped configuration for mirrors (README: Releases, mirrors and verification). */
export const DEPLOY_NGINX = fileURLToPath(new URL('../../deploy/nginx/', import.meta.url));
/** Where the shipped files expect each other once installed. */
const INSTALLED_SNIPPETS = '/etc/nginx/snippets/';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
/** A port found free can be taken by someone else before nginx binds it: try again with new ports. */
const START_ATTEMPTS = 3;

export interface NginxSite {
  /** Absolute folder served at `/` (a symlink to the release tree is followed). */
  root: string;
}

export interface NginxServer {
  /** `http://127.0.0.1:<port>`, one per site, in the order given. */
  urls: string[];
  /** The temp dir holding nginx.conf, the logs and the temp paths (removed by stop()). */
  dir: string;
  /** Graceful shutdown (SIGQUIT), waits for the master to exit, then removes `dir`. */
  stop(): Promise<void>;
}

export class NginxError extends Error {
  constructor(
    readonly code: 'NGINX_MISSING' | 'NGINX_BAD_SITE' | 'NGINX_START_FAILED' | 'NGINX_STOP_TIMEOUT',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NginxError';
  }
}

/** True when the nginx tests can run here; in CI nginx must be installed (.ci/run), so its absence is a failure, not a skip. */
export function nginxAvailable(): boolean {
  if (existsSync(NGINX)) return true;
  if (process.env['CI']) throw new NginxError('NGINX_MISSING', `${NGINX} is missing in CI: .ci/run must apt-get install nginx`);
  return false;
}

/** Ports the kernel calls free right now (bound to port 0, then released). */
async function freePorts(n: number): Promise<number[]> {
  // Hold every probe open until all are bound, so the n ports are distinct.
  const servers = await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve(s));
      }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** nginx strings are quoted; a path with a quote, backslash, `$` or newline could change the config, so it is refused. */
function quoted(path: string): string {
  if (!isAbsolute(path) || /["\\$\n\r;{}]/.test(path)) {
    throw new NginxError('NGINX_BAD_SITE', `nginx path ${JSON.stringify(path)} must be absolute and free of quotes, backslashes, '$', ';', braces and newlines`);
  }
  return `"${path}"`;
}

/** deploy/nginx/sealpress-site.conf as this checkout's nginx includes it (its includes pointed at deploy/nginx/). */
export function siteConfig(): string {
  const text = readFileSync(join(DEPLOY_NGINX, 'sealpress-site.conf'), 'utf8');
  const dir = quoted(DEPLOY_NGINX.replace(/\/$/, '')).slice(1, -1);
  return text.replaceAll(`include ${INSTALLED_SNIPPETS}`, `include ${dir}/`);
}

/** The whole nginx.conf: pure but for reading the shipped site configuration, so what nginx is told is easy to read in a failure message. */
export function nginxConfig(dir: string, sites: readonly { root: string; port: number }[], asRoot: boolean): string {
  const d = (name: string) => quoted(join(dir, name));
  const site = siteConfig();
  return `# written by test/helpers/nginx.ts
${asRoot ? `# The master runs as root; workers would default to "nobody", who cannot read
# the tests' 0700 temp dirs: run them as the current user instead.
user ${userInfo().username};
` : ''}daemon off;
master_process on;
worker_processes 1;
pid ${d('nginx.pid')};
lock_file ${d('nginx.lock')};
error_log ${d('error.log')} warn;
events { worker_connections 256; }
http {
  include ${quoted(MIME_TYPES)};
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/html text/css text/plain text/xml application/javascript application/json application/xml application/rss+xml;
  access_log ${d('access.log')};
  client_body_temp_path ${d('client_body_temp')};
  proxy_temp_path ${d('proxy_temp')};
  fastcgi_temp_path ${d('fastcgi_temp')};
  uwsgi_temp_path ${d('uwsgi_temp')};
  scgi_temp_path ${d('scgi_temp')};
  sendfile on;
  server_tokens off;
  # The mirror's target is a symlink to the current release tree, switched by the deploy.
  disable_symlinks off;
  # A test must see each deploy at once, not a cached file descriptor.
  open_file_cache off;
${sites
  .map(
    (s) => `  server {
    listen 127.0.0.1:${s.port};
    server_name _;
    root ${quoted(s.root)};
${site.replace(/^(?=.)/gm, '    ')}
  }`,
  )
  .join('\n')}
}
`;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * nginx masters still running, stopped if this process exits without stop() (a crashed
 * test, an uncaught error): an orphaned nginx would keep its port. SIGTERM, not SIGKILL:
 * a killed master leaves its worker running; a terminated one takes it down. A SIGKILL
 * of this process cannot be caught; `ps` then shows the temp dir in nginx's arguments.
 */
const running = new Map<ChildProcess, string>();
let exitHook = false;
function track(child: ChildProcess, dir: string): void {
  running.set(child, dir);
  child.once('exit', () => running.delete(child));
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const [c, d] of running) {
      c.kill('SIGTERM');
      rmSync(d, { recursive: true, force: true });
    }
  });
}

async function startOnce(sites: readonly NginxSite[]): Promise<NginxServer> {
  const ports = await freePorts(sites.length);
  const dir = mkdtempSync(join(tmpdir(), 'sealpress-nginx-'));
  for (const t of ['client_body_temp', 'proxy_temp', 'fastcgi_temp', 'uwsgi_temp', 'scgi_temp']) mkdirSync(join(dir, t));
  const conf = join(dir, 'nginx.conf');
  const asRoot = process.getuid?.() === 0;
  writeFileSync(conf, nginxConfig(dir, sites.map((s, i) => ({ root: s.root, port: ports[i]! })), asRoot));

  let stderr = '';
  const child = spawn(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  track(child, dir);

  const diagnose = () => {
    const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
    return `${stderr}${log}`.trim() || '(no output)';
  };
  const fail = async (why: string): Promise<never> => {
    const detail = diagnose();
    child.kill('SIGKILL');
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
    throw new NginxError('NGINX_START_FAILED', `nginx (${conf}) ${why}: ${detail}`, spawnError ? { cause: spawnError } : {});
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (const port of ports) {
    for (;;) {
      if (spawnError || child.exitCode !== null || child.signalCode !== null) return fail('exited while starting');
      if (await portAnswers(port)) break;
      if (Date.now() > deadline) return fail(`did not answer on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    urls: ports.map((p) => `http://127.0.0.1:${p}`),
    dir,
    async stop() {
      // QUIT is nginx's graceful shutdown: workers finish the requests in flight.
      child.kill('SIGQUIT');
      const timedOut = await Promise.race([exited(child).then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), STOP_TIMEOUT_MS).unref())]);
      if (timedOut) {
        child.kill('SIGKILL');
        await exited(child);
      }
      rmSync(dir, { recursive: true, force: true });
      if (timedOut) throw new NginxError('NGINX_STOP_TIMEOUT', `nginx did not stop within ${STOP_TIMEOUT_MS} ms of SIGQUIT; it was killed`);
    },
  };
}

/** Start one nginx serving every site on its own loopback port; resolves once every port answers. */
export async function startNginx(options: { sites: readonly NginxSite[] }): Promise<NginxServer> {
  if (!existsSync(NGINX)) throw new NginxError('NGINX_MISSING', `${NGINX} is missing: apt-get install nginx (CI does it in .ci/run)`);
  if (options.sites.length === 0) throw new NginxError('NGINX_BAD_SITE', 'startNginx needs at least one site');
  for (const s of options.sites) {
    quoted(s.root);
    if (!existsSync(s.root)) throw new NginxError('NGINX_BAD_SITE', `site root ${s.root} does not exist: build or deploy the site first`);
  }
  let last: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(options.sites);
    } catch (error) {
      last = error;
      // Only a lost race for a port is worth another try; anything else is a real failure.
      if (!(error instanceof NginxError) || !/Address already in use/.test(error.message)) throw error;
    }
  }
  throw last;
}
