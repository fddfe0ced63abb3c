/**
 * A column change request (业务需求单) as an office approver asks for it:
 * drafted from what they give and checked against the group's tree first (a
 * problem is a sentence naming the option to fix), then, once signed,
 * verified the way every gate will before anything is left in the repository.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hasErrors } from '../diagnostics/index.ts';
import { EXIT, SealpressError } from '../errors/index.ts';
import { loadSiteGroup, loadTrustFiles } from '../load/index.ts';
import { keyStep, loadSigner, type Passphrases, type SignerFiles } from '../pki/signers.ts';
import { COLUMN_TYPES, type ColumnType, type Site, type SiteGroup } from '../model/index.ts';
import { verifyTrust } from '../trust/index.ts';
import { columnChangePath, defaultRequestId, signColumnChange, type ColumnAction, type ColumnChangeDraft } from './column-change.ts';
import { verifyColumnChanges } from './columns.ts';

/** What the office approver gives for one request. */
export interface ColumnRequestInput {
  site: string;
  action: ColumnAction;
  column: string;
  reason: string;
  department: string;
  /** YYYY-MM-DD; default the day of `now` in China time. */
  requested?: string | undefined;
  id?: string | undefined;
  name?: string | undefined;
  type?: string | undefined;
  category?: string | undefined;
  description?: string | undefined;
}

/** The draft to sign and where it goes, or why it cannot be asked for (a usage problem naming the option). */
export function draftColumnRequest(group: SiteGroup, input: ColumnRequestInput, now: Date): { draft: ColumnChangeDraft; site: Site; file: string } | { problem: string } {
  const { action, column: columnId } = input;
  const site = group.sites.get(input.site);
  if (!site) return { problem: `--site ${input.site} is not a site of the group (${[...group.sites.keys()].join(', ')})` };
  if (site.kind === 'main') return { problem: 'the main site carries the group tree itself: change sites/group.yaml instead' };
  const tree = group.columns.get(columnId);
  if (action === 'add' && tree) return { problem: `${columnId} is already a column of the group tree` };
  if (action !== 'add' && !tree) return { problem: `${columnId} is not a column of the group tree (${[...group.columns.keys()].join(', ')})` };

  const draft: ColumnChangeDraft = {
    id: input.id ?? defaultRequestId(action, columnId),
    site: site.code,
    action,
    column: columnId,
    reason: input.reason,
    department: input.department,
    requested: input.requested ?? new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10),
  };
  if (action === 'add') {
    if (!input.name || !input.type || !input.category) return { problem: '--add needs --name, --type and --category' };
    if (!(COLUMN_TYPES as readonly string[]).includes(input.type)) return { problem: `--type must be one of ${COLUMN_TYPES.join(', ')}` };
    if (!group.categories.some((c) => c.id === input.category)) return { problem: `--category must be one of ${group.categories.map((c) => c.id).join(', ')}` };
    draft.definition = { name: input.name, type: input.type as ColumnType, category: input.category, ...(input.description ? { description: input.description } : {}) };
  } else if (action === 'rename') {
    if (!input.name) return { problem: '--rename needs --name' };
    draft.name = input.name;
  } else if (input.name || input.type || input.category) {
    return { problem: '--drop takes no --name, --type or --category' };
  }
  return { draft, site, file: columnChangePath(site.code, draft.id) };
}

/** The change in a line, as the signer reviews it. */
export function describeColumnRequest(draft: ColumnChangeDraft): string {
  const id = draft.column;
  if (draft.action === 'add') return `add ${id}: ${draft.definition?.name} (${draft.definition?.type}, category ${draft.definition?.category})`;
  if (draft.action === 'rename') return `rename ${id} to ${draft.name}`;
  return `drop ${id}`;
}

/** Whether a request file is already there (it is never overwritten). */
export function columnRequestExists(root: string, file: string): boolean {
  return existsSync(join(root, file));
}

/**
 * Verify the signed request the way every gate will (the trust material at
 * `now`, the group), and only then write it (never over another file).
 * Returns why the gate would not accept it, writing nothing.
 */
