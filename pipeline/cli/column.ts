/**
 * `sealpress column request`: an office approver signs a column change request
 * (业务需求单) for one sub-site: add, drop or rename one column. The request
 * is written to sites/_changes/<site>/<id>.dsse.json, then verified the way
 * every gate will (pipeline/govern); one the gate would not accept is removed
 * again, with the reason.
 */
import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { COLUMN_ACTIONS, columnRequestJob, columnRequestSaid } from '../govern/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { cliPassphrases, confirm } from './passphrase.ts';

export const column = command('column', {
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
  const said = columnRequestSaid(r);
  io[said.stream](said.text);
  return said.code;
});
