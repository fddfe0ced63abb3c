/**
 * How every act records what it did in the audit log, behind a small
 * interface (STYLE 10): the steps say what happened, `recordAudit` and
 * `auditRecorder` keep it.
 *
 * The rule (a security log is not best effort): the entry is appended after
 * the action, and when it cannot be appended the act still reports what it
 * did, then says the audit entry is missing and ends with EXIT.AUDIT (5),
 * whatever its own exit code was: a CI job must not go green on an unrecorded
 * gate run or approval. A refused action is recorded too (outcome 'refused'):
 * an attempt to approve one's own entry is exactly what an auditor looks for.
 *
 * The entry's time is the system clock at append time, not the run's --now:
 * the log says when things happened; a run's chosen clock is kept as
 * details.asOf. The actor is a person id only when a certificate proved it
 * (approve, withdraw, waive); a gate run's actor is 'ci' when $CI is set and
 * is otherwise left out rather than claimed.
 */
import { appendAudit, AuditError, auditHead, auditLogPath, type AuditEvent, type AuditHead } from '../audit/index.ts';
import { EXIT } from '../errors/index.ts';
import { shown } from '../pki/state.ts';

export interface AuditSink {
  record(event: AuditEvent): Promise<void>;
  /** The log's last entry, sealed into the next release. */
  head(): Promise<AuditHead | undefined>;
}

export interface AuditRun {
  /** The repository (the default log is under its .sealpress/). */
  root: string;
  /** The run's --now, when given. */
  now?: string | undefined;
  /** A log named on the command line (--audit-log), else $SEALPRESS_AUDIT_LOG or the repository's. */
  log?: string | undefined;
  /** The environment the log's path is read from ($SEALPRESS_AUDIT_LOG), given by the caller. */
  env: Readonly<Record<string, string | undefined>>;
}

/** Append one entry after the act; `code` is the act's exit code, EXIT.AUDIT when the entry could not be appended (said through `warn`). */
export async function recordAudit(warn: (text: string) => void, run: AuditRun, event: AuditEvent, code: number): Promise<number> {
  const log = auditLogPath(run.root, run.log, run.env);
  const details = { ...event.details, ...(run.now !== undefined ? { asOf: run.now } : {}) };
  try {
    await appendAudit(log, { ...event, ...(Object.keys(details).length > 0 ? { details } : {}) }, new Date());
    return code;
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    warn(`sealpress: the ${event.action} (${event.outcome}) was NOT recorded in the audit log ${shown(run.root, log)}: ${error.message} [${error.code}]`);
    return EXIT.AUDIT;
  }
}

/**
 * The same rule for the jobs that record several steps (publish, rollback,
 * verify, watch): each step is recorded as it happens; a step that cannot be
 * recorded is reported at once and the job goes on, and `settle` turns the
 * job's exit code into EXIT.AUDIT at the end.
 */
export function auditRecorder(warn: (text: string) => void, run: AuditRun): AuditSink & { settle(code: number): number } {
  let failed = false;
  return {
    record: async (event) => {
      if ((await recordAudit(warn, run, event, EXIT.OK)) === EXIT.AUDIT) failed = true;
    },
    head: async () => auditHead(auditLogPath(run.root, run.log, run.env)),
    settle: (code) => (failed ? EXIT.AUDIT : code),
  };
}

/** Record one act's entry and give back its exit code (recordAudit bound to a run and a place for warnings). */
export type RecordAct = (event: AuditEvent, code: number) => Promise<number>;

export function actRecorder(warn: (text: string) => void, run: AuditRun): RecordAct {
  return (event, code) => recordAudit(warn, run, event, code);
}
