/**
 * The review desk's web server: loopback only, for one person, guarded as
 * notebook servers are. The URL it prints carries a random token; the first
 * request trades it for a cookie (HttpOnly, SameSite=Strict) and is sent on
 * without it. Every request must then carry that cookie, name this server as
 * its Host (a DNS-rebinding page cannot) and, when it has an Origin, come from
 * this origin; a form that signs must also carry the token in its body.
 * Pages have no script and a policy that allows none.
 *
 * Signing is sign/job.ts's signJob, the same call as `sealpress approve` and
 * `sealpress reject`, so the desk writes exactly the record they write. The
 * passphrase typed in the page opens the key for that one signature: it is
 * not kept, logged, written or sent back, and a request is never logged with
 * its body.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Decision } from '../approve/index.ts';
import { errorText, SealpressError } from '../errors/index.ts';
import type { Plan } from '../plan/index.ts';
import type { LoadedSigner, Passphrases, SignerFiles } from '../pki/signers.ts';
import type { RecordAct } from '../publish/audit.ts';
import { signJob, type SignOutcome } from '../sign/index.ts';
import type { CertInfo } from '../trust/index.ts';
import { deskEntry, deskQueue, versionKey, type BoardRequest } from './board.ts';
import { DESK_CSS, entryPage, messagePage, page, queuePage, statusName } from './page.ts';

/** A running preview of one site: its base URL. */
export interface DeskPreview {
  url: string;
  stop(): Promise<void>;
}

export interface DeskOptions {
  root: string;
  /** The gate's clock for each request (default: the time of the request). */
  clock?: () => Date;
  trustAnchor?: string | undefined;
  /** The person's key and certificate files. */
  key: SignerFiles;
  cert: CertInfo;
  /** The key, when it was opened where the desk was started; else the page asks for the passphrase. */
  signer?: LoadedSigner | undefined;
  /** Passphrase sources besides the page ($SEALPRESS_PASSPHRASE, a file): used when the page field is empty. */
  passphrases?: Passphrases | undefined;
  /** Appends each act (signed or refused) to the audit log. */
  record: RecordAct;
  env?: Readonly<Record<string, string | undefined>>;
  /** Default 0: a free port. */
  port?: number;
  /** Starts the live preview of a site with the desk's plan adjustments (see previewPlan); absent: no previews. */
  startPreview?: (site: string) => Promise<DeskPreview>;
}

export interface Desk {
  /** The URL to open, with the token. */
  url: string;
  origin: string;
  port: number;
  stop(): Promise<void>;
}

const MAX_BODY = 256 * 1024;
const LOOPBACK = '127.0.0.1';

const POLICY = (frames: readonly string[]) =>
  `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'${frames.length ? `; frame-src ${frames.join(' ')}` : ''}`;

/**
 * The plan as the desk's preview shows it: an entry held back only because its
 * approvals are for an earlier version is shown as the draft it now is, so
 * the approver sees the page they are asked to approve.
 */
