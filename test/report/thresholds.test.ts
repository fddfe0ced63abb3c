/**
 * Staleness at the exact boundaries, with a fixed clock: "not updated for 2
 * weeks" is MORE than 14 calendar days (China time); 6 months is calendar
 * months, the same date six months on still fine, the next day stale.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { loadSiteGroup } from '../../pipeline/load/index.ts';
import type { Plan, PlanEntry } from '../../pipeline/plan/index.ts';
import { addMonths, buildReport, exceeds } from '../../pipeline/report/index.ts';
import { MAIN, makeRepo, SUB } from '../helpers/repo.ts';

const NOW = new Date('2026-11-27T12:00:00+08:00');
const at = (iso: string) => Date.parse(iso);

describe('exceeds', () => {
  test.for([
    { name: 'news: 14 days is fine', since: '2026-11-13T00:00:00+08:00', period: { days: 14 }, stale: false },
    { name: 'news: 15 days is stale', since: '2026-11-12T23:59:00+08:00', period: { days: 14 }, stale: true },
    { name: 'news: 14 days counted by China date, not 24-hour spans', since: '2026-11-13T23:59:59+08:00', period: { days: 14 }, stale: false },
    { name: 'news: UTC evening is the next China day', since: '2026-11-12T16:30:00Z', period: { days: 14 }, stale: false },
    { name: 'notice: exactly 6 months is fine', since: '2026-05-27T09:00:00+08:00', period: { months: 6 }, stale: false },
    { name: 'notice: 6 months and a day is stale', since: '2026-05-26T09:00:00+08:00', period: { months: 6 }, stale: true },
  ])('$name', ({ since, period, stale }) => {
    expect(exceeds(at(since), NOW.getTime(), period)).toBe(stale);
  });

  test.for([
    ['2026-08-31', 6, '2027-02-28'],
    ['2027-08-31', 6, '2028-02-29'],
    ['2026-05-27', 6, '2026-11-27'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2026-01-31', 1, '2026-02-28'],
  ] as const)('%s + %i months = %s', ([from, months, to]) => {
    expect(addMonths(from, months)).toBe(to);
  });
});

describe('buildReport at the boundaries', () => {
  const repo = makeRepo();
  afterAll(() => repo.cleanup());
  const group = loadSiteGroup(repo.root).group!;
  const entry = (column: string, date: string): PlanEntry => ({
    path: `content/${SUB}/${column}/x-${date}.md`,
    site: SUB,
    column,
    slug: `x-${date}`,
    format: 'md',
    status: 'publishable',
    findings: [],
    assets: [],
    frontMatter: { title: 't', date: `${date}T00:00:00+08:00`, author: 'a', department: 'bgs', disclosure: '主动公开' },
  });
  const plan = (entries: PlanEntry[]): Plan => ({ version: 1, now: NOW.toISOString(), approvals: { verified: true, note: '' }, entries, diagnostics: [] });
  const report = (entries: PlanEntry[]) => buildReport({ group, plan: plan(entries), now: NOW, period: { from: '2026-01-01', to: '2026-11-27' } }).sites.find((s) => s.code === SUB)!;

  test.for([
    { name: 'news column updated 14 days ago', column: 'gzdt', date: '2026-11-13', days: 14, stale: false },
    { name: 'news column updated 15 days ago', column: 'gzdt', date: '2026-11-12', days: 15, stale: true },
    { name: 'notice column updated exactly 6 months ago', column: 'tzgg', date: '2026-05-27', days: 184, stale: false },
    { name: 'notice column updated 6 months and a day ago', column: 'tzgg', date: '2026-05-26', days: 185, stale: true },
  ])('$name', ({ column, date, days, stale }) => {
    const c = report([entry(column, date)]).columns.find((x) => x.id === column)!;
    expect(c.daysSince).toBe(days);
    expect(c.stale).toBe(stale);
    expect(c.blank).toBe(false);
  });

  test.for([
    { name: 'home page updated 14 days ago is fine', date: '2026-11-13', stale: false },
    { name: 'home page updated 15 days ago is stale', date: '2026-11-12', stale: true },
  ])('$name', ({ date, stale }) => {
    // The newest entry of the site counts, whatever its column.
    const site = report([entry('tzgg', '2026-01-05'), entry('bszn', date)]);
    expect(site.homeStale).toBe(stale);
    expect(site.blankColumns).toEqual(['nszx', 'gzdt']);
  });

  test('a site with nothing published: every column blank, the home page stale', () => {
    const site = report([]);
    expect(site.blankColumns).toEqual(group.sites.get(SUB)!.columns);
    expect(site.staleColumns).toEqual([]);
    expect(site.homeStale).toBe(true);
    expect(site.lastUpdate).toBeUndefined();
  });

  test('an entry embargoed until later counts from its publishAt', () => {
    const e = entry('gzdt', '2026-10-01');
    e.frontMatter!.publishAt = '2026-11-20T08:00:00+08:00';
    const c = report([e]).columns.find((x) => x.id === 'gzdt')!;
    expect(c.daysSince).toBe(7);
    expect(c.stale).toBe(false);
  });

  test('the main site is not assessed for adoption but lists what it carries', () => {
    const r = buildReport({ group, plan: plan([]), now: NOW, period: { from: '2026-01-01', to: '2026-11-27' } });
    const main = r.sites.find((s) => s.code === MAIN)!;
    expect(main.adoption).toBeUndefined();
    expect(main.carried).toEqual([{ site: SUB, name: group.sites.get(SUB)!.name, adopted: 0 }]);
  });
});
