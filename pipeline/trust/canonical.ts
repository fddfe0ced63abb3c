/**
 * Canonical JSON for signed payloads, and a strict parser for reading them back.
 *
 * A payload is encoded once, signed, and from then on handled as the stored
 * bytes: verification never re-serialises (tuf-js habit; DESIGN "Trust model" 2).
 * The encoding is still canonical (sorted keys, no insignificant whitespace,
 * UTF-8, as RFC 8785 for the values we use) so two tools signing the same
 * object produce the same bytes and a countersignature can be checked by eye.
 *
 * The parser is strict where `JSON.parse` is lenient, because the input is
 * hostile: duplicate keys (which JSON.parse resolves silently to the last one,
 * so a reader and a verifier could disagree), lone surrogates, numbers that
 * overflow to Infinity, and nesting deep enough to exhaust the stack.
 */
import { TrustError } from './errors.ts';

const MAX_DEPTH = 64;
const LONE_SURROGATE = /\p{Cs}/u;

/** Encode a value as canonical JSON text. Throws `CANONICAL_INVALID` for anything JSON cannot carry exactly. */
export function canonicalJson(value: unknown): string {
  return encode(value, 0, '$');
}

/** Canonical JSON as UTF-8 bytes: what is signed and stored. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

function encode(value: unknown, depth: number, at: string): string {
  if (depth > MAX_DEPTH) throw new TrustError('CANONICAL_INVALID', `${at}: nested deeper than ${MAX_DEPTH} levels`);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TrustError('CANONICAL_INVALID', `${at}: ${String(value)} is not a finite number`);
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TrustError('CANONICAL_INVALID', `${at}: the string has a lone surrogate and is not valid Unicode`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => encode(v, depth + 1, `${at}[${i}]`)).join(',')}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TrustError('CANONICAL_INVALID', `${at}: only plain objects can be encoded (got ${(value as object).constructor?.name ?? 'an object'})`);
      }
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, which is the order RFC 8785 prescribes.
      const keys = Object.keys(record).sort();
      const parts: string[] = [];
      for (const key of keys) {
        if (LONE_SURROGATE.test(key)) throw new TrustError('CANONICAL_INVALID', `${at}: a key has a lone surrogate`);
        const v = record[key];
        if (v === undefined) throw new TrustError('CANONICAL_INVALID', `${at}.${key} is undefined; leave the field out instead`);
        parts.push(`${JSON.stringify(key)}:${encode(v, depth + 1, `${at}.${key}`)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TrustError('CANONICAL_INVALID', `${at}: a ${typeof value} cannot be encoded as JSON`);
  }
}

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; message: string; offset: number };

/**
 * Decode UTF-8 bytes (fatally: a malformed sequence is an error, a BOM is kept
 * and then refused by the parser) and parse them as strict JSON.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function parseStrictJsonBytes(bytes: Uint8Array): StrictJsonResult {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { ok: false, message: 'not valid UTF-8', offset: 0 };
  }
  return parseStrictJson(text);
}

/** Parse RFC 8259 JSON, refusing duplicate keys, lone surrogates, non-finite numbers and deep nesting. */
export function parseStrictJson(text: string): StrictJsonResult {
  const parser = new Parser(text);
  try {
    parser.ws();
    const value = parser.value(0);
    parser.ws();
    if (parser.i !== text.length) parser.fail('unexpected text after the JSON value');
    return { ok: true, value };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A run of string characters that need no attention: not a quote, backslash or control character. */
const PLAIN = /[^"\\\u0000-\u001f]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  i = 0;
  surrogate = false;
  constructor(readonly s: string) {}

  fail(message: string): never {
    throw new JsonSyntaxError(`${message} at offset ${this.i}`, this.i);
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case undefined:
        return this.fail('unexpected end of input (truncated?)');
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        return this.fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }

  literal<T>(word: string, value: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail('unexpected token');
    this.i += word.length;
    return value;
  }

  number(): number {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) return this.fail('malformed number');
    const n = Number(m[0]);
    if (!Number.isFinite(n)) this.fail('number out of range');
    this.i += m[0].length;
    return n;
  }

  string(): string {
    const s = this.s;
    this.i++; // opening quote
    let out = '';
    this.surrogate = false;
    for (;;) {
      // Skip a run of plain characters at once (certificates and base64 are long runs).
      PLAIN.lastIndex = this.i;
      PLAIN.test(s);
      const end = PLAIN.lastIndex;
      out += s.slice(this.i, end);
      this.i = end;
      if (this.i >= s.length) this.fail('unterminated string (truncated?)');
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        break;
      }
      if (c === 0x5c) {
        out += this.escape();
        continue;
      }
      this.fail('control character in a string');
    }
    // Decoded UTF-8 is always well-formed; only a \u escape can leave half a pair.
    if (this.surrogate && LONE_SURROGATE.test(out)) this.fail('a string has a lone surrogate');
    return out;
  }

  escape(): string {
    const e = this.s[this.i + 1];
    this.i += 2;
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.s.slice(this.i, this.i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('malformed \\u escape');
        this.i += 4;
        const code = parseInt(hex, 16);
        if (code >= 0xd800 && code <= 0xdfff) this.surrogate = true;
        return String.fromCharCode(code);
      }
      default:
        return this.fail('malformed escape');
    }
  }

  array(depth: number): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      if (c === ',') this.i++;
      else if (c === ']') {
        this.i++;
        return out;
      } else this.fail(c === undefined ? 'unexpected end of input (truncated?)' : 'expected , or ]');
    }
  }

  object(depth: number): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail(this.i >= this.s.length ? 'unexpected end of input (truncated?)' : 'expected a key');
      const keyAt = this.i;
      const key = this.string();
      // Two readers of a duplicated key can disagree on its value; refuse it.
      if (Object.hasOwn(out, key)) {
        this.i = keyAt;
        this.fail(`duplicate key ${JSON.stringify(key)}`);
      }
      this.ws();
      if (this.s[this.i] !== ':') this.fail('expected :');
      this.i++;
      this.ws();
      const v = this.value(depth + 1);
      // A "__proto__" key must stay data, not change the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.s[this.i];
      if (c === ',') this.i++;
      else if (c === '}') {
        this.i++;
        return out;
      } else this.fail(c === undefined ? 'unexpected end of input (truncated?)' : 'expected , or }');
    }
  }
}
