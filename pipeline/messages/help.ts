/**
 * The help of every command: user documentation, not logic, kept apart from
 * the code that parses the options (pipeline/cli/) so that the command line
 * and another shell (the review desk) show the same words. One text per
 * command, keyed by its name: `sealpress <command> --help` prints HELP[command].
 */
import { COLUMN_TYPES } from '../model/site-group.ts';
import { PASSPHRASE_ENV } from '../pki/passphrases.ts';
import { DEFAULT_EXPIRES_DAYS } from '../publish/publish.ts';
import { RELEASE_CERT_ENV, RELEASE_KEY_ENV } from '../publish/signers.ts';
import { ASSESSMENT_DIR } from '../report/assessment.ts';
import type { CommandName } from './commands.ts';

/** The options, audit note and exit codes that `approve` and `submit` share. */
const SIGN_HELP = `Options:
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

/** The release signers' options (publish, rollback). */
const SIGNER_HELP = `  --key FILE             a release signer's encrypted private key (repeat for a
                         threshold above 1); else $${RELEASE_KEY_ENV} holds the
                         encrypted PEM text and $${RELEASE_CERT_ENV} the certificate (CI)
  --cert FILE            the certificate for each --key (default: .key.pem → .cert.pem)
  --passphrase-file FILE the passphrase for each --key (first line); else $${PASSPHRASE_ENV}`;

export const HELP = {
  check: `Usage: sealpress check [FILE|DIR]... [--site CODE] [--format text|json|sarif] [--no-cache]
                      [--trust-anchor FP] [--archive DIR] [--lang zh|en] [--root DIR] [--now ISO]

Run the gate (load, parse, validate, plan) over content/ and report every entry
that will not be published, with file:line:column, rule id, message and fix.
Given files or folders (a writer's own entries), report only those: the entries
they are or hold, the entries that attach them, and findings about them; the
whole group is still judged, and the exit code speaks for them alone.

When the release archive holds releases, the gate uses the memory of the latest
(its signature verified): a withdrawal it remembers stays in force when the
record file was deleted (WITHDRAWAL_MISSING), and an older trust document than
it was gated under is refused (TRUST_ROLLBACK). Without an archive the gate
knows only the files in front of it, and says so.

Options:
  --site CODE      report only this site's entries and files (other sites'
                   findings are left out; the group is still judged)
  --format FORMAT  text (default); json: one object
                   { entries: [{ path, site, column, status, findings: [...] }], summary, approvals };
                   a finding inside an attached file names it (attachment) and
                   its place in it (location: Sheet2（隐藏） › C14, 第3页, 属性 › 作者);
                   sarif: SARIF 2.1.0 for code-review tools. In both, each
                   finding's message and fix are in the --lang language; rule
                   ids, codes and severities (error, warning, info) stay ASCII
  --no-cache       parse every entry again instead of reusing .sealpress/cache
  --trust-anchor FP  SHA-256 fingerprint of the group CA, pinned from outside the
                   repository (default: $SEALPRESS_TRUST_ANCHOR, else the committed CA, with a warning)
  --archive DIR    the release archive whose latest release the gate remembers
                   (default: $SEALPRESS_ARCHIVE, else .sealpress/archive)
  --lang zh|en     the language of the findings, fixes and summary (default:
                   $SEALPRESS_LANG, else zh: Chinese)
  --root DIR       the repository (default: the current folder)
  --now ISO        the gate's clock, e.g. 2026-11-27T09:00:00+08:00 (default: now)

Every run is recorded in the audit log (sealpress audit --help): action gate,
the sites judged and the count of entries per status.

Exit codes: 0 nothing refused, 1 something refused, 2 usage or configuration
error, 3 the archive's latest release cannot be read or does not verify
(MEMORY_UNVERIFIED), 5 the run could not be recorded in the audit log.`,

  build: `Usage: sealpress build [--site CODE]... [--jobs N] [--json] [--no-cache] [--trust-anchor FP] [--root DIR] [--now ISO]

