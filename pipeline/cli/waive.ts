import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { signWaiver } from '../check/index.ts';
import { findWaivable, waiverDraftFor, writeWaiver } from '../sign/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import type { Io } from './output.ts';
import { confirm, keyStep, loadSigner } from './passphrase.ts';
import { recordAudit } from '../publish/index.ts';

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
  const at = { root, now, ...trustAnchor(values['trust-anchor']) };
  const column = values.column === undefined ? undefined : Number(values.column);
  const found = await findWaivable({ ...at, path, rule: values.rule, line, column });
  if (found.kind === 'config') {
    io.err('sealpress waive: the site group configuration is invalid; run `sealpress check`');
    return EXIT.CONFIG;
  }
  if (found.kind === 'not-entry') {
    io.err(`sealpress waive: ${path} is not an entry the gate could read`);
    return EXIT.REFUSED;
  }
  if (found.kind === 'no-finding') {
    io.err(`sealpress waive: ${found.entry.path} has no ${values.rule} finding at line ${line}${column ? `:${column}` : ''}; run \`sealpress check\` for the exact position`);
    return EXIT.REFUSED;
  }
  if (found.kind === 'waived') {
    io.err(`sealpress waive: that finding is already waived by ${found.waiver}`);
    return EXIT.OK;
  }
  const { entry, finding, file } = found;
  const loaded = await keyStep(() => loadSigner({ key: values.key!, cert: values.cert, passphraseFile: values['passphrase-file'], option: '--key', passphraseOption: '--passphrase-file' }, io));
  io.out(`entry     ${entry.path} (${entry.frontMatter?.title ?? ''})`);
  io.out(`digest    ${entry.digest}`);
  io.out(`finding   ${finding.line}:${finding.column} ${finding.rule} ${finding.message}`);
  io.out(`signer    ${loaded.cert.name ?? ''} (${loaded.cert.uid ?? ''})`);
  io.out(`reason    ${values.justification}`);
  if (!(await confirm('Sign this waiver?', values.yes))) {
    io.err('not signed');
    return EXIT.REFUSED;
  }
  const draft = waiverDraftFor(found, values.justification);
  const bytes = await keyStep(() => signWaiver({ draft, signer: loaded.signer, now, ...(values.expires ? { expires: clock(values.expires) } : {}) }));
  const run = { root, now: values.now };
  // Verify the way every gate will: the waiver must now cover the finding.
  const written = await writeWaiver(at, found, bytes, loaded.cert);
  if (!written.accepted) {
    io.err(`sealpress waive: wrote ${file}, but the gate does not accept it${written.why ? `: ${written.why}` : ''}`);
    return recordAudit(io.err, run, written.event, EXIT.REFUSED);
  }
  io.out(`wrote ${file} (commit it with the entry)`);
  return recordAudit(io.err, run, written.event, EXIT.OK);
});
