/**
 * The site bundle (pipeline/stage/bundle.ts) as a zod schema: the renderer validates
 * its only input before rendering anything. Unknown fields are kept out (strip), so a
 * newer gate can add fields without breaking an older renderer; missing or mistyped
 * ones fail the build.
 */
import { z } from 'astro/zod';
import { COLUMN_TYPES } from '../../pipeline/model/site-group.ts';
import { BUNDLE_VERSION } from '../../pipeline/stage/bundle.ts';

/** ISO 8601 date-time with an explicit offset, as the gate writes it. */
const isoDateTime = z.string().datetime({ offset: true });
/** Ids become URL segments: lower-case ASCII, digits, `-` and `_`. */
const segment = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" or "_"');
/** A site-absolute path such as `/assets/<hash>/a.png`. */
const sitePath = z.string().regex(/^\/(?!\/)[^\s]*$/, 'must be a site-absolute path starting with "/"');
const baseUrl = z.string().url().regex(/^https?:\/\/[^/]+\/$/, 'must be an absolute http(s) URL ending in "/"');

export const columnSchema = z.object({ id: segment, name: z.string().min(1), type: z.enum(COLUMN_TYPES) });
export const categorySchema = z.object({ id: segment, name: z.string().min(1), columns: z.array(columnSchema) });

export const siteRefSchema = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(['main', 'sub']),
  url: baseUrl,
});

export const siteSchema = siteRefSchema.extend({
  domain: z.string().min(1),
  siteIdCode: z.string().min(1),
  icp: z.string().min(1),
  psb: z.string().min(1),
  columns: z.array(segment),
  address: z.string().optional(),
  phone: z.string().optional(),
});

const reprintSchema = z.object({
  source: z.string().min(1),
  author: z.string(),
  title: z.string(),
  /** Shown as a link only when it is an http(s) URL. */
  url: z.string().optional(),
  /** A printed source (issue, page) when there is no URL. */
  publication: z.string().optional(),
  permission: z.string(),
});

const qaSchema = z.object({
  question: z.string().min(1),
  asker: z.string().optional(),
  askedAt: isoDateTime,
  answeredAt: isoDateTime,
});

export const imageSchema = z.object({
  url: sitePath,
  alt: z.string(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  credit: z.string().optional(),
  license: z.string().optional(),
});

export const attachmentSchema = z.object({
  title: z.string().min(1),
  url: sitePath,
  size: z.number().int().nonnegative(),
  /** Lower-case extension without the dot; empty for a file without one. */
  ext: z.string(),
});

export const bundleEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*\/[a-z0-9][a-z0-9_-]*$/, 'must be "<column>/<slug>"'),
  column: segment,
  slug: segment,
  format: z.enum(['md', 'mdx']),
  source: z.string().min(1),
  digest: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256'),
  title: z.string().min(1),
  date: isoDateTime,
  author: z.string(),
  department: z.string(),
  summary: z.string().optional(),
  docNumber: z.string().optional(),
  reprint: reprintSchema.optional(),
  qa: qaSchema.optional(),
  images: z.array(imageSchema),
  attachments: z.array(attachmentSchema),
  draft: z.boolean(),
  draftReason: z.string().optional(),
  adoptedFrom: siteRefSchema.extend({ articleUrl: z.string().url() }).optional(),
  body: z.string().optional(),
  mdxFile: z.string().optional(),
});

export const groupSchema = z.object({
  name: z.string().min(1),
  errorReportUrl: z.string().url(),
  reprintDisclaimer: z.string().optional(),
  main: siteRefSchema,
  categories: z.array(categorySchema),
});

export const bundleSchema = z.object({
  version: z.literal(BUNDLE_VERSION),
  mode: z.enum(['publish', 'preview']),
  generatedAt: isoDateTime,
  approvalsVerified: z.boolean(),
  group: groupSchema,
  site: siteSchema,
  sites: z.array(siteRefSchema).min(1),
  entries: z.array(bundleEntrySchema),
});

export type Bundle = z.infer<typeof bundleSchema>;
export type BundleEntryData = z.infer<typeof bundleEntrySchema>;

/**
 * What the `site` collection holds: everything in the bundle but the entries, so
 * pages can build the header, navigation and footer.
 */
export const siteDataSchema = bundleSchema.omit({ entries: true });
export type SiteData = z.infer<typeof siteDataSchema>;

/**
 * What the `entries` collection holds per entry: the bundle entry without its body
 * (rendered by the loader) plus what the loader derives for the pages.
 */
export const entryDataSchema = bundleEntrySchema.omit({ body: true, mdxFile: true }).extend({
  /** Site path of the article page, `/<column>/<slug>/`. */
  path: sitePath,
  /** Images of `images` that the body does not show itself; the page shows them as figures. */
  figures: z.array(imageSchema),
  /** Summary, or the start of the question/body as plain text: for meta description and feeds. */
  description: z.string(),
});
export type EntryData = z.infer<typeof entryDataSchema>;