Gate the content, then build every site (or the given ones) into dist/<code>/
with Astro and index it with Pagefind. Only entries the gate plans as
publishable are rendered; refused and pending entries are listed and left out.
Each site is built aside and swapped into dist/<code> whole.

Options:
  --site CODE   build this site only (repeatable)
  --jobs N      Astro builds at once, the sites to render shared between them
                (default: number of cores)
  --json        print a JSON summary on stdout
  --no-cache    parse every entry again instead of reusing .sealpress/cache, and
                render every site again (by default a site whose content,
                configuration, theme and toolchain did not change since its
                last build is reused as it is in dist/)
  --trust-anchor FP  SHA-256 fingerprint of the group CA, pinned from outside the
                repository (default: $SEALPRESS_TRUST_ANCHOR)
  --lang zh|en  the language of the findings and of the left-out lines
                (default: $SEALPRESS_LANG, else zh)
  --root DIR    the repository (default: the current folder)
  --now ISO     the gate's clock (default: now)

The gate run is recorded in the audit log (sealpress audit --help): action gate,
the count of entries per status, the sites built or the failure.

Exit codes: 0 built, 2 usage or configuration error, 3 a site failed to build
(dist/ keeps the previous version of that site), 5 the run could not be
recorded in the audit log.`,

  preview: `Usage: sealpress preview [--site CODE] [--port N] [--host ADDR] [--root DIR] [--now ISO]

