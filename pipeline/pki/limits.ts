/**
 * The limits on what `keys` makes, as given on the command line: key sizes
 * and lifetimes. Each throws a usage error naming the option.
 */
import { SealpressError } from '../errors/index.ts';
import { DEFAULT_RSA_BITS, MAX_CERT_DAYS, MIN_RSA_BITS } from '../trust/index.ts';

/** The root expires: a stale root must not keep the gate trusting forever (TUF's freeze protection). */
export const DEFAULT_ROOT_DAYS = 1825;

function usage(message: string): SealpressError {
  return new SealpressError('USAGE', message);
}

/** RSA key size: production 3072; a hidden --bits lets tests use 2048 (never fewer). */
export function keyBits(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RSA_BITS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_RSA_BITS) throw usage(`--bits must be a whole number ≥ ${MIN_RSA_BITS}`);
  return n;
}

/** A lifetime in whole days, at most `max`. */
export function validityDays(value: string | undefined, fallback: number, max: number, option: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usage(`${option} must be a whole number of days ≥ 1, found "${value}"`);
  // Certificates live at most 90 days: the rules require credentials to change every three months.
  if (n > max) throw usage(`${option} ${n} is longer than the ${max} days allowed${max === MAX_CERT_DAYS ? ' (the rules require credentials to change every three months)' : ''}`);
  return n;
}

/** How many days ahead `keys list` warns of an expiring certificate (default 14). */
export function warnDays(value: string | undefined): number {
  const days = value === undefined ? 14 : Number(value);
  if (!Number.isInteger(days) || days < 0) throw usage('--warn-days must be a whole number ≥ 0');
  return days;
}
