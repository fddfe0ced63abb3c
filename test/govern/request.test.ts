/**
 * A column change request drafted by the library from what the office
 * approver gives, checked against the group's tree before anything is signed;
 * and a waiver's finding looked up in the gate's plan. No command line, a
 * fixed clock.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeColumnRequest, draftColumnRequest, type ColumnRequestInput } from '../../pipeline/govern/index.ts';
import { loadSiteGroup } from '../../pipeline/load/index.ts';
import type { SiteGroup } from '../../pipeline/model/index.ts';
import { findWaivable } from '../../pipeline/sign/index.ts';
import { entry, MAIN, makeRepo, NOW, SUB, type TestRepo } from '../helpers/repo.ts';

const ARREARS = `content/${MAIN}/tzgg/arrears.md`;
let repo: TestRepo;
let group: SiteGroup;

beforeAll(() => {
  // 110101198001011234 with its GB 11643 check digit, on line 8 of the entry.
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const body = '11010119800101123';
  const id = body + '10X98765432'[[...body].reduce((n, d, i) => n + Number(d) * weights[i]!, 0) % 11]!;
  repo = makeRepo({ [ARREARS]: entry({ title: '欠税公告' }, `欠税人身份证号码：${id}\n`) });
  const loaded = loadSiteGroup(repo.root);
  if (!loaded.group) throw new Error('fixture config invalid');
  group = loaded.group;
});
afterAll(() => repo.cleanup());

const ask = (input: Partial<ColumnRequestInput>) => draftColumnRequest(group, { site: SUB, action: 'drop', column: 'nszx', reason: '业务调整', department: '办公室', ...input }, NOW);

describe('drafting a column change request', () => {
  test.for([
    { name: 'a site that is not in the group', input: { site: '19909999999' }, problem: /^--site 19909999999 is not a site of the group \(19900000000, 19901000000\)$/ },
    { name: 'the main site', input: { site: MAIN }, problem: /change sites\/group\.yaml instead/ },
    { name: 'adding a column the tree has', input: { action: 'add', column: 'tzgg' }, problem: /tzgg is already a column of the group tree/ },
    { name: 'dropping a column the tree lacks', input: { column: 'nope' }, problem: /nope is not a column of the group tree \(tzgg, zcwj, bszn, nszx, gzdt\)/ },
    { name: 'adding without a type', input: { action: 'add', column: 'ssxc', name: '税收宣传' }, problem: /--add needs --name, --type and --category/ },
    { name: 'adding with an unknown type', input: { action: 'add', column: 'ssxc', name: '税收宣传', type: 'blog', category: 'xczl' }, problem: /^--type must be one of / },
    { name: 'adding under an unknown category', input: { action: 'add', column: 'ssxc', name: '税收宣传', type: 'news', category: 'nope' }, problem: /--category must be one of xxgk, bsfw, gzcy, xczl/ },
    { name: 'renaming without a name', input: { action: 'rename', column: 'bszn' }, problem: /--rename needs --name/ },
    { name: 'dropping with a name', input: { name: 'x' }, problem: /--drop takes no --name, --type or --category/ },
  ] as const)('refused: $name', ({ input, problem }) => {
    const drafted = ask(input as Partial<ColumnRequestInput>);
    expect('problem' in drafted && drafted.problem).toMatch(problem);
  });

  test('a drop: the default id, the file under sites/_changes/<site>/, the request date in China time', () => {
    const drafted = ask({});
    if ('problem' in drafted) throw new Error(drafted.problem);
    expect(drafted.file).toBe(`sites/_changes/${SUB}/drop-nszx.dsse.json`);
    // NOW is 2026-11-27 12:00 China time.
    expect(drafted.draft).toEqual({ id: 'drop-nszx', site: SUB, action: 'drop', column: 'nszx', reason: '业务调整', department: '办公室', requested: '2026-11-27' });
    expect(describeColumnRequest(drafted.draft)).toBe('drop nszx');
  });

  test('an add carries the column definition the site will declare', () => {
    const drafted = ask({ action: 'add', column: 'ssxc', name: '税收宣传', type: 'news', category: 'xczl', id: 'req-1', requested: '2026-11-02' });
    if ('problem' in drafted) throw new Error(drafted.problem);
    expect(drafted.draft.definition).toEqual({ name: '税收宣传', type: 'news', category: 'xczl' });
    expect(drafted.file).toBe(`sites/_changes/${SUB}/req-1.dsse.json`);
    expect(describeColumnRequest(drafted.draft)).toBe('add ssxc: 税收宣传 (news, category xczl)');
  });
});

describe('the finding a waiver would cover', () => {
  const at = () => ({ root: repo.root, now: NOW, path: `./${ARREARS}`, rule: 'personal-id' });

  test('found at its line: the waiver id and file name the entry, rule and position', async () => {
    const found = await findWaivable({ ...at(), line: 8 });
    if (found.kind !== 'found') throw new Error(found.kind);
    expect(found.entry.path).toBe(ARREARS);
    expect(found.id).toMatch(/^arrears-personal-id-8-\d+$/);
    expect(found.file).toBe(`content/_waivers/${found.id}.json`);
  });

  test('another line, another rule, an unknown entry: nothing to waive', async () => {
    expect((await findWaivable({ ...at(), line: 9 })).kind).toBe('no-finding');
    expect((await findWaivable({ ...at(), rule: 'personal-mobile', line: 8 })).kind).toBe('no-finding');
    expect((await findWaivable({ ...at(), path: `content/${MAIN}/tzgg/nope.md`, line: 8 })).kind).toBe('not-entry');
  });
});
