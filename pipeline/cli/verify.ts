/**
 * `sealpress verify TARGET`: check a mirror (a folder or an http(s) base URL)
 * against its signed release manifest; `--restore` repairs a folder mirror from
 * the archive and verifies it again.
 */
import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { isUrl, verifiedCode, verifyLines, verifyRound, type VerifyReport, type VerifyRoundOptions } from '../publish/index.ts';
import { clock, command } from './args.ts';
import { EXIT } from './exit.ts';
import { reportError, type Io } from './output.ts';

export const VERIFY_HELP = `Usage: sealpress verify TARGET [--site CODE] [--restore] [--archive DIR] [--state FILE]
                       [--trust-anchor FP] [--json] [--audit-log FILE] [--root DIR] [--now ISO]

Check a mirror against the signed release it serves. TARGET is a folder mirror
or an http(s):// base URL of one site. Checked: the manifest's signature by the
release-signer role, the trust documents it names, its expiry (a frozen mirror
is refused), its version against the last one this verifier saw (a rolled-back
mirror is refused), then every file: modified, missing and extra files are
listed by path. Over http(s), extra files cannot be listed (a web server does
not list its folders); every file the manifest names is fetched and hashed.

Options:
  --site CODE        the site a URL serves (default: the site whose domain is the URL's host)
  --restore          folder mirrors: repair from the archive (replace modified and
                     missing files, remove extra ones, atomically) and verify again
  --archive DIR      the release archive for --restore (default: $SEALPRESS_ARCHIVE,
                     else .sealpress/archive)
  --state FILE       the versions this verifier has seen (default: $SEALPRESS_STATE_DIR
                     or ~/.local/state/sealpress/seen-versions.json)
  --trust-anchor FP  the group CA's SHA-256 fingerprint (default: $SEALPRESS_TRUST_ANCHOR,
                     else the CA of the checkout at --root)
  --json             machine-readable report on stdout
  --audit-log FILE   record the verification (and any restore) in this audit log
                     (default: the repository's, when --root is a site group)
  --root DIR         a checkout of the site group (default: the current folder)
  --now ISO          the verifier's clock (default: now)

Exit codes: 0 the mirror matches its signed release (with --restore: now
matches, after the repair the report lists), 1 it does not, 2 usage error,
3 the archive or the mirror could not be read, 5 the check (or restore) could
not be recorded in the audit log.`;

export const VERIFY_OPTIONS = {
  site: { type: 'string' },
  archive: { type: 'string' },
  state: { type: 'string' },
  'trust-anchor': { type: 'string' },
  json: { type: 'boolean' },
  'audit-log': { type: 'string' },
} as const;

export const verify = command(VERIFY_HELP, { ...VERIFY_OPTIONS, restore: { type: 'boolean' } }, async ({ values, positionals }, io) => {
  const { root, target } = verifyTarget(values, positionals, 'verify');
  if (values.restore && isUrl(target)) throw new SealpressError('USAGE', '--restore repairs folder mirrors only; restore the web server\'s folder instead');
  const outcome = await verifyRound({ ...roundOptions(values, root, target, io), now: clock(values.now), asOf: values.now, restore: values.restore === true });
  if ('code' in outcome) return outcome.settle(outcome.code);
  printReport(io, outcome.report, values.json === true);
  return outcome.settle(verifiedCode(outcome.report));
});

type VerifyValues = { root?: string | undefined; site?: string | undefined; archive?: string | undefined; state?: string | undefined; 'trust-anchor'?: string | undefined; 'audit-log'?: string | undefined };

/** The repository and the one TARGET (a folder, made absolute, or a URL) of `verify` and `watch`. */
export function verifyTarget(values: VerifyValues, positionals: string[], name: string): { root: string; target: string } {
  if (positionals.length !== 1) throw new SealpressError('USAGE', `${name} takes exactly one TARGET (a folder or an http(s):// URL)`);
  return { root: resolve(values.root ?? '.'), target: isUrl(positionals[0]!) ? positionals[0]! : resolve(positionals[0]!) };
}

/** What `verify` and `watch` give every round (pipeline/publish verifyRound). */
export function roundOptions(values: VerifyValues, root: string, target: string, io: Io): Omit<VerifyRoundOptions, 'now' | 'restore'> {
  return { target, root, site: values.site, archive: values.archive, state: values.state, trustAnchor: values['trust-anchor'], auditLog: values['audit-log'], env: process.env, warn: io.err, failed: (error) => reportError(io, 'verify', error) };
}

export function printReport(io: Io, report: VerifyReport, json: boolean): void {
  if (json) io.out(JSON.stringify(report, null, 2));
  else for (const line of verifyLines(report)) io.out(line);
}
