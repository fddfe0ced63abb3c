/**
 * `sealpress trust`: verify, show and countersign the trust documents under
 * sites/trust/. The reading, checking and signing are the library's
 * (pipeline/pki/); this file parses the options, prints and maps the outcome
 * to an exit code. Also the printing the `keys` commands share.
 */
import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { countersign, countersignedLines, countersignPreviewLines, DOCUMENT_KINDS, pairSigners, prepareCountersign, readTrustState, trustOrRefused, trustProblemLines, trustStatusJson, trustStatusLines, type Refused, type TrustState } from '../pki/index.ts';
import { storedPayload, type Trust, type TrustResult } from '../trust/index.ts';
import { clock, command, subcommands, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { printResult, type Io } from './output.ts';
import { cliPassphrases, confirm, requireConfirmable } from './passphrase.ts';

export { readTrustState, shown } from '../pki/index.ts';

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

const trustVerify = command('trust', { json: { type: 'boolean' }, 'trust-anchor': { type: 'string' } }, async ({ values }, io) => {
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const state = readTrustState(root, now, trustAnchor(values['trust-anchor']).trustAnchor);
  printResult(io, values.json, { json: trustStatusJson(state, now), lines: trustStatusLines(state) });
  return state.result.ok ? EXIT.OK : EXIT.REFUSED;
});

const SHOWABLE = ['root', ...DOCUMENT_KINDS] as const;

const trustShow = command('trust', { 'trust-anchor': { type: 'string' } }, async ({ values, positionals }, io) => {
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined || !(SHOWABLE as readonly string[]).includes(name)) {
    throw new SealpressError('USAGE', { zh: `trust show 只接受以下之一：${SHOWABLE.join(', ')}`, en: `trust show takes one of ${SHOWABLE.join(', ')}` });
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

const trustSign = command('trust', { ...ADMIN_OPTIONS, yes: { type: 'boolean', short: 'y' } }, async ({ values, positionals }, io) => {
  const [target, extra] = positionals;
  if (target === undefined || extra !== undefined) throw new SealpressError('USAGE', { zh: 'trust sign 只接受一个文件：roster、policy、revocations 或一个文件路径', en: 'trust sign takes one document: roster, policy, revocations or a file' });
  if ((values['admin-key'] ?? []).length !== 1) throw new SealpressError('USAGE', { zh: 'trust sign 只添加一个签名：请恰好给出一个 --admin-key', en: 'trust sign adds one signature: give exactly one --admin-key' });
  requireConfirmable(values.yes);
  const admin = pairSigners(values['admin-key'] ?? [], values['admin-cert'] ?? [], values['admin-passphrase-file'] ?? [], 'admin')[0]!;
  const now = clock(values.now);
  const preview = prepareCountersign({ root: resolve(values.root ?? '.'), now, anchor: trustAnchor(values['trust-anchor']).trustAnchor, target, admin });
  if ('refused' in preview) return printRefused(io, preview);

  for (const line of countersignPreviewLines(preview)) io.out(line);
  if (!(await confirm(`Countersign this ${preview.kind}?`, values.yes))) {
    io.err('nothing signed');
    return EXIT.REFUSED;
  }
  const signed = await countersign(preview, cliPassphrases(io));
  if ('refused' in signed) return printRefused(io, signed);
  for (const line of countersignedLines(signed)) io.out(line);
  return EXIT.OK;
});

// `countersign` is the name the gate's messages use for the same act as `sign`.
export const trust = subcommands('trust', { verify: trustVerify, show: trustShow, sign: trustSign, countersign: trustSign }, 'verify, show or sign');
