/** The site group as configured under sites/, after validation. */

/** Column types drive update-frequency reports (news: 2 weeks, notice/policy: 6 months). */
export const COLUMN_TYPES = ['news', 'notice', 'guide', 'qa'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** The four categories the portal rules name. */
export interface Category {
  id: string;
  name: string;
  columns: Column[];
}

export interface Column {
  id: string;
  name: string;
  type: ColumnType;
  /** The category this column belongs to. */
  category: string;
  description?: string;
}

export interface Department {
  id: string;
  name: string;
}

export interface Administrator {
  name: string;
  /** Date of appointment, YYYY-MM-DD. */
  appointed: string;
  /** Date the appointment was filed with the office, YYYY-MM-DD; absent while not yet filed (the register then counts to today). */
  filed?: string;
  phone?: string;
}

export interface Site {
  /** 11-digit tax authority code; the site's key. */
  code: string;
  name: string;
  kind: 'main' | 'sub';
  /** Host name, derived from the code for sub-sites. */
  domain: string;
  /** 网站标识码. */
  siteIdCode: string;
  /** ICP filing number (ICP备案号). */
  icp: string;
  /** Public-security filing number (公安机关备案号). */
  psb: string;
  /**
   * Column ids enabled for this site, in tree order. As loaded: the group tree's
   * columns only. On the gate's effective group (pipeline/govern), also the
   * added columns a signed column change request approves.
   */
  columns: string[];
  /**
   * Columns a sub-site adds to the group tree (site.yaml `extraColumns:`, each
   * also listed in `columns:`). Declared is not allowed: each needs a signed
   * `add` request (pipeline/govern), else its entries are refused.
   */
  extraColumns?: Column[];
  /** Group column id → the name a sub-site wants to show it under (site.yaml `renameColumns:`); used only with a signed `rename` request. */
  renameColumns?: Record<string, string>;
  /** On the gate's effective group only: column id → the name this site shows, for the approved renames. */
  columnNames?: Record<string, string>;
  /**
   * Where site.yaml writes what governance findings point at (1-based): keys
   * `columns`, `extraColumns.<id>`, `renameColumns.<id>`, `administrators.<i>`.
   */
  positions?: Record<string, { line: number; column: number }>;
  departments: Department[];
  administrators: Administrator[];
  address?: string;
  phone?: string;
  /** Repo-relative path of the site's config file. */
  source: string;
}

export interface SiteGroup {
  name: string;
  /** Code of the main site. */
  main: string;
  /** Host name pattern for sub-sites, with `{code}`. */
  domainPattern: string;
  /** URL of the 找错 (error report) service linked from every footer. */
  errorReportUrl: string;
  categories: Category[];
  /** Column id -> column, for every column of the tree. */
  columns: Map<string, Column>;
  /** Site code -> site; the main site first. */
  sites: Map<string, Site>;
  /** Limits applied by the loader. */
  limits: { maxEntryBytes: number; maxAssetBytes: number };
}
