import type { Diagnostic } from '../diagnostics/index.ts';

/** 公开属性 (disclosure attribute) of an entry. */
export const DISCLOSURES = ['主动公开', '依申请公开', '不予公开'] as const;
export type Disclosure = (typeof DISCLOSURES)[number];

export interface Reprint {
  source: string;
  author: string;
  title: string;
  url?: string;
  /** Printed source (issue, page) when there is no URL. */
  publication?: string;
  permission: string;
}

export interface ImageRef {
  src: string;
  alt: string;
  credit?: string;
  license?: string;
}

export interface AttachmentRef {
  src: string;
  title: string;
}

export interface QuestionAnswer {
  question: string;
  asker?: string;
  /** ISO date-time the question was received. */
  askedAt: string;
  /** ISO date-time the answer was given. */
  answeredAt: string;
}

/** Validated front matter. Dates are ISO 8601 strings with an offset. */
export interface FrontMatter {
  title: string;
  date: string;
  author: string;
  department: string;
  summary?: string;
  disclosure: Disclosure;
  docNumber?: string;
  publishAt?: string;
  unpublishAt?: string;
  reprint?: Reprint;
  adopt?: boolean;
  images?: ImageRef[];
  attachments?: AttachmentRef[];
  qa?: QuestionAnswer;
}

/** A file found under content/, read but not yet parsed. */
export interface SourceFile {
  /** Repo-relative POSIX path. */
  path: string;
  site: string;
  column: string;
  slug: string;
  format: 'md' | 'mdx';
  bytes: Uint8Array;
  /** SHA-256 of the bytes, hex. */
  digest: string;
}

/** An asset (image or attachment) an entry references, read and hashed. */
export interface Asset {
  /** Repo-relative POSIX path. */
  path: string;
  size: number;
  /** SHA-256, hex. */
  digest: string;
  /** Public URL path on the site. */
  url: string;
  /** Pixel size, for images whose header the loader could read. */
  width?: number;
  height?: number;
}

export type EntryStatus = 'publishable' | 'pending' | 'refused' | 'unpublished' | 'withdrawn';

export interface EntryFindings {
  status: EntryStatus;
  findings: Diagnostic[];
}
