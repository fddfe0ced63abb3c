/**
 * `sealpress keys`: the approvers' PKI. The security administrators create the
 * group CA and themselves (init), issue people their key and certificate
 * (issue), renew them every three months (rotate), revoke them with an
 * effective date (revoke), and anyone can list who holds what (list).
 *
 * The acts are the library's (pipeline/pki/: every change is verified as the
 * gate would verify it before anything is written); this file parses the
 * options, asks for passphrases, prints the result and maps it to an exit code.
 */
import type { Text } from '../messages/text.ts';
import { resolve } from 'node:path';
import { hasErrors } from '../diagnostics/index.ts';
import { SealpressError } from '../errors/index.ts';
import { TRUST_DIR, loadSiteGroup } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { DEFAULT_ROOT_DAYS, describeInit, describeIssue, describeRevoke, describeRotate, initTrust, issueKeys, keyBits, listJson, listKeys, listLines, revokeKey, rotateKeys, validityDays, warnDays, type ActOptions } from '../pki/index.ts';
import { MAX_CA_DAYS, MAX_CERT_DAYS } from '../trust/index.ts';
import { clock, command, subcommands, trustAnchor, type Options, type Parsed } from './args.ts';
import { EXIT } from './exit.ts';
import { configInvalid, printResult, type Io } from './output.ts';
import { cliPassphrases } from './passphrase.ts';
import { ADMIN_OPTIONS, printRefused, printTrustProblems } from './trust.ts';

function usage(message: string | Text): SealpressError {
  return new SealpressError('USAGE', message);
}

/** A subcommand: its options parsed, or the help printed. */
function sub<T extends Options>(spec: T, run: (values: Parsed<T>['values'], io: Io) => Promise<number>): (args: string[], io: Io) => Promise<number> {
  return command('keys', spec, ({ values }, io) => run(values, io));
}

/** The site group, or its diagnostics printed and undefined. */
function loadGroup(root: string, io: Io): SiteGroup | undefined {
  const config = loadSiteGroup(root);
  if (config.group && !hasErrors(config.diagnostics)) return config.group;
  configInvalid(io, root, config.diagnostics);
  return undefined;
}

/** What every act is given at the command line: --root, --now, --trust-anchor, passphrases from files, SEALPRESS_PASSPHRASE or the terminal, and stderr. */
function actOptions(values: { root?: string | undefined; now?: string | undefined; 'trust-anchor'?: string | undefined }, io: Io): ActOptions {
  return { root: resolve(values.root ?? '.'), now: clock(values.now), anchor: trustAnchor(values['trust-anchor']).trustAnchor, passphrases: cliPassphrases(io), notify: io.err };
}

/** The options of every act that generates keys. */
const KEY_OPTIONS = {
  'ca-passphrase-file': { type: 'string' },
  'key-dir': { type: 'string' },
  days: { type: 'string' },
  json: { type: 'boolean' },
  bits: { type: 'string' },
} as const;

const keysInit = sub({
  ...KEY_OPTIONS,
  'group-name': { type: 'string' },
  admin: { type: 'string', multiple: true },
  'admin-passphrase-file': { type: 'string', multiple: true },
  threshold: { type: 'string' },
  'root-days': { type: 'string' },
  force: { type: 'boolean' },
}, async (values, io) => {
  const act = actOptions(values, io);
  const bits = keyBits(values.bits);
  const group = loadGroup(act.root, io);
  if (!group) return EXIT.CONFIG;
  const r = await initTrust({
    ...act,
    group,
    groupName: values['group-name'],
    admins: values.admin ?? [],
    adminPassphraseFiles: values['admin-passphrase-file'] ?? [],
    caPassphraseFile: values['ca-passphrase-file'],
    threshold: values.threshold === undefined ? undefined : Number(values.threshold),
    keyDir: values['key-dir'],
    days: validityDays(values.days, MAX_CERT_DAYS, MAX_CERT_DAYS, '--days'),
    rootDays: validityDays(values['root-days'], DEFAULT_ROOT_DAYS, MAX_CA_DAYS, '--root-days'),
    force: values.force,
    bits,
  });
  if ('refused' in r) return printRefused(io, r);
  printResult(io, values.json, describeInit(r));
  for (const w of r.warnings) io.err(w);
  return EXIT.OK;
});

