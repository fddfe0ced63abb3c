/**
 * The publication steps' side of the audit trail: a small interface (STYLE 10)
 * over the hash-chained log, so the steps say what happened and the log
 * decides how it is kept.
 */
import { appendAudit, auditHead, type AuditEvent } from '../audit/index.ts';

export type AuditRecord = Omit<AuditEvent, 'at' | 'seq' | 'prev' | 'hash'>;

export interface AuditSink {
  record(event: AuditRecord): Promise<void>;
  /** The log's last entry, sealed into the next release. */
  head(): Promise<{ seq: number; hash: string } | undefined>;
}

/**
 * The log file at `path`. Entries are stamped with the system clock (when it
 * really happened: the log's times must not go backwards); a run's own clock
 * (`--now`) is kept as `details.asOf`.
 */
export function fileAuditSink(path: string, asOf: Date): AuditSink {
  return {
    record: async (event) => {
      await appendAudit(path, { ...event, details: { ...event.details, asOf: asOf.toISOString() } }, new Date());
    },
    head: async () => auditHead(path),
  };
}