export function acceptColumnRequest(options: { root: string; file: string; bytes: Uint8Array; group: SiteGroup; now: Date; trustAnchor?: string | undefined }): { ok: true } | { ok: false; why: string } {
  const { root, file, bytes, group, now } = options;
  const trust = verifyTrust(loadTrustFiles(root).files, { now, ...(options.trustAnchor ? { anchorFingerprint: options.trustAnchor } : {}) });
  const verdict = verifyColumnChanges([{ file, bytes }], trust.ok ? trust.trust : undefined, group, now);
  if (verdict.changes.length !== 1) return { ok: false, why: verdict.diagnostics.map((d) => d.message).join('; ') };
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), bytes, { flag: 'wx' });
  return { ok: true };
}

export interface ColumnRequestJob {
  root: string;
  now: Date;
  trustAnchor?: string | undefined;
  input: ColumnRequestInput;
  key: SignerFiles;
  passphrases: Passphrases;
  /** The request as the signer sees it before being asked. */
  review: (line: string) => void;
  confirm: (question: string) => Promise<boolean>;
}

/** What came of it: the configuration does not load, the file exists, the signer said no, the gate would not accept it (nothing left behind), or written. */
export type ColumnRequestOutcome = { kind: 'config' } | { kind: 'exists'; file: string } | { kind: 'declined' } | { kind: 'refused'; why: string } | { kind: 'written'; file: string; source: string };

/** Draft, show, ask, sign, and write the request once the gate accepts it. A problem with the options is a usage error naming the option. */
export async function columnRequestJob(o: ColumnRequestJob): Promise<ColumnRequestOutcome> {
  const { root, now } = o;
  const config = loadSiteGroup(root);
  if (!config.group || hasErrors(config.diagnostics)) return { kind: 'config' };
  const group = config.group;
  const drafted = draftColumnRequest(group, o.input, now);
  if ('problem' in drafted) throw new SealpressError('USAGE', drafted.problem);
  const { draft, site, file } = drafted;
  if (columnRequestExists(root, file)) return { kind: 'exists', file };

  const loaded = await keyStep(() => loadSigner(o.key, o.passphrases));
  o.review(`site        ${site.name} (${site.code})`);
  o.review(`change      ${describeColumnRequest(draft)}`);
  o.review(`reason      ${draft.reason}`);
  o.review(`department  ${draft.department}, requested ${draft.requested}`);
  o.review(`signer      ${loaded.cert.name ?? ''} (${loaded.cert.uid ?? ''})`);
  if (!(await o.confirm('Sign this column change request?'))) return { kind: 'declined' };
  const bytes = await keyStep(() => {
    try {
      return signColumnChange({ draft, signer: loaded.signer, now });
    } catch (cause) {
      throw new SealpressError('USAGE', (cause as Error).message, { cause });
    }
  });
  // Verify the way every gate will, before leaving anything in the repository.
  const accepted = acceptColumnRequest({ root, file, bytes, group, now, trustAnchor: o.trustAnchor });
  return accepted.ok ? { kind: 'written', file, source: site.source } : { kind: 'refused', why: accepted.why };
}

/** What a column request run says, on which stream (the file written on stdout, why not on stderr), and its exit code. */
export function columnRequestSaid(r: ColumnRequestOutcome): { stream: 'out' | 'err'; text: string; code: number } {
  switch (r.kind) {
    case 'written':
      return { stream: 'out', text: `wrote ${r.file} (commit it with the change to ${r.source})`, code: EXIT.OK };
    case 'config':
      return { stream: 'err', text: 'sealpress column: the site group configuration is invalid; run `sealpress check`', code: EXIT.CONFIG };
    case 'exists':
      return { stream: 'err', text: `sealpress column: ${r.file} exists; remove it first, or give another --id`, code: EXIT.CONFIG };
    case 'declined':
      return { stream: 'err', text: 'not signed', code: EXIT.REFUSED };
    default:
      return { stream: 'err', text: `sealpress column: the gate would not accept this request: ${r.why}`, code: EXIT.REFUSED };
  }
}
