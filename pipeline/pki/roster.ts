/**
 * What the acts that change the roster or the revocations check against the
 * site group and the repository: a person's fields, the ids a role may be
 * scoped to, people whose rights are revoked, and the signed records a
 * revocation freezes.
 */
import { SealpressError } from '../errors/index.ts';
import { freezable, verifiedSignedRecords, type SignedKind, type SignedRecord } from '../gate/freeze.ts';
import { loadColumnChanges } from '../govern/index.ts';
import { loadApprovalRecords, loadSignedRecords, WAIVERS_DIR } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { PERSON_ID, type ScopeIds, type Trust } from '../trust/index.ts';
import type { Refused } from './state.ts';

/** The ids a role may be scoped to: the group's sites, its column tree, and the departments of any site. */
export function scopeIdsOf(group: SiteGroup): ScopeIds {
  return { sites: group.sites, columns: group.columns, departments: new Set([...group.sites.values()].flatMap((s) => s.departments.map((d) => d.id))) };
}

/** A person's id, name, site and department, checked against the site group; problems name the option. */
export function checkPersonFields(group: SiteGroup, id: string | undefined, name: string | undefined, department: string | undefined, site: string | undefined, problems: string[]): void {
  if (id !== undefined && !PERSON_ID.test(id)) problems.push(`--id ${id}: a person id is 1–64 letters, digits, '.', '_' or '-'`);
  if (name !== undefined && name.trim() === '') problems.push('--name is empty');
  if (site !== undefined && !group.sites.has(site)) problems.push(`--site ${site} is not a site of the group (${[...group.sites.keys()].join(', ')})`);
  const s = site === undefined ? undefined : group.sites.get(site);
  if (s && department !== undefined && !s.departments.some((d) => d.id === department)) {
    problems.push(`--department ${department} is not a department of site ${site} (${s.departments.map((d) => d.id).join(', ')})`);
  }
}

/** Every problem collected, reported once (STYLE 8). */
export function reportProblems(problems: readonly string[]): void {
  if (problems.length === 1) throw new SealpressError('USAGE', problems[0]!);
  if (problems.length > 1) throw new SealpressError('USAGE', `${problems.length} problems:\n  ${problems.join('\n  ')}`);
}

/**
 * A person whose signing rights are revoked (by id) stays revoked for every
 * certificate, so a new one would never count: say so instead of issuing it.
 */
export function personRevoked(trust: Trust, id: string, now: Date): Refused | undefined {
  const revoked = trust.revocationIndex.person.get(id);
  if (!revoked || revoked.effectiveMs > now.getTime()) return undefined;
  return { refused: `sealpress keys: the signing rights of ${id} were revoked from ${revoked.effective} (${revoked.reason}); a new certificate would never count. A person who returns gets a new id.` };
}

/** The repository's signed records, verified against the current trust as the gate verifies them (gate/freeze.ts). */
export function signedRecordsOf(root: string, group: SiteGroup, trust: Trust): SignedRecord[] {
  return verifiedSignedRecords(
    { approvals: loadApprovalRecords(root).records, waivers: loadSignedRecords(root, WAIVERS_DIR).records, columnChanges: loadColumnChanges(root).records, group },
    trust,
  );
}

export { freezable, type SignedKind, type SignedRecord };

export const digestsOf = (records: readonly SignedRecord[]): string[] => [...new Set(records.map((r) => r.digest))].sort();

/** What a revocation froze: how many records of each kind, and their files. */
export type FrozenSummary = Record<SignedKind, number> & { files: string[] };

export function frozenSummary(records: readonly SignedRecord[]): FrozenSummary {
  const count = (k: SignedKind) => records.filter((r) => r.kind === k).length;
  return { approval: count('approval'), waiver: count('waiver'), 'column-change': count('column-change'), files: [...new Set(records.map((r) => r.file))].sort() };
}

const KIND_NAMES: Record<SignedKind, string> = { approval: 'approval record(s)', waiver: 'waiver(s)', 'column-change': 'column change request(s)' };

/** What a revocation froze, per kind, with the files: the administrators review them (a record planted after the effective time but dated before it would be among them). */
export function frozenLines(records: readonly SignedRecord[]): string[] {
  const summary = frozenSummary(records);
  const kinds = (Object.keys(KIND_NAMES) as SignedKind[]).map((k) => `${summary[k]} ${KIND_NAMES[k]}`).join(', ');
  const lines = [`  froze ${kinds}: these stay valid; any other record of the revoked key is refused, whatever signing time it claims`];
  for (const f of summary.files) lines.push(`    ${f}`);
  if (summary.files.length > 0) lines.push('  review this list: a record the key signed after the effective time but dated before it would be frozen too');
  return lines;
}