Serve a live preview of one site (default: the main site) that includes pending
entries (embargoed, or awaiting approval), each marked 未发布（草稿）. Refused
entries never appear; run \`sealpress check\` for why. A change saved under
content/ or sites/ is gated again and shows in the open pages by itself. Without
--now, each update uses the current time. Preview output stays in
.sealpress/preview/ and never lands in dist/.

Options:
  --site CODE   the site to preview (default: the main site)
  --port N      port (default 4321)
  --host ADDR   address to listen on (default 127.0.0.1)
  --lang zh|en  the language of the 未发布 banners' reasons and of the findings
                printed (default: $SEALPRESS_LANG, else zh)

Exit codes: 0 stopped normally, 2 usage or configuration error.`,

  keys: `Usage: sealpress keys <init|issue|rotate|revoke|list> [options]

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
wrong passphrase, key readable by others, key path under content/ or sites/).`,

  submit: `Usage: sealpress submit <entry>... --key FILE [--cert FILE] [--passphrase-file FILE]
                       [--yes] [--json] [--trust-anchor FP] [--root DIR] [--now ISO]

Sign ONE submission record for the entries you wrote (content/<site>/<column>/<slug>.md):
you state, with your own key, that these exact bytes (and their assets) are
yours. An entry is published only when its current version has a writer's
submission and the approvals its policy asks for; whoever submitted any version
of an entry is one of its authors, and an author's approval of it is refused.
Change one byte and submit again.

Nothing is signed (exit 1) when your roles hold no writer grant covering an
entry's site, column and department, when the gate refuses an entry for another
reason than approval (fix it first), when you already approved an entry (a
submission would make you its author), or when your certificate is not in the
roster, expired or revoked, or the key is not the certificate's.

The record is written to content/_approvals/<site>/<YYYYMMDD>-<your id>-<8 hex>-submit.json
(content/_approvals/ when the batch spans sites); commit it with the entry.

${SIGN_HELP}`,

  approve: `Usage: sealpress approve <entry>... --key FILE [--cert FILE] [--passphrase-file FILE]
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

${SIGN_HELP}`,

  reject: `Usage: sealpress reject <entry>... --reason TEXT --key FILE [--cert FILE]
                         [--passphrase-file FILE] [--yes] [--json] [--trust-anchor FP] [--root DIR] [--now ISO]

Reject (驳回) the current version of one or more entries, with the reason the
writer is shown: \`sealpress check\` and the preview's 未发布 banner name who
rejected it, when and why. The record binds the entries' exact bytes, like an
approval, and is written to
content/_approvals/<site>/<YYYYMMDD>-<your id>-<8 hex>-reject.json; commit it.
The version stays unpublished until it changes (the rejection is then history,
which the review desk shows on the next version) or until you approve these
same bytes after all; another approver's signature does not overrule it. The
signer must hold an approver role that covers the entries. \`sealpress review\`
signs the same record from the desk.

Options:
  --reason TEXT          what the writer must change (kept in the signed record;
                         at most 500 characters)
${SIGN_HELP.replace('Options:\n', '')}`,
  review: `Usage: sealpress review --key FILE [--cert FILE] [--passphrase-file FILE] [--port N]
                       [--no-preview] [--trust-anchor FP] [--root DIR] [--now ISO]

The review desk (审核台): a web page on this computer for the approver whose
certificate is given. It prints a URL with a one-time random token; open it in
a browser on the same computer. The desk listens on 127.0.0.1 only and refuses
any request without the token's cookie, for another host name, or from another
origin.

  待我审核   the entries that still need an approval this person may give
             (a role they hold, within their scope, not their own);
  each entry the page as it will be published (the live preview of its site,
             same theme and renderer), what changed since the version a
             colleague approved last (found in git history by the digest the
             approval signed; attachments added, removed or changed), the
             gate's findings in place, who has signed and who still must, and
             the entry's signed records and audit log entries;
  批准 / 驳回 approve one entry or a batch in one record, or reject with a reason:
             exactly the records \`sealpress approve\` and \`sealpress reject\`
             write, into content/_approvals/ (commit them).

The key's passphrase is asked here on the terminal when there is one (the key is
then open for the desk's lifetime, in memory only), else taken from
--passphrase-file or $${PASSPHRASE_ENV}, else typed in the page for each
signature. It is never stored, logged or sent anywhere else.

Options:
  --key FILE             your encrypted private key
  --cert FILE            your certificate (default: FILE with .key.pem → .cert.pem)
  --passphrase-file FILE the key's passphrase (first line)
  --port N               the port (default: a free one)
  --no-preview           do not offer page previews (they start \`astro dev\` per site)
  --trust-anchor FP      the CA fingerprint pinned from outside the repository
                         (default: $SEALPRESS_TRUST_ANCHOR)
  --root DIR             the repository (default: the current folder)
  --now ISO              the gate's clock and the signing time (default: now)

Each signature and each refusal is recorded in the audit log, as from the
command line. Stop the desk with Ctrl-C.

Exit codes: 0 stopped, 2 usage or key error (no certificate, wrong passphrase).`,
  withdraw: `Usage: sealpress withdraw <entry> --reason TEXT --key FILE [--cert FILE]
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
withdrawal or refusal could not be recorded in the audit log.`,

  waive: `Usage: sealpress waive <entry> --rule RULE --line N [--column N] --justification TEXT
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
configuration or key error, 5 the waiver could not be recorded in the audit log.`,

  trust: `Usage: sealpress trust <verify|show|sign> [options]

  sealpress trust verify [--json]
      Verify sites/trust/ (CA, root, roster, policy, revocations) as the gate
      does; print each document's version and signers, the CA fingerprint and
      whether it is pinned, and every warning.
  sealpress trust show <root|roster|policy|revocations>
      Print the verified payload of one document.
  sealpress trust sign <roster|policy|revocations|FILE> --admin-key FILE   (alias: countersign)
                       [--admin-cert FILE] [--admin-passphrase-file FILE] [--yes]
      Countersign a document as another security administrator: one signature
      over its payload bytes as stored. Prints what is signed and asks first
      (--yes to skip). Refused unless the new signature counts (a security
      administrator named by the root, certificate valid and not revoked when
      the document was signed).

Options:
  --json              machine-readable output (verify)
  --admin-key FILE    your encrypted private key (the certificate is FILE with
                      .key.pem replaced by .cert.pem, or --admin-cert)
  --admin-passphrase-file FILE  its passphrase (first line); else
                      $SEALPRESS_PASSPHRASE; else asked on the terminal
  --trust-anchor FP   the CA fingerprint pinned from outside the repository
                      (default: $SEALPRESS_TRUST_ANCHOR)
  --root DIR          the repository (default: the current folder)
  --now ISO           the clock (default: now)

Exit codes: 0 ok, 1 the trust material does not verify (verify, show) or the
signature would not count (sign), 2 usage or key error (wrong passphrase,
key readable by others).`,

  publish: `Usage: sealpress publish [--mirror TARGET]... [--offsite TARGET]... [--archive DIR]
                        [--key FILE [--cert FILE] [--passphrase-file FILE]]...
                        [--expires-in DAYS] [--json] [--no-cache] [--trust-anchor FP]
                        [--audit-log FILE] [--root DIR] [--now ISO]

Gate the content, build every site with its search index, list every output
file in a release manifest (path, size, SHA-256; the entries and the digests
of their approval records; the trust documents), sign it with the
release-signer role, store every file in the content-addressed archive and its
off-site copies, deploy it atomically to each mirror, and verify each mirror
against the signed manifest. The version is one more than the archive's latest.

A mirror TARGET is a folder (the folder a web server serves; it becomes a
symlink to the current release tree, switched atomically) or rsync:DEST (any
rsync destination). A failure on one mirror is reported and leaves the others.

Options:
  --mirror TARGET        deploy to this mirror (repeatable)
  --offsite TARGET       copy the archive here too: a folder or rsync:DEST (repeatable)
  --archive DIR          the release archive (default: $SEALPRESS_ARCHIVE, else .sealpress/archive)
${SIGNER_HELP}
  --expires-in DAYS      how long verifiers accept the manifest (default ${DEFAULT_EXPIRES_DAYS}); publish
                         again before then, or mirrors are refused as frozen
  --json                 print the JSON summary on stdout
  --no-cache             parse every entry again and render every site again
  --trust-anchor FP      the CA fingerprint pinned from outside the repository
  --audit-log FILE       the audit log (default: $SEALPRESS_AUDIT_LOG, else .sealpress/audit/log.jsonl)
  --root DIR             the repository (default: the current folder)
  --now ISO              the run's clock (default: now)

The gate remembers what the archive's latest signed release remembers: every
withdrawal an earlier release saw stays in force when its record file is
deleted (WITHDRAWAL_MISSING names the file to restore), and a trust document
older than the one that release was gated under is refused (TRUST_ROLLBACK).
The new release carries that memory forward.

Exit codes: 0 published and every mirror verified, 1 the signed release would
not verify (e.g. the key has no release-signer role; nothing archived or
deployed), or a trust document was rolled back (TRUST_ROLLBACK), 2 usage,
configuration or key error, 3 the job failed (a build, or the archive could not
be read or written, or its latest release does not verify: MEMORY_UNVERIFIED),
4 released, but a mirror or an off-site copy failed (see the summary), 5 done,
but a step could not be recorded in the audit log.`,

  verify: `Usage: sealpress verify TARGET [--site CODE] [--restore] [--archive DIR] [--state FILE]
                       [--trust-anchor FP] [--json] [--audit-log FILE] [--root DIR] [--now ISO]

Check a mirror against the signed release it serves. TARGET is a folder mirror
or an http(s):// base URL of one site. Checked: the manifest's signature by the
release-signer role, the trust documents it names, its expiry (a frozen mirror
is refused), its version against the last one this verifier saw (a rolled-back
mirror is refused), then every file: modified, missing and extra files are
listed by path. Over http(s), extra files cannot be listed (a web server does
not list its folders); every file the manifest names is fetched and hashed.

Options:
  --site CODE        the site a URL serves (default: the site whose domain is the URL's host)
  --restore          folder mirrors: repair from the archive (replace modified and
                     missing files, remove extra ones, atomically) and verify again
  --archive DIR      the release archive for --restore (default: $SEALPRESS_ARCHIVE,
                     else .sealpress/archive)
  --state FILE       the versions this verifier has seen (default: $SEALPRESS_STATE_DIR
                     or ~/.local/state/sealpress/seen-versions.json)
  --trust-anchor FP  the group CA's SHA-256 fingerprint (default: $SEALPRESS_TRUST_ANCHOR,
                     else the CA of the checkout at --root)
  --json             machine-readable report on stdout
  --audit-log FILE   record the verification (and any restore) in this audit log
                     (default: the repository's, when --root is a site group)
  --root DIR         a checkout of the site group (default: the current folder)
  --now ISO          the verifier's clock (default: now)

Exit codes: 0 the mirror matches its signed release (with --restore: now
matches, after the repair the report lists), 1 it does not, 2 usage error,
3 the archive or the mirror could not be read, 5 the check (or restore) could
not be recorded in the audit log.`,

  watch: `Usage: sealpress watch TARGET [--interval S] [--count N] [--no-restore] [--site CODE]
                      [--archive DIR] [--state FILE] [--trust-anchor FP] [--json]
                      [--audit-log FILE] [--root DIR]

Verify a mirror every S seconds (as \`sealpress verify\` does). Each time it does
not match, the incident is written to the audit log, and a folder mirror is
restored from the archive (unless --no-restore) and verified again.

Options:
  --interval S    seconds between checks (default 300)
  --count N       stop after N checks (default: run until stopped)
  --no-restore    only report and record; do not repair
  (and the options of \`sealpress verify\`)

Exit codes: 0 stopped after --count checks with the mirror matching at the
last check, 1 it did not match at the last check, 2 usage error, 3 the archive
or the mirror could not be read at the last check, 5 a check or restore could
not be recorded in the audit log.`,

  rollback: `Usage: sealpress rollback --to VERSION [--mirror TARGET]... [--archive DIR]
                         [--key FILE [--cert FILE] [--passphrase-file FILE]]...
                         [--expires-in DAYS] [--json] [--trust-anchor FP]
                         [--audit-log FILE] [--root DIR] [--now ISO]

Publish the files of release VERSION from the archive again, as a new release
whose version is one more than the archive's latest, signed anew under the
trust documents in sites/trust/ (the manifest records \`rollbackOf\`). The old
release is checked first: genuinely signed at the time it was made, by a key
not revoked since, and publishing no entry that has been withdrawn or taken
down since (the gate is run as of now to know). Its files are taken from the
archive by digest; nothing is rebuilt. The new release remembers at least what
the archive's latest release remembers (withdrawals, trust versions): the gate's
memory never goes back with the content.

Options:
  --to VERSION           the release whose content to publish again
  --mirror TARGET        deploy to this mirror (repeatable; a folder or rsync:DEST)
  --archive DIR          the release archive (default: $SEALPRESS_ARCHIVE, else .sealpress/archive)
${SIGNER_HELP}
  --expires-in DAYS      how long verifiers accept the manifest (default ${DEFAULT_EXPIRES_DAYS})
  --json                 print the JSON summary on stdout
  --trust-anchor FP      the CA fingerprint pinned from outside the repository
  --audit-log FILE       the audit log (default: .sealpress/audit/log.jsonl)
  --root DIR             the repository (default: the current folder)
  --now ISO              the run's clock (default: now)

Exit codes: 0 published and every mirror verified, 1 the old or the new
release does not verify (nothing published), 2 usage or key error, 3 the
archive cannot be read or does not hold that release (ARCHIVE_MISSING), 4
published, but a mirror failed, 5 done, but a step could not be recorded in
the audit log.`,

  report: `Usage: sealpress report [--site CODE] [--from DATE --to DATE] [--format json|csv|html] [--out FILE]
                       [--sheet FILE | --no-sheet] [--cache-dir DIR] [--no-cache] [--trust-anchor FP] [--root DIR] [--now ISO]

Statistics of the site group for a period, per site and per column: entries
published, last update and days since, stale and blank columns, stale home
page, adoption by the main site, consultation reply times and those over the
limit, refusals by rule, approval turnaround (commit to last approval); and the
year's assessment sheet scored per sub-site, with its single-item vetoes.

Options:
  --site CODE      only this site (the gate still judges the whole group)
  --from DATE      first day of the period, YYYY-MM-DD (default: 1 January of --to's year)
  --to DATE        last day of the period, inclusive (default: today, China time)
  --format FORMAT  json (default): the whole model; csv: one table with a section
                   column (RFC 4180, formula-safe); html: one self-contained page
                   built with Astro (inline CSS and SVG charts, no JavaScript)
  --lang zh|en     the language of the model's notes (json, csv) and of the sheet's
                   findings (default: $SEALPRESS_LANG, else zh); the html page is Chinese
  --out FILE       write to FILE instead of standard output
  --sheet FILE     the assessment sheet, relative to the root
                   (default: ${ASSESSMENT_DIR}/<year of --to>.yaml when it exists)
  --no-sheet       no assessment
  --cache-dir DIR  the HTML build's own cache (default: a temporary folder, removed afterwards)
  --no-cache       parse every entry again instead of reusing .sealpress/cache
  --trust-anchor FP  SHA-256 fingerprint of the group CA (default: $SEALPRESS_TRUST_ANCHOR)
  --root DIR       the repository (default: the current folder)
  --now ISO        the report's clock, e.g. 2026-11-27T12:00:00+08:00 (default: now)

Staleness: a column or home page is stale when MORE than its threshold has
passed since the last update (news 14 days: day 14 is fine, day 15 stale).

Every gate run is recorded in the audit log (sealpress audit --help): action
gate, command report, the sites reported, the count of entries per status and
the period, or the failure.

Exit codes: 0 report written, 2 usage, configuration or assessment sheet error,
3 the HTML page could not be built, 5 the gate run could not be recorded in the
audit log.`,

  column: `Usage: sealpress column request --site CODE (--add ID --name NAME --type TYPE --category CAT [--description TEXT]
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
2 usage, configuration or key error.`,

  audit: `Usage: sealpress audit verify [--log FILE] [--archive DIR] [--state FILE] [--trust-anchor FP] [--json] [--root DIR]
       sealpress audit show [--site CODE] [--entry PATH] [--person ID] [--from DATE] [--to DATE]
                            [--action ACTION] [--log FILE] [--json] [--root DIR]

The audit log records every gate run, approval, withdrawal, waiver, release,
deploy, verification and restore, one JSON line each, each line carrying the
hash of the one before. It lives in .sealpress/audit/log.jsonl under the
repository (or $SEALPRESS_AUDIT_LOG, or --log FILE), beside the release archive.

  verify   Check every line: canonical JSON, seq 1, 2, 3… without gap, repeat
           or reordering, each entry's hash and its link to the previous one,
           each entry's time no more than 5 minutes before the previous one's
           (the rule appending enforces). Names the first bad entry as
           FILE:LINE seq N: what is wrong [CODE].
           A chain alone cannot see entries cut from its end or a log rewritten
           whole; each signed release seals the log's head: the heads recorded
           in the release archive's manifests (--archive DIR; for the
           repository's own log, $SEALPRESS_ARCHIVE or .sealpress/archive when
           it exists) must all be found in the log. A
           manifest counts as a seal only if the release role signed it (checked
           against the group CA of the checkout at --root, as of the time it was
           made); without a CA at hand they are read unchecked, and it says so
           (--json: sealsVerified).
           Deleting the newest manifests deletes their seals, so the archive
           must hold releases 1, 2, 3… up to its latest without a gap, and its
           latest must not be older than the latest release of the group this
           verifier has seen (--state; the memory \`sealpress verify\` keeps,
           read for the group CA of --root or $SEALPRESS_TRUST_ANCHOR). When the
           repository's archive has no releases/ but that memory knows releases
           of the group, the check fails too. The honest limit: a verifier that
           never saw a release cannot know it existed; verify from a machine
           that watches the mirrors (its state file), or keep an off-site copy
           of the archive.
  show     Print the entries (verified as they are read, against the same
           seals as verify), filtered. An entry is shown only once the next
           line confirms it (its prev) or it ends a log that verified: of two
           entries claiming one place, neither.

Options:
  --log FILE       the log (default: $SEALPRESS_AUDIT_LOG, else <root>/.sealpress/audit/log.jsonl)
  --archive DIR    the release archive whose manifests seal the log (verify)
  --state FILE     the versions this verifier has seen (verify; default:
                   $SEALPRESS_STATE_DIR or ~/.local/state/sealpress/seen-versions.json)
  --trust-anchor FP  the group CA's SHA-256 fingerprint, for checking the seals'
                   signatures outside a checkout (default: $SEALPRESS_TRUST_ANCHOR,
                   else the CA of --root)
  --site CODE      entries naming this site (gate runs name every site they judged)
  --entry PATH     entries naming this entry (content/<site>/<column>/<slug>.md), or
                   every entry under a folder when PATH ends with /; gate runs record
                   counts, not paths
  --person ID      entries whose actor is this person id (or ci)
  --from DATE      from this date or instant (a date alone: 00:00 China time)
  --to DATE        up to this date or instant (a date alone: the whole day)
  --action ACTION  gate, approve, withdraw, waive, release, deploy, verify, restore…
  --json           machine-readable output on stdout
  --root DIR       the repository (default: the current folder)

Codes: AUDIT_MALFORMED, AUDIT_NONCANONICAL, AUDIT_EDITED, AUDIT_CHAIN_BROKEN,
AUDIT_INSERTED, AUDIT_DUPLICATE, AUDIT_GAP, AUDIT_REORDERED, AUDIT_TIME_BACKWARDS,
AUDIT_TRUNCATED, AUDIT_SEAL_MISMATCH; for the archive: ARCHIVE_UNREADABLE,
AUDIT_SEAL_MISSING, AUDIT_STATE_UNREADABLE.

Exit codes: 0 the log verifies (show: entries printed), 1 the log is broken or a
release seal is not in it, or a release manifest of the archive cannot be read or
is missing, or the verifier's memory cannot be read, 2 usage error or no log at
that path.`,

  demo: `Usage: sealpress demo [--issued-at ISO] [--signed-at ISO] [--renew] [--new-ca] [--bits N] [--root DIR] [--now ISO]
       sealpress demo --documents [--root DIR]

Regenerate the DEMO site group's trust material (sites/trust/) and approval
records (content/_approvals/: the writers' submissions and the approvals), the column change requests (sites/_changes/) and
the waiver with throwaway keys, so that the demo content can change. The
people's private keys exist only in memory during the run, except the release
signer's: it is written to demo/keys/ encrypted under a passphrase the README
publishes, so a fresh clone can sign demo releases. So is the demo CA's key, so
that a clone can renew the 90-day certificates when they lapse; the CA is kept
(trust documents one version up) unless --new-ca. It refuses to touch a
sites/trust/ that is not marked as demo material.

\`sealpress publish\` renews the demo by itself when the release signer's
certificate would lapse before the release does (as --renew does), and says so.

The committed demo was made with
  --new-ca --issued-at 2026-11-01T09:00:00+08:00 --signed-at 2026-11-20T10:00:00+08:00
(the tests run the gate at 2026-11-27; approvals signed later would be "in the future").

With --documents it only writes the demo's PDF, DOCX and XLSX attachments
(the clean ones of 下载中心 and 政策文件 and the planted traps) from
pipeline/demo/attachments.ts, byte for byte as committed; run the command above
afterwards if they changed, so that their entries stay approved.

Options:
  --documents      write the demo's documents only (no keys, no signatures)
  --issued-at ISO  when certificates are issued and trust documents signed (default: now)
  --signed-at ISO  when the approvals are signed (default: now); the writers'
                   submissions are signed half an hour before
  --renew          renew at --now (default: now) as publish does: issued 3 hours and
                   signed 2 hours before it
  --new-ca         make a new demo CA (verifiers then see a new trust domain)
  --bits N         RSA key size (default 3072)

Exit codes: 0 done, 2 usage or configuration error, or sites/trust/ is not demo material.`,

} as const satisfies Record<CommandName, string>;

/** A command that has a help text. */
export type HelpTopic = keyof typeof HELP;
