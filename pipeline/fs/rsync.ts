/**
 * The one way sealpress runs rsync (mirror deploys, off-site copies of the
 * archive): argv only, never a shell; stdout collected, stderr kept short for
 * the message; a timeout that kills a transfer hanging on a dead host.
 */
import { spawn } from 'node:child_process';

export interface RsyncOptions {
  /** The rsync program (default `rsync` on the PATH). */
  program?: string;
  /** Kill the transfer after this long (default: none). */
  timeoutMs?: number;
}

/**
 * What a run gave: its stdout, or why it failed: `cannot-run` (the program
 * is missing or not executable: `cause` says which), `failed` (it ran and
 * exited non-zero or was killed; `status` is `exit N` or the signal).
 */
export type RsyncResult =
  | { ok: true; stdout: string }
  | { ok: false; reason: 'cannot-run'; program: string; cause: unknown; detail: string }
  | { ok: false; reason: 'failed'; program: string; status: string; detail: string };

const MAX_STDERR = 2000;

export function runRsync(args: readonly string[], options: RsyncOptions = {}): Promise<RsyncResult> {
  const program = options.program ?? 'rsync';
  return new Promise((resolve) => {
    const child = spawn(program, [...args], { stdio: ['ignore', 'pipe', 'pipe'], shell: false, ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let settled = false;
    child.on('error', (cause) => {
      if (settled) return;
      settled = true;
      resolve({ ok: false, reason: 'cannot-run', program, cause, detail: (cause as NodeJS.ErrnoException).code ?? cause.message });
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      if (code === 0) resolve({ ok: true, stdout: Buffer.concat(out).toString('utf8') });
      else resolve({ ok: false, reason: 'failed', program, status: signal ?? `exit ${code}`, detail: Buffer.concat(err).toString('utf8').trim().slice(0, MAX_STDERR) });
    });
  });
}
