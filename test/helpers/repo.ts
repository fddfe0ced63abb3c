/**
 * Throwaway repositories for tests: a small but complete site group, plus
 * whatever files a test adds. Written to a fresh temp folder each time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { createDemoPki, signDemoApprovals, writeDemoTrust, type DemoPerson, type DemoPki } from '../../pipeline/demo/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { loadSiteGroup } from '../../pipeline/load/index.ts';
import { writeEncryptedKey } from '../../pipeline/trust/index.ts';

export const MAIN = '19900000000';
export const SUB = '19901000000';
/** Fixed clock for tests: 2026-11-27 12:00 China time. */
export const NOW = new Date('2026-11-27T12:00:00+08:00');

export const GROUP_YAML = `name: 测试税务局网站群
main: "${MAIN}"
domainPattern: "{code}.tax.example.gov.cn"
errorReportUrl: "https://errors.example.gov.cn/report"
limits:
  maxEntryBytes: 4096
  maxAssetBytes: 8192
categories:
  - id: xxgk
    name: 信息公开
    columns:
      - { id: tzgg, name: 通知公告, type: notice }
      - { id: zcwj, name: 政策文件, type: notice }
  - id: bsfw
    name: 办税服务
    columns:
      - { id: bszn, name: 办税指南, type: guide }
  - id: gzcy
    name: 公众参与
    columns:
      - { id: nszx, name: 纳税咨询, type: qa }
  - id: xczl
    name: 税收宣传
    columns:
      - { id: gzdt, name: 工作动态, type: news }
`;

export const MAIN_YAML = `code: "${MAIN}"
name: 测试省税务局
kind: main
domain: www.tax.example.gov.cn
siteIdCode: "9900000001"
icp: 示ICP备00000001号
psb: 示公网安备 99000000000001号
columns: all
departments:
  - { id: bgs, name: 办公室 }
  - { id: zcfgc, name: 政策法规处 }
administrators:
  - { name: 王丽, appointed: "2025-03-03", filed: "2025-03-12" }
`;

export const SUB_YAML = `code: "${SUB}"
name: 测试市税务局
kind: sub
siteIdCode: "9901000002"
icp: 示ICP备00000001号-2
psb: 示公网安备 99010000000002号
columns: [tzgg, bszn, nszx, gzdt]
departments:
  - { id: bgs, name: 办公室 }
  - { id: nsfwk, name: 纳税服务科 }
administrators:
  - { name: 李强, appointed: "2025-05-06", filed: "2025-05-20" }
`;

export function entry(fields: Record<string, string>, body = '正文。\n'): string {
  const fm = { title: '测试通知', date: '2026-10-12', author: '张伟', department: 'bgs', disclosure: '主动公开', ...fields };
  const lines = Object.entries(fm)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => (v.includes('\n') || v.startsWith('  ') ? `${k}:\n${v}` : `${k}: ${v}`));
  return `---\n${lines.join('\n')}\n---\n${body}`;
}

export interface TestRepo {
  root: string;
  write(path: string, content: string | Uint8Array): void;
  cleanup(): void;
}

export function makeRepo(files: Record<string, string | Uint8Array> = {}, options: { baseConfig?: boolean } = {}): TestRepo {
  const root = mkdtempSync(join(tmpdir(), 'sealpress-test-'));
  const write = (path: string, content: string | Uint8Array) => {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  };
  if (options.baseConfig !== false) {
    write('sites/group.yaml', GROUP_YAML);
    write(`sites/${MAIN}/site.yaml`, MAIN_YAML);
    write(`sites/${SUB}/site.yaml`, SUB_YAML);
    mkdirSync(join(root, 'content'), { recursive: true });
  }
  for (const [path, content] of Object.entries(files)) write(path, content);
  return { root, write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A real PNG of the given size, one solid colour. */
export function png(width: number, height: number, rgb: [number, number, number] = [200, 30, 30]): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A repository whose entries are approved for real: throwaway trust material
 * (CA, administrators, a writer 张伟 (the entries' default author) with a
 * writer grant for every site and department, one approver per site and
 * department, an office approver; 2048-bit keys, built once per test file),
 * the writer's signed submissions and the approval records of every entry the
 * gate would otherwise pass. Entries the gate
 * refuses for another reason stay unapproved, as an approver would leave them.
 */
export const ISSUED = new Date('2026-10-01T00:00:00Z');
export const APPROVED_AT = new Date('2026-10-20T00:00:00Z');
let fixturePki: Promise<DemoPki> | undefined;

export async function fixtureGroupPki(root: string): Promise<DemoPki> {
  const config = loadSiteGroup(root);
  if (!config.group) throw new Error('fixture config invalid');
  const group = config.group;
  const pairs = [...group.sites.values()].flatMap((s) => s.departments.map((d) => ({ site: s.code, department: d.id })));
  fixturePki ??= createDemoPki({
    group,
    pairs: pairs.map((p) => `${p.site}/${p.department}`),
    avoidNames: new Set(['张伟']),
    authors: pairs.map((p) => ({ ...p, name: '张伟' })),
    issuedAt: ISSUED,
    bits: 2048,
  });
  return fixturePki;
}

export async function approveAll(repo: TestRepo, holds: Parameters<typeof signDemoApprovals>[5] = {}): Promise<void> {
  const pki = await fixtureGroupPki(repo.root);
  writeDemoTrust(repo.root, pki);
  const gate = await runGate({ root: repo.root, now: NOW, cache: false });
  if (!gate.ok) return;
  signDemoApprovals(repo.root, pki, gate.group, gate.plan, APPROVED_AT, holds);
}

export async function approvedRepo(files: Record<string, string | Uint8Array> = {}): Promise<TestRepo> {
  const repo = makeRepo(files);
  await approveAll(repo);
  return repo;
}

/** Write a fixture person's key (encrypted with `passphrase`) and certificate as `<dir>/<name>.key.pem` and `.cert.pem`, as a holder keeps them. */
export function writePersonKey(dir: string, name: string, person: DemoPerson, passphrase: string, repoRoot: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key.pem`);
  const cert = join(dir, `${name}.cert.pem`);
  writeEncryptedKey(key, person.keys.privateKey, passphrase, { repoRoot });
  writeFileSync(cert, person.certPem!);
  return { key, cert };
}
