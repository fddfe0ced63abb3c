/**
 * Who may sign what, decided before anything is signed (`approve`, `withdraw`,
 * `submit`, and the review desk over the same calls). Pure: the gate's plan,
 * the verified trust and the records as the gate verified them go in; the
 * reasons a signer cannot sign an entry come out, each a sentence that says
 * what to do. Nothing is signed when any listed entry has one: refused for
 * another reason, the signer's own entry (they submitted a version of it, or
 * the author field names them: Trust model 4), outside the signer's scope, or
 * a certificate that is not in the roster, expired or revoked.
 */
import { sha256Hex } from '../fs/index.ts';
import {
  canFill,
  canSubmit,
  isAuthor,
  requirementsFor,
  scopeExplanation,
  slotsOf,
  submittersOf,
  writerScopeExplanation,
  type ApprovalEntry,
  type ApprovalItem,
  type Decision,
  type PreparedRecords,
  type Submitter,
} from '../approve/index.ts';
import { messageText, shownMessage, type Diagnostic } from '../diagnostics/index.ts';
import type { Lang, Text } from '../messages/text.ts';
import { APPROVALS_DIR } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { STATUS_ZH, type PlanEntry } from '../plan/index.ts';
import { chainProblemText, revocationAt, signingTimeProblem, type CertInfo, type RosterPerson, type Trust } from '../trust/index.ts';
import { chinaDate } from '../util/dates.ts';
import { assetDigests } from '../validate/index.ts';
import { approvalEntry } from '../gate/index.ts';
import { LABELS } from '../diagnostics/index.ts';

/** What the approval stage knows about a plan entry, or undefined when it could not be read (no front matter or digest). */
export function approvalEntryOf(e: PlanEntry, group: SiteGroup): ApprovalEntry | undefined {
  if (!e.frontMatter || e.digest === undefined) return undefined;
  return approvalEntry({ ...e, frontMatter: e.frontMatter, digest: e.digest }, group);
}

const APPROVAL_RULES = new Set(['approval-pending', 'approval-stale', 'approval-rejected']);

/** Findings that stop this entry from being approved: errors other than "changed since the last approval". */
function blocking(e: PlanEntry): Diagnostic[] {
  return e.findings.filter((f) => f.severity === 'error' && !APPROVAL_RULES.has(f.rule));
}

/** The writers who submitted a version of the entry, earliest first, as the gate verified their records. */
export function submitters(prepared: PreparedRecords, path: string): Submitter[] {
  return [...submittersOf(prepared.byPath.get(path) ?? []).values()].sort((a, b) => a.at - b.at);
}

/** The signer's approvals of the entry (any version), as record files. */
function ownApprovals(prepared: PreparedRecords, path: string, id: string): string[] {
  const files = (prepared.byPath.get(path) ?? []).filter((r) => r.record.payload?.decision === 'approve' && r.record.person?.id === id).map((r) => r.record.file);
  return [...new Set(files)].sort();
}

/** Who the certificate belongs to in the roster, and why it cannot sign at all now (not in the roster, expired, revoked). */
export function signerStanding(cert: CertInfo, trust: Trust, now: Date, lang: Lang = 'en'): { person?: RosterPerson; problems: string[] } {
  const problems: string[] = [];
  const push = (t: Text) => problems.push(t[lang]);
  const chain = chainProblemText(cert, trust.anchor.cert);
  if (chain) push({ zh: `您的证书不能签名：${chain.zh}`, en: `your certificate cannot sign: ${chain.en}` });
  const person = trust.personByCertificate.get(cert.fingerprint);
  if (!person) {
    push({
      zh: `您的证书 ${cert.fingerprint.slice(0, 16)}…（${cert.name ?? '?'}）不在已签名的人员名册中：请联系保密管理员（sealpress keys issue）`,
      en: `your certificate ${cert.fingerprint.slice(0, 16)}… (${cert.name ?? '?'}) is not listed in the signed roster: ask the security administrators (sealpress keys issue)`,
    });
    return { problems };
  }
  if (person.id !== cert.uid) push({ zh: `名册将该证书登记在 ${person.id} 名下，但证书载明的是 ${cert.uid ?? '（无）'}`, en: `the roster lists this certificate under ${person.id}, but it names ${cert.uid ?? 'nobody'}` });
  const time = signingTimeProblem(cert, trust.anchor.cert, now.getTime());
  if (time) push({ zh: `${time.zh}：请向保密管理员申请新证书（sealpress keys rotate --id ${person.id}）`, en: `${time.message}: ask the security administrators for a new certificate (sealpress keys rotate --id ${person.id})` });
  const revoked = revocationAt(trust.revocationIndex, person.id, cert.fingerprint, now.getTime());
  if (revoked) {
    push({
      zh: `${revoked.person !== undefined ? '您的签名权' : '该证书'}已自 ${revoked.effective} 起被吊销（${revoked.reason}）`,
      en: `${revoked.person !== undefined ? 'your signing rights were' : 'this certificate was'} revoked from ${revoked.effective} (${revoked.reason})`,
    });
  }
  return { person, problems };
}

