/** Run the `sealpress` command in-process with captured output (and, for the call, extra environment). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../pipeline/cli/main.ts';
import type { Io } from '../../pipeline/cli/output.ts';

// The commands append to the audit log; a test run must never write into the checkout's own log.
const TEST_AUDIT_LOG = join(mkdtempSync(join(tmpdir(), 'sealpress-audit-')), 'log.jsonl');

export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  if (!('SEALPRESS_AUDIT_LOG' in env) && !args.includes('--audit-log')) env = { ...env, SEALPRESS_AUDIT_LOG: TEST_AUDIT_LOG };
  // The suite's assertions read the English output: the tool prints Chinese unless asked otherwise (a test of the Chinese passes SEALPRESS_LANG or --lang itself).
  if (!('SEALPRESS_LANG' in env)) env = { ...env, SEALPRESS_LANG: 'en' };
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), color: false };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const set = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(env);
  try {
    const code = await main(args, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    set(saved);
  }
}
