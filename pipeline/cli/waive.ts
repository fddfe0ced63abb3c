import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { actRecorder } from '../publish/index.ts';
import { waiveJob } from '../sign/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { cliPassphrases, confirm } from './passphrase.ts';

export const WAIVE_HELP = `Usage: sealpress waive <entry> --rule RULE --line N [--column N] --justification TEXT
                      --key FILE [--cert FILE] [--passphrase-file FILE] [--expires ISO] [--yes]

Sign a waiver, as a security administrator, for ONE finding of the content
checks in an entry: a legitimate exception (a tax-arrears notice must publish
the taxpayer's identifier). The waiver names the entry, its SHA-256, the rule,
the fingerprint of the matched value and its position, so it covers exactly
that finding of exactly these bytes. It is written to content/_waivers/; commit
it with the entry. Secrets (keys, passwords, tokens) cannot be waived.

Options:
  --rule RULE            the finding's rule id (e.g. personal-id)
  --line N, --column N   the finding's position, as \`sealpress check\` prints it
  --justification TEXT   why it may be published (the legal basis)
  --key FILE             the administrator's encrypted key (certificate: same name .cert.pem, or --cert)
  --expires ISO          the waiver ends then
  --yes                  do not ask for confirmation

Each waiver written, and each one the gate refuses, is recorded in the audit log
(sealpress audit --help).

Exit codes: 0 signed, 1 no such finding or it cannot be waived, 2 usage,
configuration or key error, 5 the waiver could not be recorded in the audit log.`;

export const waive = command(WAIVE_HELP, {
  'trust-anchor': { type: 'string' },
  rule: { type: 'string' },
  line: { type: 'string' },
  column: { type: 'string' },
  justification: { type: 'string' },
  key: { type: 'string' },
  cert: { type: 'string' },
  'passphrase-file': { type: 'string' },
  expires: { type: 'string' },
  yes: { type: 'boolean' },
}, async ({ values, positionals }, io) => {
  const [path] = positionals;
  const line = Number(values.line);
  if (!path || positionals.length > 1 || !values.rule || !Number.isInteger(line) || !values.justification || !values.key) {
    throw new SealpressError('USAGE', 'give one entry, --rule, --line, --justification and --key');
  }
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const column = values.column === undefined ? undefined : Number(values.column);
  const r = await waiveJob({
    root,
    now,
    ...trustAnchor(values['trust-anchor']),
    path,
    rule: values.rule,
    line,
    column,
    justification: values.justification,
    ...(values.expires ? { expires: clock(values.expires) } : {}),
    key: { key: values.key, cert: values.cert, passphraseFile: values['passphrase-file'], option: '--key', passphraseOption: '--passphrase-file' },
    passphrases: cliPassphrases(io),
    review: io.out,
    confirm: (question) => confirm(question, values.yes),
    record: actRecorder(io.err, { root, now: values.now }),
  });
  if (r.kind === 'config') io.err('sealpress waive: the site group configuration is invalid; run `sealpress check`');
  else if (r.kind === 'not-entry') io.err(`sealpress waive: ${path} is not an entry the gate could read`);
  else if (r.kind === 'no-finding') io.err(`sealpress waive: ${r.entry.path} has no ${values.rule} finding at line ${line}${column ? `:${column}` : ''}; run \`sealpress check\` for the exact position`);
  else if (r.kind === 'waived') io.err(`sealpress waive: that finding is already waived by ${r.waiver}`);
  else if (r.kind === 'declined') io.err('not signed');
  else if (!r.accepted) io.err(`sealpress waive: wrote ${r.file}, but the gate does not accept it${r.why ? `: ${r.why}` : ''}`);
  else io.out(`wrote ${r.file} (commit it with the entry)`);
  if (r.kind === 'written') return r.code;
  return r.kind === 'config' ? EXIT.CONFIG : r.kind === 'waived' ? EXIT.OK : EXIT.REFUSED;
});
