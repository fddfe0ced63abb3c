/**
 * Mirror targets as a user writes them on the command line. Pure: no file is
 * touched here; the caller passes its working directory.
 *
 *     /srv/mirror-a            a local folder (the ordinary case)
 *     rsync:host:/srv/www      any rsync destination (also rsync:/local/path, rsync:user@host:dir)
 *
 * A deploy target is a folder or rsync:DEST. `sealpress verify` also takes an
 * http(s) base URL (parseVerifyTarget): nothing is deployed over HTTP.
 */
import { isAbsolute, resolve } from 'node:path';
import { MirrorError } from './errors.ts';

export type MirrorTarget = { kind: 'folder'; path: string } | { kind: 'rsync'; dest: string };
export type VerifyTarget = { kind: 'folder'; path: string } | { kind: 'url'; url: string };

// Control characters in a target are a pasted mistake or an attack on a log line; none is ever meant.
const CONTROL = /[\u0000-\u001f\u007f]/;

function parseAny(text: string, cwd: string): MirrorTarget | { kind: 'url'; url: string } {
  const bad = (why: string, fix: string): never => {
    throw new MirrorError('TARGET_INVALID', `mirror target ${JSON.stringify(text)}: ${why}. ${fix}`);
  };
  const usage = 'Write a folder path (/srv/mirror-a), rsync:DEST (rsync:host:/srv/www) or an http(s):// base URL.';
  if (text.trim() === '') bad('it is empty', usage);
  if (CONTROL.test(text)) bad('it contains a control character (newline, tab, NUL…)', usage);
  if (text !== text.trim()) bad('it starts or ends with spaces', 'Remove them (quote the path if it really has spaces inside).');

  if (text.startsWith('rsync:') && !text.startsWith('rsync://')) {
    const dest = text.slice('rsync:'.length);
    if (dest === '') bad('rsync: has no destination', 'Write rsync:host:/path or rsync:/local/path.');
    // rsync reads a leading dash as an option (-e …): an option smuggled in as a destination runs commands.
    if (dest.startsWith('-')) bad('an rsync destination cannot start with "-"', 'Write the destination as a path (./-name for a folder named like an option).');
    return { kind: 'rsync', dest };
  }
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch (cause) {
      throw new MirrorError('TARGET_INVALID', `mirror target ${JSON.stringify(text)}: not a valid URL. ${usage}`, { cause });
    }
    if (url.username !== '' || url.password !== '') bad('a URL with a user name or password', 'Leave credentials out of the URL.');
    if (url.search !== '' || url.hash !== '') bad('a base URL with a query or fragment', 'Give the site root, e.g. https://www.example.gov.cn/.');
    return { kind: 'url', url: url.href };
  }
  // Any other scheme://…, and a lone rsync:// module URL (write rsync:rsync://host/module to mean it).
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) bad('this scheme is not a mirror target', `${usage} For an rsync daemon, write rsync:rsync://host/module/path.`);
  if (text.startsWith('~')) bad('"~" is not expanded here', 'Write the full path (/home/…).');
  const path = isAbsolute(text) ? resolve(text) : resolve(cwd, text);
  if (path === resolve('/')) bad('the filesystem root cannot be a mirror', 'Give a folder such as /srv/mirror-a: sealpress keeps its store beside it.');
  return { kind: 'folder', path };
}

/** A deploy target: a folder or rsync:DEST. */
export function parseMirrorTarget(text: string, cwd: string = process.cwd()): MirrorTarget {
  const t = parseAny(text, cwd);
  if (t.kind === 'url') throw new MirrorError('TARGET_INVALID', { zh: `镜像目标 ${JSON.stringify(text)}：不能通过 HTTP 部署。请部署到网站服务器所用的文件夹，或 rsync:host:/path；verify 可以使用网址。`, en: `mirror target ${JSON.stringify(text)}: nothing is deployed over HTTP. Deploy to the folder the web server serves, or to rsync:host:/path; verify accepts the URL.` });
  return t;
}

/** A verify target: a folder or an http(s) base URL (rsync destinations are verified through the folder on their host). */
export function parseVerifyTarget(text: string, cwd: string = process.cwd()): VerifyTarget {
  const t = parseAny(text, cwd);
  if (t.kind === 'rsync') throw new MirrorError('TARGET_INVALID', { zh: `核验目标 ${JSON.stringify(text)}：无法在此读回 rsync 目标。请在该主机上核验文件夹，或核验其 http(s) 网址。`, en: `verify target ${JSON.stringify(text)}: an rsync destination cannot be read back here. Verify the folder on that host, or its http(s) URL.` });
  return t;
}
