/**
 * The confidentiality and copyright checks' configuration, sites/checks.yaml:
 * what is public by nature (hotlines, office mailboxes, the group's own source
 * names), the intranet's domains, the sensitive-term lexicon, the reprint
 * disclaimer. Without the file the checks run with nothing allowed, which
 * refuses more, never less.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readChecksConfig, type ChecksConfig } from '../check/index.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { decodeUtf8 } from '../util/text.ts';
import { parseYaml } from '../util/yaml.ts';

export const CHECKS_FILE = 'sites/checks.yaml';
export const DEFAULT_REPRINT_DISCLAIMER = '本文为转载，仅供参考。版权归原作者及原出处所有；如涉及版权问题，请与本站联系，我们将及时处理。';

export function loadChecksConfig(root: string, group: SiteGroup): { config: ChecksConfig | undefined; diagnostics: Diagnostic[] } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(root, CHECKS_FILE));
  } catch {
    const fallback = readChecksConfig({ version: 1, group: group.name, ownSources: [...group.sites.values()].map((s) => s.name), reprintDisclaimer: DEFAULT_REPRINT_DISCLAIMER });
    return { config: fallback.ok ? fallback.value : undefined, diagnostics: [] };
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) return { config: undefined, diagnostics: [diagnostic('config-invalid', 'error', CHECKS_FILE, undefined, { zh: '不是有效的 UTF-8', en: 'not valid UTF-8' }, { fix: { zh: '另存为 UTF-8 编码', en: 'save it as UTF-8' } })] };
  const yaml = parseYaml(text);
  if (yaml.errors.length > 0) {
    return { config: undefined, diagnostics: yaml.errors.map((e) => diagnostic('config-invalid', 'error', CHECKS_FILE, e.at, { zh: `YAML 语法错误：${e.message}`, en: `YAML syntax: ${e.message}` }, { fix: { zh: '修正 YAML 语法', en: 'fix the YAML syntax' } })) };
  }
  const read = readChecksConfig(yaml.value);
  if (!read.ok) {
    return {
      config: undefined,
      diagnostics: read.problems.map((p) => {
        const key = p.split(/[ .[:]/)[0] ?? '';
        return diagnostic('config-invalid', 'error', CHECKS_FILE, yaml.positionOf([key]) ?? undefined, { zh: `检查配置有误：${p}`, en: p }, { fix: { zh: '见该文件中的注释和 README（保密与版权检查）', en: 'see the comments in the file and the README (Confidentiality and copyright checks)' } });
      }),
    };
  }
  return { config: read.value, diagnostics: [] };
}
