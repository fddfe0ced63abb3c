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
import { resolve } from 'node:path';
import { hasErrors } from '../diagnostics/index.ts';
import { SealpressError } from '../errors/index.ts';
import { TRUST_DIR, loadSiteGroup } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { DEFAULT_ROOT_DAYS, describeInit, describeIssue, describeRevoke, describeRotate, initTrust, issueKeys, keyBits, listJson, listKeys, listLines, revokeKey, rotateKeys, validityDays, warnDays, type ActOptions, type Described } from '../pki/index.ts';
import { MAX_CA_DAYS, MAX_CERT_DAYS } from '../trust/index.ts';
import { clock, command, trustAnchor, type Options, type Parsed } from './args.ts';
import { EXIT } from './exit.ts';
import { configInvalid, type Io } from './output.ts';
import { cliPassphrases } from './passphrase.ts';
import { ADMIN_OPTIONS, printRefused, printTrustProblems } from './trust.ts';

export const KEYS_HELP = `Usage: sealpress keys <init|issue|rotate|revoke|list> [options]

  sealpress keys init [--group-name NAME] --admin ID:NAME:DEPT:SITE (×N, N ≥ 2)
                      [--threshold K] --key-dir DIR [--days 90] [--root-days 1825] [--force]
      Create the group CA (RSA-3072, 10 years; named after --group-name, by
      default the name in sites/group.yaml) and the first security
      administrators (keys and 90-day certificates) in --key-dir; write
      sites/trust/ca.pem, root.dsse.json (signed by the CA key), and roster,
      policy (a default) and revocations (empty), signed by every new
      administrator. The threshold K defaults to 2. Refuses when sites/trust/
      already has a root, unless --force; --key-dir must be new or empty.
      Prints the CA fingerprint to pin in CI (SEALPRESS_TRUST_ANCHOR).

  sealpress keys issue --id ID --name NAME --department DEPT --site CODE
                       --role ROLE[:sites=..;columns=..;departments=..] (×N)
                       --ca-key FILE --admin-key FILE (×threshold) --key-dir DIR [--days ≤90]
      Generate a person's key (<id>.key.pem, encrypted, 0600) and certificate
      (<id>.cert.pem) in --key-dir and add them to the roster (a new version
      signed by the given administrators). For someone already in the roster
      the certificate is added; name, department, site and roles change only
      when given. Roles: approver, office-approver, security-admin,
      release-signer, writer. A scope lists ids separated by commas, or *;
      it defaults to the person's own site and department and every column
      (security-admin and release-signer: everything).

  sealpress keys rotate --id ID (×N) --ca-key FILE --admin-key FILE… --key-dir DIR
                        [--days ≤90] [--reason TEXT]
      A new key and certificate for people already in the roster (the normal
      act every three months: certificates live at most 90 days). The new
      fingerprint is added to the roster, and the old certificates are
      retired: revoked from now (reason --reason, default 密钥轮换) in a new
      revocations version that freezes the signed records they made which
      count now, so those stay valid after the certificates expire.
      (--revoke-old, which used to ask for this, is the default and accepted.)
      An administrator rotating their own key signs with the new one.

  sealpress keys revoke (--id ID | --cert FINGERPRINT) --reason TEXT [--effective ISO]
                        --admin-key FILE…
      A new revocations version: the person (every certificate) or one
      certificate is revoked from --effective (default now; never later than
      now). A revoked or expired key's claimed signing time proves nothing, so
      the revocation freezes, by digest, the signed records of that person or
      certificate that count as of --effective (approvals, withdrawals,
      waivers, column change requests under content/); those stay valid, and
      no other record of that key will ever count. It prints what it froze:
      review the list. Retiring an expired certificate this way (reason
      证书到期) keeps the records it signed while it was valid.

  sealpress keys list [--json] [--warn-days 14] [--certs DIR]…
      Verify the trust material and list the people: id, name, department,
      site, roles with their scope, and each certificate's fingerprint,
      notAfter and status (valid, EXPIRING within --warn-days, expired,
      revoked). Warns about people whose newest certificate expires soon.

Key and passphrase options:
  --key-dir DIR          where new keys and certificates are written; outside the
                         repository's content/ and sites/ (and best outside the repository)
  --ca-key FILE          the CA's encrypted key (keys init writes it as ca.key.pem)
  --admin-key FILE       a security administrator's key; its certificate is FILE with
                         .key.pem replaced by .cert.pem, or the --admin-cert at the
                         same position; repeat for each administrator who signs
  --admin-passphrase-file FILE  the passphrase of the --admin-key at the same
                         position (keys init: of the --admin at the same position)
  --ca-passphrase-file FILE     the CA key's passphrase
  --passphrase-file FILE the passphrase for the new key (rotate: one per --id, in order)
  Passphrases are never options themselves: each comes from its file (first
  line), else $SEALPRESS_PASSPHRASE, else the terminal (without echo). New
  passphrases need at least 12 characters.

Other options:
  --json                 machine-readable output (init, issue, rotate, revoke, list)
  --trust-anchor FP      the CA fingerprint pinned from outside the repository
                         (default: $SEALPRESS_TRUST_ANCHOR)
  --root DIR             the repository (default: the current folder)
  --now ISO              the clock (default: now)

Exit codes: 0 done, 1 refused (the trust material does not verify, the
signatures would not meet the threshold, init over an existing root),
2 usage or configuration error (bad option, unknown site/column/department,
wrong passphrase, key readable by others, key path under content/ or sites/).`;

