/**
 * `sealpress approve`: an approver signs one record for a batch of entries,
 * after seeing exactly what they sign (title, site, column, author, the
 * writers who submitted it, digest, assets, the gate's findings). The record
 * binds the bytes (Trust model 2); the gate then counts it. Nothing is signed
 * when any listed entry cannot be approved by this signer: refused for another
 * reason, the signer's own entry (they submitted a version of it, or the
 * author field names them: Trust model 4), outside the signer's scope, or a
 * certificate that is not in the roster, expired or revoked. `withdraw` and a
 * writer's `submit` share this machinery.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  canFill,
  canSubmit,
  isAuthor,
  prepareRecordsParallel,
  requirementsFor,
  scopeExplanation,
  signApproval,
  slotsOf,
  submittersOf,
  writerScopeExplanation,
  type ApprovalEntry,
  type ApprovalItem,
  type Decision,
  type PreparedRecords,
  type Submitter,
} from '../approve/index.ts';
import type { Diagnostic } from '../diagnostics/index.ts';
import { SealpressError } from '../errors/index.ts';
import { runGate } from '../gate/index.ts';
import { APPROVALS_DIR, loadApprovalRecords } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import type { Plan, PlanEntry } from '../plan/index.ts';
import { chainProblem, isoInstant, revocationAt, signingTimeProblem, type CertInfo, type RosterPerson, type Trust } from '../trust/index.ts';
import { chinaDate } from '../util/dates.ts';
import { assetDigests } from '../validate/index.ts';
import { clock, parse, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { printDiagnostics, type Io } from './output.ts';
import { confirm, keyStep, loadSigner, requireConfirmable, type LoadedSigner } from './passphrase.ts';
import { readTrustState, requireTrust } from './trust.ts';
import { listed, recordAudit } from './audit-hook.ts';

/** The options, audit note and exit codes that `approve` and `submit` share. */
export const SIGN_HELP = `Options:
  --key FILE             your encrypted private key
  --cert FILE            your certificate (default: FILE with .key.pem → .cert.pem)
  --passphrase-file FILE the key's passphrase (first line); else $SEALPRESS_PASSPHRASE;
                         else asked on the terminal without echo
  --yes                  do not ask for confirmation (required when stdin is not a terminal)
  --json                 print { record, signer, entries: [{ path, before, status, findings }] }
                         on stdout (the review goes to stderr)
  --trust-anchor FP      the CA fingerprint pinned from outside the repository
                         (default: $SEALPRESS_TRUST_ANCHOR)
  --root DIR             the repository (default: the current folder)
  --now ISO              the signing time and the gate's clock (default: now)

Each signed record, and each refusal, is recorded in the audit log (sealpress
audit --help).

Exit codes: 0 signed, 1 refused (nothing signed, or you answered no), 2 usage or
key error (unknown entry, wrong passphrase, a key that is not its certificate's
(KEY_CERT_MISMATCH), key readable by others, no terminal to confirm on without
--yes), 5 the signature or refusal could not be recorded
in the audit log.`;

export const APPROVE_HELP = `Usage: sealpress approve <entry>... --key FILE [--cert FILE] [--passphrase-file FILE]
                        [--yes] [--json] [--trust-anchor FP] [--root DIR] [--now ISO]

Sign ONE approval record for the listed entries (content/<site>/<column>/<slug>.md).
The gate runs first; for each entry you see its title, site, column, author,
the writers who submitted it (sealpress submit), department, digest, assets and
check results, and what the policy needs. The
record binds the entry's bytes and its assets' bytes: change one byte and the
approval no longer counts.

Nothing is signed (exit 1) when any entry is refused for a reason other than
approval (approval-pending and approval-stale are why you approve), when you
submitted any version of it as its writer or its author field names you, when your roles cannot fill any approval the policy asks for it, or
when your certificate is not in the roster, expired or revoked, or the key is not
the certificate's.

The record is written to content/_approvals/<site>/<YYYYMMDD>-<your id>-<8 hex>.json
(content/_approvals/ when the batch spans sites); commit it. The gate then runs
again and says, per entry, whether it is publishable or who is still needed.

${SIGN_HELP}`;

/** A command that signs one record of `decision` for the entries it is given (`approve`, `submit`). */
export function signCommand(decision: Decision, help: string): (args: string[], io: Io) => Promise<number> {
  return async (args, io) => {
    const { values, positionals } = parse(args, SIGN_OPTIONS);
    if (values.help) {
      io.out(help);
      return EXIT.OK;
    }
    return signDecision(io, { decision, paths: positionals, values });
  };
}

