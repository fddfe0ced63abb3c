/**
 * The publication steps' side of the audit trail: a small interface (STYLE 10)
 * over the hash-chained log, so the steps say what happened and the command
 * decides how it is kept (pipeline/cli/audit-hook.ts: after the work, and a
 * failure to record is an exit code of its own, never a half-done job).
 */
import type { AuditEvent, AuditHead } from '../audit/index.ts';

export interface AuditSink {
  record(event: AuditEvent): Promise<void>;
  /** The log's last entry, sealed into the next release. */
  head(): Promise<AuditHead | undefined>;
}
