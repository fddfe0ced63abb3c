/**
 * The command table as people read it: each command's one-line summary, in
 * the order `sealpress --help` lists them, and that overview. No imports:
 * the command line loads it before it knows which command runs (the help of
 * each command is in help.ts).
 */
export const SUMMARIES = {
  check: 'gate the content and report what will not be published',
  build: 'gate, then build every site into dist/<code>/ with search',
  preview: 'live preview of a site, drafts marked as drafts',
  keys: 'the PKI of writers and approvers: init, issue, rotate, revoke, list',
  submit: 'sign, as their writer, the submission of entries you wrote',
  approve: 'sign an approval of one or more entries',
  withdraw: 'sign the withdrawal of a published entry',
  reject: 'sign a rejection (驳回) of entries, with the reason the writer is shown',
  review: 'the review desk: a local web page to see, compare, approve or reject what waits for you',
  waive: 'sign a waiver for one finding of the content checks',
  trust: 'verify, show and countersign the trust documents',
  publish: 'gate, build, sign the release, archive it, deploy and verify the mirrors',
  verify: 'check a mirror (folder or URL) against its signed release; --restore repairs it',
  watch: 'verify a mirror periodically, record incidents, restore',
  rollback: 'publish an earlier release\'s content again as a new version',
  report: 'update statistics, adoption, reply times and the yearly assessment (html, json, csv)',
  column: 'sign a column change request (office): add, drop or rename a sub-site column',
  audit: 'verify and show the hash-chained audit log',
  demo: 'regenerate the demo trust material and approvals with throwaway keys',
} as const;

/** A command of `sealpress`. */
export type CommandName = keyof typeof SUMMARIES;

/** `sealpress --help`. */
export const OVERVIEW = `sealpress: a site-group static site generator with a publication gate

Usage: sealpress <command> [options]

Commands:
${Object.entries(SUMMARIES)
  .map(([name, summary]) => `  ${name.padEnd(10)} ${summary}`)
  .join('\n')}

Run \`sealpress <command> --help\` for a command's options.

Output language: findings, fixes, summaries and errors are printed in Chinese;
every command takes --lang en (or SEALPRESS_LANG=en) for English. Rule ids,
codes ([THRESHOLD_NOT_MET]…) and JSON keys stay the same in both.

Exit codes: 0 success, 1 something refused (check: an entry; approve, withdraw,
keys, trust: nothing signed or the trust material would not verify; verify: the
mirror does not match), 2 usage, configuration or key error, 3 the job failed (a
build, or the archive or a mirror could not be read or written), 4 released but a
mirror failed, 5 the audit log could not be appended to. An error names its code
([KEY_CERT_MISMATCH]…); each code exits the same way from every command (the
README's table of error codes).`;
