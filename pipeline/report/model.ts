/**
 * The report model: everything `sealpress report` prints, as one JSON-ready
 * value. The HTML page and the CSV are views of it and compute nothing.
 */
import type { ColumnType, EntryStatus } from '../model/index.ts';
import type { AssessmentResult } from './assessment.ts';
import type { Period, Thresholds } from './thresholds.ts';

export const REPORT_VERSION = 1;

/** Reply-time buckets, in days (upper bounds, inclusive); the last bucket is "more than 90 days". */
export const REPLY_BUCKETS = [1, 3, 7, 30, 90] as const;

export interface Distribution {
  /** How many values. */
  count: number;
  /** Nearest-rank median and 90th percentile, in days (one decimal); absent when count is 0. */
  medianDays?: number;
  p90Days?: number;
  maxDays?: number;
  /** Counts per bucket: ≤1 d, ≤3 d, ≤7 d, ≤30 d, ≤90 d, >90 d. */
  buckets: { label: string; count: number }[];
}

export interface ColumnReport {
  id: string;
  name: string;
  type: ColumnType;
  /** The site's own entries published in the period. */
  published: number;
  /** Main site only: sub-site entries it carries in this column, published in the period. */
  adopted: number;
  /** Latest publication (own or carried) on the site at the report's asOf, ISO; absent when nothing was. */
  lastUpdate?: string;
  daysSince?: number;
  /** Enabled for the site and nothing of it on the site at asOf. */
  blank: boolean;
  /** Something is published, but the latest is older than the column type's threshold. */
  stale: boolean;
  threshold: Period;
}

export interface Consultation {
  path: string;
  title: string;
  question: string;
  askedAt: string;
  answeredAt: string;
  /** Days from question to answer (fractional). */
  replyDays: number;
  status: EntryStatus;
  /** Why it is listed: answered after the limit, or its answer is not on the site and the limit has passed. */
  problem?: 'answered-late' | 'unanswered';
}

export interface ReplyReport {
  /** Consultations (Q&A entries, not refused) asked in the period. */
  asked: number;
  /** Of those, answered on the site (the entry is published, or was until taken down by its unpublishAt). */
  answered: number;
  distribution: Distribution;
  /** Every consultation answered after the limit, or still not answered on the site after it. */
  overLimit: Consultation[];
  /** Consultations whose answer never reached the site (pending, withdrawn, taken down before approval), with days waited so far. */
  awaiting: (Consultation & { waitingDays: number })[];
}

export interface AdoptionReport {
  /** Entries of this sub-site published in the period. */
  published: number;
  /** Of those, offered to the main site (`adopt: true`). */
  offered: number;
  /** Of those, actually carried by the main site (it has the column). */
  adopted: number;
  /** adopted / published, 0 when nothing was published. */
  share: number;
  /** Offered but not carried: the main site does not have the column. */
  notCarried: string[];
}

export interface TurnaroundReport {
  /** Published entries of the period whose commit and last approval times are both known, commit first. */
  distribution: Distribution;
  /** Not in git history (or no git repository). */
  notCommitted: number;
  /** No verified approval time (approvals unverified or trust material broken). */
  noApprovalTime: number;
  /** Signed before the entry's first commit: approved from a working copy; no turnaround to measure. */
  approvedBeforeCommit: number;
}

export interface SiteReport {
  code: string;
  name: string;
  kind: 'main' | 'sub';
  /** Own entries published in the period. */
  published: number;
  lastUpdate?: string;
  daysSince?: number;
  /** The site as a whole (its home page) not updated within the home threshold. */
  homeStale: boolean;
  columns: ColumnReport[];
  staleColumns: string[];
  blankColumns: string[];
  /** Sub-sites: what the main site adopted. */
  adoption?: AdoptionReport;
  /** Main site: sub-site entries carried, per sub-site, published in the period. */
  carried?: { site: string; name: string; adopted: number }[];
  replies: ReplyReport;
  /** Refused entries (current state), counted once per rule per entry, most frequent first. */
  refusals: { total: number; byRule: { rule: string; entries: number }[] };
  turnaround: TurnaroundReport;
}

/**
 * Slots filled by the other governance modules (pipeline/govern/): the lead
 * passes their results in. The report shows them and the assessment can score
 * them; it computes neither.
 */
export interface AdministratorFiling {
  site: string;
  administrator: string;
  /** YYYY-MM-DD. */
  appointed: string;
  /** YYYY-MM-DD; '' when not filed yet (listed once overdue, or when its status is unknown). */
  filed: string;
  /** Working days between appointment and filing, or to the report's day when not filed (Chinese calendar); absent when they cannot be counted. */
  workingDays?: number;
  /** The calendar's data ended first: workingDays counts through this day only (see FilingRecord.countedThrough); `late` is still certain. */
  countedThrough?: string;
  /** More than the 15 working days the rules allow; absent when that depends on days the calendar does not cover (the figure is then unavailable, never 0). */
  late?: boolean;
  /** Why `late` is absent, for the office's staff (Chinese): e.g. which year's holiday arrangement is missing and the file to add. */
  problem?: string;
  /** The year whose holiday arrangement the count needs and the calendar lacks (no file, or an invalid one). */
  missingYear?: number;
  /** The file to add (or correct) for it: sites/calendar/<year>.yaml. */
  calendarFile?: string;
}

export interface ColumnChange {
  site: string;
  column: string;
  change: 'add' | 'drop' | 'rename';
  /** Id of the signed column change request, when there is one. */
  request?: string;
  /** Whether the change is covered by a valid signed request. */
  approved: boolean;
  date?: string;
}

export type Slot<T> = { provided: false } | { provided: true; items: T[] };

export interface GovernanceInput {
  administratorFilings?: AdministratorFiling[];
  columnChanges?: ColumnChange[];
  /** Where the administrator filings' working days come from (the package and the sites/calendar/ files). */
  calendar?: string;
}

export interface ReportModel {
  version: typeof REPORT_VERSION;
  group: string;
  /** The report's clock, ISO. */
  generatedAt: string;
  /** When staleness, blank columns and days since update are judged: the end of the period's last day (China time), or generatedAt if earlier. ISO. */
  asOf: string;
  /** Inclusive, YYYY-MM-DD, China time. */
  period: { from: string; to: string };
  thresholds: Thresholds;
  /** Where the history figures come from, and what was unavailable; `calendar`: the working-day calendar of the administrator filings. */
  sources: { git: string; approvals: string; calendar?: string };
  sites: SiteReport[];
  governance: { administratorFilings: Slot<AdministratorFiling>; columnChanges: Slot<ColumnChange> };
  assessment?: AssessmentResult;
}
