/**
 * Column governance through the real gate: a sub-site's added column is
 * usable only with an `add` request signed by an office approver of the
 * signed roster; drops without a request warn; renames without one show the
 * group's name. Real throwaway PKI (test/helpers/repo.ts), fixed clock.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import { canonicalBytes, encodeBase64, PAYLOAD_TYPES, signTrustDocument } from '../../pipeline/trust/index.ts';
import { columnChangePath, signColumnChange, type ColumnChangeDraft } from '../../pipeline/govern/index.ts';
import { signDemoColumnChanges, writeDemoTrust, type DemoPerson, type DemoPki } from '../../pipeline/demo/index.ts';
import { loadSiteGroup } from '../../pipeline/load/index.ts';
import { APPROVED_AT, approveAll, entry, fixtureGroupPki, ISSUED, MAIN, makeRepo, NOW, SUB, SUB_YAML, type TestRepo } from '../helpers/repo.ts';

const EXTRA = `extraColumns:\n  - { id: tsfw, name: 特色服务, type: guide, category: bsfw }\n`;
/** The fixture sub-site, with an added column tsfw (declared) and, optionally, a rename. */
const subYaml = (extra = EXTRA, rename = '') => SUB_YAML.replace('columns: [tzgg, bszn, nszx, gzdt]', `columns: [tzgg, bszn, nszx, gzdt, tsfw]\n${extra}${rename}`);
const ENTRY = `content/${SUB}/tsfw/2026-10-special.md`;
const TREE_ENTRY = `content/${SUB}/tzgg/2026-10-notice.md`;
const ADD_FILE = columnChangePath(SUB, 'add-tsfw');

let repo: TestRepo | undefined;
afterEach(() => repo?.cleanup());

const ADD: ColumnChangeDraft = { id: 'add-tsfw', site: SUB, action: 'add', column: 'tsfw', definition: { name: '特色服务', type: 'guide', category: 'bsfw' }, reason: '开设特色服务栏目', department: '纳税服务科', requested: '2026-10-15' };

function signer(p: DemoPerson) {
  return { key: p.keys.privateKey, certPem: p.certPem! };
}

function sign(r: TestRepo, file: string, draft: ColumnChangeDraft, by: DemoPerson, at = APPROVED_AT): void {
  r.write(file, signColumnChange({ draft, signer: signer(by), now: at }));
}

async function gate(r: TestRepo) {
  const result = await runGate({ root: r.root, now: NOW, cache: false });
  if (!result.ok) throw new Error(JSON.stringify(result.configDiagnostics));
  return result;
}

/** A repo with the added column and an entry in it; `before` runs with the trust material in place, before the approvals are signed. */
async function repoWithAddedColumn(before: (r: TestRepo, pki: DemoPki) => void | Promise<void>): Promise<TestRepo> {
  const r = makeRepo({ [`sites/${SUB}/site.yaml`]: subYaml(), [ENTRY]: entry({ title: '特色服务介绍' }), [TREE_ENTRY]: entry({ title: '通知' }) });
  const pki = await fixtureGroupPki(r.root);
  writeDemoTrust(r.root, pki);
  await before(r, pki);
  await approveAll(r);
  return r;
}

