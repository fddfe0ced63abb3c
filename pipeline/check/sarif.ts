/**
 * SARIF 2.1.0 output, so findings show up in code-review tools. Waived
 * findings are results with an external, accepted suppression carrying the
 * waiver's justification. Regions count UTF-16 code units (SARIF's default
 * columnKind), endColumn is exclusive, as in the findings.
 */
import type { Severity } from '../diagnostics/index.ts';
import type { CheckFinding } from './finding.ts';
import type { CheckRule } from './rules.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  snippet?: { text: string };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region?: SarifRegion }; logicalLocations?: { fullyQualifiedName: string; kind: 'member' }[] }[];
  partialFingerprints?: Record<string, string>;
  suppressions?: { kind: 'external'; status: 'accepted'; justification: string; properties: { waiver: string } }[];
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
  properties: { tags: string[] };
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: { driver: { name: string; version: string; semanticVersion: string; informationUri?: string; rules: SarifRule[] } };
    columnKind: 'utf16CodeUnits';
    originalUriBaseIds: Record<string, { description: { text: string } }>;
    results: SarifResult[];
  }[];
}

export interface SarifOptions {
  toolVersion: string;
  /** The rule catalogue (CHECK_RULES, or the gate's full catalogue; `fix` is optional there). */
  rules: readonly (Pick<CheckRule, 'id' | 'severity' | 'description'> & { fix?: string })[];
  informationUri?: string;
}

/**
 * What a result is made from: a CheckFinding, or any gate Diagnostic (which
 * has no end position, excerpt or fingerprint).
 */
export interface SarifFinding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** A place inside the file (an attachment's sheet and cell…): line and column count within it, not in the file. */
  location?: string;
  /** When `file` is an entry and the finding is inside a file it attaches: that file; line and column are then the entry's reference to it. */
  attachment?: string;
  message: string;
  fix?: string;
  excerpt?: string;
  fingerprint?: string;
  suppressed?: { waiver: string; justification: string };
}

function level(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** A repo-relative path as a URI reference (each segment percent-encoded). */
export function pathToUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function toSarif(findings: readonly (CheckFinding | SarifFinding)[], options: SarifOptions): SarifLog {
  const rules: SarifRule[] = options.rules.map((r) => ({
    id: r.id,
    name: pascal(r.id),
    shortDescription: { text: r.description.split(/(?<=[.:])\s/)[0] ?? r.description },
    fullDescription: { text: r.description },
    help: { text: r.fix ?? r.description },
    defaultConfiguration: { level: level(r.severity) },
    properties: { tags: ['security', 'sealpress', r.id.startsWith('image') || r.id.startsWith('reprint') ? 'copyright' : 'confidentiality'] },
  }));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: SarifResult[] = findings.map((f) => {
    const ruleIndex = index.get(f.rule);
    if (ruleIndex === undefined) throw new Error(`finding of rule ${f.rule}, which is not in the catalogue given to toSarif`);
    const location: SarifResult['locations'][number] = { physicalLocation: { artifactLocation: { uri: pathToUri(f.file), uriBaseId: '%SRCROOT%' } } };
    // A finding about the whole file (an attachment, or a diagnostic at 1:1) has no region; nor has one
    // inside a document (a cell, a paragraph): its place is a logical location, and the message names it.
    // Held against the entry that attaches the document, it also has the entry's line that references it.
    const attachment = 'attachment' in f ? f.attachment : undefined;
    // An attachment finding's end is inside the attachment: in the entry it is a point, the reference.
    const endLine = attachment === undefined ? (f.endLine ?? f.line) : f.line;
    const endColumn = attachment === undefined ? (f.endColumn ?? f.column) : f.column;
    const inFile = attachment ?? f.file;
    if (f.location !== undefined) location.logicalLocations = [{ fullyQualifiedName: `${inFile.slice(inFile.lastIndexOf('/') + 1)} › ${f.location}`, kind: 'member' }];
    if ((f.location === undefined || attachment !== undefined) && (f.line > 1 || f.column > 1 || endLine > f.line || endColumn > f.column)) {
      const region: SarifRegion = { startLine: f.line, startColumn: f.column, endLine, endColumn };
      // An attachment finding's excerpt is text of the attachment, not of the entry's line.
      if (f.excerpt !== undefined && attachment === undefined) region.snippet = { text: f.excerpt };
      location.physicalLocation.region = region;
    }
    const result: SarifResult = {
      ruleId: f.rule,
      ruleIndex,
      level: level(f.severity),
      message: { text: `${f.location !== undefined && attachment === undefined ? `${f.file.slice(f.file.lastIndexOf('/') + 1)} › ${f.location}: ` : ''}${f.fix ? `${f.message}. Fix: ${f.fix}` : f.message}` },
      locations: [location],
    };
    if (f.fingerprint !== undefined) result.partialFingerprints = { 'sealpressValue/v1': f.fingerprint };
    if (f.suppressed) result.suppressions = [{ kind: 'external', status: 'accepted', justification: f.suppressed.justification, properties: { waiver: f.suppressed.waiver } }];
    return result;
  });
  const driver: SarifLog['runs'][number]['tool']['driver'] = { name: 'sealpress-check', version: options.toolVersion, semanticVersion: options.toolVersion, rules };
  if (options.informationUri !== undefined) driver.informationUri = options.informationUri;
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{ tool: { driver }, columnKind: 'utf16CodeUnits', originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the site repository.' } } }, results }],
  };
}
