import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { DEMO_MARKER, holdsRealTrust, regenerateDemo, renewDemo, writeDemoDocuments } from '../demo/index.ts';
import { TRUST_DIR } from '../load/index.ts';
import { clock, command } from './args.ts';
import { EXIT } from './exit.ts';
import { printDiagnostics } from './output.ts';

export const demo = command('demo', { 'issued-at': { type: 'string' }, 'signed-at': { type: 'string' }, bits: { type: 'string' }, renew: { type: 'boolean' }, 'new-ca': { type: 'boolean' }, documents: { type: 'boolean' } }, async ({ values }, io) => {
  const root = resolve(values.root ?? '.');
  if (holdsRealTrust(root)) {
    throw new SealpressError('CONFIG_INVALID', { zh: `${TRUST_DIR}/ 中的信任材料未标记为演示材料（${DEMO_MARKER}）；拒绝覆盖`, en: `${TRUST_DIR}/ holds trust material that is not marked as demo material (${DEMO_MARKER}); refusing to overwrite it` }, { file: TRUST_DIR, fix: { zh: '只在演示站群的副本中运行 sealpress demo，切勿在真实站群中运行', en: 'run sealpress demo only in a copy of the demo, never in a real site group' } });
  }
  // Only into the demo: the documents go to the demo's own entries, never into a real group's content.
  if (values.documents) {
    for (const path of writeDemoDocuments(root)) io.out(`  ${path}`);
    return EXIT.OK;
  }
  const bits = values.bits === undefined ? 3072 : Number(values.bits);
  if (!(Number.isInteger(bits) && bits >= 2048 && bits <= 8192)) {
    throw new SealpressError('USAGE', { zh: `--bits 应为 2048 到 8192 之间的整数，实际为“${values.bits}”`, en: `--bits must be a whole number from 2048 to 8192, found "${values.bits}"` });
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
