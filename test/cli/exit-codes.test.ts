/**
 * One table from error code to exit code (pipeline/errors/codes.ts): the same
 * failure exits the same way from every command, as the README and each
 * command's --help say. Every command is run as a user runs it (node
 * pipeline/cli/bin.js, a separate process) on a temporary repository, made to
 * fail, and its exit code compared with the table's for the code it prints.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoPerson } from '../../pipeline/demo/index.ts';
import { ERROR_CODES, EXIT, exitCodeFor, type ErrorCode } from '../../pipeline/errors/index.ts';
import { runCli } from '../helpers/cli.ts';
import { approvedRepo, entry, fixtureGroupPki, MAIN, makeRepo, NOW, writePersonKey, type TestRepo } from '../helpers/repo.ts';

const BIN = fileURLToPath(new URL('../../pipeline/cli/bin.js', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const PASSPHRASE = 'exit code test passphrase';
const ENTRY = `content/${MAIN}/tzgg/a.md`;

let repo: TestRepo;
let work: string;
let people: DemoPerson[];

/** `sealpress …` in its own process, as CI and a writer's terminal run it. */
function sealpress(args: string[], env: Record<string, string> = {}): Promise<{ code: number; err: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SEALPRESS_'))) as Record<string, string>;
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: repo.root, env: { ...base, NO_COLOR: '1', SEALPRESS_AUDIT_LOG: join(work, 'audit.jsonl'), ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, _out, err) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, err });
    });
  });
}

const holding = (role: string) => people.find((p) => p.roles.some((r) => r.role === role))!;
const keys = new Map<string, { key: string; cert: string }>();
/** The key and certificate of the person holding `role`, written once. */
function keyOf(role: string): { key: string; cert: string } {
  if (!keys.has(role)) keys.set(role, writePersonKey(join(work, 'keys'), role, holding(role), PASSPHRASE, repo.root));
  return keys.get(role)!;
}
const releaseEnv = (): Record<string, string> => {
  const person = holding('release-signer');
  return {
    SEALPRESS_RELEASE_KEY: person.keys.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string,
    SEALPRESS_RELEASE_CERT: person.certPem!,
    SEALPRESS_PASSPHRASE: PASSPHRASE,
  };
};

beforeAll(async () => {
  repo = await approvedRepo({ [ENTRY]: entry({}) });
  people = (await fixtureGroupPki(repo.root)).people;
  work = mkdtempSync(join(tmpdir(), 'sealpress-exit-'));
  mkdirSync(join(work, 'keys'));
  mkdirSync(join(work, 'empty-archive'));
  // An archive whose latest release cannot be read: the gate's memory is unknown.
  mkdirSync(join(work, 'bad-archive', 'releases'), { recursive: true });
  writeFileSync(join(work, 'bad-archive', 'releases', '0000000001.dsse.json'), '{}');
}, 180_000);

