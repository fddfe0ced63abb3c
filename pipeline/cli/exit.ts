/** Exit codes, documented in the README and in every command's --help. */
export const EXIT = {
  OK: 0,
  /** check: at least one entry (or file under content/) is refused. */
  REFUSED: 1,
  /** Usage error, or the site group configuration is invalid. */
  CONFIG: 2,
  /** The renderer or the indexer failed; dist/ keeps the previous sites. */
  BUILD: 3,
  /** publish/rollback: the release is signed and archived, but a mirror or an off-site copy failed (the others are fine). */
  MIRROR: 4,
  /** The command did its work but could not append to the audit log (see pipeline/cli/audit-hook.ts). */
  AUDIT: 5,
} as const;

/** The version reported by `--version` and in SARIF output. */
export const TOOL_VERSION = '0.1.0';
