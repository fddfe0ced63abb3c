/**
 * What `sealpress demo` does, as library calls: only ever into the demo (a
 * sites/trust/ that is not marked as demo material is never touched), its
 * documents, or its trust material and records made anew with throwaway keys.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/index.ts';
import { runGate } from '../gate/index.ts';
import { TRUST_DIR } from '../load/index.ts';
import { regenerateDemoTrust, type RegenerateResult } from './regenerate.ts';
import { DEMO_MARKER, DEMO_MARKER_TEXT, keptDemoCa, readDemoMaterial } from './renew.ts';

/** Whether root holds trust material that is not the demo's (then nothing here may write into it). */
export function holdsRealTrust(root: string): boolean {
  const trustDir = join(root, TRUST_DIR);
  return existsSync(trustDir) && !existsSync(join(trustDir, DEMO_MARKER));
}

/**
 * The demo's trust material and records made anew: the CA kept (trust
 * documents one version up) unless `newCa`, certificates issued at `issuedAt`,
 * the records signed at `signedAt` as the gate judges the content then.
 */
export async function regenerateDemo(options: { root: string; issuedAt: Date; signedAt: Date; bits: number; newCa: boolean }): Promise<RegenerateResult | { problem: 'config'; diagnostics: Diagnostic[] } | { problem: 'no-ca' }> {
  const { root, issuedAt, signedAt, bits } = options;
  const gate = await runGate({ root, now: signedAt, cache: false });
  if (!gate.ok) return { problem: 'config', diagnostics: gate.configDiagnostics };
  const material = options.newCa ? undefined : readDemoMaterial(root);
  if (!options.newCa && !material) return { problem: 'no-ca' };
  const kept = material ? keptDemoCa(root, material) : {};
  const result = await regenerateDemoTrust({ root, group: gate.group, plan: gate.plan, issuedAt, signedAt, bits, ...kept });
  writeFileSync(join(root, TRUST_DIR, DEMO_MARKER), DEMO_MARKER_TEXT);
  return result;
}