describe('an added column', () => {
  test('without a request: its entries are refused, naming where the request belongs; the config still loads', async () => {
    repo = await repoWithAddedColumn(() => {});
    const { plan } = await gate(repo);
    const e = plan.entries.find((x) => x.path === ENTRY)!;
    expect(e.status).toBe('refused');
    const finding = e.findings.find((f) => f.rule === 'column-not-approved');
    expect(finding?.message).toContain(ADD_FILE);
    expect(finding?.message).toContain('特色服务');
    expect(e.findings.map((f) => f.rule)).not.toContain('column-not-enabled');
    // The site itself is named too, on the declaration's line, so `check` says it even with no entry.
    expect(plan.diagnostics.filter((d) => d.rule === 'column-not-approved')).toMatchObject([{ severity: 'error', file: `sites/${SUB}/site.yaml`, line: 9 }]);
    // The rest of the site is not affected.
    expect(plan.entries.find((x) => x.path === TREE_ENTRY)?.status).toBe('publishable');
  }, 60_000);

  test('with a valid request signed by the office: published, and part of the governed group', async () => {
    repo = await repoWithAddedColumn((r, pki) => sign(r, ADD_FILE, ADD, pki.office));
    const { plan, group } = await gate(repo);
    expect(plan.entries.find((x) => x.path === ENTRY)?.status).toBe('publishable');
    expect(plan.diagnostics.filter((d) => d.rule.startsWith('column-'))).toMatchObject([{ rule: 'column-dropped' }]);
    expect(group.sites.get(SUB)?.columns).toEqual(['tzgg', 'bszn', 'tsfw', 'nszx', 'gzdt']);
    expect(group.categories.find((c) => c.id === 'bsfw')?.columns.map((c) => c.id)).toEqual(['bszn', 'tsfw']);
    // Another site does not get the column by it.
    expect(group.sites.get(MAIN)?.columns).not.toContain('tsfw');
  }, 60_000);

  const refusals: { name: string; sign: (r: TestRepo, pki: DemoPki) => void; file?: string; reason: RegExp }[] = [
    { name: 'signed by an approver, not the office', sign: (r, pki) => sign(r, ADD_FILE, ADD, pki.approverOf.get(`${SUB}/bgs`)!), reason: /does not hold the office-approver role/ },
    {
      name: 'signed by the office after its key was revoked',
      sign: (r, pki) => {
        const revoked = signTrustDocument(
          { type: 'revocations', version: 2, signedAt: new Date(ISSUED.getTime() + 86_400_000).toISOString(), revoked: [{ person: 'office-1', effective: new Date(ISSUED.getTime() + 86_400_000).toISOString(), reason: '调离' }] },
          PAYLOAD_TYPES.revocations,
          pki.admins.slice(0, 2).map(signer),
        );
        r.write('sites/trust/revocations.dsse.json', revoked);
        sign(r, ADD_FILE, ADD, pki.office);
      },
      reason: /revoked from/,
    },
    { name: 'a request for another site, put in this site\'s folder', sign: (r, pki) => sign(r, ADD_FILE, { ...ADD, site: MAIN }, pki.office), reason: /request for site 19900000000, not for the site whose folder/ },
    { name: 'a request under another id than its file', sign: (r, pki) => sign(r, ADD_FILE, { ...ADD, id: 'add-other' }, pki.office), reason: /belongs at sites\/_changes\/19901000000\/add-other\.dsse\.json/ },
    {
      name: 'a payload changed after signing',
      sign: (r, pki) => {
        sign(r, ADD_FILE, { ...ADD, column: 'tsfx', definition: ADD.definition! }, pki.office);
        const env = JSON.parse(readFileSync(join(r.root, ADD_FILE), 'utf8')) as { payload: string };
        const payload = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as Record<string, unknown>;
        payload['column'] = 'tsfw';
        env.payload = encodeBase64(canonicalBytes(payload));
        writeFileSync(join(r.root, ADD_FILE), JSON.stringify(env));
      },
      reason: /does not match the request/,
    },
    { name: 'a request for another definition of the column', sign: (r, pki) => sign(r, ADD_FILE, { ...ADD, definition: { name: '特色服务', type: 'news', category: 'bsfw' } }, pki.office), file: `sites/${SUB}/site.yaml`, reason: /approves another definition \(特色服务\/news\/bsfw\)/ },
  ];
  test.for(refusals)('refused: $name', { timeout: 60_000 }, async ({ sign: signIt, file, reason }) => {
    // After the approvals (approveAll rewrites the trust files, and the revocation case changes them).
    repo = await repoWithAddedColumn(() => {});
    signIt(repo, await fixtureGroupPki(repo.root));
    const { plan } = await gate(repo);
    const e = plan.entries.find((x) => x.path === ENTRY)!;
    expect(e.status).toBe('refused');
    expect(e.findings.map((f) => f.rule)).toContain('column-not-approved');
    const named = plan.diagnostics.find((d) => d.file === (file ?? ADD_FILE) && reason.test(d.message));
    expect(named, plan.diagnostics.map((d) => `${d.file}: ${d.message}`).join('\n')).toBeDefined();
    expect(named!.rule).toBe(file ? 'column-not-approved' : 'column-change-invalid');
    expect(named!.severity).toBe('error');
  });
});

