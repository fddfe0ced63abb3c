/**
 * Roles in the roster: the grammar an administrator writes a grant in
 * (`ROLE[:sites=a,b;columns=x;departments=y]`), how a grant reads back, and
 * the separation-of-duties rule. Pure: no file, no clock. The one rule is
 * used where a roster is written (`keys issue` refuses the person) and where
 * it is read (verifyTrust refuses the roster), so a hand-signed roster cannot
 * do what the command refuses.
 */
import { ROLES, type RoleGrant, type Role, type Scope } from './documents.ts';

/** Roles that are not scoped to sites, columns or departments: they are held for the whole group. */
export const NON_SCOPED: readonly Role[] = ['security-admin', 'release-signer'];

/** The ids a grant may name: the site group's sites, columns and departments. */
export interface ScopeIds {
  sites: { has(id: string): boolean };
  columns: { has(id: string): boolean };
  departments: { has(id: string): boolean };
}

const scopeText = (s: Scope) => (s === '*' ? 'all' : s.join(','));

/** A grant as people read it: `approver (sites all; columns all; departments bgs)`. */
export const grantText = (g: RoleGrant) => (NON_SCOPED.includes(g.role) ? g.role : `${g.role} (sites ${scopeText(g.sites)}; columns ${scopeText(g.columns)}; departments ${scopeText(g.departments)})`);

/** A grant in the grammar parseRole reads, every scope written out, so that it parses back to the same grant. */
export const roleText = (g: RoleGrant) => `${g.role}:sites=${g.sites === '*' ? '*' : g.sites.join(',')};columns=${g.columns === '*' ? '*' : g.columns.join(',')};departments=${g.departments === '*' ? '*' : g.departments.join(',')}`;

/**
 * Parse `ROLE[:sites=a,b;columns=x;departments=y]`, checking every id against
 * the site group. A scope not given defaults to the person's own site and
 * department and every column (security-admin and release-signer: everything).
 * Problems are collected (every one is reported once) and name the option.
 */
export function parseRole(text: string, own: { site: string; department: string }, ids: ScopeIds, problems: string[]): RoleGrant | undefined {
  const colon = text.indexOf(':');
  const role = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!(ROLES as readonly string[]).includes(role)) {
    problems.push(`--role ${text}: "${role}" is not a role; use one of ${ROLES.join(', ')}`);
    return undefined;
  }
  const wide = NON_SCOPED.includes(role as Role);
  const grant: RoleGrant = { role: role as Role, sites: wide ? '*' : [own.site], columns: '*', departments: wide ? '*' : [own.department] };
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  for (const part of rest.split(';').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (key !== 'sites' && key !== 'columns' && key !== 'departments') {
      problems.push(`--role ${text}: "${key}" is not a scope; use sites=, columns= or departments=`);
      continue;
    }
    if (value === '') {
      problems.push(`--role ${text}: ${key}= is empty; list ids separated by commas, or *`);
      continue;
    }
    if (value === '*') {
      grant[key] = '*';
      continue;
    }
    const listed = [...new Set(value.split(',').map((v) => v.trim()).filter(Boolean))];
    const unknown = listed.filter((id) => !ids[key].has(id));
    if (unknown.length > 0) {
      const what = key === 'sites' ? 'site codes of the group' : key === 'columns' ? "columns of the group's column tree" : 'departments of any site';
      problems.push(`--role ${text}: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not one of the' : 'are not'} ${what}`);
      continue;
    }
    grant[key] = listed;
  }
  return grant;
}

/**
 * Separation of duties (Trust model 4): the people who run the PKI or sign
 * releases do not approve content. Undefined when the roles may be held together.
 */
export function dutiesProblem(roles: readonly Role[]): string | undefined {
  const set = new Set(roles);
  if (set.has('security-admin') && set.size > 1) return `security-admin cannot be combined with ${[...set].filter((r) => r !== 'security-admin').join(', ')}: security administrators are separate from writers, approvers and the release signer`;
  if (set.has('release-signer') && (set.has('approver') || set.has('office-approver'))) return 'release-signer cannot be combined with an approver role: the release signer does not approve content';
  return undefined;
}
