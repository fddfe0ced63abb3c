import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { draftWaiver, signWaiver, type CheckFinding } from '../check/index.ts';
import { runGate } from '../gate/index.ts';
import { WAIVERS_DIR } from '../load/index.ts';
import { clock, parse, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import type { Io } from './output.ts';
import { confirm, keyStep, loadSigner } from './passphrase.ts';
import { recordAudit } from './audit-hook.ts';

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

export async function waive(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
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
  });
  if (values.help) {
    io.out(WAIVE_HELP);
    return EXIT.OK;
  }
  const [path] = positionals;
  const line = Number(values.line);
  if (!path || positionals.length > 1 || !values.rule || !Number.isInteger(line) || !values.justification || !values.key) {
    throw new SealpressError('USAGE', 'give one entry, --rule, --line, --justification and --key');
  }
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const gate = await runGate({ root, now, ...trustAnchor(values['trust-anchor']) });
  if (!gate.ok) {
    io.err('sealpress waive: the site group configuration is invalid; run `sealpress check`');
    return EXIT.CONFIG;
  }
  const entry = gate.plan.entries.find((e) => e.path === path.replace(/^\.\//, ''));
  if (!entry?.digest) {
    io.err(`sealpress waive: ${path} is not an entry the gate could read`);
    return EXIT.REFUSED;
  }
  const column = values.column === undefined ? undefined : Number(values.column);
  const finding = entry.findings.find((f) => f.rule === values.rule && f.line === line && (column === undefined || f.column === column) && 'fingerprint' in f);
  if (!finding) {
    io.err(`sealpress waive: ${entry.path} has no ${values.rule} finding at line ${line}${column ? `:${column}` : ''}; run \`sealpress check\` for the exact position`);
    return EXIT.REFUSED;
  }
  if (finding.suppressed) {
    io.err(`sealpress waive: that finding is already waived by ${finding.suppressed.waiver}`);
    return EXIT.OK;
  }
  const loaded = await keyStep(() => loadSigner({ key: values.key!, cert: values.cert, passphraseFile: values['passphrase-file'], option: '--key', passphraseOption: '--passphrase-file' }, io));
  const id = `${entry.slug}-${finding.rule}-${finding.line}-${finding.column}`;
  io.out(`entry     ${entry.path} (${entry.frontMatter?.title ?? ''})`);
  io.out(`digest    ${entry.digest}`);
  io.out(`finding   ${finding.line}:${finding.column} ${finding.rule} ${finding.message}`);
  io.out(`signer    ${loaded.cert.name ?? ''} (${loaded.cert.uid ?? ''})`);
  io.out(`reason    ${values.justification}`);
  if (!(await confirm('Sign this waiver?', values.yes))) {
    io.err('not signed');
    return EXIT.REFUSED;
  }
  const draft = draftWaiver(finding as unknown as CheckFinding, { id, digest: entry.digest, justification: values.justification, pinPosition: true });
  const bytes = await keyStep(() => signWaiver({ draft, signer: loaded.signer, now, ...(values.expires ? { expires: clock(values.expires) } : {}) }));
  const file = `${WAIVERS_DIR}/${id}.json`;
  const run = { root, now: values.now };
  // The actor is named only once the gate accepted the waiver (a roster administrator); before that, only the certificate is known.
  const event = (outcome: 'ok' | 'refused') => ({
    action: 'waive',
    ...(outcome === 'ok' && loaded.cert.uid !== undefined ? { actor: loaded.cert.uid } : {}),
    sites: [entry.site],
    entries: [entry.path],
    outcome,
    details: { waiver: file, sha256: createHash('sha256').update(bytes).digest('hex'), certificate: loaded.cert.fingerprint, rule: finding.rule, line: finding.line, column: finding.column },
  });
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), bytes);
  // Verify the way every gate will: the waiver must now cover the finding.
  const after = await runGate({ root, now, ...trustAnchor(values['trust-anchor']) });
  const check = after.ok ? after.plan.entries.find((e) => e.path === entry.path)?.findings.find((f) => f.rule === finding.rule && f.line === finding.line && f.column === finding.column) : undefined;
  if (!check?.suppressed) {
    const why = after.ok ? after.plan.diagnostics.find((d) => d.file === file)?.message : undefined;
    io.err(`sealpress waive: wrote ${file}, but the gate does not accept it${why ? `: ${why}` : ''}`);
    return recordAudit(io, run, event('refused'), EXIT.REFUSED);
  }
  io.out(`wrote ${file} (commit it with the entry)`);
  return recordAudit(io, run, event('ok'), EXIT.OK);
}
