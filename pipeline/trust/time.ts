/**
 * Instants in signed documents: ISO 8601 with seconds and an explicit offset,
 * nothing else. A signed time that two readers could interpret differently
 * (no zone, 24:00, 30 February) is refused rather than guessed.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** How far in the future a signing time may lie before it is refused: clocks of approvers' machines drift. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Milliseconds since the epoch, or undefined when the text is not a strict ISO instant. */
export function parseInstant(text: string): number | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (oh !== undefined && (Number(oh) > 23 || Number(om) > 59)) return undefined;
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : undefined;
}

export function isoInstant(t: number): string {
  return new Date(t).toISOString();
}
