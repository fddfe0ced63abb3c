/**
 * The review desk over HTTP, as a browser and an attacker on the same machine
 * would talk to it: the token, the host and origin checks; the queue and the
 * diff against the version the approver signed before (found in git history);
 * a rejection the writer then sees in `check`; an approval that makes the
 * entry publishable; the passphrase typed in the page found in no response,
 * file or log. The demo site group with its trust made anew (throwaway
 * 2048-bit keys) and a fixed clock.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { IIT_GUIDE } from '../../pipeline/demo/index.ts';
import { docx } from '../../pipeline/demo/documents.ts';
import { signerCertificate } from '../../pipeline/pki/signers.ts';
import { startDesk, type Desk } from '../../pipeline/review/index.ts';
import { runCli } from '../helpers/cli.ts';
import { CHECKOUT, DEMO_NOW } from '../helpers/demo.ts';
import { deskDemo, PASSPHRASE, STALE, type DeskDemo } from '../helpers/desk.ts';

let demo: DeskDemo;
let desk: Desk;
let cookie: string;
const seen: string[] = []; // every response body and header the desk sent
const audited: unknown[] = [];

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  const r = await fetch(new URL(path, desk.origin), { headers: { cookie, ...headers }, redirect: 'manual' });
  seen.push(JSON.stringify([...r.headers]), await r.clone().text());
  return r;
}

async function post(path: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
  const r = await fetch(new URL(path, desk.origin), { method: 'POST', body, headers: { cookie, origin: desk.origin, 'content-type': 'application/x-www-form-urlencoded', ...headers }, redirect: 'manual' });
  seen.push(JSON.stringify([...r.headers]), await r.clone().text());
  return r;
}

/** The hidden fields of the entry page's form for `decision`, as a browser would submit them. */
async function formOf(path: string, decision: 'approve' | 'reject'): Promise<Record<string, string>> {
  const html = await (await get(`/entry?path=${encodeURIComponent(path)}`)).text();
  const form = html.split('<form method="post" action="/sign">').find((f) => f.includes(`name="decision" value="${decision}"`));
  if (!form) throw new Error(`no ${decision} form on the page of ${path}`);
  const fields: Record<string, string> = {};
  for (const m of form.split('</form>')[0]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  return fields;
}

async function status(path: string): Promise<{ status: string; findings: { rule: string; message: string }[] }> {
  const r = await runCli(['check', '--format', 'json', '--root', demo.root, '--now', DEMO_NOW.toISOString()]);
  const entries = (JSON.parse(r.out) as { entries: { path: string; status: string; findings: { rule: string; message: string }[] }[] }).entries;
  return entries.find((e) => e.path === path)!;
}

/** A GET with headers fetch will not let a caller set (Host), over node:http. */
function rawStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: desk.port, path: '/', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => !f.includes(`${join(demo.root, '.git')}/objects`) && statSync(f).isFile());
}

beforeAll(async () => {
  demo = await deskDemo();
  const key = { key: demo.approver.key, cert: demo.approver.cert, option: '--key', passphraseOption: '--passphrase-file' };
  // The demo's clock, moving on as real time does: a rejection and a later approval are signed at different instants.
  const started = Date.now();
  desk = await startDesk({
    root: demo.root,
    clock: () => new Date(DEMO_NOW.getTime() + (Date.now() - started)),
    key,
    cert: signerCertificate(key).cert,
    record: async (event, code) => {
      audited.push(event);
      return code;
    },
  });
  const opened = await fetch(desk.url, { redirect: 'manual' });
  expect(opened.status).toBe(303);
  expect(opened.headers.get('location')).toBe('/');
  cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
}, 240_000);

afterAll(async () => {
  await desk?.stop();
  demo?.cleanup();
});

