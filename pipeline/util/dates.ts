/**
 * Dates as writers write them. A date without a time zone is China Standard Time
 * (UTC+08:00), the time zone every site of the group publishes in.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?)?$/;

export const CHINA_OFFSET = '+08:00';

/** Parse `YYYY-MM-DD` or an ISO date-time; returns a normalised ISO string with an offset, or undefined. */
export function parseDateTime(text: string): string | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1990 || year > 2100 || month < 1 || month > 12 || day < 1) return undefined;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const offset = zone === undefined ? CHINA_OFFSET : zone === 'Z' ? '+00:00' : zone;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`;
}

export function epoch(iso: string): number {
  return Date.parse(iso);
}

/** An instant on China's wall clock, as ISO text without the zone: `2026-11-20T10:00:00.000`. */
function chinaWallClock(instant: Date | number): string {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 23);
}

/** `YYYY-MM-DD` of an instant, in China Standard Time. */
export function chinaDate(instant: Date | number): string {
  return chinaWallClock(instant).slice(0, 10);
}

/**
 * An instant as people read it: China Standard Time with its offset,
 * `2026-11-20T10:00:00+08:00`. Messages, reports and listings use this; signed
 * documents keep the instant exactly as it was signed.
 */
export function chinaTime(instant: Date | number): string {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(t)) return 'Invalid Date';
  return `${chinaWallClock(t).slice(0, 19)}${CHINA_OFFSET}`;
}

/** An instant to the millisecond in China Standard Time with its offset, `2026-11-20T10:00:00.000+08:00`: the audit log's stamps. */
export function chinaInstant(t: number): string {
  return `${chinaWallClock(t)}${CHINA_OFFSET}`;
}