/** What `entryProblems` reads besides the entry. */
export interface SigningContext {
  decision: Decision;
  group: SiteGroup;
  trust: Trust;
  /** The records as the gate verified them: who submitted each entry (its authors) and what the signer already signed. */
  prepared: PreparedRecords;
  /** The signer in the roster (undefined: not listed, and signerStanding says so). */
  person: RosterPerson | undefined;
  cert: CertInfo;
  /** The language of the findings quoted in the problems (default English). */
  lang?: Lang;
}

/** Why the signer cannot sign `decision` for this entry (empty: they can). */
export function entryProblems(e: PlanEntry, ctx: SigningContext): string[] {
  const { decision, person, prepared } = ctx;
  const lang = ctx.lang ?? 'en';
  const ae = approvalEntryOf(e, ctx.group);
  const problems: string[] = [];
  const why = { push: (t: Text) => problems.push(t[lang]) };
  const writers = submitters(prepared, e.path);
  if (!ae) return [lang === 'zh' ? '无法读取该条目（没有前置信息或摘要）' : 'it cannot be read (no front matter or digest)'];
  const quoted = (fs: readonly Diagnostic[]) => fs.map((f) => `${f.rule}${lang === 'zh' ? '：' : ': '}${shownMessage(f, lang)}`).join(lang === 'zh' ? '；' : '; ');
  if (decision === 'submit') {
    const others = blocking(e).filter((f) => f.rule !== 'approval-invalid');
    if (others.length > 0) why.push({ zh: `发布关口因审批以外的原因拒绝该条目；请先修改，再提交：${quoted(others)}`, en: `the gate refuses it for another reason than approval; fix that first, then submit: ${quoted(others)}` });
    if (person && !canSubmit(person, ae)) {
      const scope = writerScopeExplanation(person, ae);
      const grant = `sealpress keys issue --id ${person.id} --role writer:sites=${ae.site};departments=${ae.department}`;
      why.push({ zh: `您的角色无权提交该条目：${scope.zh}；由保密管理员授予 writer 角色（${grant}）`, en: `your roles do not let you submit it: ${scope.en}; the security administrators grant a writer role (${grant})` });
    }
    // Submitting makes the signer an author: their own approval of the entry would then be a self-approval.
    const approved = person ? ownApprovals(prepared, e.path, person.id) : [];
    if (approved.length > 0) {
      why.push({
        zh: `您已审批过该条目（${approved.join('、')}）：提交会使您成为其作者，而任何人都不得审批自己撰写的条目；请由其他撰稿人提交`,
        en: `you approved it (${approved.join(', ')}): a submission would make you its author, and nobody approves an entry they wrote; another writer submits it`,
      });
    }
  } else if (decision === 'approve' || decision === 'reject') {
    const stops = blocking(e);
    const badRecords = stops.filter((f) => f.rule === 'approval-invalid');
    const others = stops.filter((f) => f.rule !== 'approval-invalid');
    // A rejection may say no to an entry the gate refuses anyway: the writer learns why from the approver too.
    if (others.length > 0 && decision === 'approve') why.push({ zh: `发布关口因审批以外的原因拒绝该条目：${quoted(others)}`, en: `the gate refuses it for another reason than approval: ${quoted(others)}` });
    // A refused record keeps the entry refused whatever else is signed (fail closed): it must go first.
    if (badRecords.length > 0) {
      const records = badRecords.map((f) => shownMessage(f, lang)).join(lang === 'zh' ? '；' : '; ');
      why.push({ zh: `有一份涉及该条目的记录被拒绝，在删除或替换之前该条目一直不予发布：${records}`, en: `a record that names it is refused, and keeps it refused until it is removed or replaced: ${records}` });
    }
    const mine = person ? writers.find((w) => w.person.id === person.id) : undefined;
    if (person && mine) {
      why.push({
        zh: `您（${person.name}，${person.id}）是以撰稿人身份提交该条目的人（${mine.file}，${chinaDate(mine.at)}）：无论作者字段写的是谁，任何人都不得审批自己撰写的条目`,
        en: `you (${person.name}, ${person.id}) submitted it as its writer (${mine.file}, ${chinaDate(mine.at)}): nobody approves an entry they wrote, whatever its author field says`,
      });
    } else if (person && isAuthor(ae.author, person, ctx.cert)) {
      why.push({
        zh: `您（${person.name}，${person.id}）是该条目的作者（${ae.author ? `“${ae.author}”` : '未写作者，视为您本人'}）：任何人都不得审批自己的条目`,
        en: `you (${person.name}, ${person.id}) are its author (${ae.author ? `"${ae.author}"` : 'no author given, which counts as yours'}): nobody approves their own entry`,
      });
    }
  } else {
    const approvalFindings = e.findings.filter((f) => f.rule.startsWith('approval-') || f.rule === 'trust-invalid');
    const rules = approvalFindings.map((f) => f.rule).join(', ');
    if (e.status === 'withdrawn') why.push({ zh: '该条目已撤下', en: 'it is already withdrawn' });
    else if (e.status === 'refused' || approvalFindings.length > 0) {
      why.push({
        zh: `该条目未发布（${STATUS_ZH[e.status]}${approvalFindings.length ? `：${rules}` : ''}）：无可撤下`,
        en: `it is not published (${e.status}${approvalFindings.length ? `: ${rules}` : ''}): nothing to withdraw`,
      });
    }
  }
  if (person && decision !== 'submit') {
    const { require } = requirementsFor(ctx.trust.policy, ae);
    if (!slotsOf(require).some((s) => canFill(person, s, ae))) {
      const scope = scopeExplanation(person, require, ae);
      why.push({ zh: `您的角色不覆盖该条目：${scope.zh}`, en: `your roles do not cover it: ${scope.en}` });
    }
  }
  return problems;
}

