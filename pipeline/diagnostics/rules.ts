import type { Severity } from './diagnostic.ts';

/**
 * The gate's rule catalogue. Every diagnostic the gate emits names one of these
 * ids; the README's rule table is generated from the same list.
 */
export interface RuleInfo {
  id: string;
  severity: Severity;
  /** Which stage raises it. */
  stage: 'load' | 'parse' | 'validate' | 'check' | 'approve' | 'plan' | 'govern';
  description: string;
  /** What to do, when one answer fits every case (the diagnostic's own fix is more precise). */
  fix?: string;
}

export const RULES = [
  { id: 'config-invalid', severity: 'error', stage: 'load', description: 'A file under sites/ is missing, not well-formed YAML, or breaks the site-group schema.' },
  { id: 'path-hostile', severity: 'error', stage: 'load', description: 'A symlink, `..` or other path under content/ leads outside the repository or is not a plain file.' },
  { id: 'path-layout', severity: 'error', stage: 'load', description: 'An entry is not at content/<site>/<column>/<slug>.md|.mdx, or its slug is not lower-case ASCII.' },
  { id: 'file-too-large', severity: 'error', stage: 'load', description: 'An entry or asset is larger than the configured limit.' },
  { id: 'encoding-invalid', severity: 'error', stage: 'parse', description: 'An entry is not valid UTF-8 (or has a NUL byte).' },
  { id: 'frontmatter-missing', severity: 'error', stage: 'parse', description: 'An entry does not start with a `---` YAML front-matter block.' },
  { id: 'frontmatter-engine', severity: 'error', stage: 'parse', description: 'Front matter declares a language other than YAML (`---js`, `---coffee`…); it is refused, never executed.' },
  { id: 'frontmatter-yaml', severity: 'error', stage: 'parse', description: 'Front matter is not well-formed YAML.' },
  { id: 'body-syntax', severity: 'error', stage: 'parse', description: 'The Markdown/MDX body cannot be parsed.' },
  { id: 'frontmatter-invalid', severity: 'error', stage: 'validate', description: 'A front-matter field is missing or has the wrong type or format.' },
  { id: 'frontmatter-unknown-field', severity: 'error', stage: 'validate', description: 'Front matter has a field the schema does not know (often a typo).' },
  { id: 'site-unknown', severity: 'error', stage: 'validate', description: 'The entry\'s site folder is not a site of the group.' },
  { id: 'column-unknown', severity: 'error', stage: 'validate', description: 'The entry\'s column folder is not in the group\'s column tree.' },
  { id: 'column-not-enabled', severity: 'error', stage: 'validate', description: 'The column exists in the group but is not enabled for this sub-site.' },
  { id: 'department-unknown', severity: 'error', stage: 'validate', description: 'The department is not one of the site\'s departments.' },
  { id: 'disclosure-withheld', severity: 'error', stage: 'validate', description: 'The entry is marked 不予公开 (not to be disclosed) and can never be published.' },
  { id: 'disclosure-on-request', severity: 'error', stage: 'validate', description: 'The entry is marked 依申请公开 (disclosed on request only); only 主动公开 entries go on the portal.' },
  { id: 'date-order', severity: 'error', stage: 'validate', description: 'Dates contradict each other (unpublishAt before publishAt, answer before question).' },
  { id: 'asset-missing', severity: 'error', stage: 'validate', description: 'An image or attachment the entry references does not exist.' },
  { id: 'asset-hostile', severity: 'error', stage: 'validate', description: 'An asset reference leads outside the entry\'s site folder, or is a symlink.' },
  { id: 'mdx-esm', severity: 'error', stage: 'validate', description: 'An MDX entry has import/export statements; they would run code at build time.' },
  { id: 'mdx-expression', severity: 'error', stage: 'validate', description: 'An MDX entry has a JavaScript expression; only literal props of the allowed components are accepted.' },
  { id: 'mdx-component-unknown', severity: 'error', stage: 'validate', description: 'An MDX entry uses a component or HTML element that the theme does not provide.' },
  { id: 'html-active', severity: 'error', stage: 'validate', description: 'Raw HTML with scripts, frames, forms, event handlers (`on…` in any case), `srcdoc`, or an inline style that loads or runs anything (`url(`, `expression(`, `@import`); pages carry no active content. Judged on the HTML as a browser parses it, by the renderer\'s own judge.' },
  { id: 'url-scheme', severity: 'error', stage: 'validate', description: 'A link, image, definition or URL attribute (`href`, `src`, `action`, `formaction`, `srcset`, `poster`, `data`, `xlink:href`…) whose scheme, as a browser parses it (character references decoded, leading C0 controls and spaces stripped, tabs and newlines removed, any case), is not http:, https:, mailto: or tel: (`javascript:`, `vbscript:`, `data:`, `file:`, `blob:`…).', fix: 'link to an http(s) page, or to a file of the entry with a relative path' },
  { id: 'asset-active', severity: 'error', stage: 'validate', description: 'An image, attachment or linked file that a browser would run as a page or a script if the site served it (`.html`, `.svg`, `.xml`, `.js`, `.swf`… in any extension of its name, or markup where its content starts, whatever its name): it would be a page on the portal\'s own origin that nobody approved as one.', fix: 'convert it to PDF (or a PNG/JPEG image), or link to the official source over https' },
  { id: 'slug-duplicate', severity: 'error', stage: 'validate', description: 'Two entries in one column share a slug (for instance x.md and x.mdx).' },
  { id: 'trust-invalid', severity: 'error', stage: 'approve', description: 'The trust material (CA, root, roster, policy, revocations) is missing, malformed, or not signed as the root requires: every entry is refused.' },
  { id: 'trust-warning', severity: 'warning', stage: 'approve', description: 'The trust material verifies but deserves attention: an unpinned CA, a certificate about to expire, a weak threshold.' },
  { id: 'waiver-invalid', severity: 'error', stage: 'check', description: 'A waiver record is malformed, forged, or not signed by a security administrator of the roster; it waives nothing.' },
  { id: 'waiver-unused', severity: 'warning', stage: 'check', description: 'A waiver covers no current finding (the file or the value changed): it no longer applies.' },
  { id: 'approval-invalid', severity: 'error', stage: 'approve', description: 'An approval or submission record for this entry is forged, tampered, malformed, signed by an uncertified, expired or revoked key, or out of scope (a submission by someone without a writer grant for it), or the approval is a self-approval: its signer submitted a version of the entry, or the author field names them.' },
  { id: 'approval-stale', severity: 'error', stage: 'approve', description: 'The entry or one of its assets changed after it was approved.' },
  { id: 'approval-pending', severity: 'info', stage: 'approve', description: 'The entry awaits approval: no record yet, or not enough distinct entitled approvers.' },
  { id: 'approval-rejected', severity: 'warning', stage: 'approve', description: 'An approver rejected (驳回) the current version with a signed reason: it is not published until the writer changes it and it is approved, or the same approver approves these bytes after all.', fix: 'read the reason, change the entry, then submit it again (`sealpress submit`)' },
  { id: 'submission-pending', severity: 'info', stage: 'approve', description: 'No writer has submitted the current version: nobody with a writer grant for it signed these bytes (`sealpress submit`), or the entry or an asset changed after the last submission. Authorship is proven by that signature, not by the author field.', fix: 'the writer signs the current version with `sealpress submit <file>`' },
  { id: 'withdrawn', severity: 'info', stage: 'approve', description: 'A signed withdrawal takes the entry off the sites; the record is kept.' },
  { id: 'embargoed', severity: 'info', stage: 'plan', description: 'publishAt is in the future: the entry is pending until then.' },
  { id: 'unpublished', severity: 'info', stage: 'plan', description: 'unpublishAt has passed: the entry is taken off the site.' },
  { id: 'column-not-approved', severity: 'error', stage: 'govern', description: 'The entry is in a column its sub-site adds to the group tree (extraColumns) without a valid column change request signed by the office.', fix: 'have an office approver sign an `add` request (`sealpress column request --site CODE --add ID …`) into sites/_changes/<site>/, or move the entry into a column of the group tree' },
  { id: 'column-dropped', severity: 'warning', stage: 'govern', description: 'A sub-site leaves out a column of the group tree without a signed `drop` request (the main site carries the whole tree).', fix: 'list the column in the site\'s `columns`, or have an office approver sign a `drop` request' },
  { id: 'column-rename-not-approved', severity: 'warning', stage: 'govern', description: 'A sub-site renames a group column (renameColumns) without a signed `rename` request: the group\'s name is shown.', fix: 'have an office approver sign a `rename` request, or remove the rename' },
  { id: 'column-change-invalid', severity: 'error', stage: 'govern', description: 'A column change request under sites/_changes/ is malformed, forged, for another site, or not signed by an office approver of the roster; it approves nothing.', fix: 'remove it and have an office approver sign a new one (`sealpress column request`)' },
  { id: 'admin-filing-late', severity: 'warning', stage: 'govern', description: 'A site administrator\'s appointment was filed (or is still unfiled) more than 15 working days after it, by the Chinese working calendar with its adjusted working weekends.', fix: 'file the appointment with the office; record the filing date in site.yaml' },
  { id: 'admin-calendar-unknown', severity: 'error', stage: 'govern', description: 'An administrator\'s dates reach a year the working-day calendar (npm chinese-days and sites/calendar/<year>.yaml) has no holiday arrangement for, and the answer depends on it: the working days cannot be counted, and are not guessed.', fix: 'add sites/calendar/<year>.yaml with that year\'s State Council holiday arrangement (format: sites/calendar/README.md), or correct it if it is invalid' },
  { id: 'calendar-invalid', severity: 'error', stage: 'govern', description: 'A working-day calendar file under sites/calendar/ is misnamed, not well-formed YAML, or breaks its format (dates that are not real or outside the year, a working day that is not a weekend, overlapping holidays, no notice number): its year is not covered, so counts that need it are unknown.', fix: 'correct the file as sites/calendar/README.md describes' },
] as const satisfies readonly RuleInfo[];

export type RuleId = (typeof RULES)[number]['id'];

const byId = new Map<string, RuleInfo>(RULES.map((r) => [r.id, r]));

export function ruleInfo(id: string): RuleInfo | undefined {
  return byId.get(id);
}
