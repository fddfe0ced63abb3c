import type { RuleId } from '../diagnostics/rules.ts';
import type { Text } from '../messages/text.ts';

/**
 * A small reader for untrusted YAML objects that collects every problem instead of
 * stopping at the first (a writer fixes them all in one round), each with the path
 * to the offending value so the caller can turn it into `file:line:column`.
 */
export type Path = (string | number)[];

export interface FieldIssue {
  path: Path;
  /** In English. */
  message: string;
  /** The message and the fix in Chinese (every issue has them: the gate prints Chinese by default). */
  zh: { message: string; fix?: string };
  /** Point at the key rather than the value (unknown keys). */
  atKey?: boolean;
  /** Rule id override; callers pick a default. */
  rule?: RuleId;
  fix?: string;
}

/** A value description (what `wrong` says a field must be) in Chinese; a hint it does not know (a format such as YYYY-MM-DD) is given as it is. */
export function hintZh(expected: string): string {
  const known: Record<string, string> = { text: '文本', 'non-empty text': '非空文本', 'true or false': ' true 或 false', 'a positive whole number': '正整数', 'a list': '列表' };
  if (Object.hasOwn(known, expected)) return known[expected]!;
  if (expected.startsWith('one of ')) return `以下之一：${expected.slice('one of '.length)}`;
  if (expected.startsWith('of the form ')) return `格式 ${expected.slice('of the form '.length)}`;
  return ` ${expected}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface StringOptions {
  max?: number;
  pattern?: RegExp;
  patternHint?: string;
}

export class Fields {
  constructor(
    readonly value: Record<string, unknown>,
    readonly path: Path,
    readonly issues: FieldIssue[],
  ) {}

  static of(value: unknown, path: Path, issues: FieldIssue[], what: string): Fields | undefined {
    if (!isRecord(value)) {
      issues.push({ path, message: `${what} must be a mapping of keys to values, found ${describe(value)}`, zh: { message: `${what} 应为键值映射，实际为 ${describe(value)}` } });
      return undefined;
    }
    return new Fields(value, path, issues);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  private missing(key: string): undefined {
    this.issues.push({ path: this.path, message: `required field \`${key}\` is missing`, fix: `add \`${key}:\``, zh: { message: `缺少必填字段 \`${key}\``, fix: `添加 \`${key}:\`` } });
    return undefined;
  }

  private wrong(key: string, expected: string, found: unknown): undefined {
    const zh = hintZh(expected);
    this.issues.push({
      path: [...this.path, key],
      message: `\`${key}\` must be ${expected}, found ${describe(found)}`,
      fix: `write \`${key}:\` as ${expected}`,
      zh: { message: `\`${key}\` 应为${zh}，实际为 ${describe(found)}`, fix: `将 \`${key}:\` 写为${zh}` },
    });
    return undefined;
  }

  requiredString(key: string, options: StringOptions = {}): string | undefined {
    return this.has(key) ? this.optionalString(key, options) : this.missing(key);
  }

  optionalString(key: string, options: StringOptions = {}): string | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    // Numbers written without quotes (codes, phone numbers) are accepted as their text.
    const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
    if (typeof s !== 'string') return this.wrong(key, 'text', v);
    const text = s.trim();
    if (text === '') return this.wrong(key, 'non-empty text', v);
    if (options.max !== undefined && [...text].length > options.max) {
      this.issues.push({
        path: [...this.path, key],
        message: `\`${key}\` is ${[...text].length} characters long; the limit is ${options.max}`,
        fix: 'shorten it',
        zh: { message: `\`${key}\` 长 ${[...text].length} 个字符，上限为 ${options.max}`, fix: '请缩短' },
      });
      return undefined;
    }
    if (options.pattern && !options.pattern.test(text)) {
      const hint = options.patternHint ?? `of the form ${options.pattern}`;
      const zh = hintZh(hint);
      this.issues.push({ path: [...this.path, key], message: `\`${key}\` must be ${hint}, found "${text}"`, fix: `write \`${key}:\` as ${hint}`, zh: { message: `\`${key}\` 应为${zh}，实际为“${text}”`, fix: `将 \`${key}:\` 写为${zh}` } });
      return undefined;
    }
    return text;
  }

  requiredEnum<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    if (!this.has(key)) return this.missing(key);
    const v = this.value[key];
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    return this.wrong(key, `one of ${allowed.join(' | ')}`, v);
  }

  optionalBoolean(key: string): boolean | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    return this.wrong(key, 'true or false', v);
  }

  optionalPositiveInt(key: string): number | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
    return this.wrong(key, 'a positive whole number', v);
  }

  list(key: string, required: boolean): unknown[] | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return required ? this.missing(key) : undefined;
    if (!Array.isArray(v)) return this.wrong(key, 'a list', v);
    return v;
  }

  child(key: string, what: string): Fields | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    return Fields.of(v, [...this.path, key], this.issues, what);
  }

  /** Report keys the schema does not know: a typo must not silently drop a field. */
  rejectUnknown(known: readonly string[], rule?: RuleId): void {
    for (const key of Object.keys(this.value)) {
      if (known.includes(key)) continue;
      const suggestion = closest(key, known);
      const issue: FieldIssue = {
        path: [...this.path, key],
        atKey: true,
        message: `unknown field \`${key}\``,
        fix: suggestion ? `did you mean \`${suggestion}\`? Known fields: ${known.join(', ')}` : `remove it; known fields: ${known.join(', ')}`,
        zh: { message: `未知字段 \`${key}\``, fix: suggestion ? `是否应为 \`${suggestion}\`？可用字段：${known.join(', ')}` : `删除该字段；可用字段：${known.join(', ')}` },
      };
      if (rule !== undefined) issue.rule = rule;
      this.issues.push(issue);
    }
  }
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** An issue's message and fix, each in both languages. */
export function issueText(message: Text, fix?: Text): Pick<FieldIssue, 'message' | 'fix' | 'zh'> {
  return fix === undefined ? { message: message.en, zh: { message: message.zh } } : { message: message.en, fix: fix.en, zh: { message: message.zh, fix: fix.zh } };
}
