/**
 * The site bundle: what the gate hands the renderer for one site. It is the
 * renderer's only input: the Content Layer loader in src/ reads this file and
 * nothing under content/, so an entry the gate did not plan as publishable
 * cannot be rendered. Written to `<stageDir>/bundle.json`.
 */
import type { ColumnType, QuestionAnswer, Reprint } from '../model/index.ts';

export const BUNDLE_VERSION = 1;

export interface BundleColumn {
  id: string;
  name: string;
  type: ColumnType;
}

export interface BundleCategory {
  id: string;
  name: string;
  columns: BundleColumn[];
}

export interface BundleSiteRef {
  code: string;
  name: string;
  kind: 'main' | 'sub';
  /** Absolute base URL, ending in `/`. */
  url: string;
}

export interface BundleSite extends BundleSiteRef {
  domain: string;
  siteIdCode: string;
  icp: string;
  psb: string;
  /** Enabled column ids, in tree order. */
  columns: string[];
  address?: string;
  phone?: string;
}

export interface BundleAttachment {
  title: string;
  url: string;
  size: number;
  /** Lower-case file extension without the dot, e.g. `pdf`. */
  ext: string;
}

export interface BundleImage {
  url: string;
  alt: string;
  width?: number;
  height?: number;
  credit?: string;
  license?: string;
}

export interface BundleEntry {
  /** Unique within the site: `<column>/<slug>`; adopted entries use `<column>/<origin code>-<slug>`. */
  id: string;
  column: string;
  slug: string;
  format: 'md' | 'mdx';
  /** Repo-relative source path (for error messages and the preview banner). */
  source: string;
  /** SHA-256 of the source file as the gate read it. */
  digest: string;
  title: string;
  /** ISO 8601 date-time with offset. */
  date: string;
  author: string;
  /** Department display name. */
  department: string;
  summary?: string;
  docNumber?: string;
  reprint?: Reprint;
  qa?: QuestionAnswer;
  images: BundleImage[];
  attachments: BundleAttachment[];
  /** True only in preview bundles, for entries the gate holds back (pending). */
  draft: boolean;
  /** Why a draft is held back, shown on its preview banner. */
  draftReason?: string;
  /** For entries the main site adopts from a sub-site: where they come from. */
  adoptedFrom?: BundleSiteRef & { articleUrl: string };
  /** Markdown body with asset links rewritten to their published URLs (md entries). */
  body?: string;
  /** Stage-relative path of the MDX module to render (mdx entries). */
  mdxFile?: string;
}

export interface SiteBundle {
  version: typeof BUNDLE_VERSION;
  mode: 'publish' | 'preview';
  /** The gate's clock for this run. */
  generatedAt: string;
  /** Approvals are verified by the gate from the approval issue on; until then, false. */
  approvalsVerified: boolean;
  group: {
    name: string;
    errorReportUrl: string;
    /** Shown on every reprinted article (sites/checks.yaml reprintDisclaimer). */
    reprintDisclaimer?: string;
    main: BundleSiteRef;
    categories: BundleCategory[];
  };
  site: BundleSite;
  /** Every site of the group, main first, for the group navigation. */
  sites: BundleSiteRef[];
  entries: BundleEntry[];
}
