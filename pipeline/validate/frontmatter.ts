/**
 * The front-matter schema. Every problem is collected (a writer fixes them all in
 * one round) and positioned at the offending key or value.
 */
import type { Text } from '../messages/text.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import { DISCLOSURES, type AttachmentRef, type FrontMatter, type ImageRef, type QuestionAnswer, type Reprint } from '../model/index.ts';
import type { ParsedEntry } from '../parse/index.ts';
import { parseDateTime } from '../util/dates.ts';
import { Fields, issueText, type FieldIssue } from '../util/fields.ts';

export const FRONT_MATTER_FIELDS = [
  'title', 'date', 'author', 'department', 'summary', 'disclosure', 'docNumber',
  'publishAt', 'unpublishAt', 'reprint', 'adopt', 'images', 'attachments', 'qa',
] as const;

const DATE_HINT = 'a date YYYY-MM-DD or a date-time like 2026-10-12T09:30:00+08:00';

function date(f: Fields, key: string, required: boolean): string | undefined {
  const text = required ? f.requiredString(key) : f.optionalString(key);
  if (text === undefined) return undefined;
  const iso = parseDateTime(text);
  if (!iso) f.issues.push({ path: [...f.path, key], ...issueText({ zh: `\`${key}\` 应为日期 YYYY-MM-DD 或日期时间（如 2026-10-12T09:30:00+08:00），实际为“${text}”`, en: `\`${key}\` must be ${DATE_HINT}, found "${text}"` }, { zh: `写成 ${key}: 2026-10-12，或带时间：2026-10-12T09:30:00+08:00`, en: `write it as ${key}: 2026-10-12, or with a time: 2026-10-12T09:30:00+08:00` }) });
  return iso;
}

export function readFrontMatter(entry: ParsedEntry): { frontMatter: FrontMatter | undefined; findings: Diagnostic[] } {
  const issues: FieldIssue[] = [];
  const f = Fields.of(entry.frontMatter.value ?? {}, [], issues, 'front matter');
  let frontMatter: FrontMatter | undefined;
  if (f) {
    f.rejectUnknown(FRONT_MATTER_FIELDS, 'frontmatter-unknown-field');
    const title = f.requiredString('title', { max: 200 });
    const dateValue = date(f, 'date', true);
    const author = f.requiredString('author', { max: 40 });
    const department = f.requiredString('department');
    const summary = f.optionalString('summary', { max: 300 });
    const disclosure = f.requiredEnum('disclosure', DISCLOSURES);
    const docNumber = f.optionalString('docNumber', { max: 60 });
    const publishAt = date(f, 'publishAt', false);
    const unpublishAt = date(f, 'unpublishAt', false);
    const adopt = f.optionalBoolean('adopt');
    const reprint = readReprint(f);
    const images = readImages(f);
    const attachments = readAttachments(f);
    const qa = readQa(f);
    if (title && dateValue && author && department && disclosure) {
      frontMatter = { title, date: dateValue, author, department, disclosure };
      if (summary !== undefined) frontMatter.summary = summary;
      if (docNumber !== undefined) frontMatter.docNumber = docNumber;
      if (publishAt !== undefined) frontMatter.publishAt = publishAt;
      if (unpublishAt !== undefined) frontMatter.unpublishAt = unpublishAt;
      if (adopt !== undefined) frontMatter.adopt = adopt;
      if (reprint !== undefined) frontMatter.reprint = reprint;
      if (images !== undefined) frontMatter.images = images;
      if (attachments !== undefined) frontMatter.attachments = attachments;
      if (qa !== undefined) frontMatter.qa = qa;
    }
  }
  const findings = issues.map((i) => {
    const extra: { fix?: Text } = {};
    if (i.fix !== undefined) extra.fix = { zh: i.zh.fix ?? i.fix, en: i.fix };
    const at = entry.frontMatter.positionOf(i.path, i.atKey ?? false) ?? entry.frontMatter.positionOf(i.path.slice(0, -1)) ?? { line: 1, column: 1 };
    return diagnostic(i.rule ?? 'frontmatter-invalid', 'error', entry.path, at, { zh: i.zh.message, en: i.message }, extra);
  });
  // A finding means the schema did not hold: never hand on a half-read front matter.
  return { frontMatter: findings.length ? undefined : frontMatter, findings };
}

function readReprint(f: Fields): Reprint | undefined {
  const r = f.child('reprint', '`reprint`');
  if (!r) return undefined;
  r.rejectUnknown(['source', 'author', 'title', 'url', 'publication', 'permission'], 'frontmatter-unknown-field');
  const source = r.requiredString('source', { max: 100 });
  const author = r.requiredString('author', { max: 100 });
  const title = r.requiredString('title', { max: 200 });
  const url = r.optionalString('url', { pattern: /^https?:\/\/\S+$/, patternHint: 'an http(s) URL' });
  // A printed source is traceable by its publication (issue, page) instead of a URL.
  const publication = r.optionalString('publication', { max: 200 });
  const permission = r.requiredString('permission', { max: 200 });
  if (!(source && author && title && permission)) return undefined;
  const reprint: Reprint = { source, author, title, permission };
  if (url) reprint.url = url;
  if (publication) reprint.publication = publication;
  return reprint;
}

function readImages(f: Fields): ImageRef[] | undefined {
  const list = f.list('images', false);
  if (!list) return undefined;
  const images: ImageRef[] = [];
  list.forEach((raw, i) => {
    const img = Fields.of(raw, ['images', i], f.issues, 'an image');
    if (!img) return;
    img.rejectUnknown(['src', 'alt', 'credit', 'license'], 'frontmatter-unknown-field');
    const src = img.requiredString('src');
    // Every image needs a text alternative (WCAG 1.1.1).
    const alt = img.requiredString('alt', { max: 200 });
    const credit = img.optionalString('credit', { max: 100 });
    const license = img.optionalString('license', { max: 100 });
    if (!(src && alt)) return;
    const ref: ImageRef = { src, alt };
    if (credit) ref.credit = credit;
    if (license) ref.license = license;
    images.push(ref);
  });
  return images;
}

function readAttachments(f: Fields): AttachmentRef[] | undefined {
  const list = f.list('attachments', false);
  if (!list) return undefined;
  const attachments: AttachmentRef[] = [];
  list.forEach((raw, i) => {
    const a = Fields.of(raw, ['attachments', i], f.issues, 'an attachment');
    if (!a) return;
    a.rejectUnknown(['src', 'title'], 'frontmatter-unknown-field');
    const src = a.requiredString('src');
    const title = a.requiredString('title', { max: 200 });
    if (src && title) attachments.push({ src, title });
  });
  return attachments;
}

function readQa(f: Fields): QuestionAnswer | undefined {
  const q = f.child('qa', '`qa`');
  if (!q) return undefined;
  q.rejectUnknown(['question', 'asker', 'askedAt', 'answeredAt'], 'frontmatter-unknown-field');
  const question = q.requiredString('question', { max: 2000 });
  const asker = q.optionalString('asker', { max: 40 });
  const askedAt = date(q, 'askedAt', true);
  const answeredAt = date(q, 'answeredAt', true);
  if (!(question && askedAt && answeredAt)) return undefined;
  const qa: QuestionAnswer = { question, askedAt, answeredAt };
  if (asker) qa.asker = asker;
  return qa;
}
