import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { DEMO_MARKER, holdsRealTrust, regenerateDemo, renewDemo, writeDemoDocuments } from '../demo/index.ts';
import { TRUST_DIR } from '../load/index.ts';
import { clock, command } from './args.ts';
import { EXIT } from './exit.ts';
import { printDiagnostics } from './output.ts';

export const DEMO_HELP = `Usage: sealpress demo [--issued-at ISO] [--signed-at ISO] [--renew] [--new-ca] [--bits N] [--root DIR] [--now ISO]
       sealpress demo --documents [--root DIR]

Regenerate the DEMO site group's trust material (sites/trust/) and approval
records (content/_approvals/: the writers' submissions and the approvals), the column change requests (sites/_changes/) and
the waiver with throwaway keys, so that the demo content can change. The
people's private keys exist only in memory during the run, except the release
signer's: it is written to demo/keys/ encrypted under a passphrase the README
publishes, so a fresh clone can sign demo releases. So is the demo CA's key, so
that a clone can renew the 90-day certificates when they lapse; the CA is kept
(trust documents one version up) unless --new-ca. It refuses to touch a
sites/trust/ that is not marked as demo material.

\`sealpress publish\` renews the demo by itself when the release signer's
certificate would lapse before the release does (as --renew does), and says so.

The committed demo was made with
  --new-ca --issued-at 2026-11-01T09:00:00+08:00 --signed-at 2026-11-20T10:00:00+08:00
(the tests run the gate at 2026-11-27; approvals signed later would be "in the future").

With --documents it only writes the demo's PDF, DOCX and XLSX attachments
(the clean ones of 下载中心 and 政策文件 and the planted traps) from
pipeline/demo/attachments.ts, byte for byte as committed; run the command above
afterwards if they changed, so that their entries stay approved.

Options:
  --documents      write the demo's documents only (no keys, no signatures)
  --issued-at ISO  when certificates are issued and trust documents signed (default: now)
  --signed-at ISO  when the approvals are signed (default: now); the writers'
                   submissions are signed half an hour before
  --renew          renew at --now (default: now) as publish does: issued 3 hours and
                   signed 2 hours before it
  --new-ca         make a new demo CA (verifiers then see a new trust domain)
  --bits N         RSA key size (default 3072)

Exit codes: 0 done, 2 usage or configuration error, or sites/trust/ is not demo material.`;

export const demo = command(DEMO_HELP, { 'issued-at': { type: 'string' }, 'signed-at': { type: 'string' }, bits: { type: 'string' }, renew: { type: 'boolean' }, 'new-ca': { type: 'boolean' }, documents: { type: 'boolean' } }, async ({ values }, io) => {
  const root = resolve(values.root ?? '.');
  if (holdsRealTrust(root)) {
    throw new SealpressError('CONFIG_INVALID', `${TRUST_DIR}/ holds trust material that is not marked as demo material (${DEMO_MARKER}); refusing to overwrite it`, { file: TRUST_DIR, fix: 'run sealpress demo only in a copy of the demo, never in a real site group' });
  }
  // Only into the demo: the documents go to the demo's own entries, never into a real group's content.
  if (values.documents) {
    for (const path of writeDemoDocuments(root)) io.out(`  ${path}`);
    return EXIT.OK;
  }
  const bits = values.bits === undefined ? 3072 : Number(values.bits);
  if (!(Number.isInteger(bits) && bits >= 2048 && bits <= 8192)) {
    throw new SealpressError('USAGE', `--bits must be a whole number from 2048 to 8192, found "${values.bits}"`);
  }
  io.err('generating throwaway keys and signing…');
  let result;
  if (values.renew) {
    result = await renewDemo({ root, now: clock(values.now), bits, newCa: values['new-ca'] === true });
  } else {
    const made = await regenerateDemo({ root, issuedAt: clock(values['issued-at']), signedAt: clock(values['signed-at']), bits, newCa: values['new-ca'] === true });
    if ('problem' in made && made.problem === 'config') {
      printDiagnostics(io, root, made.diagnostics);
      return EXIT.CONFIG;
    }
    if ('problem' in made) {
      io.err(`sealpress demo: no demo CA to keep here (a CA marked DEMO and its key in demo/keys/): pass --new-ca to make one`);
      return EXIT.CONFIG;
    }
    result = made;
  }
  io.out(`demo trust material: ${result.people} people, CA ${result.caFingerprint}`);
  for (const r of result.records) io.out(`  ${r}`);
  return EXIT.OK;
});
