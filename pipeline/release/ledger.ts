/**
 * Carrying the release ledger forward (Trust model 10: taking out is
 * permanent). Pure. A release remembers the union of what the release before
 * it remembered and what its own gate saw, so a withdrawal stays remembered
 * after its record file is deleted, and a trust document's version never goes
 * down. Everything here only grows: nothing a later run does makes a release
 * forget (the way TUF's versions only move forward).
 */
import { parseInstant } from '../trust/time.ts';
import { LEDGER_TRUST_DOCS, type LedgerTrustDoc, type LedgerWithdrawal, type ReleaseLedger } from './manifest.ts';
import { ledgerKey } from './read.ts';

/** The latest archived release's memory, once its signature is verified (loadMemory in pipeline/publish). */
export interface ReleaseMemory {
  version: number;
  createdAt: string;
  /** SHA-256 fingerprint of the CA the release was signed under: trust versions compare only within one CA. */
  caFingerprint: string;
  /** Its ledger; undefined for a release made before ledgers existed (it remembers nothing). */
  ledger: ReleaseLedger | undefined;
}

/** The ledger of the next release: `previous` (the latest release's, if any) ∪ `seen`; trust versions the higher of the two. */
export function carryLedger(previous: ReleaseLedger | undefined, seen: readonly LedgerWithdrawal[], trust: Record<LedgerTrustDoc, number> | undefined): ReleaseLedger | undefined {
  const versions = trust ?? previous?.trust;
  if (versions === undefined) return undefined;
  const merged = new Map<string, LedgerWithdrawal>();
  // Remembered first: of two copies of the same signed bytes, the path it was first seen at is kept.
  for (const w of [...(previous?.withdrawals ?? []), ...seen]) {
    const key = `${w.entry}\u0000${w.sha256}`;
    if (!merged.has(key)) merged.set(key, { entry: w.entry, site: w.site, signedAt: w.signedAt, signer: w.signer, record: w.record, sha256: w.sha256 });
  }
  const withdrawals = [...merged.values()].sort((a, b) => (ledgerKey(a) < ledgerKey(b) ? -1 : 1));
  const out = {} as Record<LedgerTrustDoc, number>;
  for (const doc of LEDGER_TRUST_DOCS) out[doc] = Math.max(versions[doc], previous?.trust[doc] ?? 0);
  return { withdrawals, trust: out };
}

/** A trust document older than the one a release was gated under. */
export interface TrustRollback {
  doc: LedgerTrustDoc;
  /** The version in the repository now. */
  have: number;
  /** The version the release remembers. */
  remembered: number;
}

/** Which documents went back below the remembered versions (equal or higher is fine: a higher one carries the administrators' signatures). */
export function trustRollbacks(current: Record<LedgerTrustDoc, number>, remembered: Record<LedgerTrustDoc, number>): TrustRollback[] {
  return LEDGER_TRUST_DOCS.filter((doc) => current[doc] < remembered[doc]).map((doc) => ({ doc, have: current[doc], remembered: remembered[doc] }));
}

/** Remembered withdrawals by entry path, each with its signing time in ms. */
export function withdrawalsByEntry(ledger: ReleaseLedger | undefined): Map<string, (LedgerWithdrawal & { atMs: number })[]> {
  const out = new Map<string, (LedgerWithdrawal & { atMs: number })[]>();
  for (const w of ledger?.withdrawals ?? []) {
    const list = out.get(w.entry) ?? [];
    list.push({ ...w, atMs: parseInstant(w.signedAt) as number });
    out.set(w.entry, list);
  }
  return out;
}