export const approve = signCommand('approve', APPROVE_HELP);

export const SIGN_OPTIONS = {
  key: { type: 'string' },
  cert: { type: 'string' },
  'passphrase-file': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  'trust-anchor': { type: 'string' },
} as const;

export interface SignValues {
  key?: string | undefined;
  cert?: string | undefined;
  'passphrase-file'?: string | undefined;
  yes?: boolean | undefined;
  json?: boolean | undefined;
  'trust-anchor'?: string | undefined;
  root?: string | undefined;
  now?: string | undefined;
}

export interface SignRequest {
  decision: Decision;
  paths: readonly string[];
  values: SignValues;
  /** Why (withdraw). */
  reason?: string;
}

/** What the approval stage knows about a plan entry. */
export function approvalEntryOf(e: PlanEntry, group: SiteGroup): ApprovalEntry | undefined {
  if (!e.frontMatter || e.digest === undefined) return undefined;
  return {
    path: e.path,
    site: e.site,
    column: e.column,
    category: group.columns.get(e.column)?.category ?? '',
    siteKind: group.sites.get(e.site)?.kind ?? 'sub',
    department: e.frontMatter.department,
    author: e.frontMatter.author,
    digest: e.digest,
    assets: assetDigests(e.assets),
  };
}

/** An entry argument as a repo-relative POSIX path: relative to the current folder, else to --root. */
function entryPath(root: string, arg: string): string {
  const candidates = [resolve(arg), resolve(root, arg)];
  for (const abs of candidates) {
    const rel = relative(root, abs);
    if (!rel.startsWith('..') && !isAbsolute(rel) && existsSync(abs)) return rel.split(sep).join('/');
  }
  const rel = relative(root, resolve(root, arg));
  return rel.split(sep).join('/');
}

const APPROVAL_RULES = new Set(['approval-pending', 'approval-stale']);

/** Findings that stop this entry from being approved: errors other than "changed since the last approval". */
function blocking(e: PlanEntry): Diagnostic[] {
  return e.findings.filter((f) => f.severity === 'error' && !APPROVAL_RULES.has(f.rule));
}

/** The writers who submitted a version of the entry, earliest first, as the gate verified their records. */
function submitters(prepared: PreparedRecords, path: string): Submitter[] {
  return [...submittersOf(prepared.byPath.get(path) ?? []).values()].sort((a, b) => a.at - b.at);
}

/** Why the signer cannot sign at all now (certificate not in the roster, expired, revoked). */
function signerProblems(cert: CertInfo, trust: Trust, now: Date): { person?: RosterPerson; problems: string[] } {
  const problems: string[] = [];
  const chain = chainProblem(cert, trust.anchor.cert);
  if (chain) problems.push(`your certificate cannot sign: ${chain}`);
  const person = trust.personByCertificate.get(cert.fingerprint);
  if (!person) {
    problems.push(`your certificate ${cert.fingerprint.slice(0, 16)}… (${cert.name ?? '?'}) is not listed in the signed roster: ask the security administrators (sealpress keys issue)`);
    return { problems };
  }
  if (person.id !== cert.uid) problems.push(`the roster lists this certificate under ${person.id}, but it names ${cert.uid ?? 'nobody'}`);
  const time = signingTimeProblem(cert, trust.anchor.cert, now.getTime());
  if (time) problems.push(`${time.message}: ask the security administrators for a new certificate (sealpress keys rotate --id ${person.id})`);
  const revoked = revocationAt(trust.revocationIndex, person.id, cert.fingerprint, now.getTime());
  if (revoked) problems.push(`${revoked.person !== undefined ? 'your signing rights were' : 'this certificate was'} revoked from ${revoked.effective} (${revoked.reason})`);
  return { person, problems };
}

const short = (digest: string) => `${digest.slice(0, 16)}…`;

