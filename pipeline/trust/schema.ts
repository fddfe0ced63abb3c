/**
 * A small reader for untrusted JSON that collects every problem instead of
 * stopping at the first (STYLE 8), and builds a typed copy of the known
 * fields. Unknown fields are left alone: they stay in the signed bytes, and a
 * later version of the gate may read them (forward compatibility).
 */
import { parseInstant } from './time.ts';

export type Json = Record<string, unknown>;

export const PERSON_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const SITE_CODE = /^\d{11}$/;
export const SLUG_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export class Reader {
  readonly problems: string[] = [];

  problem(at: string, message: string): void {
    this.problems.push(at === '' ? message : `${at}: ${message}`);
  }

  object(v: unknown, at: string): Json | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Json;
    this.problem(at, 'must be an object');
    return undefined;
  }

  string(o: Json, key: string, at: string, rule: { pattern?: RegExp; hint?: string; max?: number } = {}): string | undefined {
    const v = o[key];
    const where = join(at, key);
    if (typeof v !== 'string') {
      this.problem(where, v === undefined ? 'is required' : 'must be a string');
      return undefined;
    }
    return this.checkString(v, where, rule);
  }

  optionalString(o: Json, key: string, at: string, rule: { pattern?: RegExp; hint?: string; max?: number } = {}): string | undefined {
    if (o[key] === undefined) return undefined;
    return this.string(o, key, at, rule);
  }

  checkString(v: string, where: string, rule: { pattern?: RegExp; hint?: string; max?: number }): string | undefined {
    const max = rule.max ?? 1000;
    if (v.trim() === '') {
      this.problem(where, 'must not be empty');
      return undefined;
    }
    if (v.length > max) {
      this.problem(where, `is longer than ${max} characters`);
      return undefined;
    }
    if (rule.pattern && !rule.pattern.test(v)) {
      this.problem(where, `${JSON.stringify(v.slice(0, 80))} is not ${rule.hint ?? 'in the expected form'}`);
      return undefined;
    }
    return v;
  }

  /**
   * Refuse fields this version does not know, where ignoring one would widen
   * what is allowed (a policy condition, a role's scope): fail closed.
   */
  onlyKnown(o: Json, at: string, known: readonly string[]): void {
    for (const key of Object.keys(o)) {
      if (!known.includes(key)) this.problem(join(at, key), 'is not a field this version of the gate understands; ignoring a condition could widen it, so the document is refused');
    }
  }

  literal<T extends string | number>(o: Json, key: string, at: string, expected: T): T | undefined {
    if (o[key] === expected) return expected;
    this.problem(join(at, key), `must be ${JSON.stringify(expected)}`);
    return undefined;
  }

  oneOf<T extends string>(o: Json, key: string, at: string, allowed: readonly T[]): T | undefined {
    const v = o[key];
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    this.problem(join(at, key), `must be one of ${allowed.join(', ')}`);
    return undefined;
  }

  integer(o: Json, key: string, at: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = o[key];
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    this.problem(join(at, key), `must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}`);
    return undefined;
  }

  optionalBoolean(o: Json, key: string, at: string): boolean | undefined {
    const v = o[key];
    if (v === undefined || typeof v === 'boolean') return v;
    this.problem(join(at, key), 'must be true or false');
    return undefined;
  }

  /** An ISO instant with an offset; returns both the text and its time. */
  instant(o: Json, key: string, at: string): { text: string; t: number } | undefined {
    const text = this.string(o, key, at, { max: 40 });
    if (text === undefined) return undefined;
    const t = parseInstant(text);
    if (t === undefined) {
      this.problem(join(at, key), `${JSON.stringify(text)} is not an ISO 8601 date-time with seconds and an offset`);
      return undefined;
    }
    return { text, t };
  }

  optionalInstant(o: Json, key: string, at: string): { text: string; t: number } | undefined {
    return o[key] === undefined ? undefined : this.instant(o, key, at);
  }

  array(o: Json, key: string, at: string, min: number, max: number): unknown[] | undefined {
    const v = o[key];
    const where = join(at, key);
    if (!Array.isArray(v)) {
      this.problem(where, v === undefined ? 'is required' : 'must be a list');
      return undefined;
    }
    if (v.length < min) {
      this.problem(where, min === 1 ? 'must not be empty' : `needs at least ${min} items`);
      return undefined;
    }
    if (v.length > max) {
      this.problem(where, `has ${v.length} items; at most ${max} are allowed`);
      return undefined;
    }
    return v;
  }

  /** A list of distinct strings matching a pattern. */
  stringList(o: Json, key: string, at: string, rule: { pattern: RegExp; hint: string; min?: number; max?: number }): string[] | undefined {
    const list = this.array(o, key, at, rule.min ?? 1, rule.max ?? 10_000);
    if (!list) return undefined;
    const out: string[] = [];
    const seen = new Set<string>();
    let ok = true;
    list.forEach((v, i) => {
      const where = `${join(at, key)}[${i}]`;
      if (typeof v !== 'string') {
        this.problem(where, 'must be a string');
        ok = false;
        return;
      }
      if (this.checkString(v, where, rule) === undefined) {
        ok = false;
        return;
      }
      if (seen.has(v)) {
        this.problem(where, `${JSON.stringify(v)} is listed twice`);
        ok = false;
        return;
      }
      seen.add(v);
      out.push(v);
    });
    return ok ? out : undefined;
  }
}

export function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}
