/**
 * The facts of an entry that follow from its bytes alone: parse it, read the
 * front matter, find the files it references, check its markup. The result is
 * plain data (no functions, no tree), so it can be computed in a worker thread
 * and cached by the entry's digest; judging it against the site group and the
 * assets on disk happens afterwards, every run (validate/entry.ts).
 */
import type { Diagnostic, Position } from '../diagnostics/index.ts';
import type { LoadedEntry } from '../load/index.ts';
import type { FrontMatter } from '../model/index.ts';
import { checkEntry, toDiagnostic, type ScanOptions } from '../check/index.ts';
import { parseEntry, type ParseOptions } from '../parse/index.ts';
import { FRONT_MATTER_FIELDS, readFrontMatter } from './frontmatter.ts';
import { checkMarkup } from './markup.ts';
import { collectReferences, type Reference } from './references.ts';

/** Front-matter keys whose positions later findings point at. */
export type FieldPositionKey = (typeof FRONT_MATTER_FIELDS)[number] | 'qa.answeredAt';

export interface EntryFacts {
  /** Digest of the bytes these facts were computed from. */
  digest: string;
  /** False when the entry could not be parsed (findings say why). */
  parsed: boolean;
  frontMatter?: FrontMatter;
  references: Reference[];
  /** Findings that follow from the bytes alone. */
  findings: Diagnostic[];
  body?: string;
  /** Positions of front-matter values (and `key:` positions under `keys`). */
  positions: Partial<Record<FieldPositionKey, Position>>;
  keyPositions: Partial<Record<FieldPositionKey, Position>>;
}

export interface AnalyseOptions extends ParseOptions {
  /** The confidentiality and copyright checks, compiled once per run (check/). */
  checks?: ScanOptions;
}

export function analyseEntry(loaded: LoadedEntry, options: AnalyseOptions = {}): EntryFacts | undefined {
  if (!loaded.bytes || loaded.digest === undefined) return undefined;
  const result = parseEntry(loaded, options);
  if (!result.ok) return { digest: loaded.digest, parsed: false, references: [], findings: result.findings, positions: {}, keyPositions: {} };
  const entry = result.entry;
  const { frontMatter, findings } = readFrontMatter(entry);
  const references = collectReferences(entry, frontMatter);
  findings.push(...checkMarkup(entry));
  if (options.checks) {
    const checked = checkEntry(entry.text, options.checks, { file: entry.path, column: entry.column, frontMatter: entry.frontMatter.value, positionOf: entry.frontMatter.positionOf });
    findings.push(...checked.map(toDiagnostic));
  }
  const positions: EntryFacts['positions'] = {};
  const keyPositions: EntryFacts['keyPositions'] = {};
  const value = (entry.frontMatter.value ?? {}) as Record<string, unknown>;
  for (const key of FRONT_MATTER_FIELDS) {
    if (value[key] === undefined) continue;
    const at = entry.frontMatter.positionOf([key]);
    if (at) positions[key] = at;
    const keyAt = entry.frontMatter.positionOf([key], true);
    if (keyAt) keyPositions[key] = keyAt;
  }
  if (frontMatter?.qa) {
    const answered = entry.frontMatter.positionOf(['qa', 'answeredAt']);
    if (answered) positions['qa.answeredAt'] = answered;
  }
  const facts: EntryFacts = { digest: loaded.digest, parsed: true, references, findings, body: entry.body, positions, keyPositions };
  if (frontMatter) facts.frontMatter = frontMatter;
  return facts;
}
