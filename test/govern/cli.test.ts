/**
 * `sealpress column request` (pipeline/cli/column.ts, called directly until
 * main.ts registers it): the office signs; anyone else's request is not left
 * in the repository; usage errors exit 2.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { main } from '../../pipeline/cli/main.ts';
import type { Io } from '../../pipeline/cli/output.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { columnChangePath } from '../../pipeline/govern/index.ts';
import { approveAll, fixtureGroupPki, makeRepo, NOW, SUB, writePersonKey, type TestRepo } from '../helpers/repo.ts';

const PASS = 'column request test passphrase';
let repo: TestRepo | undefined;
let keys: string | undefined;
afterEach(() => {
  repo?.cleanup();
  if (keys) rmSync(keys, { recursive: true, force: true });
  delete process.env['SEALPRESS_PASSPHRASE'];
});

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), color: false };
  // Through main(), as the command line runs it: a usage error is thrown and main() turns it into exit 2.
  const code = await main(['column', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('sealpress column request', () => {
  test('the office signs a drop request, which clears the warning; an approver\'s is refused and not written', async () => {
    repo = makeRepo();
    await approveAll(repo);
    const pki = await fixtureGroupPki(repo.root);
    keys = mkdtempSync(join(tmpdir(), 'sealpress-keys-'));
    process.env['SEALPRESS_PASSPHRASE'] = PASS;
    writePersonKey(keys, 'office', pki.office, PASS, repo.root);
    writePersonKey(keys, 'ap', pki.approverOf.get(`${SUB}/bgs`)!, PASS, repo.root);
    const file = columnChangePath(SUB, 'drop-zcwj');
    const common = ['request', '--root', repo.root, '--now', NOW.toISOString(), '--site', SUB, '--drop', 'zcwj', '--reason', '本局无政策文件发布职能', '--department', '办公室', '--yes'];

    const byApprover = await run([...common, '--key', join(keys, 'ap.key.pem')]);
    expect(byApprover.code).toBe(1);
    expect(byApprover.err).toMatch(/does not hold the office-approver role/);
    expect(existsSync(join(repo.root, file))).toBe(false);

    const signed = await run([...common, '--key', join(keys, 'office.key.pem')]);
    expect(signed.code, signed.err).toBe(0);
    expect(signed.out).toContain(`wrote ${file}`);
    const gate = await runGate({ root: repo.root, now: NOW, cache: false });
    expect(gate.ok && gate.plan.diagnostics.filter((d) => d.rule.startsWith('column-'))).toEqual([]);

    // The same request again: the file exists, nothing is overwritten.
    expect((await run([...common, '--key', join(keys, 'office.key.pem')])).code).toBe(2);
  }, 60_000);

  test.for([
    { name: 'no action', args: ['--site', SUB], message: /exactly one of --add, --drop, --rename/ },
    { name: 'two actions', args: ['--site', SUB, '--drop', 'zcwj', '--rename', 'tzgg'], message: /exactly one of/ },
    { name: 'the main site', args: ['--site', '19900000000', '--drop', 'zcwj'], message: /main site carries the group tree/ },
    { name: 'adding a tree column', args: ['--site', SUB, '--add', 'zcwj', '--name', '政策', '--type', 'notice', '--category', 'xxgk'], message: /already a column of the group tree/ },
    { name: 'dropping an unknown column', args: ['--site', SUB, '--drop', 'nope'], message: /not a column of the group tree/ },
    { name: 'an add without its definition', args: ['--site', SUB, '--add', 'tsfw'], message: /--add needs --name, --type and --category/ },
    { name: 'an add with an unknown type', args: ['--site', SUB, '--add', 'tsfw', '--name', '特色', '--type', 'blog', '--category', 'bsfw'], message: /--type must be one of/ },
  ])('usage error: $name', async ({ args, message }) => {
    repo = makeRepo();
    const r = await run(['request', '--root', repo.root, ...args, '--reason', 'x', '--department', '办公室', '--key', '/nonexistent.key.pem']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(existsSync(join(repo.root, 'sites/_changes'))).toBe(false);
  });
});
