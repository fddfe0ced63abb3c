import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { regenerateDemoTrust } from '../demo/index.ts';
import { runGate } from '../gate/index.ts';
import { TRUST_DIR } from '../load/index.ts';
import { clock, parse } from './args.ts';
import { EXIT } from './exit.ts';
import { printDiagnostics, type Io } from './output.ts';

export const DEMO_HELP = `Usage: sealpress demo [--issued-at ISO] [--signed-at ISO] [--bits N] [--root DIR]

Regenerate the DEMO site group's trust material (sites/trust/) and approval
records (content/_approvals/), the column change requests (sites/_changes/) and
the waiver with throwaway keys, so that the demo content can change. The private
keys exist only in memory during the run, except the release signer's: it is
written to demo/keys/ encrypted under a passphrase the README publishes, so a
fresh clone can sign demo releases. It refuses to touch a sites/trust/ that is
not marked as demo material.

The committed demo was made with
  --issued-at 2026-11-01T09:00:00+08:00 --signed-at 2026-11-20T10:00:00+08:00
(the tests run the gate at 2026-11-27; approvals signed later would be "in the future").

Options:
  --issued-at ISO  when certificates are issued and trust documents signed (default: now)
  --signed-at ISO  when the approvals are signed (default: now)
  --bits N         RSA key size (default 3072)

Exit codes: 0 done, 2 usage or configuration error, or sites/trust/ is not demo material.`;

const MARKER = 'DEMO.md';
const MARKER_TEXT = `# Demo trust material: not for production

Everything in this folder was made by \`sealpress demo\` with throwaway keys that
were discarded when the command ended, except the release signer's key, kept in
demo/keys/ encrypted under a published passphrase. It lets a fresh clone of the
demo publish its approved entries. A real site group makes its own with
\`sealpress keys init\`.
`;

export async function demo(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { 'issued-at': { type: 'string' }, 'signed-at': { type: 'string' }, bits: { type: 'string' } });
  if (values.help) {
    io.out(DEMO_HELP);
    return EXIT.OK;
  }
  const root = resolve(values.root ?? '.');
  const trustDir = join(root, TRUST_DIR);
  if (existsSync(trustDir) && !existsSync(join(trustDir, MARKER))) {
    io.err(`sealpress demo: ${TRUST_DIR}/ holds trust material that is not marked as demo material (${MARKER}); refusing to overwrite it`);
    return EXIT.CONFIG;
  }
  const issuedAt = clock(values['issued-at']);
  const signedAt = clock(values['signed-at']);
  const bits = values.bits === undefined ? 3072 : Number(values.bits);
  const gate = await runGate({ root, now: signedAt, cache: false });
  if (!gate.ok) {
    printDiagnostics(io, root, gate.configDiagnostics);
    return EXIT.CONFIG;
  }
  io.err('generating throwaway keys and signing…');
  const result = await regenerateDemoTrust({ root, group: gate.group, plan: gate.plan, issuedAt, signedAt, bits });
  writeFileSync(join(trustDir, MARKER), MARKER_TEXT);
  io.out(`demo trust material: ${result.people} people, CA ${result.caFingerprint}`);
  for (const r of result.records) io.out(`  ${r}`);
  return EXIT.OK;
}
