/**
 * Which approvals an entry needs, and who may give them. The policy's first
 * matching rule wins, the default otherwise; each requirement is expanded into
 * `count` slots, and a person may fill a slot when one of their roster roles
 * is that role and its scope covers the entry's site, column and department
 * (plus the same-site / same-department conditions of the requirement).
 */
import type { Text } from '../messages/text.ts';
import type { PolicyDocument, PolicyRule, Requirement, RoleGrant, RosterPerson, Scope, SiteKind } from '../trust/index.ts';
import type { AssetDigest } from './record.ts';

/** What the gate knows about an entry when it judges its approvals. */
export interface ApprovalEntry {
  /** content/<site>/<column>/<slug>.md */
  path: string;
  site: string;
  column: string;
  /** Category id of the column (xxgk, bsfw, …). */
  category: string;
  siteKind: SiteKind;
  /** Department id from the front matter. */
  department: string;
  /** The author as written in the front matter. */
  author: string;
  /** SHA-256 of the entry file, hex. */
  digest: string;
  /** Every asset the entry references, with its current SHA-256. */
  assets: readonly AssetDigest[];
}

export interface Slot {
  /** Index of the requirement this slot belongs to. */
  requirement: number;
  role: Requirement['role'];
  sameDepartment: boolean;
  sameSite: boolean;
}

const hit = (list: readonly string[] | undefined, value: string) => list === undefined || list.includes(value);

function matches(rule: PolicyRule, entry: ApprovalEntry): boolean {
  const m = rule.match;
  return hit(m.categories, entry.category) && hit(m.columns, entry.column) && hit(m.siteKinds, entry.siteKind) && hit(m.sites, entry.site);
}

/** The requirements for an entry: the first matching rule, else the default. */
export function requirementsFor(policy: PolicyDocument, entry: ApprovalEntry): { rule: number | 'default'; require: readonly Requirement[] } {
  const i = policy.rules.findIndex((r) => matches(r, entry));
  const rule = policy.rules[i];
  return rule ? { rule: i, require: rule.require } : { rule: 'default', require: policy.default.require };
}

export function slotsOf(require: readonly Requirement[]): Slot[] {
  const slots: Slot[] = [];
  require.forEach((q, requirement) => {
    for (let k = 0; k < q.count; k++) slots.push({ requirement, role: q.role, sameDepartment: q.sameDepartment, sameSite: q.sameSite });
  });
  return slots;
}

const inScope = (scope: Scope, value: string) => scope === '*' || scope.includes(value);

function grantCovers(g: RoleGrant, entry: Pick<ApprovalEntry, 'site' | 'column' | 'department'>): boolean {
  return inScope(g.sites, entry.site) && inScope(g.columns, entry.column) && inScope(g.departments, entry.department);
}

export function canFill(person: RosterPerson, slot: Slot, entry: ApprovalEntry): boolean {
  if (slot.sameDepartment && person.department !== entry.department) return false;
  if (slot.sameSite && person.site !== entry.site) return false;
  return person.roles.some((g) => g.role === slot.role && grantCovers(g, entry));
}

/**
 * Whether a person may submit the entry as its writer: a `writer` grant whose
 * scope covers the entry's site, column and department. Roles only, never the
 * front matter: who wrote an entry is proven by the writer's signature.
 */
export function canSubmit(person: RosterPerson, entry: Pick<ApprovalEntry, 'site' | 'column' | 'department'>): boolean {
  return person.roles.some((g) => g.role === 'writer' && grantCovers(g, entry));
}

const showScope = (s: Scope) => (s === '*' ? 'all' : s.join(', '));
const showScopeZh = (s: Scope) => (s === '*' ? '全部' : s.join('、'));

