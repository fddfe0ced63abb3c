/**
 * The decisions the `keys` commands used to hold, called directly: the role
 * grammar an administrator writes grants in, the separation-of-duties rule,
 * and the default policy of a new group. Pure functions, no keys, no CLI.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadSiteGroup } from '../../pipeline/load/index.ts';
import type { SiteGroup } from '../../pipeline/model/index.ts';
import { scopeIdsOf } from '../../pipeline/pki/index.ts';
import { defaultPolicy, dutiesProblem, grantText, parseRole, readPolicy, roleText, ROLES, type Role, type RoleGrant, type ScopeIds } from '../../pipeline/trust/index.ts';
import { makeRepo, MAIN, SUB, type TestRepo } from '../helpers/repo.ts';

let repo: TestRepo;
let group: SiteGroup;
let ids: ScopeIds;
const own = { site: SUB, department: 'nsfwk' };

beforeAll(() => {
  repo = makeRepo();
  const loaded = loadSiteGroup(repo.root);
  group = loaded.group!;
  ids = scopeIdsOf(group);
});
afterAll(() => repo.cleanup());

const SITES = [MAIN, SUB];
const COLUMNS = ['tzgg', 'zcwj', 'bszn', 'nszx', 'gzdt'];
const DEPARTMENTS = ['bgs', 'zcfgc', 'nsfwk'];

function parsed(text: string): { grant: RoleGrant | undefined; problems: string[] } {
  const problems: string[] = [];
  return { grant: parseRole(text, own, ids, problems), problems };
}

describe('role grammar', () => {
  const scope = (known: string[]) => fc.oneof(fc.constant('*' as const), fc.uniqueArray(fc.constantFrom(...known), { minLength: 1 }));
  const grant = fc.record({ role: fc.constantFrom(...ROLES), sites: scope(SITES), columns: scope(COLUMNS), departments: scope(DEPARTMENTS) });

  test('a grant written with roleText parses back to the same grant, without a problem', () => {
    fc.assert(
      fc.property(grant, (g) => {
        expect(parsed(roleText(g))).toEqual({ grant: g, problems: [] });
      }),
    );
  });

  test('whatever is typed, parseRole never throws, and a grant without problems names only ids of the group', () => {
    const typed = fc.oneof(fc.string(), fc.tuple(fc.constantFrom(...ROLES, 'admin'), fc.string()).map(([r, rest]) => `${r}:${rest}`));
    fc.assert(
      fc.property(typed, (text) => {
        const { grant: g, problems } = parsed(text);
        if (problems.length > 0 || !g) return;
        expect(ROLES).toContain(g.role);
        for (const [key, known] of [['sites', SITES], ['columns', COLUMNS], ['departments', DEPARTMENTS]] as const) {
          if (g[key] !== '*') for (const id of g[key]) expect(known).toContain(id);
        }
      }),
    );
  });

  test.for([
    { name: 'an approver defaults to their own site and department, every column', text: 'approver', grant: { role: 'approver', sites: [SUB], columns: '*', departments: ['nsfwk'] } },
    { name: 'security-admin is held for the whole group', text: 'security-admin', grant: { role: 'security-admin', sites: '*', columns: '*', departments: '*' } },
    { name: 'release-signer is held for the whole group', text: 'release-signer', grant: { role: 'release-signer', sites: '*', columns: '*', departments: '*' } },
    { name: 'a scope replaces only its own default; spaces and repeats are dropped', text: ' office-approver : columns= tzgg, zcwj,tzgg ', grant: { role: 'office-approver', sites: [SUB], columns: ['tzgg', 'zcwj'], departments: ['nsfwk'] } },
    { name: 'departments of any site, sites by code', text: `writer:sites=${MAIN},${SUB};departments=bgs,zcfgc`, grant: { role: 'writer', sites: [MAIN, SUB], columns: '*', departments: ['bgs', 'zcfgc'] } },
  ])('$name', ({ text, grant: expected }) => {
    expect(parsed(text)).toEqual({ grant: expected, problems: [] });
  });

  test.for([
    ['admin', '--role admin: "admin" is not a role; use one of approver, office-approver, security-admin, release-signer, writer'],
    ['approver:topics=x', '--role approver:topics=x: "topics" is not a scope; use sites=, columns= or departments='],
    ['approver:columns=', '--role approver:columns=: columns= is empty; list ids separated by commas, or *'],
    ['approver:columns=tzgg,nope', "--role approver:columns=tzgg,nope: nope is not one of the columns of the group's column tree"],
    ['approver:sites=1,2', '--role approver:sites=1,2: 1, 2 are not site codes of the group'],
  ])('%s is refused with the option named', ([text, problem]) => {
    expect(parsed(text!).problems).toEqual([problem]);
  });

  test('grantText shows what a scoped grant covers, and only the name of a group-wide one', () => {
    expect(grantText({ role: 'approver', sites: [SUB], columns: '*', departments: ['nsfwk', 'bgs'] })).toBe(`approver (sites ${SUB}; columns all; departments nsfwk,bgs)`);
    expect(grantText({ role: 'security-admin', sites: '*', columns: '*', departments: '*' })).toBe('security-admin');
  });
});

describe('separation of duties (Trust model 4)', () => {
  test.for<{ roles: Role[]; refused: RegExp | undefined }>([
    { roles: ['security-admin'], refused: undefined },
    { roles: ['approver', 'office-approver', 'writer'], refused: undefined },
    { roles: ['release-signer', 'writer'], refused: undefined },
    { roles: ['security-admin', 'approver'], refused: /^security-admin cannot be combined with approver/ },
    { roles: ['writer', 'security-admin'], refused: /^security-admin cannot be combined with writer/ },
    { roles: ['security-admin', 'release-signer'], refused: /^security-admin cannot be combined with release-signer/ },
    { roles: ['release-signer', 'office-approver'], refused: /^release-signer cannot be combined with an approver role/ },
    { roles: ['approver', 'release-signer'], refused: /^release-signer cannot be combined with an approver role/ },
  ])('$roles', ({ roles, refused }) => {
    const problem = dutiesProblem(roles);
    if (refused) expect(problem).toMatch(refused);
    else expect(problem).toBeUndefined();
  });
});

describe('the default policy of a new group', () => {
  test('信息公开 needs the department and the office; a sub-site news column one approver of that site; the rest its department', () => {
    const policy = defaultPolicy(group, '2026-11-01T01:00:00.000Z');
    expect(policy).toEqual({
      type: 'policy',
      version: 1,
      signedAt: '2026-11-01T01:00:00.000Z',
      rules: [
        {
          match: { categories: ['xxgk'] },
          require: [
            { role: 'approver', count: 1, sameDepartment: true, sameSite: true },
            { role: 'office-approver', count: 1, sameDepartment: false, sameSite: false },
          ],
        },
        { match: { siteKinds: ['sub'], columns: ['gzdt'] }, require: [{ role: 'approver', count: 1, sameDepartment: false, sameSite: true }] },
      ],
      default: { require: [{ role: 'approver', count: 1, sameDepartment: true, sameSite: true }] },
    });
    // The gate's own reader accepts it: keys init never writes a policy the gate refuses.
    expect(readPolicy(policy).ok).toBe(true);
  });

  test('a group without 信息公开 and without news columns gets the default rule alone', () => {
    const plain: SiteGroup = { ...group, categories: group.categories.filter((c) => c.name !== '信息公开'), columns: new Map([...group.columns].filter(([, c]) => c.type !== 'news')) };
    const policy = defaultPolicy(plain, '2026-11-01T01:00:00.000Z');
    expect(policy.rules).toEqual([]);
    expect(readPolicy(policy).ok).toBe(true);
  });
});
