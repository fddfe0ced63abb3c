/**
 * Child process for the kill test: deploys one release to a folder mirror and
 * says "start" just before, so the parent can time its SIGKILL from there.
 * Usage: node --import tsx test/mirror/deploy-child.ts <config.json>
 */
import { readFileSync } from 'node:fs';
import { deployToFolder } from '../../pipeline/mirror/index.ts';
import type { ReleaseManifest } from '../../pipeline/release/manifest.ts';
import { makeArchive, TRUST_FILES } from './fixtures.ts';

interface ChildConfig {
  target: string;
  archive: string;
  manifest: string;
  envelope: string;
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ChildConfig;
const manifest = JSON.parse(readFileSync(config.manifest, 'utf8')) as ReleaseManifest;
const envelopeBytes = readFileSync(config.envelope);
process.stdout.write('start\n');
const report = await deployToFolder({ target: config.target, manifest, envelopeBytes, trustFiles: TRUST_FILES, objects: makeArchive(config.archive) });
process.stdout.write(`${JSON.stringify(report)}\n`);