/** What a record says about an entry it covers: the bytes it binds. */
export function approvalItem(ae: ApprovalEntry): ApprovalItem {
  return { path: ae.path, site: ae.site, column: ae.column, digest: ae.digest, assets: [...ae.assets] };
}

/** Whether the person's verified approval of these exact bytes is already on record (signing again would add nothing). */
function approvedAsIs(prepared: PreparedRecords, e: PlanEntry, id: string): boolean {
  return (prepared.byPath.get(e.path) ?? []).some((r) => !r.record.problem && r.record.payload?.decision === 'approve' && r.record.person?.id === id && r.item?.digest === e.digest);
}

/**
 * The queue of an approver: the entries of the plan that still wait for an
 * approval (approval-pending) which this signer may sign now (entryProblems
 * finds nothing) and has not already signed for these bytes. Empty when the
 * signer cannot sign at all (signerStanding).
 */
export function approvalQueue(entries: readonly PlanEntry[], ctx: Omit<SigningContext, 'decision' | 'person'>, now: Date): PlanEntry[] {
  const { person, problems } = signerStanding(ctx.cert, ctx.trust, now);
  if (!person || problems.length > 0) return [];
  const waiting = (e: PlanEntry) => e.findings.some((f) => f.rule === 'approval-pending');
  return entries.filter((e) => waiting(e) && !approvedAsIs(ctx.prepared, e, person.id) && entryProblems(e, { ...ctx, decision: 'approve', person }).length === 0);
}