afterAll(() => {
  repo?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Case {
  name: string;
  /** The command line, given the temporary folders (the repository is the working directory). */
  args: () => string[];
  env?: () => Record<string, string>;
  /** The code the command must print; it must exit with the table's exit code for it. */
  code: ErrorCode;
}

const now = ['--now', NOW.toISOString()];
/** A signer's key given with another person's certificate. */
const mismatched = () => ['--key', keyOf('approver').key, '--cert', keyOf('release-signer').cert];

const CASES: Record<string, Case[]> = {
  check: [{ name: 'an archive whose latest release cannot be read', args: () => ['check', '--archive', join(work, 'bad-archive'), ...now], code: 'MEMORY_UNVERIFIED' }],
  build: [{ name: 'a clock that is not a date-time', args: () => ['build', '--now', 'yesterday'], code: 'USAGE' }],
  preview: [{ name: 'a port that is not a port', args: () => ['preview', '--port', '99999', ...now], code: 'USAGE' }],
  keys: [{ name: 'an unknown subcommand', args: () => ['keys', 'frob'], code: 'USAGE' }],
  submit: [{ name: 'a key that is not its certificate\'s', args: () => ['submit', ENTRY, ...mismatched(), '--yes', ...now], env: () => ({ SEALPRESS_PASSPHRASE: PASSPHRASE }), code: 'KEY_CERT_MISMATCH' }],
  approve: [{ name: 'a key that is not its certificate\'s', args: () => ['approve', ENTRY, ...mismatched(), '--yes', ...now], env: () => ({ SEALPRESS_PASSPHRASE: PASSPHRASE }), code: 'KEY_CERT_MISMATCH' }],
  withdraw: [{ name: 'a key that is not its certificate\'s', args: () => ['withdraw', ENTRY, '--reason', '已过时', ...mismatched(), '--yes', ...now], env: () => ({ SEALPRESS_PASSPHRASE: PASSPHRASE }), code: 'KEY_CERT_MISMATCH' }],
  reject: [{ name: 'a key that is not its certificate\'s', args: () => ['reject', ENTRY, '--reason', '请补充依据', ...mismatched(), '--yes', ...now], env: () => ({ SEALPRESS_PASSPHRASE: PASSPHRASE }), code: 'KEY_CERT_MISMATCH' }],
  review: [{ name: 'a key that is not its certificate\'s (opened where the desk starts)', args: () => ['review', ...mismatched(), '--no-preview', ...now], env: () => ({ SEALPRESS_PASSPHRASE: PASSPHRASE }), code: 'KEY_CERT_MISMATCH' }],
  waive: [{ name: 'no --rule, --line or --justification', args: () => ['waive', ENTRY], code: 'USAGE' }],
  trust: [{ name: 'a document that cannot be read', args: () => ['trust', 'sign', join(work, 'no-such.dsse.json'), '--admin-key', keyOf('security-admin').key, '--yes'], code: 'USAGE' }],
  publish: [
    { name: 'a key that is not its certificate\'s', args: () => ['publish', '--archive', join(work, 'empty-archive'), ...mismatched(), ...now], env: () => ({ SEALPRESS_PASSPHRASE: PASSPHRASE }), code: 'KEY_CERT_MISMATCH' },
    { name: 'an archive whose latest release cannot be read', args: () => ['publish', '--archive', join(work, 'bad-archive'), '--mirror', join(work, 'mirror'), ...now], env: releaseEnv, code: 'MEMORY_UNVERIFIED' },
  ],
  verify: [{ name: 'a restore from an archive without the release', args: () => ['verify', join(work, 'no-mirror'), '--restore', '--archive', join(work, 'empty-archive'), ...now], code: 'ARCHIVE_MISSING' }],
  watch: [{ name: 'a restore from an archive without the release', args: () => ['watch', join(work, 'no-mirror'), '--count', '1', '--archive', join(work, 'empty-archive')], code: 'ARCHIVE_MISSING' }],
  rollback: [{ name: 'a version the archive does not hold', args: () => ['rollback', '--to', '9', '--archive', join(work, 'empty-archive'), ...now], env: releaseEnv, code: 'ARCHIVE_MISSING' }],
  report: [{ name: 'a date that does not exist', args: () => ['report', '--from', '2026-02-30', ...now], code: 'USAGE' }],
  column: [{ name: 'no action', args: () => ['column', 'request'], code: 'USAGE' }],
  audit: [{ name: 'filters given to verify', args: () => ['audit', 'verify', '--site', MAIN], code: 'USAGE' }],
  demo: [{ name: 'trust material that is not the demo\'s', args: () => ['demo', '--root', join(work, 'not-demo')], code: 'CONFIG_INVALID' }],
};

const commands = async () => [...(await import('../../pipeline/cli/main.ts')).HELP.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);

describe('every command exits with the table\'s code for the error that stopped it', () => {
  test('every command has a case', async () => {
    expect(Object.keys(CASES).sort()).toEqual((await commands()).sort());
  });

  const cases = Object.entries(CASES).flatMap(([command, list]) => list.map((c) => ({ command, ...c, exit: exitCodeFor(c.code) })));
  test.for(cases)('$command: $name → [$code], exit $exit', { timeout: 120_000 }, async (c) => {
    if (c.command === 'demo') {
      mkdirSync(join(work, 'not-demo', 'sites', 'trust'), { recursive: true });
      writeFileSync(join(work, 'not-demo', 'sites', 'trust', 'policy.dsse.json'), '{}');
    }
    const r = await sealpress(c.args(), c.env?.() ?? {});
    expect(r.err).toContain(`[${c.code}]`);
    expect(r.err, 'no stack trace').not.toMatch(/\n\s+at /);
    expect(r.code, r.err).toBe(c.exit);
    // The command's --help says so too.
    const help = await runCli([c.command, '--help']);
    const exits = help.out.slice(help.out.indexOf('Exit codes:'));
    expect(exits, `${c.command} --help`).toMatch(new RegExp(`\\b${c.exit}\\b`));
  });
});

describe('the README documents the table', () => {
  test('each code, its exit code and its meaning, in the catalogue\'s order', () => {
    const section = readme.slice(readme.indexOf('| error code | exit | meaning |'));
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| (\d) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]]);
    expect(rows).toEqual(Object.entries(ERROR_CODES).map(([code, e]) => [code, EXIT[e.exit], e.meaning]));
  });

  test('every exit code of the table is one of the documented exit codes', () => {
    for (const e of Object.values(ERROR_CODES)) expect(readme).toMatch(new RegExp(`^\\| ${EXIT[e.exit]} \\|`, 'm'));
  });
});