/** Why a person may not submit the entry, for the finding's message. */
export function writerScopeExplanation(person: RosterPerson, entry: Pick<ApprovalEntry, 'site' | 'column' | 'department'>): Text {
  const where = `site ${entry.site}, column ${entry.column}, department ${entry.department}`;
  const whereZh = `站点 ${entry.site}、栏目 ${entry.column}、部门 ${entry.department}`;
  const grants = person.roles.filter((g) => g.role === 'writer');
  const held = person.roles.map((g) => g.role);
  if (grants.length === 0) return { zh: `${person.name} 的角色为 ${held.join('、')}，不是提交本条目（${whereZh}）所需的 writer`, en: `${person.name} holds ${held.join(', ')}, not writer, which a submission of this entry (${where}) needs` };
  const parts = grants.map((g) => `writer for sites ${showScope(g.sites)}, columns ${showScope(g.columns)}, departments ${showScope(g.departments)}`);
  const partsZh = grants.map((g) => `writer（站点：${showScopeZh(g.sites)}；栏目：${showScopeZh(g.columns)}；部门：${showScopeZh(g.departments)}）`);
  return { zh: `${person.name} 的权限为 ${partsZh.join('；')}；本条目属于${whereZh}`, en: `${person.name} is ${parts.join('; ')}; this entry is ${where}` };
}

/** Why a person can fill none of the entry's slots, for the finding's message. */
export function scopeExplanation(person: RosterPerson, require: readonly Requirement[], entry: ApprovalEntry): Text {
  const wanted = [...new Set(require.map((q) => q.role))];
  const grants = person.roles.filter((g) => (wanted as string[]).includes(g.role));
  const where = `site ${entry.site}, column ${entry.column}, department ${entry.department}`;
  const whereZh = `站点 ${entry.site}、栏目 ${entry.column}、部门 ${entry.department}`;
  if (grants.length === 0) {
    const held = person.roles.map((g) => g.role);
    return { zh: `${person.name} 的角色为 ${held.join('、')}，不是本条目（${whereZh}）所需的 ${wanted.join(' 或 ')}`, en: `${person.name} holds ${held.join(', ')}, not ${wanted.join(' or ')}, which this entry (${where}) needs` };
  }
  const parts = grants.map((g) => `${g.role} for sites ${showScope(g.sites)}, columns ${showScope(g.columns)}, departments ${showScope(g.departments)}`);
  const partsZh = grants.map((g) => `${g.role}（站点：${showScopeZh(g.sites)}；栏目：${showScopeZh(g.columns)}；部门：${showScopeZh(g.departments)}）`);
  const unmet = require.filter((q) => (q.sameDepartment && person.department !== entry.department) || (q.sameSite && person.site !== entry.site));
  const conditions = unmet.map((q) => `the ${q.role} must be of ${q.sameDepartment ? `department ${entry.department}` : ''}${q.sameDepartment && q.sameSite ? ' at ' : ''}${q.sameSite ? `site ${entry.site}` : ''}`);
  const conditionsZh = unmet.map((q) => `${q.role} 须属于${[q.sameSite ? `站点 ${entry.site}` : '', q.sameDepartment ? `部门 ${entry.department}` : ''].filter(Boolean).join('的')}`);
  return {
    zh: `${person.name} 的权限为 ${partsZh.join('；')}（部门 ${person.department}，站点 ${person.site}）；本条目属于${whereZh}${conditionsZh.length ? `，且${conditionsZh.join('；')}` : ''}`,
    en: `${person.name} is ${parts.join('; ')} (of department ${person.department} at site ${person.site}); this entry is ${where}${conditions.length ? `, and ${conditions.join('; ')}` : ''}`,
  };
}

/** "1 office-approver, 1 approver of department zcfgk at site 19900000000" */
export function describeSlots(require: readonly Requirement[], missing: ReadonlyMap<number, number>, entry: ApprovalEntry): Text {
  const parts: string[] = [];
  const partsZh: string[] = [];
  require.forEach((q, i) => {
    const n = missing.get(i) ?? 0;
    if (n === 0) return;
    const cond = [q.sameDepartment ? `of department ${entry.department}` : '', q.sameSite ? `at site ${entry.site}` : ''].filter(Boolean).join(' ');
    parts.push(`${n} ${q.role}${cond ? ` ${cond}` : ''}`);
    const condZh = [q.sameSite ? `站点 ${entry.site}` : '', q.sameDepartment ? `部门 ${entry.department}` : ''].filter(Boolean).join('、');
    partsZh.push(`${n} 名${condZh ? `${condZh} 的` : ''} ${q.role}`);
  });
  return { zh: partsZh.join('和 '), en: parts.join(' and ') };
}