const short = (digest: string) => `${digest.slice(0, 16)}…`;

/** The labels of the review, each as wide as the English (12 columns; a Chinese character takes two). */
const DESK = {
  en: { title: 'title       ', site: 'site        ', column: 'column      ', author: 'author      ', submitted: 'submitted   ', date: 'date        ', digest: 'digest      ', assets: 'assets      ', status: 'status      ', checks: 'checks      ', policy: 'policy      ' },
  zh: { title: '标题        ', site: '站点        ', column: '栏目        ', author: '作者        ', submitted: '提交人      ', date: '日期        ', digest: '摘要        ', assets: '附件        ', status: '状态        ', checks: '检查        ', policy: '审批规则    ' },
} as const satisfies Record<Lang, Record<string, string>>;
const MORE = '            ';

/** What a signer sees of an entry before signing, line by line. */
export function describeEntry(e: PlanEntry, group: SiteGroup, needs: string, writers: readonly Submitter[], lang: Lang = 'en'): string[] {
  const lines: string[] = [];
  const out = (s: string) => lines.push(s);
  const L = DESK[lang];
  const zh = lang === 'zh';
  const fm = e.frontMatter;
  const site = group.sites.get(e.site);
  const column = group.columns.get(e.column);
  const category = group.categories.find((c) => c.id === column?.category);
  const department = site?.departments.find((d) => d.id === fm?.department);
  const unreadable = zh ? '（无法读取）' : '(unreadable)';
  out(`${e.path}`);
  out(`  ${L.title}${fm?.title ?? unreadable}`);
  const kind = site ? (site.kind === 'main' ? (zh ? '（主站）' : ' (main site)') : zh ? '（子站）' : ' (sub-site)') : '';
  out(`  ${L.site}${e.site} ${site?.name ?? ''}${kind}`);
  out(`  ${L.column}${e.column} ${column?.name ?? ''}${category ? ` · ${category.name}` : ''}`);
  out(`  ${L.author}${fm?.author || (zh ? '（未署名）' : '(none)')} · ${zh ? '部门' : 'department'} ${fm?.department ?? '?'} ${department?.name ?? ''}`);
  // Who wrote it, as proven by their signatures (the author field above is only what the file says).
  const current = !e.findings.some((f) => f.rule === 'submission-pending');
  if (writers.length === 0) out(`  ${L.submitted}${zh ? '无：尚无撰稿人签署本条目（sealpress submit）' : 'by nobody: no writer has signed this entry (sealpress submit)'}`);
  for (const [i, w] of writers.entries()) out(`  ${i === 0 ? L.submitted : MORE}${zh ? `${w.person.name}（${w.person.id}）于 ${chinaDate(w.at)}，${w.file}` : `${w.person.name} (${w.person.id}) on ${chinaDate(w.at)}, ${w.file}`}`);
  if (writers.length > 0 && !current) out(`  ${MORE}${zh ? '（不是当前版本：最近一次提交后有改动）' : '(not this version: it changed after the last submission)'}`);
  if (fm?.date) out(`  ${L.date}${fm.date}`);
  out(`  ${L.digest}sha256 ${e.digest ? short(e.digest) : unreadable}`);
  const assets = assetDigests(e.assets);
  if (assets.length === 0) out(`  ${L.assets}${zh ? '无' : 'none'}`);
  for (const [i, a] of assets.entries()) out(`  ${i === 0 ? L.assets : MORE}${a.path} sha256 ${short(a.digest)}`);
  out(`  ${L.status}${zh ? STATUS_ZH[e.status] : e.status}`);
  if (e.findings.length === 0) out(`  ${L.checks}${zh ? '全部通过' : 'all passed'}`);
  for (const [i, f] of e.findings.entries()) out(`  ${i === 0 ? L.checks : MORE}${LABELS[lang][f.severity]} ${f.rule}${zh ? '：' : ': '}${shownMessage(f, lang)}`);
  if (needs) out(`  ${L.policy}${needs}`);
  return lines;
}

