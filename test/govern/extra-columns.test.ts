/**
 * One added column id means one column across the group: two sub-sites that
 * declare the same id must declare the same definition, description included,
 * because the signed column change request that approves it covers the
 * description too (govern/columns.ts compares it).
 */
import { describe, expect, test } from 'vitest';
import { loadSiteGroup } from '../../pipeline/load/index.ts';
import { makeRepo, SUB, SUB_YAML } from '../helpers/repo.ts';

const SUB2 = '19902000000';
const withExtra = (yaml: string, column: string) => yaml.replace('columns: [tzgg, bszn, nszx, gzdt]', `columns: [tzgg, bszn, nszx, gzdt, tsfw]\nextraColumns:\n  - ${column}\n`);
const sub2Yaml = SUB_YAML.replace(`code: "${SUB}"`, `code: "${SUB2}"`).replace('name: 测试市税务局', 'name: 测试二市税务局').replace('siteIdCode: "9901000002"', 'siteIdCode: "9902000003"').replace('示ICP备00000001号-2', '示ICP备00000001号-3').replace('99010000000002号', '99020000000003号');

const BASE = '{ id: tsfw, name: 特色服务, type: guide, category: bsfw, description: 本局特色办税服务 }';

describe('an added column declared by two sub-sites', () => {
  test.for([
    { name: 'the same definition', other: BASE, clash: undefined },
    { name: 'another name', other: '{ id: tsfw, name: 特色栏目, type: guide, category: bsfw, description: 本局特色办税服务 }', clash: /declared as 特色栏目\/guide\/bsfw/ },
    { name: 'another type', other: '{ id: tsfw, name: 特色服务, type: news, category: bsfw, description: 本局特色办税服务 }', clash: /特色服务\/news\/bsfw/ },
    { name: 'another description', other: '{ id: tsfw, name: 特色服务, type: guide, category: bsfw, description: 另一种说明 }', clash: /\("另一种说明"\), but sites\/19901000000\/site.yaml declares it as 特色服务\/guide\/bsfw \("本局特色办税服务"\)/ },
    { name: 'no description where the other has one', other: '{ id: tsfw, name: 特色服务, type: guide, category: bsfw }', clash: /\(no description\), but .* \("本局特色办税服务"\)/ },
  ])('$name', ({ other, clash }) => {
    const repo = makeRepo({ [`sites/${SUB}/site.yaml`]: withExtra(SUB_YAML, BASE), [`sites/${SUB2}/site.yaml`]: withExtra(sub2Yaml, other) });
    try {
      const config = loadSiteGroup(repo.root);
      const clashes = config.diagnostics.filter((d) => d.severity === 'error' && /added column `tsfw` is declared as/.test(d.message));
      if (clash === undefined) {
        expect(config.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(config.group?.sites.get(SUB2)?.extraColumns?.[0]?.description).toBe('本局特色办税服务');
      } else {
        expect(clashes).toHaveLength(1);
        expect(clashes[0]!.file).toBe(`sites/${SUB2}/site.yaml`);
        expect(clashes[0]!.message).toMatch(clash);
      }
    } finally {
      repo.cleanup();
    }
  });
});
