/**
 * `sealpress trust`: verify, show and countersign the trust documents under
 * sites/trust/. The reading, checking and signing are the library's
 * (pipeline/pki/); this file parses the options, prints and maps the outcome
 * to an exit code. Also the printing the `keys` commands share.
 */
import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { TRUST_DIR, TRUST_FILES } from '../load/index.ts';
import { countersign, DOCUMENT_KINDS, pairSigners, prepareCountersign, readTrustState, trustOrRefused, trustProblemLines, trustStatusJson, trustStatusLines, type Refused, type TrustState } from '../pki/index.ts';
import { storedPayload, type Trust, type TrustResult } from '../trust/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import type { Io } from './output.ts';
import { cliPassphrases, confirm, requireConfirmable } from './passphrase.ts';

export { readTrustState, shown } from '../pki/index.ts';

export const TRUST_HELP = `Usage: sealpress trust <verify|show|sign> [options]

  sealpress trust verify [--json]
      Verify sites/trust/ (CA, root, roster, policy, revocations) as the gate
      does; print each document's version and signers, the CA fingerprint and
      whether it is pinned, and every warning.
  sealpress trust show <root|roster|policy|revocations>
      Print the verified payload of one document.
  sealpress trust sign <roster|policy|revocations|FILE> --admin-key FILE   (alias: countersign)
                       [--admin-cert FILE] [--admin-passphrase-file FILE] [--yes]
      Countersign a document as another security administrator: one signature
      over its payload bytes as stored. Prints what is signed and asks first
      (--yes to skip). Refused unless the new signature counts (a security
      administrator named by the root, certificate valid and not revoked when
      the document was signed).

Options:
  --json              machine-readable output (verify)
  --admin-key FILE    your encrypted private key (the certificate is FILE with
                      .key.pem replaced by .cert.pem, or --admin-cert)
  --admin-passphrase-file FILE  its passphrase (first line); else
                      $SEALPRESS_PASSPHRASE; else asked on the terminal
  --trust-anchor FP   the CA fingerprint pinned from outside the repository
                      (default: $SEALPRESS_TRUST_ANCHOR)
  --root DIR          the repository (default: the current folder)
  --now ISO           the clock (default: now)

Exit codes: 0 ok, 1 the trust material does not verify (verify, show) or the
signature would not count (sign), 2 usage or key error (wrong passphrase,
key readable by others).`;

/** The options every command that signs as security administrators takes. */
export const ADMIN_OPTIONS = {
  'admin-key': { type: 'string', multiple: true },
  'admin-cert': { type: 'string', multiple: true },
  'admin-passphrase-file': { type: 'string', multiple: true },
  'trust-anchor': { type: 'string' },
} as const;

export function printTrustProblems(io: Io, result: TrustResult, unreadable: readonly string[] = []): void {
  for (const line of trustProblemLines(result, unreadable)) io.err(line);
}

/** An act refused: say why, with the trust problems behind it, and exit 1. */
export function printRefused(io: Io, refused: Refused): number {
  io.err(refused.refused);
  if (refused.result) printTrustProblems(io, refused.result, refused.unreadable);
  return EXIT.REFUSED;
}

/** The verified trust, or a printed explanation and exit code 1. */
export function requireTrust(io: Io, state: TrustState, doing: string): Trust | number {
  const trust = trustOrRefused(state, doing);
  return 'refused' in trust ? printRefused(io, trust) : trust;
}

export async function trust(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(TRUST_HELP);
    return EXIT.OK;
  }
  if (sub === 'verify') return trustVerify(rest, io);
  if (sub === 'show') return trustShow(rest, io);
  // `countersign` is the name the gate's messages use for the same act.
  if (sub === 'sign' || sub === 'countersign') return trustSign(rest, io);
  throw new SealpressError('USAGE', `unknown subcommand "${sub}"; use verify, show or sign`);
}

