/**
 * `sealpress audit verify|show`: check the hash-chained audit log and read it.
 * A thin layer over pipeline/audit/. `show` verifies as it reads and stops at
 * the first bad entry: a tampered log is not shown as fact.
 */
import { resolve } from 'node:path';
import type { ManifestOpener } from '../audit/index.ts';
import { SealpressError } from '../errors/index.ts';
import { auditRead } from '../publish/index.ts';
import { command } from './args.ts';
import { EXIT } from './exit.ts';
import type { Io } from './output.ts';

export interface AuditCliDeps {
  /** Opens a release envelope for its seal; the default reads the payload without checking signatures. */
  openManifest?: ManifestOpener;
}

const AUDIT_OPTIONS = {
  log: { type: 'string' },
  archive: { type: 'string' },
  state: { type: 'string' },
  json: { type: 'boolean' },
  site: { type: 'string' },
  entry: { type: 'string' },
  person: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  action: { type: 'string' },
  'trust-anchor': { type: 'string' },
} as const;

const EXITS = { ok: EXIT.OK, broken: EXIT.REFUSED, missing: EXIT.CONFIG } as const;

export function audit(args: string[], io: Io, deps: AuditCliDeps = {}): Promise<number> {
  return command('audit', AUDIT_OPTIONS, async ({ values, positionals }) => {
    const [sub, ...rest] = positionals;
    if (rest.length > 0 || (sub !== 'verify' && sub !== 'show')) throw new SealpressError('USAGE', { zh: 'audit 需要一个子命令：verify 或 show', en: 'audit takes one subcommand: verify or show' });
    const read = { root: resolve(values.root ?? '.'), log: values.log === undefined ? undefined : resolve(values.log), archive: values.archive, state: values.state, trustAnchor: values['trust-anchor'], env: process.env, openManifest: deps.openManifest };
    const { site, entry, person, action, from, to } = values;
    const r = auditRead(sub, read, { site, entry, person, action, from, to });
    if (values.json && r.json) io.out(JSON.stringify(r.json, null, 2));
    else if (!values.json) for (const line of r.lines) io.out(line);
    for (const p of r.problems) io.err(p);
    return EXITS[r.outcome];
  })(args, io);
}
