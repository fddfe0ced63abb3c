/** Shared printing for the commands. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../diagnostics/index.ts';
import type { Plan } from '../plan/index.ts';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  color: process.stdout.isTTY === true && !process.env['NO_COLOR'],
};

/** Reads source lines for excerpts, each file once. */
export function lineReader(root: string): (file: string, line: number) => string | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (file, line) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(join(root, file), 'utf8').split(/\r?\n/));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file)?.[line - 1];
  };
}

/** What a build leaves out and why, and how approvals were checked (stderr: progress, not the result). */
export function printLeftOut(io: Io, plan: Plan): void {
  for (const e of plan.entries) {
    if (e.status === 'publishable') continue;
    io.err(`left out: ${e.path} (${e.status}: ${e.findings.find((f) => f.severity !== 'info' || e.status !== 'refused')?.rule ?? e.status})`);
  }
  io.err(`${plan.approvals.verified ? 'approvals' : 'warning'}: ${plan.approvals.note}`);
}

export function printDiagnostics(io: Io, root: string, diagnostics: readonly Diagnostic[]): void {
  const lineOf = lineReader(root);
  for (const d of diagnostics) io.out(formatDiagnostic(d, { lineOf, color: io.color }));
}

/**
 * The library's own errors (release, mirror, audit, governance, keys) carry a
 * stable code and a message that says what to do; anything else is a bug and
 * keeps its stack trace.
 */
export function domainError(error: unknown): { message: string; code: string; file?: string; fix?: string } | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, file, path, fix } = error as Error & { code?: unknown; file?: unknown; path?: unknown; fix?: unknown };
  if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(code)) return undefined;
  const where = typeof file === 'string' ? file : typeof path === 'string' ? path : undefined;
  return { message: error.message, code, ...(where ? { file: where } : {}), ...(typeof fix === 'string' ? { fix } : {}) };
}
