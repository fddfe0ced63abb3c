/**
 * `sealpress column request`: an office approver signs a column change request
 * (业务需求单) for one sub-site: add, drop or rename one column. The request
 * is written to sites/_changes/<site>/<id>.dsse.json, then verified the way
 * every gate will (pipeline/govern); one the gate would not accept is removed
 * again, with the reason.
 */
import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { COLUMN_ACTIONS, columnRequestJob } from '../govern/index.ts';
import { COLUMN_TYPES } from '../model/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { cliPassphrases, confirm } from './passphrase.ts';

export const COLUMN_HELP = `Usage: sealpress column request --site CODE (--add ID --name NAME --type TYPE --category CAT [--description TEXT]
                                           | --drop ID | --rename ID --name NAME)
                                --reason TEXT --department TEXT --key FILE [--cert FILE]
                                [--passphrase-file FILE] [--id ID] [--requested YYYY-MM-DD] [--yes]

Sign a column change request (业务需求单) as an office approver: a sub-site adds,
drops or renames a column of the group's unified tree only with one. It is
written to sites/_changes/<site>/<id>.dsse.json (default id: <action>-<column>);
commit it with the site.yaml change it approves. An added column is also
declared in the site's site.yaml (extraColumns: id, name, type, category, and
listed in columns); the request must carry the same definition.

Options:
  --site CODE            the sub-site (11-digit code)
  --add ID               a new column; with --name, --type (${COLUMN_TYPES.join('|')}), --category (a category id of sites/group.yaml)
  --drop ID              a group column the site leaves out
  --rename ID            a group column the site shows under --name
  --reason TEXT          why (the form's 需求理由)
  --department TEXT      the requesting department (需求部门)
  --requested DATE       the date of the form (default: today)
  --key FILE             the office approver's encrypted key (certificate: same name .cert.pem, or --cert)
  --yes                  do not ask for confirmation

Exit codes: 0 signed and accepted, 1 the gate would not accept it (nothing is left behind),
2 usage, configuration or key error.`;

export const column = command(COLUMN_HELP, {
  'trust-anchor': { type: 'string' },
  site: { type: 'string' },
  add: { type: 'string' },
  drop: { type: 'string' },
  rename: { type: 'string' },
  name: { type: 'string' },
  type: { type: 'string' },
  category: { type: 'string' },
  description: { type: 'string' },
  reason: { type: 'string' },
  department: { type: 'string' },
  requested: { type: 'string' },
  id: { type: 'string' },
  key: { type: 'string' },
  cert: { type: 'string' },
  'passphrase-file': { type: 'string' },
  yes: { type: 'boolean' },
}, async ({ values, positionals }, io) => {
  const usage = (why: string): never => {
    throw new SealpressError('USAGE', why);
  };
  if (positionals[0] !== 'request' || positionals.length > 1) return usage('the only subcommand is `request`');
  const actions = COLUMN_ACTIONS.filter((a) => values[a] !== undefined);
  const [action] = actions;
  if (!action || actions.length > 1) return usage('give exactly one of --add, --drop, --rename');
  if (!values.site || !values.reason || !values.department || !values.key) return usage('give --site, --reason, --department and --key');
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);

  const r = await columnRequestJob({
    root,
    now,
    trustAnchor: trustAnchor(values['trust-anchor']).trustAnchor,
    input: { ...values, site: values.site, action, column: values[action]!, reason: values.reason, department: values.department },
    key: { key: values.key, cert: values.cert, passphraseFile: values['passphrase-file'], option: '--key', passphraseOption: '--passphrase-file' },
    passphrases: cliPassphrases(io),
    review: io.out,
    confirm: (question) => confirm(question, values.yes),
  });
  if (r.kind === 'written') {
    io.out(`wrote ${r.file} (commit it with the change to ${r.source})`);
    return EXIT.OK;
  }
  if (r.kind === 'config') io.err('sealpress column: the site group configuration is invalid; run `sealpress check`');
  else if (r.kind === 'exists') io.err(`sealpress column: ${r.file} exists; remove it first, or give another --id`);
  else if (r.kind === 'declined') io.err('not signed');
  else io.err(`sealpress column: the gate would not accept this request: ${r.why}`);
  return r.kind === 'config' || r.kind === 'exists' ? EXIT.CONFIG : EXIT.REFUSED;
});
