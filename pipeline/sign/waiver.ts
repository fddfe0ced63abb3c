/**
 * A waiver for one finding of the content checks, as a security administrator
 * signs it: the finding is looked up in the gate's plan (exactly that rule, at
 * that position, of these bytes), and once signed the waiver is written and
 * the gate run again: it counts only if the gate now suppresses the finding.
 */
import { sha256Hex } from '../fs/index.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AuditEvent } from '../audit/index.ts';
import { draftWaiver, type CheckFinding, type SignWaiverOptions } from '../check/index.ts';
import type { Diagnostic } from '../diagnostics/index.ts';
import { runGate } from '../gate/index.ts';
import { WAIVERS_DIR } from '../load/index.ts';
import type { PlanEntry } from '../plan/index.ts';
import type { CertInfo } from '../trust/index.ts';

export interface WaiverTarget {
  root: string;
  now: Date;
  trustAnchor?: string | undefined;
  /** The entry, repo-relative (a leading ./ is ignored). */
  path: string;
  rule: string;
  line: number;
  /** When given, the finding's column too. */
  column?: number | undefined;
}

export type WaiverLookup =
  | { kind: 'config' }
  | { kind: 'not-entry' }
  | { kind: 'no-finding'; entry: PlanEntry }
  | { kind: 'waived'; entry: PlanEntry; finding: Diagnostic; waiver: string }
  | { kind: 'found'; entry: PlanEntry & { digest: string }; finding: Diagnostic; id: string; file: string };

const gateOf = (t: Pick<WaiverTarget, 'root' | 'now' | 'trustAnchor'>) => runGate({ root: t.root, now: t.now, ...(t.trustAnchor ? { trustAnchor: t.trustAnchor } : {}) });

/** The finding a waiver would cover, as the gate reports it now. */
export async function findWaivable(t: WaiverTarget): Promise<WaiverLookup> {
  const gate = await gateOf(t);
  if (!gate.ok) return { kind: 'config' };
  const entry = gate.plan.entries.find((e) => e.path === t.path.replace(/^\.\//, ''));
  if (!entry?.digest) return { kind: 'not-entry' };
  const finding = entry.findings.find((f) => f.rule === t.rule && f.line === t.line && (t.column === undefined || f.column === t.column) && 'fingerprint' in f);
  if (!finding) return { kind: 'no-finding', entry };
  if (finding.suppressed) return { kind: 'waived', entry, finding, waiver: finding.suppressed.waiver };
  const id = `${entry.slug}-${finding.rule}-${finding.line}-${finding.column}`;
  return { kind: 'found', entry: { ...entry, digest: entry.digest }, finding, id, file: `${WAIVERS_DIR}/${id}.json` };
}

/** The waiver to sign for the found finding: pinned to its position and to the entry's bytes. */
export function waiverDraftFor(found: Extract<WaiverLookup, { kind: 'found' }>, justification: string): SignWaiverOptions['draft'] {
  return draftWaiver(found.finding as unknown as CheckFinding, { id: found.id, digest: found.entry.digest, justification, pinPosition: true });
}

/**
 * Write the signed waiver and verify it the way every gate will: accepted
 * only when the finding is now suppressed. The audit entry names the actor
 * only once the gate accepted the waiver (a roster administrator); before
 * that, only the certificate is known.
 */
export async function writeWaiver(t: Pick<WaiverTarget, 'root' | 'now' | 'trustAnchor'>, found: Extract<WaiverLookup, { kind: 'found' }>, bytes: Uint8Array, cert: CertInfo): Promise<{ accepted: boolean; why?: string; whyZh?: string; event: AuditEvent }> {
  const { entry, finding, file } = found;
  const event = (outcome: 'ok' | 'refused'): AuditEvent => ({
    action: 'waive',
    ...(outcome === 'ok' && cert.uid !== undefined ? { actor: cert.uid } : {}),
    sites: [entry.site],
    entries: [entry.path],
    outcome,
    details: { waiver: file, sha256: sha256Hex(bytes), certificate: cert.fingerprint, rule: finding.rule, line: finding.line, column: finding.column },
  });
  mkdirSync(dirname(join(t.root, file)), { recursive: true });
  writeFileSync(join(t.root, file), bytes);
  const after = await gateOf(t);
  const check = after.ok ? after.plan.entries.find((e) => e.path === entry.path)?.findings.find((f) => f.rule === finding.rule && f.line === finding.line && f.column === finding.column) : undefined;
  if (check?.suppressed) return { accepted: true, event: event('ok') };
  // Why not, in both languages: the gate's finding about the waiver file.
  const refusal = after.ok ? after.plan.diagnostics.find((d) => d.file === file) : undefined;
  return { accepted: false, ...(refusal ? { why: refusal.message, whyZh: refusal.zh.message } : {}), event: event('refused') };
}