/** What the policy asks for the entry, in a line. */
export function policyNeeds(ae: ApprovalEntry, trust: Trust, lang: Lang = 'en'): string {
  const { rule, require } = requirementsFor(trust.policy, ae);
  if (lang === 'zh') {
    const parts = require.map((q) => `${q.count} 名 ${q.role}${q.sameDepartment || q.sameSite ? `（${[q.sameSite ? '同站点' : '', q.sameDepartment ? '同部门' : ''].filter(Boolean).join('、')}）` : ''}`);
    return `需要 ${parts.join(' + ')}（审批规则 v${trust.policy.version}，${rule === 'default' ? '默认规则' : `第 ${rule + 1} 条规则`}）`;
  }
  const parts = require.map((q) => `${q.count} ${q.role}${q.sameDepartment || q.sameSite ? ` (${[q.sameSite ? 'same site' : '', q.sameDepartment ? 'same department' : ''].filter(Boolean).join(', ')})` : ''}`);
  return `needs ${parts.join(' + ')} [policy v${trust.policy.version}, ${rule === 'default' ? 'default rule' : `rule ${rule + 1}`}]`;
}

/** The entry's state after signing, in a line: the findings' texts, without their codes (a finding keeps its code apart from its message). */
export function statusLine(e: PlanEntry, lang: Lang = 'en'): string {
  const pending = e.findings.find((f) => f.rule === 'approval-pending');
  if (lang === 'zh') return statusLineZh(e, pending);
  switch (e.status) {
    case 'publishable':
      return 'publishable';
    case 'pending':
      return pending ? `still pending: ${pending.message}` : `pending: ${e.findings.map((f) => f.message).join('; ')}`;
    case 'refused': {
      const errors = e.findings.filter((f) => f.severity === 'error');
      if (pending && errors.every((f) => f.rule === 'approval-stale')) return `still pending: ${pending.message} (approvals of earlier versions no longer count)`;
      return `refused: ${errors.map((f) => `${f.rule}: ${f.message}`).join('; ')}`;
    }
    case 'withdrawn':
      return `withdrawn: ${e.findings.filter((f) => f.rule === 'withdrawn').map((f) => f.message).join('; ')}`;
    default:
      return `${e.status}: ${e.findings.map((f) => f.message).join('; ')}`;
  }
}

/** statusLine in Chinese. */
function statusLineZh(e: PlanEntry, pending: Diagnostic | undefined): string {
  const text = (fs: readonly Diagnostic[]) => fs.map((f) => messageText(f, 'zh')).join('；');
  switch (e.status) {
    case 'publishable':
      return '可发布';
    case 'pending':
      return pending ? `仍待发布：${messageText(pending, 'zh')}` : `待发布：${text(e.findings)}`;
    case 'refused': {
      const errors = e.findings.filter((f) => f.severity === 'error');
      if (pending && errors.every((f) => f.rule === 'approval-stale')) return `仍待发布：${messageText(pending, 'zh')}（对旧版本的审批不再有效）`;
      return `不予发布：${errors.map((f) => `${f.rule}：${messageText(f, 'zh')}`).join('；')}`;
    }
    case 'withdrawn':
      return `已撤下：${text(e.findings.filter((f) => f.rule === 'withdrawn'))}`;
    default:
      return `${e.status}：${text(e.findings)}`;
  }
}

/**
 * content/_approvals/<site>/<YYYYMMDD>-<signer>-<8 hex of the record's SHA-256>[-withdraw|-submit].json,
 * or directly under content/_approvals/ when the batch spans sites (a damaged
 * record in a site's folder is then held against that site only).
 */
export function recordPath(items: readonly ApprovalItem[], signer: string, bytes: Uint8Array, now: Date, suffix: string): string {
  const sites = new Set(items.map((i) => i.site));
  const stamp = chinaDate(now).replaceAll('-', '');
  const hash = sha256Hex(bytes).slice(0, 8);
  return `${APPROVALS_DIR}/${sites.size === 1 ? `${[...sites][0]!}/` : ''}${stamp}-${signer}-${hash}${suffix}.json`;
}
