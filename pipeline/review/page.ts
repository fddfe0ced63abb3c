/**
 * The desk's pages as HTML: plain server-rendered documents in Chinese, no
 * script (forms and links work by keyboard alone, and the page's security
 * policy forbids scripts anyway), readable at 320 px. Pure: views in, HTML
 * out. Every value is escaped; nothing a request carried is written back
 * except the entry path it names.
 */
import { shownFix, shownMessage, type Diagnostic } from '../diagnostics/index.ts';
import type { PlanEntry } from '../plan/index.ts';
import { versionKey, type Baseline, type EntryView, type RecordView } from './board.ts';
import type { DiffRow } from './diff.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and quoted attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export interface PageFrame {
  title: string;
  /** Who the desk signs for: 王建国（ap-03）. */
  signer: string;
  /** A message after an act (signed, refused…), shown once. */
  flash?: { kind: 'ok' | 'error'; lines: string[] } | undefined;
}

export function page(frame: PageFrame, main: string): string {
  const flash = frame.flash
    ? `<div class="flash ${frame.flash.kind}" role="${frame.flash.kind === 'error' ? 'alert' : 'status'}">${frame.flash.lines.map((l) => `<p>${esc(l)}</p>`).join('')}</div>`
    : '';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${esc(frame.title)} · sealpress 审核台</title>
<link rel="stylesheet" href="/desk.css">
</head>
<body>
<a class="skip" href="#main">跳到正文</a>
<header class="top">
<p class="brand"><a href="/">sealpress 审核台</a></p>
<p class="who">审核人：${esc(frame.signer)}</p>
</header>
<main id="main">
${flash}
${main}
</main>
</body>
</html>
`;
}

const STATUS: Record<PlanEntry['status'], string> = { publishable: '可发布', pending: '待审批', refused: '不予发布', withdrawn: '已撤回', unpublished: '已下线' } as Record<PlanEntry['status'], string>;

/** The state as an approver reads it: held back only by approvals of an earlier version is 待重新批准, a standing rejection 已驳回. */
export function statusName(status: PlanEntry['status'], findings: readonly Diagnostic[] = []): string {
  if (findings.some((f) => f.rule === 'approval-rejected')) return '已驳回';
  if (status === 'refused' && findings.some((f) => f.rule === 'approval-stale') && findings.every((f) => f.severity !== 'error' || f.rule === 'approval-stale')) return '待重新批准';
  return STATUS[status] ?? status;
}

const entryLink = (path: string) => `/entry?path=${encodeURIComponent(path)}`;

function passphraseField(id: string, needed: boolean): string {
  if (!needed) return '';
  return `<p class="field"><label for="${id}">私钥口令</label>
<input id="${id}" name="passphrase" type="password" autocomplete="off" required>
<span class="hint">只用于这一次签名，不保存、不记录、不发送到别处。</span></p>`;
}

export interface QueueView {
  entries: PlanEntry[];
  titles: Map<string, string>;
  problems: string[];
  csrf: string;
  /** The key is not open yet: the page asks for its passphrase. */
  needPassphrase: boolean;
  sites: Map<string, string>;
  columns: Map<string, string>;
}

export function queuePage(q: QueueView): string {
  const problems = q.problems.length
    ? `<div class="flash error" role="alert"><p>您的证书现在不能签名：</p><ul>${q.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul></div>`
    : '';
  if (q.entries.length === 0) {
    return `<h1>待我审核</h1>${problems}<p>没有等待您审核的条目。写作者提交新版本后，刷新本页即可看到。</p>`;
  }
  const items = q.entries
    .map((e, i) => {
      const id = `e${i}`;
      return `<li class="card">
<input type="checkbox" id="${id}" name="path" value="${esc(e.path)}">
<input type="hidden" name="version" value="${esc(versionKey(e))}">
<label for="${id}">选择<span class="sr">：${esc(q.titles.get(e.path) ?? e.path)}</span></label>
<p class="title"><a href="${entryLink(e.path)}">${esc(q.titles.get(e.path) ?? e.path)}</a></p>
<p class="meta">${esc(q.sites.get(e.site) ?? e.site)} · ${esc(q.columns.get(e.column) ?? e.column)} · ${esc(statusName(e.status, e.findings))}</p>
<p class="path">${esc(e.path)}</p>
</li>`;
    })
    .join('\n');
  return `<h1>待我审核（${q.entries.length}）</h1>
${problems}
<p>打开条目可查看发布后的页面、与上次批准版本的差异和检查结果。勾选多个条目可一次批准：一条签名记录覆盖所选的全部条目。</p>
<form method="post" action="/sign">
<input type="hidden" name="csrf" value="${esc(q.csrf)}">
<input type="hidden" name="decision" value="approve">
<input type="hidden" name="back" value="/">
<ul class="queue">
${items}
</ul>
${passphraseField('pass-queue', q.needPassphrase)}
<p><button type="submit">批准所选条目</button></p>
</form>`;
}

function findingLine(d: Diagnostic): string {
  const where = d.location ? `${d.attachment ?? ''} › ${d.location}` : `第 ${d.line} 行`;
  const severity = d.severity === 'error' ? '错误' : d.severity === 'warning' ? '警告' : '提示';
  const fix = shownFix(d, 'zh');
  return `<li class="finding ${d.severity}"><p><span class="sev">${severity}</span> <code>${esc(d.rule)}</code> ${esc(where)}</p><p>${esc(shownMessage(d, 'zh'))}</p>${fix ? `<p class="fix">修改建议：${esc(fix)}</p>` : ''}</li>`;
}

function diffRows(rows: readonly DiffRow[]): string {
  return rows
    .map((r) => {
      if (r.kind === 'gap') return `<li class="gap">⋯ 省略未改动的 ${r.lines} 行</li>`;
      const num = r.kind === 'ins' ? r.newLine : r.oldLine;
      const sign = r.kind === 'ins' ? '+' : r.kind === 'del' ? '−' : ' ';
      const label = r.kind === 'ins' ? '新增' : r.kind === 'del' ? '删除' : '';
      const text = r.pieces.map((p) => (p.kind === 'same' ? esc(p.text) : p.kind === 'ins' ? `<ins>${esc(p.text)}</ins>` : `<del>${esc(p.text)}</del>`)).join('');
      return `<li class="${r.kind}"><span class="ln">${num ?? ''}</span><span class="sign" aria-hidden="true">${sign}</span>${label ? `<span class="sr">${label}：</span>` : ''}<span class="tx">${text || ' '}</span></li>`;
    })
    .join('\n');
}

function baselineSection(b: Baseline): string {
  const head = '<h2 id="diff">与上次批准版本的差异</h2>';
  switch (b.kind) {
    case 'never':
      return `${head}<p>此前没有人批准过这个条目的任何版本：请审核全文。</p>`;
    case 'same':
      return `${head}<p>当前版本就是 ${esc(b.by)} 于 ${esc(b.at)} 批准的版本，没有改动。</p>`;
    default: {
      const assets = b.assets.length
        ? `<h3>附件与图片</h3><ul class="assets">${b.assets
            .map(
              (a) =>
                `<li>${a.change === 'added' ? '新增' : a.change === 'removed' ? '删除' : '已更改'}：${esc(a.path)}${a.after ? ` <span class="digest">（SHA-256 ${esc(a.after.slice(0, 16))}…）</span>` : ''}${
                  a.text
                    ? a.text.rows.length
                      ? `<p>文件中的文字：新增 ${a.text.added} 处，删除 ${a.text.removed} 处。</p><ol class="diff" aria-label="${esc(a.path)} 的文字差异">${diffRows(a.text.rows)}</ol>`
                      : '<p>文件中的文字没有改动（改动在格式、图片或其他部分）。</p>'
                    : a.textProblem
                      ? `<p>${esc(a.textProblem)}</p>`
                      : ''
                }</li>`,
            )
            .join('')}</ul>`
        : '';
      if (b.kind === 'unavailable') return `${head}<p>${esc(b.by)} 于 ${esc(b.at)} 批准的是另一个版本，但找不到它的内容：${esc(b.why)}。请审核全文。</p>${assets}`;
      const text = b.text.rows.length
        ? `<p>与 ${esc(b.by)} 于 ${esc(b.at)} 批准的版本（提交 <code>${esc(b.commit.slice(0, 12))}</code>）相比：新增 ${b.text.added} 行，删除 ${b.text.removed} 行。</p><ol class="diff" aria-label="文本差异">${diffRows(b.text.rows)}</ol>`
        : `<p>正文与 ${esc(b.by)} 于 ${esc(b.at)} 批准的版本相同。</p>`;
      return `${head}${text}${assets}`;
    }
  }
}

function sourceSection(v: EntryView): string {
  if (v.source === undefined) return `<h2 id="source">全文</h2><p class="flash error" role="alert">${esc(v.sourceProblem ?? '')}</p>`;
  const byLine = new Map<number, Diagnostic[]>();
  for (const f of v.entry.findings) {
    if (f.file !== v.entry.path || f.line < 1) continue;
    byLine.set(f.line, [...(byLine.get(f.line) ?? []), f]);
  }
  const lines = v.source.replace(/\n$/, '').split('\n');
  const rows = lines
    .map((l, i) => {
      const here = byLine.get(i + 1) ?? [];
      const notes = here.length ? `<ul class="inline">${here.map(findingLine).join('')}</ul>` : '';
      return `<li${here.length ? ' class="flagged"' : ''}><span class="ln">${i + 1}</span><span class="tx">${esc(l) || ' '}</span>${notes}</li>`;
    })
    .join('\n');
  return `<h2 id="source">全文（检查结果标在所在行下）</h2><ol class="source" aria-label="条目全文">${rows}</ol>`;
}

function recordsSection(records: readonly RecordView[], audit: readonly string[]): string {
  const names: Record<string, string> = { submit: '提交', approve: '批准', reject: '驳回', withdraw: '撤回' };
  const rows = records.length
    ? `<ul class="records">${records
        .map(
          (r) =>
            `<li><p>${esc(r.at ?? '时间不明')} · ${esc(r.who ?? '签署人不明')} · <strong>${esc(r.decision ? (names[r.decision] ?? r.decision) : '无法验证')}</strong>${r.current ? '（当前版本）' : '（其他版本）'}</p>${r.reason ? `<p>理由：${esc(r.reason)}</p>` : ''}${r.problem ? `<p class="problem">签名记录被拒绝：${esc(r.problem)}</p>` : ''}<p class="path">${esc(r.file)}</p></li>`,
        )
        .join('')}</ul>`
    : '<p>还没有签名记录。</p>';
  const log = audit.length ? `<h3>审计日志</h3><ul class="audit">${audit.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : '<h3>审计日志</h3><p>审计日志中没有这个条目的记录。</p>';
  return `<h2 id="history">历史</h2>${rows}${log}`;
}

export interface EntryPageExtras {
  csrf: string;
  needPassphrase: boolean;
  /** The entry's page in the running preview of its site, if one runs. */
  previewUrl?: string | undefined;
  /** The preview could not start: why. */
  previewProblem?: string | undefined;
}

function previewSection(v: EntryView, x: EntryPageExtras): string {
  const head = '<h2 id="preview">发布后的页面</h2>';
  if (x.previewUrl) {
    return `${head}<p>与发布时相同的主题和渲染器（尚未发布的条目标有“未发布”）。<a href="${esc(x.previewUrl)}" target="_blank" rel="noopener">在新窗口打开</a></p><iframe class="preview" src="${esc(x.previewUrl)}" title="${esc(v.title)} 的页面预览"></iframe>`;
  }
  return `${head}${x.previewProblem ? `<p class="flash error" role="alert">预览无法启动：${esc(x.previewProblem)}</p>` : ''}
<form method="post" action="/preview"><input type="hidden" name="csrf" value="${esc(x.csrf)}"><input type="hidden" name="path" value="${esc(v.entry.path)}">
<p><button type="submit">生成页面预览</button> <span class="hint">首次生成约需十几秒。</span></p></form>`;
}

function actSection(v: EntryView, x: EntryPageExtras): string {
  const hidden = `<input type="hidden" name="csrf" value="${esc(x.csrf)}"><input type="hidden" name="path" value="${esc(v.entry.path)}"><input type="hidden" name="version" value="${esc(versionKey(v.entry))}"><input type="hidden" name="back" value="${esc(entryLink(v.entry.path))}">`;
  const approve = v.approveProblems.length
    ? `<h3>批准</h3><p>您不能批准这个版本：</p><ul>${v.approveProblems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`
    : `<h3>批准</h3><form method="post" action="/sign">${hidden}<input type="hidden" name="decision" value="approve">
${passphraseField('pass-approve', x.needPassphrase)}
<p><button type="submit">批准这个版本</button></p></form>`;
  const reject = v.rejectProblems.length
    ? `<h3>驳回</h3><p>您不能驳回这个版本：</p><ul>${v.rejectProblems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`
    : `<h3>驳回</h3><form method="post" action="/sign">${hidden}<input type="hidden" name="decision" value="reject">
<p class="field"><label for="reason">驳回理由（写作者会在检查结果和预览中看到）</label>
<textarea id="reason" name="reason" rows="3" maxlength="500" required></textarea></p>
${passphraseField('pass-reject', x.needPassphrase)}
<p><button type="submit" class="secondary">驳回这个版本</button></p></form>`;
  return `<h2 id="act">签署</h2><p>签名记录与 <code>sealpress approve</code> / <code>sealpress reject</code> 生成的完全相同，写入 content/_approvals/，请随内容一起提交。</p>${approve}${reject}`;
}

export function entryPage(v: EntryView, x: EntryPageExtras): string {
  const e = v.entry;
  const findings = e.findings.length ? `<ul class="findings">${e.findings.map(findingLine).join('')}</ul>` : '<p>没有检查结果。</p>';
  const who = `<h2 id="signers">签署情况</h2>
<p>已批准当前版本：${v.approvedBy.length ? esc(v.approvedBy.join('、')) : '还没有人'}</p>
${v.needs ? `<p>还需要：${esc(v.needs)}</p>` : ''}
${v.canApprove.length ? `<p>可以批准的人：${esc(v.canApprove.map((p) => `${p.name}（${p.id}）`).join('、'))}</p>` : ''}`;
  return `<p class="crumb"><a href="/">← 待我审核</a></p>
<h1>${esc(v.title)}</h1>
<dl class="facts">
<dt>状态</dt><dd><strong>${esc(statusName(e.status, e.findings))}</strong>：${esc(v.status)}</dd>
<dt>站点</dt><dd>${esc(v.siteName)}（${esc(e.site)}）</dd>
<dt>栏目</dt><dd>${esc(v.columnName)}</dd>
<dt>部门</dt><dd>${esc(v.departmentName)}</dd>
<dt>作者</dt><dd>${esc(e.frontMatter?.author ?? '')}</dd>
<dt>文件</dt><dd class="path">${esc(e.path)}</dd>
<dt>摘要</dt><dd class="path">SHA-256 ${esc(e.digest ?? '')}</dd>
</dl>
<nav aria-label="本页内容"><ul class="toc"><li><a href="#diff">差异</a></li><li><a href="#findings">检查结果</a></li><li><a href="#preview">页面</a></li><li><a href="#act">签署</a></li><li><a href="#history">历史</a></li></ul></nav>
${who}
${baselineSection(v.baseline)}
<h2 id="findings">检查结果</h2>
${findings}
${previewSection(v, x)}
${actSection(v, x)}
${sourceSection(v)}
${recordsSection(v.records, v.audit)}`;
}

export function messagePage(title: string, lines: readonly string[]): string {
  return `<h1>${esc(title)}</h1>${lines.map((l) => `<p>${esc(l)}</p>`).join('')}<p><a href="/">返回待我审核</a></p>`;
}

/** The desk's style sheet: AA contrast, visible focus, nothing wider than the screen at 320 px. */
export const DESK_CSS = `*{box-sizing:border-box}
html{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;line-height:1.6;color:#1a1a1a;background:#fff}
body{margin:0}
main{max-width:60rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}
a{color:#0b4fb3}
a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible,iframe:focus-visible{outline:3px solid #b35900;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
.top{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;padding:.5rem 1rem;background:#14365d;color:#fff}
.top a{color:#fff}.top p{margin:0}
h1{font-size:1.5rem;line-height:1.3}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #c8ced6}h3{font-size:1.05rem}
.flash{padding:.5rem 1rem;border-left:4px solid #14365d;background:#eef3f9;margin:1rem 0}
.flash.error{border-color:#a4161a;background:#fdeeee}
.queue{list-style:none;padding:0}
.card{border:1px solid #c8ced6;border-radius:4px;padding:.5rem .75rem;margin:.5rem 0}
.card .title{margin:.25rem 0;font-weight:bold}.card .meta{margin:0;color:#44505c}
.path{font-family:monospace;font-size:.85rem;color:#44505c;overflow-wrap:anywhere;margin:0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}.facts dd{margin:0;overflow-wrap:anywhere}
.toc{display:flex;flex-wrap:wrap;gap:.5rem 1rem;list-style:none;padding:0}
.diff,.source{list-style:none;padding:0;font-family:monospace;font-size:.9rem;border:1px solid #c8ced6}
.diff li,.source li{display:flex;flex-wrap:wrap;white-space:pre-wrap;overflow-wrap:anywhere;border-bottom:1px solid #eef0f2}
.ln{flex:0 0 3rem;text-align:right;padding-right:.5rem;color:#44505c;user-select:none}
.sign{flex:0 0 1rem}.tx{flex:1 1 0;min-width:0}
.diff .ins{background:#e6f4ea}.diff .del{background:#fbe9e7}
ins{background:#a6dbb5;text-decoration:underline}del{background:#f4b7ae;text-decoration:line-through}
.gap{color:#44505c;padding-left:3.5rem}
.flagged{background:#fff7e0}
.inline{flex-basis:100%;list-style:none;padding:0 0 0 3.5rem;font-family:sans-serif;white-space:normal}
.findings{padding-left:1.25rem}.finding p{margin:.1rem 0}
.sev{font-weight:bold}.error .sev{color:#a4161a}.warning .sev{color:#8a4b00}
.fix{color:#1f4d2b}
.field label{display:block;font-weight:bold}
input[type=password],textarea{width:100%;max-width:30rem;font:inherit;padding:.4rem;border:1px solid #5c6670;border-radius:3px}
.hint{display:block;color:#44505c;font-size:.9rem}
button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:4px;background:#14365d;color:#fff;cursor:pointer}
button.secondary{background:#8a1c1c}
.preview{width:100%;height:36rem;border:1px solid #c8ced6}
.records{padding-left:1.25rem}.records p{margin:.1rem 0}.problem{color:#a4161a}
.audit{font-family:monospace;font-size:.85rem;overflow-wrap:anywhere}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
code{overflow-wrap:anywhere}
`;