const trustVerify = command(TRUST_HELP, { json: { type: 'boolean' }, 'trust-anchor': { type: 'string' } }, async ({ values }, io) => {
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const state = readTrustState(root, now, trustAnchor(values['trust-anchor']).trustAnchor);
  if (values.json) io.out(JSON.stringify(trustStatusJson(state, now), null, 2));
  else for (const line of trustStatusLines(state)) io.out(line);
  return state.result.ok ? EXIT.OK : EXIT.REFUSED;
});

const SHOWABLE = ['root', ...DOCUMENT_KINDS] as const;

const trustShow = command(TRUST_HELP, { 'trust-anchor': { type: 'string' } }, async ({ values, positionals }, io) => {
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined || !(SHOWABLE as readonly string[]).includes(name)) {
    throw new SealpressError('USAGE', `trust show takes one of ${SHOWABLE.join(', ')}`);
  }
  const root = resolve(values.root ?? '.');
  const state = readTrustState(root, clock(values.now), trustAnchor(values['trust-anchor']).trustAnchor);
  const verified = requireTrust(io, state, 'showing it as verified');
  if (typeof verified === 'number') return verified;
  const bytes = state.files[name as (typeof SHOWABLE)[number]];
  if (!bytes) return EXIT.REFUSED;
  io.out(JSON.stringify(storedPayload(bytes), null, 2));
  return EXIT.OK;
});

const trustSign = command(TRUST_HELP, { ...ADMIN_OPTIONS, yes: { type: 'boolean', short: 'y' } }, async ({ values, positionals }, io) => {
  const [target, extra] = positionals;
  if (target === undefined || extra !== undefined) throw new SealpressError('USAGE', 'trust sign takes one document: roster, policy, revocations or a file');
  if ((values['admin-key'] ?? []).length !== 1) throw new SealpressError('USAGE', 'trust sign adds one signature: give exactly one --admin-key');
  requireConfirmable(values.yes);
  const admin = pairSigners(values['admin-key'] ?? [], values['admin-cert'] ?? [], values['admin-passphrase-file'] ?? [], 'admin')[0]!;
  const now = clock(values.now);
  const preview = prepareCountersign({ root: resolve(values.root ?? '.'), now, anchor: trustAnchor(values['trust-anchor']).trustAnchor, target, admin });
  if ('refused' in preview) return printRefused(io, preview);

  // What is signed, in full: the administrator must see it (DESIGN: see exactly what you sign).
  io.out(`${preview.shownPath}: ${preview.kind} v${String(preview.version)}, signed ${preview.signedAt}`);
  io.out(`signatures that count: ${preview.before.counted.length} of the ${preview.threshold} the root requires (${preview.before.counted.join(', ') || 'none'})`);
  for (const n of preview.before.notCounted) io.out(`  not counted: ${n.who}: ${n.why}`);
  io.out(JSON.stringify(preview.payload, null, 2));
  if (!(await confirm(`Countersign this ${preview.kind}?`, values.yes))) {
    io.err('nothing signed');
    return EXIT.REFUSED;
  }
  const signed = await countersign(preview, cliPassphrases(io));
  if ('refused' in signed) return printRefused(io, signed);
  io.out(`signed ${signed.shownPath}: ${signed.counted.length} signature(s) count (${signed.counted.join(', ')}); the root requires ${signed.threshold}`);
  const after = signed.trustAfter;
  if (after) {
    if (after.result.ok) io.out(`trust material: OK (${signed.kind} signed by ${after.result.trust.signedBy[signed.kind].join(', ')})`);
    else {
      io.out('trust material: does not verify yet:');
      printTrustProblems({ ...io, err: io.out }, after.result, after.unreadable);
    }
  } else if (signed.counted.length >= signed.threshold) {
    io.out(`the document has enough signatures; copy it to ${TRUST_DIR}/${TRUST_FILES[signed.kind]} and run \`sealpress trust verify\``);
  }
  return EXIT.OK;
});
