/**
 * The `sealpress` command line: a thin layer over the library in pipeline/.
 * Each command parses its options, calls the library, prints, and returns an
 * exit code (see exit.ts).
 */
import { EXIT, TOOL_VERSION } from './exit.ts';
import { processIo, reportError, type Io } from './output.ts';

type Run = (args: string[], io: Io) => Promise<number>;
type Command = { load: () => Promise<Run>; summary: string };

// Commands load lazily: `check` must not pay for loading Astro.
const COMMANDS: Record<string, Command> = {
  check: { load: async () => (await import('./check.ts')).check, summary: 'gate the content and report what will not be published' },
  build: { load: async () => (await import('./build.ts')).build, summary: 'gate, then build every site into dist/<code>/ with search' },
  preview: { load: async () => (await import('./preview.ts')).preview, summary: 'live preview of a site, drafts marked as drafts' },
  keys: { load: async () => (await import('./keys.ts')).keys, summary: 'the PKI of writers and approvers: init, issue, rotate, revoke, list' },
  submit: { load: async () => (await import('./submit.ts')).submit, summary: 'sign, as their writer, the submission of entries you wrote' },
  approve: { load: async () => (await import('./approve.ts')).approve, summary: 'sign an approval of one or more entries' },
  withdraw: { load: async () => (await import('./withdraw.ts')).withdraw, summary: 'sign the withdrawal of a published entry' },
  waive: { load: async () => (await import('./waive.ts')).waive, summary: 'sign a waiver for one finding of the content checks' },
  trust: { load: async () => (await import('./trust.ts')).trust, summary: 'verify, show and countersign the trust documents' },
  publish: { load: async () => (await import('./publish.ts')).publish, summary: 'gate, build, sign the release, archive it, deploy and verify the mirrors' },
  verify: { load: async () => (await import('./verify.ts')).verify, summary: 'check a mirror (folder or URL) against its signed release; --restore repairs it' },
  watch: { load: async () => (await import('./watch.ts')).watch, summary: 'verify a mirror periodically, record incidents, restore' },
  rollback: { load: async () => (await import('./rollback.ts')).rollback, summary: 'publish an earlier release\'s content again as a new version' },
  report: { load: async () => (await import('./report.ts')).report, summary: 'update statistics, adoption, reply times and the yearly assessment (html, json, csv)' },
  column: { load: async () => (await import('./column.ts')).column, summary: 'sign a column change request (office): add, drop or rename a sub-site column' },
  audit: { load: async () => (await import('./audit.ts')).audit, summary: 'verify and show the hash-chained audit log' },
  demo: { load: async () => (await import('./demo.ts')).demo, summary: 'regenerate the demo trust material and approvals with throwaway keys' },
};

export const HELP = `sealpress: a site-group static site generator with a publication gate

Usage: sealpress <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run \`sealpress <command> --help\` for a command's options.

Exit codes: 0 success, 1 something refused (check: an entry; approve, withdraw,
keys, trust: nothing signed or the trust material would not verify; verify: the
mirror does not match), 2 usage, configuration or key error, 3 the job failed (a
build, or the archive or a mirror could not be read or written), 4 released but a
mirror failed, 5 the audit log could not be appended to. An error names its code
([KEY_CERT_MISMATCH]…); each code exits the same way from every command (the
README's table of error codes).`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] && COMMANDS[rest[0]]) return main([rest[0], '--help'], io);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return EXIT.OK;
  }
  if (name === '--version') {
    io.out(`sealpress ${TOOL_VERSION}`);
    return EXIT.OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`sealpress: unknown command "${name}"\n\n${HELP}`);
    return EXIT.CONFIG;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (error) {
    // Every library error carries a stable code, which decides the exit code; never a stack trace.
    return reportError(io, name, error);
  }
}