function describeEntry(out: (s: string) => void, e: PlanEntry, group: SiteGroup, needs: string, writers: readonly Submitter[]): void {
  const fm = e.frontMatter;
  const site = group.sites.get(e.site);
  const column = group.columns.get(e.column);
  const category = group.categories.find((c) => c.id === column?.category);
  const department = site?.departments.find((d) => d.id === fm?.department);
  out(`${e.path}`);
  out(`  title       ${fm?.title ?? '(unreadable)'}`);
  out(`  site        ${e.site} ${site?.name ?? ''}${site ? ` (${site.kind === 'main' ? 'main site' : 'sub-site'})` : ''}`);
  out(`  column      ${e.column} ${column?.name ?? ''}${category ? ` · ${category.name}` : ''}`);
  out(`  author      ${fm?.author || '(none)'} · department ${fm?.department ?? '?'} ${department?.name ?? ''}`);
  // Who wrote it, as proven by their signatures (the author field above is only what the file says).
  const current = !e.findings.some((f) => f.rule === 'submission-pending');
  if (writers.length === 0) out('  submitted   by nobody: no writer has signed this entry (sealpress submit)');
  for (const [i, w] of writers.entries()) out(`  ${i === 0 ? 'submitted   ' : '            '}${w.person.name} (${w.person.id}) on ${chinaDate(w.at)}, ${w.file}`);
  if (writers.length > 0 && !current) out('              (not this version: it changed after the last submission)');
  if (fm?.date) out(`  date        ${fm.date}`);
  out(`  digest      sha256 ${e.digest ? short(e.digest) : '(unreadable)'}`);
  const assets = assetDigests(e.assets);
  if (assets.length === 0) out('  assets      none');
  for (const [i, a] of assets.entries()) out(`  ${i === 0 ? 'assets      ' : '            '}${a.path} sha256 ${short(a.digest)}`);
  out(`  status      ${e.status}`);
  if (e.findings.length === 0) out('  checks      all passed');
  for (const [i, f] of e.findings.entries()) out(`  ${i === 0 ? 'checks      ' : '            '}${f.severity} ${f.rule}: ${f.message}`);
  if (needs) out(`  policy      ${needs}`);
}

function policyNeeds(ae: ApprovalEntry, trust: Trust): string {
  const { rule, require } = requirementsFor(trust.policy, ae);
  const parts = require.map((q) => `${q.count} ${q.role}${q.sameDepartment || q.sameSite ? ` (${[q.sameSite ? 'same site' : '', q.sameDepartment ? 'same department' : ''].filter(Boolean).join(', ')})` : ''}`);
  return `needs ${parts.join(' + ')} [policy v${trust.policy.version}, ${rule === 'default' ? 'default rule' : `rule ${rule + 1}`}]`;
}

/** The entry's state after signing, in a line. */
export function statusLine(e: PlanEntry): string {
  const strip = (m: string) => m.replace(/ \[[A-Z_]+\]$/, '');
  const pending = e.findings.find((f) => f.rule === 'approval-pending');
  switch (e.status) {
    case 'publishable':
      return 'publishable';
    case 'pending':
      return pending ? `still pending: ${strip(pending.message)}` : `pending: ${e.findings.map((f) => strip(f.message)).join('; ')}`;
    case 'refused': {
      const errors = e.findings.filter((f) => f.severity === 'error');
      if (pending && errors.every((f) => f.rule === 'approval-stale')) return `still pending: ${strip(pending.message)} (approvals of earlier versions no longer count)`;
      return `refused: ${errors.map((f) => `${f.rule}: ${strip(f.message)}`).join('; ')}`;
    }
    case 'withdrawn':
      return `withdrawn: ${e.findings.filter((f) => f.rule === 'withdrawn').map((f) => strip(f.message)).join('; ')}`;
    default:
      return `${e.status}: ${e.findings.map((f) => strip(f.message)).join('; ')}`;
  }
}

/** Refuse to write through a linked folder: the gate would not read a record there, and it could land outside the repository. */
function assertPlainFolders(root: string, rel: string): void {
  const parts = rel.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const abs = join(root, ...parts.slice(0, i));
    if (existsSync(abs) && lstatSync(abs).isSymbolicLink()) throw new SealpressError('CONFIG_INVALID', `${parts.slice(0, i).join('/')} is a symlink; approval records are written only into plain folders`);
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
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  return `${APPROVALS_DIR}/${sites.size === 1 ? `${[...sites][0]!}/` : ''}${stamp}-${signer}-${hash}${suffix}.json`;
}

type Gate = { group: SiteGroup; plan: Plan };

async function gate(io: Io, root: string, now: Date, anchor: string | undefined): Promise<Gate | undefined> {
  const result = await runGate({ root, now, ...(anchor ? { trustAnchor: anchor } : {}) });
  if (result.ok) return { group: result.group, plan: result.plan };
  printDiagnostics(io, root, result.configDiagnostics);
  io.err('sealpress: the site group configuration (sites/) is invalid; fix the errors above. Nothing was signed.');
  return undefined;
}