const keysIssue = sub({
  ...ADMIN_OPTIONS,
  ...KEY_OPTIONS,
  id: { type: 'string' },
  name: { type: 'string' },
  department: { type: 'string' },
  site: { type: 'string' },
  role: { type: 'string', multiple: true },
  'ca-key': { type: 'string' },
  'passphrase-file': { type: 'string' },
}, async (values, io) => {
  const act = actOptions(values, io);
  const bits = keyBits(values.bits);
  const days = validityDays(values.days, MAX_CERT_DAYS, MAX_CERT_DAYS, '--days');
  const group = loadGroup(act.root, io);
  if (!group) return EXIT.CONFIG;
  if (values.id === undefined) throw usage({ zh: '必须给出 --id ID', en: '--id ID is required' });
  const r = await issueKeys({
    ...act,
    group,
    id: values.id,
    name: values.name,
    department: values.department,
    site: values.site,
    roles: values.role ?? [],
    caKey: { path: values['ca-key'], passphraseFile: values['ca-passphrase-file'] },
    admins: values,
    passphraseFile: values['passphrase-file'],
    keyDir: values['key-dir'],
    days,
    bits,
  });
  if ('refused' in r) return printRefused(io, r);
  printResult(io, values.json, describeIssue(r));
  for (const w of r.warnings) io.err(w);
  return EXIT.OK;
});

const keysRotate = sub({
  ...ADMIN_OPTIONS,
  ...KEY_OPTIONS,
  id: { type: 'string', multiple: true },
  'ca-key': { type: 'string' },
  'passphrase-file': { type: 'string', multiple: true },
  'revoke-old': { type: 'boolean' },
  reason: { type: 'string' },
}, async (values, io) => {
  const act = actOptions(values, io);
  const bits = keyBits(values.bits);
  const days = validityDays(values.days, MAX_CERT_DAYS, MAX_CERT_DAYS, '--days');
  const ids = [...new Set(values.id ?? [])];
  if (ids.length === 0) throw usage({ zh: '必须给出 --id ID（可重复给出，一次为多人换发证书）', en: '--id ID is required (repeat it to rotate several people at once)' });
  if ((values['passphrase-file'] ?? []).length > ids.length) throw usage({ zh: '--passphrase-file 的个数多于 --id', en: 'more --passphrase-file than --id options' });
  const group = loadGroup(act.root, io);
  if (!group) return EXIT.CONFIG;
  // --revoke-old, which used to ask for retiring the old certificates, is the default and accepted.
  const r = await rotateKeys({
    ...act,
    group,
    ids,
    caKey: { path: values['ca-key'], passphraseFile: values['ca-passphrase-file'] },
    admins: values,
    passphraseFiles: values['passphrase-file'] ?? [],
    keyDir: values['key-dir'],
    days,
    bits,
    reason: values.reason,
  });
  if ('refused' in r) return printRefused(io, r);
  printResult(io, values.json, describeRotate(r, act.now));
  return EXIT.OK;
});

const keysRevoke = sub({
  ...ADMIN_OPTIONS,
  id: { type: 'string' },
  cert: { type: 'string' },
  reason: { type: 'string' },
  effective: { type: 'string' },
  json: { type: 'boolean' },
}, async (values, io) => {
  const act = actOptions(values, io);
  if ((values.id === undefined) === (values.cert === undefined)) throw usage({ zh: '请给出 --id ID（该人员的全部证书）或 --cert FINGERPRINT（单个证书）其中之一', en: 'give either --id ID (the person, every certificate) or --cert FINGERPRINT (one certificate)' });
  const group = loadGroup(act.root, io);
  if (!group) return EXIT.CONFIG;
  const subject = values.id !== undefined ? { id: values.id } : { cert: values.cert! };
  const r = await revokeKey({ ...act, group, subject, reason: values.reason, effective: values.effective, admins: values });
  if ('refused' in r) return printRefused(io, r);
  if (r.already) {
    io.out(`${r.already.subject} is already revoked from ${r.already.effective} (${r.already.reason}); nothing to do`);
    return EXIT.OK;
  }
  printResult(io, values.json, describeRevoke(r));
  for (const w of r.warnings) io.err(w);
  return EXIT.OK;
});

const keysList = sub({ json: { type: 'boolean' }, 'trust-anchor': { type: 'string' }, 'warn-days': { type: 'string' }, certs: { type: 'string', multiple: true } }, async (values, io) => {
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const r = listKeys({ root, now, anchor: trustAnchor(values['trust-anchor']).trustAnchor, warnDays: warnDays(values['warn-days']), certDirs: values.certs ?? [] });
  if (!r.ok) {
    const { result, unreadable } = r.state;
    if (values.json) io.out(JSON.stringify({ ok: false, problems: result.ok ? [] : result.problems, warnings: result.warnings }, null, 2));
    io.err(`sealpress keys list: the trust material in ${TRUST_DIR}/ does not verify; the gate refuses every entry until it does:`);
    printTrustProblems(io, result, unreadable);
    return EXIT.REFUSED;
  }
  printResult(io, values.json, { json: listJson(r, now), lines: listLines(r, now) });
  return EXIT.OK;
});

export const keys = subcommands('keys', { init: keysInit, issue: keysIssue, rotate: keysRotate, revoke: keysRevoke, list: keysList }, 'init, issue, rotate, revoke or list');
