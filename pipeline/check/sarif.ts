/**
 * SARIF 2.1.0 output, so findings show up in code-review tools. Waived
 * findings are results with an external, accepted suppression carrying the
 * waiver's justification. Regions count UTF-16 code units (SARIF's default
 * columnKind), endColumn is exclusive, as in the findings. Every result has a
 * region whose end is never before its start (Microsoft's validator, `Sarif.Multitool
 * validate`, passes the output with no error or warning: test/check/sarif-validator.test.ts).
 */
import type { Lang } from '../messages/text.ts';
import { shownFix, shownMessage, span, type Severity, type Span } from '../diagnostics/index.ts';
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
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: SarifRegion }; logicalLocations?: { fullyQualifiedName: string; kind: 'member' }[] }[];
  partialFingerprints?: Record<string, string>;
  suppressions?: { kind: 'external'; status: 'accepted'; justification: string; properties: { waiver: string } }[];
}

export interface SarifRule {
  id: string;
  /** A readable name, absent when it would only repeat the id (SARIF1001). */
  name?: string;
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
    tool: { driver: { name: string; version: string; semanticVersion: string; informationUri: string; rules: SarifRule[] } };
    columnKind: 'utf16CodeUnits';
    originalUriBaseIds: Record<string, { description: { text: string } }>;
    results: SarifResult[];
  }[];
}

export interface SarifOptions {
  toolVersion: string;
  /** The rule catalogue (CHECK_RULES, or the gate's full catalogue; `fix` is optional there). */
  rules: readonly (Pick<CheckRule, 'id' | 'severity' | 'description'> & { fix?: string; zh?: { description: string; fix?: string } })[];
  /** The language of the results' messages and fixes, and of the rules' help where the catalogue has it (check rules' fixes). */
  lang: Lang;
  /** Where a reader of the log learns about the tool (SARIF2005 asks for it). */
  informationUri: string;
}

/**
 * What a result is made from: a CheckFinding, or any gate Diagnostic (which
 * has no end position, excerpt or fingerprint).
 */
export interface SarifFinding extends Span {
  rule: string;
  severity: Severity;
  file: string;
  /** A place inside the file (an attachment's sheet and cell…): line and column count within it, not in the file. */
  location?: string;
  /** When `file` is an entry and the finding is inside a file it attaches: that file; line and column are then the entry's reference to it. */
  attachment?: string;
  message: string;
  /** The finding's code, shown after the message. */
  code?: string;
  fix?: string;
  /** The message and the fix in Chinese. */
  zh: { message: string; fix?: string };
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

/** A result's text: the message and its code, then the fix, in the language. */
function sarifText(f: SarifFinding | CheckFinding, lang: Lang): string {
  const message = shownMessage(f, lang);
  const fix = shownFix(f, lang);
  if (!fix) return message;
  return lang === 'zh' ? `${message}。修改建议：${fix}` : `${message}. Fix: ${fix}`;
}

export function toSarif(findings: readonly (CheckFinding | SarifFinding)[], options: SarifOptions): SarifLog {
  const rules: SarifRule[] = options.rules.map((r) => {
    // The rule's words in the run's language: the Chinese the catalogue gives, else the English.
    const zh = options.lang === 'zh' ? r.zh : undefined;
    const description = zh?.description ?? r.description;
    return {
      id: r.id,
      // `withdrawn` → `Withdrawn` only repeats the id: the spec says to leave the name out then.
      ...(pascal(r.id).toLowerCase() === r.id.toLowerCase() ? {} : { name: pascal(r.id) }),
      shortDescription: { text: description.split(zh ? /(?<=[。：])/ : /(?<=[.:])\s/)[0] ?? description },
      fullDescription: { text: description },
      help: { text: zh ? (zh.fix ?? description) : (r.fix ?? r.description) },
      defaultConfiguration: { level: level(r.severity) },
      properties: { tags: ['security', 'sealpress', r.id.startsWith('image') || r.id.startsWith('reprint') ? 'copyright' : 'confidentiality'] },
    };
  });
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: SarifResult[] = findings.map((f) => {
    const ruleIndex = index.get(f.rule);
    if (ruleIndex === undefined) throw new Error(`finding of rule ${f.rule}, which is not in the catalogue given to toSarif`);
    const attachment = 'attachment' in f ? f.attachment : undefined;
    const inFile = attachment ?? f.file;
    // A finding inside a document (a cell, a paragraph) counts its line and column within that place, not
    // in the file: the place is a logical location (the message names it too), and the region is the start
    // of the file. Held against the entry that attaches the document, the region is the entry's reference.
    const inside = f.location !== undefined && attachment === undefined;
    // A finding about the whole file (a diagnostic at 1:1) is the point at its start.
    const at = inside ? span({ line: 1, column: 1 }) : span(f, { line: f.endLine ?? f.line, column: f.endColumn ?? f.column });
    const region: SarifRegion = { startLine: at.line, startColumn: at.column, endLine: at.endLine, endColumn: at.endColumn };
    // An attachment finding's excerpt is text of the attachment, not of the entry's line.
    if (f.excerpt !== undefined && attachment === undefined && !inside) region.snippet = { text: f.excerpt };
    const location: SarifResult['locations'][number] = { physicalLocation: { artifactLocation: { uri: pathToUri(f.file), uriBaseId: '%SRCROOT%' }, region } };
    if (f.location !== undefined) location.logicalLocations = [{ fullyQualifiedName: `${inFile.slice(inFile.lastIndexOf('/') + 1)} › ${f.location}`, kind: 'member' }];
    const result: SarifResult = {
      ruleId: f.rule,
      ruleIndex,
      level: level(f.severity),
      message: { text: `${inside ? `${f.file.slice(f.file.lastIndexOf('/') + 1)} › ${f.location}${options.lang === 'zh' ? '：' : ': '}` : ''}${sarifText(f, options.lang)}` },
      locations: [location],
    };
    if (f.fingerprint !== undefined) result.partialFingerprints = { 'sealpressValue/v1': f.fingerprint };
    if (f.suppressed) result.suppressions = [{ kind: 'external', status: 'accepted', justification: f.suppressed.justification, properties: { waiver: f.suppressed.waiver } }];
    return result;
  });
  const driver: SarifLog['runs'][number]['tool']['driver'] = { name: 'sealpress-check', version: options.toolVersion, semanticVersion: options.toolVersion, informationUri: options.informationUri, rules };
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{ tool: { driver }, columnKind: 'utf16CodeUnits', originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the site repository.' } } }, results }],
  };
}