const TITLES: Record<Decision, string> = { approve: 'Approval', withdraw: 'Withdrawal', submit: 'Submission' };
const NOUNS: Record<Decision, string> = { approve: 'approval', withdraw: 'withdrawal', submit: 'submission' };

/** Approve, withdraw or submit: review, check, confirm, sign one record, write it, gate again. */
export async function signDecision(io: Io, request: SignRequest): Promise<number> {
  const { decision, values } = request;
  const command = decision;
  if (request.paths.length === 0) throw new SealpressError('USAGE', `name the entr${decision === 'withdraw' ? 'y' : 'ies'} to ${command} (content/<site>/<column>/<slug>.md)`);
  if (values.key === undefined) throw new SealpressError('USAGE', '--key FILE is required: your encrypted private key');
  requireConfirmable(values.yes);
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const anchor = trustAnchor(values['trust-anchor']).trustAnchor;
  const review = values.json ? io.err : io.out;

  // A key that is not the certificate's (KEY_CERT_MISMATCH) stops here, before anything is signed: exit 2, as from every command.
  const signer: LoadedSigner = await loadSigner({ key: values.key, cert: values.cert, passphraseFile: values['passphrase-file'], option: '--key', passphraseOption: '--passphrase-file' }, io);

  const before = await gate(io, root, now, anchor);
  if (!before) return EXIT.CONFIG;
  const state = readTrustState(root, now, anchor);
  const trust = requireTrust(io, state, `signing (nothing you sign could be verified)`);
  if (typeof trust === 'number') return trust;

  const paths = [...new Set(request.paths.map((p) => entryPath(root, p)))];
  const byPath = new Map(before.plan.entries.map((e) => [e.path, e]));
  const missing = paths.filter((p) => !byPath.has(p));
  if (missing.length > 0) throw new SealpressError('USAGE', `not an entry the gate knows: ${missing.join(', ')} (entries are content/<site>/<column>/<slug>.md or .mdx)`);
  const entries = paths.map((p) => byPath.get(p)!);
  // The records as the gate verified them: who submitted each entry (its authors) and what this signer already signed.
  const prepared = await prepareRecordsParallel(loadApprovalRecords(root).records, trust);

  const { person, problems } = signerProblems(signer.cert, trust, now);
  const items: ApprovalItem[] = [];
  for (const e of entries) {
    const ae = approvalEntryOf(e, before.group);
    const why: string[] = [];
    const writers = submitters(prepared, e.path);
    if (!ae) why.push('it cannot be read (no front matter or digest)');
    else {
      if (decision === 'submit') {
        const others = blocking(e).filter((f) => f.rule !== 'approval-invalid');
        if (others.length > 0) why.push(`the gate refuses it for another reason than approval; fix that first, then submit: ${others.map((f) => `${f.rule}: ${f.message}`).join('; ')}`);
        if (person && !canSubmit(person, ae)) {
          why.push(`your roles do not let you submit it: ${writerScopeExplanation(person, ae)}; the security administrators grant a writer role (sealpress keys issue --id ${person.id} --role writer:sites=${ae.site};departments=${ae.department})`);
        }
        // Submitting makes the signer an author: their own approval of the entry would then be a self-approval.
        const approved = person ? ownApprovals(prepared, e.path, person.id) : [];
        if (approved.length > 0) why.push(`you approved it (${approved.join(', ')}): a submission would make you its author, and nobody approves an entry they wrote; another writer submits it`);
      } else if (decision === 'approve') {
        const stops = blocking(e);
        const badRecords = stops.filter((f) => f.rule === 'approval-invalid');
        const others = stops.filter((f) => f.rule !== 'approval-invalid');
        if (others.length > 0) why.push(`the gate refuses it for another reason than approval: ${others.map((f) => `${f.rule}: ${f.message}`).join('; ')}`);
        // A refused record keeps the entry refused whatever else is signed (fail closed): it must go first.
        if (badRecords.length > 0) why.push(`a record that names it is refused, and keeps it refused until it is removed or replaced: ${badRecords.map((f) => f.message).join('; ')}`);
        const mine = person ? writers.find((w) => w.person.id === person.id) : undefined;
        if (person && mine) why.push(`you (${person.name}, ${person.id}) submitted it as its writer (${mine.file}, ${chinaDate(mine.at)}): nobody approves an entry they wrote, whatever its author field says`);
        else if (person && isAuthor(ae.author, person, signer.cert)) why.push(`you (${person.name}, ${person.id}) are its author (${ae.author ? `"${ae.author}"` : 'no author given, which counts as yours'}): nobody approves their own entry`);
      } else {
        const approvalFindings = e.findings.filter((f) => f.rule.startsWith('approval-') || f.rule === 'trust-invalid');
        if (e.status === 'withdrawn') why.push('it is already withdrawn');
        else if (e.status === 'refused' || approvalFindings.length > 0) why.push(`it is not published (${e.status}${approvalFindings.length ? `: ${approvalFindings.map((f) => f.rule).join(', ')}` : ''}): nothing to withdraw`);
      }
      if (person && decision !== 'submit') {
        const { require } = requirementsFor(trust.policy, ae);
        if (!slotsOf(require).some((s) => canFill(person, s, ae))) why.push(`your roles do not cover it: ${scopeExplanation(person, require, ae)}`);
      }
      items.push({ path: ae.path, site: ae.site, column: ae.column, digest: ae.digest, assets: [...ae.assets] });
    }
    for (const w of why) problems.push(`${e.path}: ${w}`);
  }

  const who = person ? `${person.name} (${person.id}), ${person.roles.map((g) => g.role).join(' + ')}` : (signer.cert.name ?? 'unknown signer');
  review(`${TITLES[decision]} of ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} by ${who}, at ${now.toISOString()}, under policy v${trust.policy.version}${request.reason ? `; reason: ${request.reason}` : ''}:`);
  for (const e of entries) {
    review('');
    const ae = approvalEntryOf(e, before.group);
    describeEntry(review, e, before.group, ae ? policyNeeds(ae, trust) : '', submitters(prepared, e.path));
  }
  review('');

  const audited = listed(entries.map((e) => e.path));
  const sites = [...new Set(entries.map((e) => e.site))];
  if (problems.length > 0 || !person) {
    io.err(`sealpress ${command}: refused, nothing was signed:`);
    for (const p of problems) io.err(`  - ${p}`);
    if (values.json) io.out(JSON.stringify({ signed: false, problems }, null, 2));
    // The actor is named only when the roster knows the certificate; otherwise its fingerprint is what is known.
    const who = person ? { actor: person.id } : {};
    const details = { ...audited.details, certificate: signer.cert.fingerprint, problems: problems.length };
    return recordAudit(io, { root, now: values.now }, { action: decision, ...who, sites, entries: audited.entries, outcome: 'refused', details }, EXIT.REFUSED);
  }
  if (!(await confirm(`Sign this ${NOUNS[decision]} as ${person.name}?`, values.yes))) {
    io.err('nothing was signed');
    return EXIT.REFUSED;
  }

  const bytes = await keyStep(() =>
    signApproval({ entries: items, decision, ...(request.reason !== undefined ? { reason: request.reason } : {}), signer: signer.signer, now, policyVersion: trust.policy.version }),
  );
  const rel = recordPath(items, person.id, bytes, now, decision === 'approve' ? '' : `-${decision}`);
  assertPlainFolders(root, rel);
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), bytes, { flag: 'wx' });

  const after = await gate(io, root, now, anchor);
  const afterByPath = new Map((after?.plan.entries ?? []).map((e) => [e.path, e]));
  const report = entries.map((e) => {
    const now2 = afterByPath.get(e.path);
    return { path: e.path, before: e.status, status: now2?.status ?? 'missing', line: now2 ? statusLine(now2) : 'not found after signing', findings: now2?.findings ?? [] };
  });
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          signed: true,
          record: rel,
          decision,
          signer: person.id,
          signedAt: isoInstant(now.getTime()),
          entries: report.map((r) => ({ path: r.path, before: r.before, status: r.status, summary: r.line, findings: r.findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message })) })),
        },
        null,
        2,
      ),
    );
  } else {
    io.out(`wrote ${rel} (commit it with the content)`);
    for (const r of report) io.out(`  ${r.path}: ${r.line}`);
  }
  const details = { ...audited.details, record: rel, sha256: createHash('sha256').update(bytes).digest('hex'), policy: trust.policy.version, ...(request.reason !== undefined ? { reason: request.reason } : {}) };
  return recordAudit(io, { root, now: values.now }, { action: decision, actor: person.id, sites, entries: audited.entries, outcome: 'ok', details }, EXIT.OK);
}

/** The signer's approvals of the entry (any version), as record files. */
function ownApprovals(prepared: PreparedRecords, path: string, id: string): string[] {
  const files = (prepared.byPath.get(path) ?? []).filter((r) => r.record.payload?.decision === 'approve' && r.record.person?.id === id).map((r) => r.record.file);
  return [...new Set(files)].sort();
}
