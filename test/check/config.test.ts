import { readFileSync } from 'node:fs';
import jsyaml from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { checksConfigDigest, DEFAULT_FREE_MAIL, readChecksConfig } from '../../pipeline/check/index.ts';
import { DEMO_CONFIG_PATH, loadDemoConfig } from './helpers.ts';

const demo = () => jsyaml.load(readFileSync(DEMO_CONFIG_PATH, 'utf8'), { schema: jsyaml.CORE_SCHEMA }) as Record<string, unknown>;

describe('sites/checks.yaml', () => {
  test('the demo configuration reads', () => {
    const c = loadDemoConfig();
    expect(c.group).toBe('国家税务总局示例省税务局网站群');
    expect(c.ownSources).toContain('国家税务总局示例省税务局');
    expect(c.publicPhones).toContain('12366');
    expect(c.publicEmailDomains).toEqual(['tax.example.gov.cn', 'chinatax.gov.cn']);
    expect(c.internalDomains).toEqual(['tax.intra', 'sjzx.example']);
    expect(c.freeMailDomains).toEqual(DEFAULT_FREE_MAIL);
    expect(c.lexicon.length).toBeGreaterThanOrEqual(5);
    expect(c.reprintDisclaimer).toContain('版权');
  });

  test('every problem is reported at once', () => {
    const bad = {
      ...demo(),
      version: 2,
      surprise: true,
      publicPhones: ['12366', 'call me'],
      publicEmailDomains: ['qq.com', 'not a domain'],
      lexicon: [{ term: '过头税', severity: 'fatal', note: 'x' }, { term: '过头税', severity: 'error', note: 'y' }, { term: 'z', severity: 'error' }],
    };
    const read = readChecksConfig(bad);
    expect(read.ok).toBe(false);
    const problems = read.ok ? [] : read.problems;
    for (const p of ['version', 'surprise', 'publicPhones[1]', 'publicEmailDomains[1]', 'qq.com is a free-mail domain', 'lexicon[0].severity', 'lexicon[1].term', 'lexicon[2].note']) {
      expect(problems.join('\n')).toContain(p);
    }
  });

  test('the digest changes with the configuration (the facts cache is salted with it)', () => {
    const a = loadDemoConfig();
    const b = { ...a, lexicon: [...a.lexicon, { term: '新词', severity: 'error' as const, note: 'n' }] };
    expect(checksConfigDigest(a)).toBe(checksConfigDigest(loadDemoConfig()));
    expect(checksConfigDigest(a)).not.toBe(checksConfigDigest(b));
    expect(checksConfigDigest(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
