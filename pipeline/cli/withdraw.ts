/**
 * `sealpress withdraw`: take a published entry off the sites with a signed
 * withdrawal record (错误发布, 已过时, …). The next build leaves it out; the
 * record is kept as the audit trail. To publish the entry again, the approvals
 * the policy requires are signed after the withdrawal.
 */
import { SealpressError } from '../errors/index.ts';
import { command } from './args.ts';
import { SIGN_OPTIONS, signDecision } from './approve.ts';
import type { Io } from './output.ts';

export const WITHDRAW_HELP = `Usage: sealpress withdraw <entry> --reason TEXT --key FILE [--cert FILE]
                         [--passphrase-file FILE] [--yes] [--json] [--trust-anchor FP] [--root DIR] [--now ISO]

Sign the withdrawal of a published (approved) entry, e.g. --reason 错误发布 or
--reason 已过时. The record is written to
content/_approvals/<site>/<YYYYMMDD>-<your id>-<8 hex>-withdraw.json; commit it.
The next build leaves the entry out (status withdrawn); the record is kept. The
signer must hold a role that covers the entry's site, column and department.

Options:
  --reason TEXT          why (kept in the signed record; at most 500 characters)
  --key FILE             your encrypted private key
  --cert FILE            your certificate (default: FILE with .key.pem → .cert.pem)
  --passphrase-file FILE the key's passphrase (first line); else $SEALPRESS_PASSPHRASE;
                         else asked on the terminal without echo
  --yes                  do not ask for confirmation (required when stdin is not a terminal)
  --json                 machine-readable result on stdout
  --trust-anchor FP      the CA fingerprint pinned from outside the repository
  --root DIR             the repository (default: the current folder)
  --now ISO              the signing time and the gate's clock (default: now)

Each signed withdrawal, and each refusal, is recorded in the audit log
(sealpress audit --help).

Exit codes: 0 signed, 1 refused (not published, already withdrawn, outside your
scope, certificate not valid; nothing signed), 2 usage or key error, 5 the
withdrawal or refusal could not be recorded in the audit log.`;

export const withdraw = command(WITHDRAW_HELP, { ...SIGN_OPTIONS, reason: { type: 'string' } }, async ({ values, positionals }, io) => {
  if (positionals.length !== 1) throw new SealpressError('USAGE', 'withdraw takes exactly one entry');
  const reason = values.reason?.trim();
  if (!reason) throw new SealpressError('USAGE', '--reason TEXT is required (错误发布, 已过时, …): it is kept in the signed record');
  if ([...reason].length > 500) throw new SealpressError('USAGE', '--reason has more than 500 characters');
  return signDecision(io, { decision: 'withdraw', paths: positionals, values, reason });
});
