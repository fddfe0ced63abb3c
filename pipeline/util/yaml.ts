/**
 * YAML with positions. Used for sites/ config and for entry front matter, so that
 * every finding can name `file:line:column`. The core schema keeps dates as
 * strings (we parse them ourselves, strictly) and never constructs custom types.
 */
import jsyaml from 'js-yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Position } from '../diagnostics/index.ts';

export interface YamlSource {
  value: unknown;
  /** Syntax errors, each positioned in the original file. */
  errors: { message: string; at: Position }[];
  /** Position of the value (or, with `key`, of the key) at a path in the original file. */
  positionOf(path: readonly (string | number)[], key?: boolean): Position | undefined;
}

/**
 * Parse YAML text that starts at `origin` (1-based line and column of its first
 * character) in the file it came from.
 */
export function parseYaml(text: string, origin: Position = { line: 1, column: 1 }): YamlSource {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, {
    lineCounter,
    schema: 'core',
    prettyErrors: false,
    uniqueKeys: true,
  });
  const toFile = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + origin.line - 1, column: line === 1 ? col + origin.column - 1 : col };
  };
  const errors = doc.errors.map((e) => ({ message: e.message.split('\n')[0] ?? e.message, at: toFile(e.pos[0]) }));
  let value: unknown;
  if (errors.length === 0) {
    try {
      // Alias expansion is bounded: a "billion laughs" document is refused, not expanded.
      value = doc.toJS({ maxAliasCount: 50 });
    } catch (cause) {
      errors.push({ message: cause instanceof Error ? cause.message : String(cause), at: toFile(0) });
    }
  }
  return {
    value,
    errors,
    positionOf(path, key = false) {
      let node: unknown = doc.contents;
      let keyNode: unknown;
      for (const segment of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
          if (!pair) return undefined;
          keyNode = pair.key;
          node = pair.value;
        } else if (isSeq(node) && typeof segment === 'number') {
          keyNode = undefined;
          node = node.items[segment];
        } else {
          return undefined;
        }
      }
      const target = (key && keyNode ? keyNode : node) as Node | null | undefined;
      const range = target?.range;
      return range ? toFile(range[0]) : undefined;
    },
  };
}

/**
 * Front matter: the value from js-yaml's core schema (about ten times faster
 * than a full document parse, and front matter is parsed for every entry on
 * every run), positions found lazily. A top-level key of a block mapping is
 * found by scanning its line; anything else (nested paths, flow style) falls
 * back to the positioned parser, which runs only when a finding needs it.
 * Anchors and aliases are refused: front matter has no use for them and an
 * alias bomb must not be expanded.
 */
export function parseFrontMatterYaml(text: string, origin: Position): YamlSource {
  let value: unknown;
  try {
    value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: false });
  } catch (cause) {
    const mark = (cause as { mark?: { line: number; column: number } }).mark;
    const reason = (cause as { reason?: string }).reason ?? (cause as Error).message;
    const at = mark ? { line: mark.line + origin.line, column: mark.line === 0 ? mark.column + origin.column : mark.column + 1 } : origin;
    return { value: undefined, errors: [{ message: reason, at }], positionOf: () => undefined };
  }
  if (hasSharedNodes(value)) {
    return { value: undefined, errors: [{ message: 'anchors and aliases (&name, *name) are not allowed in front matter', at: origin }], positionOf: () => undefined };
  }
  let full: YamlSource | undefined;
  // Top-level keys of a block mapping, found in one pass: key → [line index, value column, inline value?].
  let keys: Map<string, [number, number, boolean]> | undefined;
  const topLevelKeys = () => {
    keys = new Map();
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = TOP_LEVEL_KEY.exec(lines[i]!);
      if (!m || keys.has(m[1]!)) continue;
      const rest = lines[i]!.slice(m[0].length).replace(/\r$/, '');
      keys.set(m[1]!, [i, m[0].length + 1, !(rest === '' || rest.startsWith('#'))]);
    }
    return keys;
  };
  return {
    value,
    errors: [],
    positionOf(path, key = false) {
      const [first] = path;
      if (path.length === 1 && typeof first === 'string') {
        const hit = (keys ?? topLevelKeys()).get(first);
        // A value on the next lines (a block list or mapping) is positioned by the parser.
        if (hit && (key || hit[2])) {
          const [i, valueColumn] = hit;
          const column = key ? 1 : valueColumn;
          return { line: i + origin.line, column: i === 0 ? column + origin.column - 1 : column };
        }
      }
      full ??= parseYaml(text, origin);
      return full.positionOf(path, key);
    },
  };
}

const TOP_LEVEL_KEY = /^([A-Za-z_][\w-]*)[ \t]*:[ \t]*/;

function hasSharedNodes(value: unknown): boolean {
  const seen = new Set<object>();
  const walk = (v: unknown): boolean => {
    if (typeof v !== 'object' || v === null) return false;
    if (seen.has(v)) return true;
    seen.add(v);
    return Object.values(v).some(walk);
  };
  return walk(value);
}
