/** Formatting for the report page (China time, Chinese labels). */
import type { EntryStatus } from '../../pipeline/model/index.ts';
import type { Period } from '../../pipeline/report/thresholds.ts';

export function day(iso: string | undefined): string {
  if (!iso) return '—';
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
}

export function period(p: Period): string {
  return 'days' in p ? `${p.days} 天` : `${p.months} 个月`;
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

const STATUS: Record<EntryStatus, string> = { publishable: '已发布', pending: '待审核', refused: '被拒绝', unpublished: '已下线', withdrawn: '已撤回' };
export function statusName(s: EntryStatus): string {
  return STATUS[s];
}