export function previewPlan(plan: Plan): Plan {
  const onlyApproval = (rule: string) => rule === 'approval-stale' || rule === 'approval-rejected';
  return {
    ...plan,
    entries: plan.entries.map((e) => (e.status === 'refused' && e.findings.every((f) => f.severity !== 'error' || onlyApproval(f.rule)) ? { ...e, status: 'pending' as const } : e)),
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) throw new SealpressError('USAGE', 'a form is expected');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new SealpressError('USAGE', 'the form is too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The page passphrase as a one-use source; the desk's other sources when the field is empty. */
function pagePassphrases(typed: string | null, fallback: Passphrases | undefined): Passphrases {
  return {
    existing: async (request) => {
      if (typed) return typed;
      if (fallback) return fallback.existing(request);
      throw new SealpressError('USAGE', '请输入私钥口令');
    },
    fresh: async () => {
      throw new SealpressError('USAGE', 'the desk makes no new keys');
    },
  };
}

/** What the page says after an act. */
function outcomeLines(r: SignOutcome, decision: Decision): { kind: 'ok' | 'error'; lines: string[] } {
  const act = decision === 'reject' ? '驳回' : '批准';
  switch (r.kind) {
    case 'signed':
      return {
        kind: 'ok',
        lines: [`已签署${act}：${r.signed.record}（请随内容一起提交）`, ...r.signed.entries.map((e) => `${e.path}：${statusName(e.status === 'missing' ? 'refused' : e.status, e.findings)}（${e.line}）`)],
      };
    case 'refused':
      return { kind: 'error', lines: [`未签署：`, ...r.problems] };
    case 'declined':
      return { kind: 'error', lines: ['未签署：条目在您查看之后已被修改，请重新审核新版本'] };
    case 'config':
      return { kind: 'error', lines: ['未签署：网站群配置（sites/）有错误，请运行 sealpress check'] };
    case 'trust':
      return { kind: 'error', lines: ['未签署：信任材料无法验证，签署的内容将无法被验证', ...(r.refused ? [String((r.refused as { message?: string }).message ?? '')] : [])] };
  }
}

export async function startDesk(o: DeskOptions): Promise<Desk> {
  const token = randomBytes(24).toString('base64url');
  const clock = o.clock ?? (() => new Date());
  const previews = new Map<string, DeskPreview>();
  const previewProblems = new Map<string, string>();
  const flashes = new Map<string, { kind: 'ok' | 'error'; lines: string[] }>();
  let port = 0;
  const cookieName = () => `sealpress_desk_${port}`;
  const origins = () => [`http://${LOOPBACK}:${port}`, `http://localhost:${port}`];
  const signerName = `${o.cert.name ?? '?'}（${o.cert.uid ?? '?'}）`;
  const request = (): BoardRequest => ({ root: o.root, now: clock(), trustAnchor: o.trustAnchor, cert: o.cert, ...(o.env ? { env: o.env } : {}) });

  const send = (res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8', extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'content-security-policy': POLICY([...previews.values()].map((p) => new URL(p.url).origin)),
      ...extra,
    });
    res.end(body);
  };
  const refuse = (res: ServerResponse, status: number, why: string) => send(res, status, why, 'text/plain; charset=utf-8');
  const redirect = (res: ServerResponse, to: string, extra: Record<string, string> = {}) => {
    res.writeHead(303, { location: to, 'cache-control': 'no-store', 'referrer-policy': 'same-origin', ...extra });
    res.end();
  };
  /** A flash shown once by the next page: its key rides in the redirect. */
  const flashTo = (res: ServerResponse, back: string, flash: { kind: 'ok' | 'error'; lines: string[] }) => {
    const id = randomBytes(9).toString('base64url');
    flashes.set(id, flash);
    const url = new URL(back, origins()[0]);
    url.searchParams.set('msg', id);
    redirect(res, `${url.pathname}${url.search}`);
  };
  const takeFlash = (url: URL) => {
    const id = url.searchParams.get('msg');
    if (!id) return undefined;
    const f = flashes.get(id);
    flashes.delete(id);
    return f;
  };
  const safeBack = (back: string | null) => (back && /^\/(entry\?path=[^\s]*)?$/.test(back) ? back : '/');

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Only this server by name: a page that rebinds its own host name to 127.0.0.1 sends its own Host.
    const host = req.headers.host ?? '';
    if (!origins().some((x) => x === `http://${host}`)) return refuse(res, 403, 'forbidden: unknown host');
    const origin = req.headers.origin;
    if (origin !== undefined && !origins().includes(origin)) return refuse(res, 403, 'forbidden: another origin');
    const url = new URL(req.url ?? '/', origins()[0]);
    const given = url.searchParams.get('token');
    if (given !== null) {
      if (req.method !== 'GET' || !same(given, token)) return refuse(res, 403, 'forbidden: wrong token');
      url.searchParams.delete('token');
      return redirect(res, `${url.pathname}${url.search}`, { 'set-cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/` });
    }
    const cookie = cookies(req).get(cookieName());
    if (cookie === undefined || !same(cookie, token)) return refuse(res, 403, 'forbidden: open the desk with the URL it printed (it carries the token)');

    if (req.method === 'GET' && url.pathname === '/desk.css') return send(res, 200, DESK_CSS, 'text/css; charset=utf-8');
    if (req.method === 'GET' && url.pathname === '/') {
      const q = await deskQueue(request());
      if (q.kind !== 'queue') return send(res, 500, page({ title: '无法审核', signer: signerName }, messagePage('无法审核', unreviewable(q))));
      return send(
        res,
        200,
        page(
          { title: '待我审核', signer: q.person ? `${q.person.name}（${q.person.id}）` : signerName, flash: takeFlash(url) },
          queuePage({ entries: q.entries, titles: q.titles, problems: q.problems, csrf: token, needPassphrase: !o.signer && !o.passphrases, sites: q.sites, columns: q.columns }),
        ),
      );
    }
    if (req.method === 'GET' && url.pathname === '/entry') {
      const path = url.searchParams.get('path') ?? '';
      const r = await deskEntry(request(), path);
      if (r.kind === 'missing') return send(res, 404, page({ title: '没有这个条目', signer: signerName }, messagePage('没有这个条目', [`网关不认识 ${path}。`])));
      if (r.kind !== 'entry') return send(res, 500, page({ title: '无法审核', signer: signerName }, messagePage('无法审核', unreviewable(r))));
      const v = r.view;
      const preview = previews.get(v.entry.site);
      const previewUrl = preview ? new URL(`${v.entry.column}/${v.entry.slug}/`, preview.url).href : undefined;
      return send(
        res,
        200,
        page(
          { title: v.title, signer: signerName, flash: takeFlash(url) },
          entryPage(v, { csrf: token, needPassphrase: !o.signer && !o.passphrases, previewUrl, previewProblem: previewProblems.get(v.entry.site) }),
        ),
      );
    }
    if (req.method === 'POST' && (url.pathname === '/sign' || url.pathname === '/preview')) {
      // A form post: this origin only (browsers send Origin with every POST), and the token in the body.
      if (origin === undefined) return refuse(res, 403, 'forbidden: a form post without its origin');
      const form = await formBody(req);
      if (!same(form.get('csrf') ?? '', token)) return refuse(res, 403, 'forbidden: the form does not carry the desk token');
      if (url.pathname === '/preview') return startPreviewFor(res, form.get('path') ?? '');
      return sign(res, form);
    }
    return refuse(res, 404, 'not found');
  };

  const startPreviewFor = async (res: ServerResponse, path: string) => {
    const back = `/entry?path=${encodeURIComponent(path)}`;
    const site = /^content\/([^/]+)\//.exec(path)?.[1];
    if (!site || !o.startPreview) return flashTo(res, back, { kind: 'error', lines: ['这个审核台没有开启页面预览'] });
    if (!previews.has(site)) {
      try {
        previews.set(site, await o.startPreview(site));
        previewProblems.delete(site);
      } catch (error) {
        previewProblems.set(site, (error as Error).message);
      }
    }
    return redirect(res, back);
  };

  const sign = async (res: ServerResponse, form: URLSearchParams) => {
    const decision = form.get('decision');
    const back = safeBack(form.get('back'));
    if (decision !== 'approve' && decision !== 'reject') return flashTo(res, back, { kind: 'error', lines: ['未签署：不明的操作'] });
    const paths = form.getAll('path');
    if (paths.length === 0) return flashTo(res, back, { kind: 'error', lines: ['未签署：请先勾选要批准的条目'] });
    const reason = decision === 'reject' ? (form.get('reason') ?? '').trim() : undefined;
    if (decision === 'reject' && !reason) return flashTo(res, back, { kind: 'error', lines: ['未签署：驳回需要写明理由'] });
    // What the page showed: the signature must bind those bytes, not a version saved since.
    const shown = new Set(form.getAll('version'));
    const typed = form.get('passphrase');
    let outcome: SignOutcome;
    try {
      outcome = await signJob({
        root: o.root,
        now: clock(),
        trustAnchor: o.trustAnchor,
        decision,
        paths,
        ...(reason !== undefined ? { reason } : {}),
        key: o.key,
        passphrases: pagePassphrases(typed || null, o.passphrases),
        signer: o.signer,
        review: () => {},
        confirm: async (_question, items) => items.length === new Set(paths).size && items.every((i) => shown.has(versionKey(i))),
        record: o.record,
      });
    } catch (error) {
      // A wrong passphrase or a key that is not the certificate's: say so, never with the passphrase.
      return flashTo(res, back, { kind: 'error', lines: [`未签署：${errorLine(error)}`] });
    }
    // After an approval the queue is where the approver goes on; after anything else, the entry.
    return flashTo(res, outcome.kind === 'signed' && decision === 'approve' ? '/' : back, outcomeLines(outcome, decision));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) refuse(res, 500, `error: ${(error as Error).message}`);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const originUrl = `http://${LOOPBACK}:${port}`;
  return {
    url: `${originUrl}/?token=${token}`,
    origin: originUrl,
    port,
    stop: async () => {
      await Promise.all([...previews.values()].map((p) => p.stop().catch(() => {})));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

/** An error as the desk says it: in Chinese when the error carries it. */
function errorLine(error: unknown): string {
  return error instanceof SealpressError ? errorText(error, 'zh').message : (error as Error).message;
}

function unreviewable(r: { kind: string; diagnostics?: readonly { file: string; message: string }[] }): string[] {
  if (r.kind === 'config') return ['网站群配置（sites/）有错误，请先运行 sealpress check 修正：', ...(r.diagnostics ?? []).slice(0, 20).map((d) => `${d.file}：${d.message}`)];
  return ['信任材料（sites/trust/）无法验证：任何签名都无法被验证。请运行 sealpress trust verify。'];
}