describe('a dropped column', () => {
  test('without a request: a warning only; an entry in the dropped column is refused', async () => {
    repo = makeRepo({ [TREE_ENTRY]: entry({ title: '通知' }), [`content/${SUB}/zcwj/2026-10-policy.md`]: entry({ title: '政策' }) });
    await approveAll(repo);
    const { plan } = await gate(repo);
    expect(plan.diagnostics.filter((d) => d.rule === 'column-dropped')).toMatchObject([{ severity: 'warning', file: `sites/${SUB}/site.yaml`, line: 7 }]);
    expect(plan.diagnostics.find((d) => d.rule === 'column-dropped')?.message).toContain(columnChangePath(SUB, 'drop-zcwj'));
    expect(plan.entries.find((x) => x.path === TREE_ENTRY)?.status).toBe('publishable');
    expect(plan.entries.find((x) => x.path.includes('/zcwj/'))).toMatchObject({ status: 'refused' });
    expect(plan.entries.find((x) => x.path.includes('/zcwj/'))?.findings.map((f) => f.rule)).toContain('column-not-enabled');
  }, 60_000);

  test('with the demo\'s signed drop requests: no warning', async () => {
    repo = makeRepo({ [TREE_ENTRY]: entry({ title: '通知' }) });
    await approveAll(repo);
    const pki = await fixtureGroupPki(repo.root);
    const group = loadSiteGroup(repo.root).group!;
    expect(signDemoColumnChanges(repo.root, pki, group, APPROVED_AT)).toEqual([columnChangePath(SUB, 'drop-zcwj')]);
    const { plan } = await gate(repo);
    expect(plan.diagnostics.filter((d) => d.rule.startsWith('column-'))).toEqual([]);
    expect(plan.entries.find((x) => x.path === TREE_ENTRY)?.status).toBe('publishable');
  }, 60_000);
});

describe('a renamed column', () => {
  const RENAME = 'renameColumns:\n  tzgg: 公告栏\n';
  const draft: ColumnChangeDraft = { id: 'rename-tzgg', site: SUB, action: 'rename', column: 'tzgg', name: '公告栏', reason: '沿用本局习惯名称', department: '办公室', requested: '2026-10-15' };
  test.for([
    { name: 'without a request: the group name, and a warning', request: undefined, shown: undefined, warned: true },
    { name: 'with a request: the new name', request: draft, shown: '公告栏', warned: false },
    { name: 'with a request for another name: the group name, and a warning', request: { ...draft, name: '通知栏' }, shown: undefined, warned: true },
  ])('$name', { timeout: 60_000 }, async ({ request, shown, warned }) => {
    repo = makeRepo({ [`sites/${SUB}/site.yaml`]: SUB_YAML + RENAME, [TREE_ENTRY]: entry({ title: '通知' }) });
    await approveAll(repo);
    const pki = await fixtureGroupPki(repo.root);
    if (request) sign(repo, columnChangePath(SUB, 'rename-tzgg'), request, pki.office);
    const { plan, group } = await gate(repo);
    expect(group.sites.get(SUB)?.columnNames?.['tzgg']).toBe(shown);
    expect(plan.diagnostics.filter((d) => d.rule === 'column-rename-not-approved').map((d) => d.line)).toEqual(warned ? [14] : []);
    expect(plan.entries.find((x) => x.path === TREE_ENTRY)?.status).toBe('publishable');
  });
});

describe('the site.yaml shapes', () => {
  test.for([
    { name: 'an added column listed but not declared', yaml: subYaml(''), message: /not in the group's column tree/ },
    { name: 'an added column declared but not listed', yaml: SUB_YAML.replace('columns: [tzgg, bszn, nszx, gzdt]', `columns: [tzgg, bszn, nszx, gzdt]\n${EXTRA}`), message: /declared but not listed/ },
    { name: 'an added column with a tree id', yaml: subYaml('extraColumns:\n  - { id: tsfw, name: 特色服务, type: guide, category: bsfw }\n  - { id: zcwj, name: 政策, type: notice, category: xxgk }\n'), message: /already an id of the group's column tree/ },
    { name: 'an added column in an unknown category', yaml: subYaml('extraColumns:\n  - { id: tsfw, name: 特色服务, type: guide, category: nope }\n'), message: /category `nope` is not in sites\/group.yaml/ },
    { name: 'a rename of a column the site does not list', yaml: `${SUB_YAML}renameColumns:\n  zcwj: 政策\n`, message: /renamed but not listed/ },
  ])('refused: $name', ({ yaml, message }) => {
    repo = makeRepo({ [`sites/${SUB}/site.yaml`]: yaml });
    const config = loadSiteGroup(repo.root);
    expect(config.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('\n')).toMatch(message);
  });

  test('the main site carries the tree: no added or renamed columns', () => {
    repo = makeRepo();
    const main = readFileSync(join(repo.root, `sites/${MAIN}/site.yaml`), 'utf8');
    repo.write(`sites/${MAIN}/site.yaml`, `${main}${EXTRA}`);
    expect(loadSiteGroup(repo.root).diagnostics.map((d) => d.message).join('\n')).toMatch(/main site carries the group's column tree/);
    expect(existsSync(join(repo.root, 'sites/_changes'))).toBe(false);
  });
});
