/**
 * `sealpress approve`: an approver signs one record for a batch of entries,
 * after seeing exactly what they sign (title, site, column, author, the
 * writers who submitted it, digest, assets, the gate's findings). The record
 * binds the bytes (Trust model 2); the gate then counts it. Nothing is signed
 * when any listed entry cannot be approved by this signer: refused for another
 * reason, the signer's own entry (they submitted a version of it, or the
 * author field names them: Trust model 4), outside the signer's scope, or a
 * certificate that is not in the roster, expired or revoked. Those decisions,
 * the review and the record are pipeline/sign's; this file parses, prompts,
 * prints and maps exit codes. `withdraw` and a writer's `submit` share it.
 */
import { resolve } from 'node:path';
import type { Decision } from '../approve/index.ts';
import { SealpressError } from '../errors/index.ts';
import { actRecorder } from '../publish/index.ts';
import { signedJson, signJob } from '../sign/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { configInvalid, type Io } from './output.ts';
import { cliPassphrases, confirm, requireConfirmable } from './passphrase.ts';
import { printRefused } from './trust.ts';

/** The options, audit note and exit codes that `approve` and `submit` share. */
export const SIGN_HELP = `Options:
  --key FILE             your encrypted private key
  --cert FILE            your certificate (default: FILE with .key.pem → .cert.pem)
  --passphrase-file FILE the key's passphrase (first line); else $SEALPRESS_PASSPHRASE;
                         else asked on the terminal without echo
  --yes                  do not ask for confirmation (required when stdin is not a terminal)
  --json                 print { record, signer, entries: [{ path, before, status, findings }] }
                         on stdout (the review goes to stderr)
  --trust-anchor FP      the CA fingerprint pinned from outside the repository
                         (default: $SEALPRESS_TRUST_ANCHOR)
  --root DIR             the repository (default: the current folder)
  --now ISO              the signing time and the gate's clock (default: now)

Each signed record, and each refusal, is recorded in the audit log (sealpress
audit --help).

Exit codes: 0 signed, 1 refused (nothing signed, or you answered no), 2 usage or
key error (unknown entry, wrong passphrase, a key that is not its certificate's
(KEY_CERT_MISMATCH), key readable by others, no terminal to confirm on without
--yes), 5 the signature or refusal could not be recorded
in the audit log.`;

export const APPROVE_HELP = `Usage: sealpress approve <entry>... --key FILE [--cert FILE] [--passphrase-file FILE]
                        [--yes] [--json] [--trust-anchor FP] [--root DIR] [--now ISO]

Sign ONE approval record for the listed entries (content/<site>/<column>/<slug>.md).
The gate runs first; for each entry you see its title, site, column, author,
the writers who submitted it (sealpress submit), department, digest, assets and
check results, and what the policy needs. The
record binds the entry's bytes and its assets' bytes: change one byte and the
approval no longer counts.

Nothing is signed (exit 1) when any entry is refused for a reason other than
approval (approval-pending and approval-stale are why you approve), when you
submitted any version of it as its writer or its author field names you, when your roles cannot fill any approval the policy asks for it, or
when your certificate is not in the roster, expired or revoked, or the key is not
the certificate's.

The record is written to content/_approvals/<site>/<YYYYMMDD>-<your id>-<8 hex>.json
(content/_approvals/ when the batch spans sites); commit it. The gate then runs
again and says, per entry, whether it is publishable or who is still needed.

${SIGN_HELP}`;

/** A command that signs one record of `decision` for the entries it is given (`approve`, `submit`). */
export function signCommand(decision: Decision, help: string): (args: string[], io: Io) => Promise<number> {
  return command(help, SIGN_OPTIONS, async ({ values, positionals }, io) => signDecision(io, { decision, paths: positionals, values }));
}

export const SIGN_OPTIONS = {
  key: { type: 'string' },
  cert: { type: 'string' },
  'passphrase-file': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  'trust-anchor': { type: 'string' },
} as const;

export const approve = signCommand('approve', APPROVE_HELP);

export interface SignValues {
  key?: string | undefined;
  cert?: string | undefined;
  'passphrase-file'?: string | undefined;
  yes?: boolean | undefined;
  json?: boolean | undefined;
  'trust-anchor'?: string | undefined;
  root?: string | undefined;
  now?: string | undefined;
}

export interface SignRequest {
  decision: Decision;
  paths: readonly string[];
  values: SignValues;
  /** Why (withdraw). */
  reason?: string;
}

const NOTHING_SIGNED = 'sealpress: the site group configuration (sites/) is invalid; fix the errors above. Nothing was signed.';

/** Approve, withdraw or submit: review, check, confirm, sign one record, write it, gate again (pipeline/sign signJob). */
export async function signDecision(io: Io, request: SignRequest): Promise<number> {
  const { decision, values } = request;
  const command = decision;
  if (request.paths.length === 0) throw new SealpressError('USAGE', `name the entr${decision === 'withdraw' ? 'y' : 'ies'} to ${command} (content/<site>/<column>/<slug>.md)`);
  if (values.key === undefined) throw new SealpressError('USAGE', '--key FILE is required: your encrypted private key');
  requireConfirmable(values.yes);
  const root = resolve(values.root ?? '.');
  const r = await signJob({
    root,
    now: clock(values.now),
    trustAnchor: trustAnchor(values['trust-anchor']).trustAnchor,
    decision,
    paths: request.paths,
    reason: request.reason,
    key: { key: values.key, cert: values.cert, passphraseFile: values['passphrase-file'], option: '--key', passphraseOption: '--passphrase-file' },
    passphrases: cliPassphrases(io),
    review: values.json ? io.err : io.out,
    confirm: (question) => confirm(question, values.yes),
    record: actRecorder(io.err, { root, now: values.now }),
  });
  if (r.kind === 'config') return configInvalid(io, root, r.diagnostics, NOTHING_SIGNED);
  if (r.kind === 'trust') return r.refused ? printRefused(io, r.refused) : EXIT.REFUSED;
  if (r.kind === 'declined') {
    io.err('nothing was signed');
    return EXIT.REFUSED;
  }
  if (r.kind === 'refused') {
    io.err(`sealpress ${command}: refused, nothing was signed:`);
    for (const p of r.problems) io.err(`  - ${p}`);
    if (values.json) io.out(JSON.stringify({ signed: false, problems: r.problems }, null, 2));
    return r.code;
  }
  const { signed } = r;
  if (signed.afterDiagnostics) configInvalid(io, root, signed.afterDiagnostics, NOTHING_SIGNED);
  if (values.json) io.out(JSON.stringify(signedJson(signed, decision), null, 2));
  else {
    io.out(`wrote ${signed.record} (commit it with the content)`);
    for (const e of signed.entries) io.out(`  ${e.path}: ${e.line}`);
  }
  return r.code;
}
