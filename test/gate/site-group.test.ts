import { afterEach, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import { GROUP_YAML, MAIN, MAIN_YAML, makeRepo, NOW, SUB, SUB_YAML, type TestRepo } from '../helpers/repo.ts';

let repo: TestRepo | undefined;
afterEach(() => repo?.cleanup());

async function configErrors(files: Record<string, string>) {
  repo = makeRepo(files);
  const result = await runGate({ root: repo.root, now: NOW });
  return result.ok ? [] : result.configDiagnostics;
}

describe('the site group configuration', () => {
  test('the fixture group is valid and derives sub-site domains from the code', async () => {
    repo = makeRepo();
    const result = await runGate({ root: repo.root, now: NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect([...result.group.sites.keys()]).toEqual([MAIN, SUB]);
    expect(result.group.sites.get(SUB)?.domain).toBe(`${SUB}.tax.example.gov.cn`);
    expect(result.group.sites.get(MAIN)?.columns).toEqual(['tzgg', 'zcwj', 'bszn', 'nszx', 'gzdt']);
  });

  test.for([
    {
      name: 'a sub-site column not in the tree, by name',
      file: `sites/${SUB}/site.yaml`,
      text: SUB_YAML.replace('columns: [tzgg, bszn, nszx, gzdt]', 'columns:\n  - tzgg\n  - 政策解读'),
      line: 9,
      message: /column 政策解读 is not in the group's column tree/,
    },
    { name: 'code does not match the folder', file: `sites/${SUB}/site.yaml`, text: SUB_YAML.replace(`code: "${SUB}"`, 'code: "19901000001"'), line: 1, message: /does not match the folder/ },
    { name: 'a sub-site that sets its domain', file: `sites/${SUB}/site.yaml`, text: `${SUB_YAML}domain: evil.example.com\n`, line: 13, message: /derived from its tax authority code/ },
    { name: 'a bad 网站标识码', file: `sites/${SUB}/site.yaml`, text: SUB_YAML.replace('"9901000002"', '"99-01"'), line: 4, message: /10-digit 网站标识码/ },
    { name: 'a misspelt key', file: `sites/${SUB}/site.yaml`, text: SUB_YAML.replace('departments:', 'departements:'), line: 8, message: /unknown field `departements`/ },
    { name: 'a filing before the appointment', file: `sites/${SUB}/site.yaml`, text: SUB_YAML.replace('filed: "2025-05-20"', 'filed: "2025-04-20"'), line: 12, message: /before the appointment/ },
    { name: 'broken YAML', file: `sites/${SUB}/site.yaml`, text: SUB_YAML.replace('kind: sub', 'kind: [sub'), line: 4, message: /YAML syntax/ },
    { name: 'a missing category of the rules', file: 'sites/group.yaml', text: GROUP_YAML.replace('name: 公众参与', 'name: 互动交流'), line: 9, message: /lacks the category 公众参与/ },
    { name: 'an unknown column type', file: 'sites/group.yaml', text: GROUP_YAML.replace('type: guide', 'type: manual'), line: 17, message: /one of news \| notice \| guide \| qa/ },
    { name: 'a second main site', file: `sites/${SUB}/site.yaml`, text: SUB_YAML.replace('kind: sub', 'kind: main'), line: 3, message: /the group's main site is/ },
  ])('$name', async ({ file, text, line, message }) => {
    const errors = await configErrors({ [file]: text });
    const hit = errors.find((d) => message.test(d.message));
    expect(hit, JSON.stringify(errors, null, 1)).toBeDefined();
    expect(hit).toMatchObject({ file, rule: 'config-invalid', severity: 'error', line });
  });

  test('a missing main site config', async () => {
    repo = makeRepo();
    repo.write(`sites/${MAIN}/site.yaml`, '');
    const errors = await runGate({ root: repo.root, now: NOW });
    expect(errors.ok).toBe(false);
  });

  test('the main site enables every column with `all`', async () => {
    expect((await configErrors({ [`sites/${MAIN}/site.yaml`]: MAIN_YAML }))).toEqual([]);
  });
});
