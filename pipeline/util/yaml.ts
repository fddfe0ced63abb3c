/**
 * YAML with positions. Used for sites/ config and for entry front matter, so that
 * every finding can name `file:line:column`. The core schema keeps dates as
 * strings (we parse them ourselves, strictly) and never constructs custom types.
 */
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