function usage(message: string): SealpressError {
  return new SealpressError('USAGE', message);
}

export async function keys(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.out(KEYS_HELP);
      return EXIT.OK;
    case 'init':
      return keysInit(rest, io);
    case 'issue':
      return keysIssue(rest, io);
    case 'rotate':
      return keysRotate(rest, io);
    case 'revoke':
      return keysRevoke(rest, io);
    case 'list':
      return keysList(rest, io);
    default:
      throw usage(`unknown subcommand "${sub}"; use init, issue, rotate, revoke or list`);
  }
}

/** A subcommand: its options parsed, or the help printed. */
function sub<T extends Options>(spec: T, run: (values: Parsed<T>['values'], io: Io) => Promise<number>): (args: string[], io: Io) => Promise<number> {
  return command(KEYS_HELP, spec, ({ values }, io) => run(values, io));
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

/** An act's result: its JSON (--json) or its lines. */
function print(io: Io, json: boolean | undefined, described: Described): void {
  if (json) io.out(JSON.stringify(described.json, null, 2));
  else for (const line of described.lines) io.out(line);
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
  print(io, values.json, describeInit(r));
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
  if (values.id === undefined) throw usage('--id ID is required');
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
  print(io, values.json, describeIssue(r));
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
  if (ids.length === 0) throw usage('--id ID is required (repeat it to rotate several people at once)');
  if ((values['passphrase-file'] ?? []).length > ids.length) throw usage('more --passphrase-file than --id options');
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
  print(io, values.json, describeRotate(r, act.now));
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
  if ((values.id === undefined) === (values.cert === undefined)) throw usage('give either --id ID (the person, every certificate) or --cert FINGERPRINT (one certificate)');
  const group = loadGroup(act.root, io);
  if (!group) return EXIT.CONFIG;
  const subject = values.id !== undefined ? { id: values.id } : { cert: values.cert! };
  const r = await revokeKey({ ...act, group, subject, reason: values.reason, effective: values.effective, admins: values });
  if ('refused' in r) return printRefused(io, r);
  if (r.already) {
    io.out(`${r.already.subject} is already revoked from ${r.already.effective} (${r.already.reason}); nothing to do`);
    return EXIT.OK;
  }
  print(io, values.json, describeRevoke(r));
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
  if (values.json) io.out(JSON.stringify(listJson(r, now), null, 2));
  else for (const line of listLines(r, now)) io.out(line);
  return EXIT.OK;
});