describe('who may talk to the desk', () => {
  test('it listens on loopback, and the cookie is HttpOnly and SameSite=Strict', async () => {
    expect(new URL(desk.url).hostname).toBe('127.0.0.1');
    const opened = await fetch(desk.url, { redirect: 'manual' });
    expect(opened.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict; Path=\//);
  });

  test('without the token, or with a wrong one, every page is refused', async () => {
    for (const path of ['/', `/entry?path=${encodeURIComponent(STALE)}`, '/desk.css']) {
      expect((await fetch(new URL(path, desk.origin))).status).toBe(403);
      expect((await fetch(new URL(path, desk.origin), { headers: { cookie: `${cookie.split('=')[0]}=wrong` } })).status).toBe(403);
    }
    expect((await fetch(new URL('/?token=wrong', desk.origin), { redirect: 'manual' })).status).toBe(403);
  });

  test('another host name (DNS rebinding) or another origin is refused even with the cookie', async () => {
    expect(await rawStatus({ host: `attacker.example:${desk.port}`, cookie })).toBe(403);
    expect(await rawStatus({ host: `127.0.0.1:${desk.port}`, cookie })).toBe(200);
    expect((await get('/', { origin: 'http://attacker.example' })).status).toBe(403);
    const form = await formOf(STALE, 'approve');
    expect((await post('/sign', { ...form, passphrase: PASSPHRASE }, { origin: 'http://attacker.example' })).status).toBe(403);
    expect((await post('/sign', { ...form, passphrase: PASSPHRASE }, { origin: 'null' })).status).toBe(403);
  });

  test('a form post without the token in its body, or without an origin, is refused', async () => {
    const form = await formOf(STALE, 'approve');
    expect((await post('/sign', { ...form, csrf: 'x', passphrase: PASSPHRASE })).status).toBe(403);
    const r = await fetch(new URL('/sign', desk.origin), { method: 'POST', body: new URLSearchParams({ ...form, passphrase: PASSPHRASE }), headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(r.status).toBe(403);
    expect((await status(STALE)).status).toBe('refused');
  });

  test('pages allow no script and cannot be framed', async () => {
    const r = await get('/');
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(r.headers.get('content-security-policy')).not.toMatch(/script-src/);
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(await r.text()).not.toMatch(/<script/i);
  });
});

describe('what the approver sees', () => {
  test('the queue holds the entry changed after their approval, in Chinese', async () => {
    const html = await (await get('/')).text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('待我审核（1）');
    expect(html).toContain(STALE);
    expect(html).toContain('待重新批准');
  });

  test('the entry page shows what changed since the approved draft: the deadline, character by character, and the added line', async () => {
    const html = await (await get(`/entry?path=${encodeURIComponent(STALE)}`)).text();
    expect(html).toMatch(/新增 2 行，删除 1 行/);
    expect(html).toMatch(/<li class="del">.*起<del>3<\/del>0日内/);
    expect(html).toMatch(/<li class="ins">.*起<ins>6<\/ins>0日内/);
    expect(html).toMatch(/<li class="ins">.*“一站式”办理/);
    expect(html).toContain(`批准的版本（提交`);
    // The findings in place, who signed, who still must.
    expect(html).toContain('approval-stale');
    expect(html).toContain(`可以批准的人：${demo.approver.name}（${demo.approver.id}）`);
  });
});

describe('a changed attachment', () => {
  test('its extracted text is compared with the approved file (from git, by digest), character by character', async () => {
    const entry = 'content/19900000000/xzzx/2026-10-iit-reconciliation-forms.md';
    const file = join(demo.root, 'content/19900000000/xzzx/2026-10-iit-reconciliation-forms/个人所得税综合所得年度汇算办税指南.docx');
    const before = readFileSync(file);
    expect(docx(IIT_GUIDE)).toEqual(before); // the committed file is the generator's
    writeFileSync(file, docx({ ...IIT_GUIDE, body: IIT_GUIDE.body.map((p) => p.replace('2027年3月1日', '2027年3月5日')) }));
    try {
      expect(readFileSync(file)).not.toEqual(before);
      const html = await (await get(`/entry?path=${encodeURIComponent(entry)}`)).text();
      expect(html).toContain('已更改：content/19900000000/xzzx/2026-10-iit-reconciliation-forms/个人所得税综合所得年度汇算办税指南.docx');
      const section = html.slice(html.indexOf("与上次批准版本的差异"), html.indexOf("检查结果</h2>"));
      expect(section, section).toMatch(/文件中的文字：新增 1 处，删除 1 处/);
      expect(html).toMatch(/<li class="del">.*2027年3月<del>1<\/del>日/);
      expect(html).toMatch(/<li class="ins">.*2027年3月<ins>5<\/ins>日/);
    } finally {
      writeFileSync(file, before);
    }
  }, 60_000);
});

describe('sealpress review, the command', () => {
  test('opens the key from $SEALPRESS_PASSPHRASE, prints a loopback URL with a token that opens the desk, and stops on SIGTERM with 0', async () => {
    const child = spawn(process.execPath, [join(CHECKOUT, 'pipeline/cli/bin.js'), 'review', '--key', demo.approver.key, '--root', demo.root, '--now', DEMO_NOW.toISOString(), '--no-preview'], {
      env: { ...process.env, SEALPRESS_PASSPHRASE: PASSPHRASE, SEALPRESS_AUDIT_LOG: join(demo.root, '.sealpress', 'review-audit.jsonl') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    // The URL and the line after it are two writes: they may reach the pipe apart.
    await vi.waitFor(() => expect(out).toContain('按 Ctrl-C 停止'), { timeout: 60_000, interval: 200 });
    const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}/.exec(out)![0];
    expect(out).toContain('私钥已在此打开');
    const opened = await fetch(url, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const queue = await fetch(new URL('/', url), { headers: { cookie: opened.headers.get('set-cookie')!.split(';')[0]! } });
    expect(await queue.text()).toContain('待我审核');
    child.kill('SIGTERM');
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
    expect(out).not.toContain(PASSPHRASE);
  }, 90_000);

  test('without --key it is a usage error', async () => {
    const r = await runCli(['review', '--root', demo.root]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--key FILE is required/);
  });
});

describe('signing from the desk', () => {
  test('a wrong passphrase signs nothing and the page does not repeat it', async () => {
    const form = await formOf(STALE, 'approve');
    const r = await post('/sign', { ...form, passphrase: 'not-the-passphrase-42' });
    expect(r.status).toBe(303);
    const page = await (await get(r.headers.get('location')!)).text();
    expect(page).toContain('未签署');
    expect(page).not.toContain('not-the-passphrase-42');
    expect((await status(STALE)).status).toBe('refused');
  });

  test('a page shown before the entry changed cannot sign the new bytes', async () => {
    const form = await formOf(STALE, 'approve');
    const r = await post('/sign', { ...form, version: 'something-else', passphrase: PASSPHRASE });
    const page = await (await get(r.headers.get('location')!)).text();
    expect(page).toContain('条目在您查看之后已被修改');
    expect((await status(STALE)).status).toBe('refused');
  });

  test('a rejection with its reason: the writer sees who, when and why in check; the entry stays unpublished', async () => {
    const form = await formOf(STALE, 'reject');
    const r = await post('/sign', { ...form, reason: '请核对申报期限的依据', passphrase: PASSPHRASE });
    const page = await (await get(r.headers.get('location')!)).text();
    expect(page).toContain('已签署驳回');
    const s = await status(STALE);
    expect(s.status, JSON.stringify(s.findings)).toBe('pending');
    const rejected = s.findings.find((f) => f.rule === 'approval-rejected');
    expect(rejected?.message).toContain(demo.approver.name);
    expect(rejected?.message).toMatch(/2026-11-27T12:\d\d:\d\d(\.\d+)?\+08:00/);
    expect(rejected?.message).toContain('请核对申报期限的依据');
    expect(audited.at(-1)).toMatchObject({ action: 'reject', actor: demo.approver.id, outcome: 'ok' });
    // The desk shows it in the entry's history.
    expect(await (await get(`/entry?path=${encodeURIComponent(STALE)}`)).text()).toMatch(/驳回.*（当前版本）[\s\S]*理由：请核对申报期限的依据/);
  });

  test('the same approver then approves these bytes: the entry is publishable, with the record approve writes', async () => {
    const form = await formOf(STALE, 'approve');
    const r = await post('/sign', { ...form, passphrase: PASSPHRASE });
    expect(r.headers.get('location')).toMatch(/^\/\?msg=/);
    const page = await (await get(r.headers.get('location')!)).text();
    expect(page).toContain('已签署批准');
    expect((await status(STALE)).status).toBe('publishable');
    expect(page).toContain('没有等待您审核的条目');
    // The entry's page still compares with the draft approved before: an approval of this version does not hide what changed.
    const entry = await (await get(`/entry?path=${encodeURIComponent(STALE)}`)).text();
    expect(entry).toMatch(/新增 2 行，删除 1 行/);
    expect(entry).toContain(`已批准当前版本：${demo.approver.name}`);
  });

  test('the passphrase is in no response, no file of the repository and no audit event', async () => {
    expect(seen.length).toBeGreaterThan(20);
    for (const s of seen) expect(s).not.toContain(PASSPHRASE);
    for (const f of filesUnder(demo.root)) expect(readFileSync(f).includes(PASSPHRASE), f).toBe(false);
    expect(JSON.stringify(audited)).not.toContain(PASSPHRASE);
  });
});
