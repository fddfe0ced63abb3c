import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { afterEach, describe, expect, test } from 'vitest';
import { approveAll, entry, fixtureGroupPki, makeRepo, MAIN, writePersonKey, type TestRepo } from '../helpers/repo.ts';

const NOW = '2026-11-27T12:00:00+08:00';
let repo: TestRepo | undefined;
let keys: string | undefined;
afterEach(() => {
  repo?.cleanup();
  if (keys) rmSync(keys, { recursive: true, force: true });
  delete process.env['SEALPRESS_PASSPHRASE'];
});

const run = runCli;

describe('sealpress waive', () => {
  test('a security administrator waives one finding; the entry is then judged without it', async () => {
    // 110101198001011234 with its GB 11643 check digit.
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const body = '11010119800101123';
    const id = body + '10X98765432'[[...body].reduce((n, d, i) => n + Number(d) * weights[i]!, 0) % 11]!;
    const P = `content/${MAIN}/tzgg/arrears.md`;
    repo = makeRepo({ [P]: entry({ title: '欠税公告' }, `欠税人身份证号码：${id}\n`) });
    await approveAll(repo);
    const pki = await fixtureGroupPki(repo.root);
    keys = mkdtempSync(join(tmpdir(), 'sealpress-keys-'));
    process.env['SEALPRESS_PASSPHRASE'] = 'waiver test passphrase';
    const admin = pki.admins[0]!;
    writePersonKey(keys, 'sa', admin, 'waiver test passphrase', repo.root);
    writePersonKey(keys, 'ap', pki.approverOf.get(`${MAIN}/bgs`)!, 'waiver test passphrase', repo.root);

    const before = await run(['check', '--root', repo.root, '--now', NOW]);
    expect(before.out).toMatch(/arrears\.md:8:\d+ error personal-id/);
    const common = [P, '--root', repo.root, '--now', NOW, '--rule', 'personal-id', '--line', '8', '--justification', '欠税公告依法公开', '--yes'];

    // No such finding: nothing is written.
    expect((await run(['waive', ...common.map((a) => (a === '8' ? '9' : a)), '--key', join(keys, 'sa.key.pem')])).code).toBe(1);
    expect(existsSync(join(repo.root, 'content/_waivers'))).toBe(false);

    // An approver is not a security administrator: the gate does not accept the waiver.
    const byApprover = await run(['waive', ...common, '--key', join(keys, 'ap.key.pem')]);
    expect(byApprover.code).toBe(1);
    expect(byApprover.err).toMatch(/not a security administrator/);
    rmSync(join(repo.root, 'content/_waivers'), { recursive: true, force: true });

    const signed = await run(['waive', ...common, '--key', join(keys, 'sa.key.pem')]);
    expect(signed.code, signed.err).toBe(0);
    expect(readdirSync(join(repo.root, 'content/_waivers'))).toHaveLength(1);
    const after = await run(['check', '--root', repo.root, '--now', NOW]);
    expect(after.out).toMatch(/arrears\.md:8:\d+ waived personal-id/);
    // The waiver lets the finding through; the entry still needs its approval of these bytes.
    expect(after.out).not.toMatch(/arrears\.md:8:\d+ error personal-id/);
  }, 60_000);
});
