import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { actRecorder } from '../publish/index.ts';
import { waiveJob, waiveSaid } from '../sign/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { cliPassphrases, confirm } from './passphrase.ts';
import { langOf } from './output.ts';

export const waive = command('waive', {
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
    throw new SealpressError('USAGE', { zh: '请给出一个条目以及 --rule、--line、--justification 和 --key', en: 'give one entry, --rule, --line, --justification and --key' });
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
    record: actRecorder(io.err, { root, now: values.now, env: process.env }),
    lang: langOf(io),
  });
  const said = waiveSaid(r, { path, rule: values.rule, line, column }, langOf(io));
  io[said.stream](said.text);
  return said.code;
});
