/**
 * The site group (sites/): read the YAML (I/O) and validate it (pure), collecting
 * every problem with its position before reporting (a broken config stops the run
 * with exit code 2, since no entry can be judged against it).
 */
import type { Text } from '../messages/text.ts';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import {
  COLUMN_TYPES,
  type Administrator,
  type Category,
  type Column,
  type Department,
  type Site,
  type SiteGroup,
} from '../model/index.ts';
import { parseDateTime } from '../util/dates.ts';
import { Fields, issueText, type FieldIssue } from '../util/fields.ts';
import { parseYaml, type YamlSource } from '../util/yaml.ts';
import { decodeUtf8 } from '../util/text.ts';

export const GROUP_FILE = 'sites/group.yaml';
export const TAX_CODE = /^\d{11}$/;
const ID = /^[a-z][a-z0-9-]{0,31}$/;
/** The four categories the portal rules name. */
export const REQUIRED_CATEGORIES = ['信息公开', '办税服务', '公众参与', '税收宣传'] as const;

export interface ConfigFile {
  /** Repo-relative path. */
  path: string;
  text: string;
}

export interface SiteGroupResult {
  group: SiteGroup | undefined;
  diagnostics: Diagnostic[];
}

/** Read sites/group.yaml and every sites/<code>/site.yaml. */
export function readSiteGroupFiles(root: string): { group: ConfigFile | undefined; sites: ConfigFile[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const read = (path: string): ConfigFile | undefined => {
    try {
      const text = decodeUtf8(readFileSync(join(root, path)));
      if (text === undefined) {
        diagnostics.push(diagnostic('config-invalid', 'error', path, undefined, { zh: '文件不是有效的 UTF-8', en: 'file is not valid UTF-8' }, { fix: { zh: '另存为 UTF-8 编码', en: 'save it as UTF-8' } }));
        return undefined;
      }
      return { path, text };
    } catch (cause) {
      diagnostics.push(diagnostic('config-invalid', 'error', path, undefined, { zh: `无法读取：${(cause as Error).message}`, en: `cannot read: ${(cause as Error).message}` }));
      return undefined;
    }
  };
  const group = read(GROUP_FILE);
  const sites: ConfigFile[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(join(root, 'sites')).sort();
  } catch (cause) {
    diagnostics.push(diagnostic('config-invalid', 'error', 'sites', undefined, { zh: `无法列出 sites/：${(cause as Error).message}`, en: `cannot list sites/: ${(cause as Error).message}` }));
  }
  for (const name of names) {
    if (!TAX_CODE.test(name)) continue;
    const path = `sites/${name}/site.yaml`;
    try {
      if (!statSync(join(root, 'sites', name)).isDirectory()) continue;
    } catch {
      continue;
    }
    const file = read(path);
    if (file) sites.push(file);
  }
  return { group, sites, diagnostics };
}

export function loadSiteGroup(root: string): SiteGroupResult {
  const files = readSiteGroupFiles(root);
  if (!files.group) return { group: undefined, diagnostics: files.diagnostics };
  const result = validateSiteGroup(files.group, files.sites);
  return { group: result.group, diagnostics: [...files.diagnostics, ...result.diagnostics] };
}

/** Validate the group and site configs. Pure. */
export function validateSiteGroup(groupFile: ConfigFile, siteFiles: readonly ConfigFile[]): SiteGroupResult {
  const diagnostics: Diagnostic[] = [];
  const groupYaml = parseConfig(groupFile, diagnostics);
  if (!groupYaml) return { group: undefined, diagnostics };
  const issues: FieldIssue[] = [];
  const g = Fields.of(groupYaml.value, [], issues, 'sites/group.yaml');
  let group: SiteGroup | undefined;
  if (g) {
    g.rejectUnknown(['name', 'main', 'domainPattern', 'errorReportUrl', 'limits', 'categories']);
    const name = g.requiredString('name', { max: 100 });
    const main = g.requiredString('main', { pattern: TAX_CODE, patternHint: 'an 11-digit tax authority code' });
    const domainPattern = g.requiredString('domainPattern', { pattern: /^[a-z0-9.-]*\{code\}[a-z0-9.-]*$/, patternHint: 'a host name containing {code}, e.g. "{code}.tax.example.gov.cn"' });
    const errorReportUrl = g.requiredString('errorReportUrl', { pattern: /^https:\/\/\S+$/, patternHint: 'an https:// URL' });
    const limitsFields = g.child('limits', '`limits`');
    limitsFields?.rejectUnknown(['maxEntryBytes', 'maxAssetBytes']);
    const limits = {
      maxEntryBytes: limitsFields?.optionalPositiveInt('maxEntryBytes') ?? 1024 * 1024,
      maxAssetBytes: limitsFields?.optionalPositiveInt('maxAssetBytes') ?? 20 * 1024 * 1024,
    };
    const categories = readCategories(g, issues);
    if (name && main && domainPattern && errorReportUrl && categories) {
      const columns = new Map<string, Column>();
      for (const c of categories) for (const col of c.columns) columns.set(col.id, col);
      group = { name, main, domainPattern, errorReportUrl, categories, columns, sites: new Map(), limits };
    }
  }
  diagnostics.push(...issuesToDiagnostics(groupFile.path, groupYaml, issues));
  if (!group) return { group: undefined, diagnostics };

  const sites: Site[] = [];
  for (const file of siteFiles) {
    const yaml = parseConfig(file, diagnostics);
    if (!yaml) continue;
    const siteIssues: FieldIssue[] = [];
    const site = readSite(file.path, yaml, group, siteIssues);
    diagnostics.push(...issuesToDiagnostics(file.path, yaml, siteIssues));
    if (site && siteIssues.length === 0) sites.push(site);
  }
  diagnostics.push(...extraColumnClashes(sites));
  const codes = new Set(siteFiles.map((f) => f.path.split('/')[1]));
  if (!codes.has(group.main)) {
    diagnostics.push(
      diagnostic('config-invalid', 'error', groupFile.path, groupYaml.positionOf(['main']), { zh: `主站 ${group.main} 没有 sites/${group.main}/site.yaml`, en: `main site ${group.main} has no sites/${group.main}/site.yaml` }, {
        fix: { zh: `创建 sites/${group.main}/site.yaml，并写明 kind: main`, en: `create sites/${group.main}/site.yaml with kind: main` },
      }),
    );
  }
  // Main site first, then sub-sites by code.
  sites.sort((a, b) => (a.kind === b.kind ? (a.code < b.code ? -1 : 1) : a.kind === 'main' ? -1 : 1));
  for (const site of sites) group.sites.set(site.code, site);
  return { group, diagnostics };
}

function parseConfig(file: ConfigFile, diagnostics: Diagnostic[]): YamlSource | undefined {
  const yaml = parseYaml(file.text);
  for (const e of yaml.errors) {
    diagnostics.push(diagnostic('config-invalid', 'error', file.path, e.at, { zh: `YAML 语法错误：${e.message}`, en: `YAML syntax: ${e.message}` }, { fix: { zh: '修正 YAML 语法（缩进、引号、冒号）', en: 'fix the YAML syntax (indentation, quotes, colons)' } }));
  }
  return yaml.errors.length ? undefined : yaml;
}

function issuesToDiagnostics(file: string, yaml: YamlSource, issues: readonly FieldIssue[]): Diagnostic[] {
  return issues.map((i) => {
    const extra: { fix?: Text } = {};
    if (i.fix !== undefined) extra.fix = { zh: i.zh.fix ?? i.fix, en: i.fix };
    return diagnostic(i.rule ?? 'config-invalid', 'error', file, yaml.positionOf(i.path, i.atKey ?? false) ?? yaml.positionOf(i.path.slice(0, -1)), { zh: i.zh.message, en: i.message }, extra);
  });
}

function readCategories(g: Fields, issues: FieldIssue[]): Category[] | undefined {
  const list = g.list('categories', true);
  if (!list) return undefined;
  const categories: Category[] = [];
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    const c = Fields.of(raw, ['categories', i], issues, 'a category');
    if (!c) return;
    c.rejectUnknown(['id', 'name', 'columns']);
    const id = c.requiredString('id', { pattern: ID, patternHint: 'a lower-case ASCII id' });
    const name = c.requiredString('name', { max: 20 });
    const columns: Column[] = [];
    (c.list('columns', true) ?? []).forEach((rawCol, j) => {
      const path = ['categories', i, 'columns', j];
      const col = Fields.of(rawCol, path, issues, 'a column');
      if (!col) return;
      col.rejectUnknown(['id', 'name', 'type', 'description']);
      const colId = col.requiredString('id', { pattern: ID, patternHint: 'a lower-case ASCII id (it is the folder name under content/<site>/)' });
      const colName = col.requiredString('name', { max: 20 });
      const type = col.requiredEnum('type', COLUMN_TYPES);
      const description = col.optionalString('description', { max: 200 });
      if (colId && seen.has(colId)) issues.push({ path: [...path, 'id'], ...issueText({ zh: `栏目 id \`${colId}\` 在栏目树中重复使用`, en: `column id \`${colId}\` is used twice in the column tree` }) });
      if (colId) seen.add(colId);
      if (colId && colName && type && id) {
        const column: Column = { id: colId, name: colName, type, category: id };
        if (description) column.description = description;
        columns.push(column);
      }
    });
    if (id && seen.has(id)) issues.push({ path: ['categories', i, 'id'], ...issueText({ zh: `id \`${id}\` 在栏目树中重复使用`, en: `id \`${id}\` is used twice in the column tree` }) });
    if (id) seen.add(id);
    if (id && name) categories.push({ id, name, columns });
  });
  for (const required of REQUIRED_CATEGORIES) {
    if (!categories.some((c) => c.name === required)) {
      issues.push({ path: ['categories'], ...issueText({ zh: `栏目树缺少门户网站规范要求的类别 ${required}`, en: `the column tree lacks the category ${required}, which the portal rules require` }, { zh: `添加名为 ${required} 的类别`, en: `add a category named ${required}` }) });
    }
  }
  return categories;
}

function readSite(path: string, yaml: YamlSource, group: SiteGroup, issues: FieldIssue[]): Site | undefined {
  const s = Fields.of(yaml.value, [], issues, path);
  if (!s) return undefined;
  const folder = path.split('/')[1] ?? '';
  s.rejectUnknown(['code', 'name', 'kind', 'domain', 'siteIdCode', 'icp', 'psb', 'address', 'phone', 'columns', 'extraColumns', 'renameColumns', 'departments', 'administrators']);
  const code = s.requiredString('code', { pattern: TAX_CODE, patternHint: 'an 11-digit tax authority code' });
  if (code && code !== folder) issues.push({ path: ['code'], ...issueText({ zh: `代码 ${code} 与文件夹 sites/${folder}/ 不一致`, en: `code ${code} does not match the folder sites/${folder}/` }, { zh: `修改文件夹名或代码，使二者一致`, en: `rename the folder or the code so they agree` }) });
  const name = s.requiredString('name', { max: 60 });
  const kind = s.requiredEnum('kind', ['main', 'sub'] as const);
  if (kind === 'main' && code && code !== group.main) issues.push({ path: ['kind'], ...issueText({ zh: `站点 ${code} 写明 kind: main，但站群主站是 ${group.main}`, en: `site ${code} says kind: main, but the group's main site is ${group.main}` }) });
  if (kind === 'sub' && code === group.main) issues.push({ path: ['kind'], ...issueText({ zh: `站点 ${code} 是站群主站；请设置 kind: main`, en: `site ${code} is the group's main site; set kind: main` }) });
  let domain: string | undefined;
  if (kind === 'main') {
    domain = s.requiredString('domain', { pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, patternHint: 'a host name' });
  } else if (s.has('domain')) {
    issues.push({ path: ['domain'], atKey: true, ...issueText({ zh: '子站域名由其税务机关代码生成，不能自行设置', en: 'a sub-site\'s domain is derived from its tax authority code and cannot be set' }, { zh: '删除 `domain`；由站群的 domainPattern 生成', en: 'remove `domain`; the group\'s domainPattern gives it' }) });
  } else if (code) {
    domain = group.domainPattern.replace('{code}', code);
  }
  const siteIdCode = s.requiredString('siteIdCode', { pattern: /^\d{10}$/, patternHint: 'the 10-digit 网站标识码' });
  const icp = s.requiredString('icp', { max: 60 });
  const psb = s.requiredString('psb', { max: 60 });
  const address = s.optionalString('address', { max: 120 });
  const phone = s.optionalString('phone', { max: 40 });
  const extraColumns = readExtraColumns(s, group, kind, issues);
  const columns = readSiteColumns(s, group, extraColumns ?? [], issues);
  const renameColumns = readRenameColumns(s, group, kind, columns ?? [], issues);
  const departments = readDepartments(s, issues);
  const administrators = readAdministrators(s, issues);
  if (!(code && name && kind && domain && siteIdCode && icp && psb && columns && extraColumns && renameColumns && departments && administrators)) return undefined;
  const site: Site = { code, name, kind, domain, siteIdCode, icp, psb, columns, departments, administrators, source: path };
  if (extraColumns.length > 0) site.extraColumns = extraColumns;
  if (Object.keys(renameColumns).length > 0) site.renameColumns = renameColumns;
  if (address) site.address = address;
  if (phone) site.phone = phone;
  // Governance findings (column changes, the administrator register) point at these lines.
  const positions: Record<string, { line: number; column: number }> = {};
  const at = (key: string, path: (string | number)[]) => {
    const p = yaml.positionOf(path);
    if (p) positions[key] = p;
  };
  at('columns', ['columns']);
  (Array.isArray(s.value['extraColumns']) ? (s.value['extraColumns'] as unknown[]) : []).forEach((_, i) => {
    const id = extraColumns[i]?.id;
    if (id !== undefined) at(`extraColumns.${id}`, ['extraColumns', i]);
  });
  for (const id of Object.keys(renameColumns)) at(`renameColumns.${id}`, ['renameColumns', id]);
  administrators.forEach((_, i) => at(`administrators.${i}`, ['administrators', i]));
  site.positions = positions;
  return site;
}

/**
 * Columns a sub-site adds to the tree, declared with what the tree would say of
 * them. Declaring is not approving: the gate uses one only when a column change
 * request signed by the office covers it (pipeline/govern); the config stays
 * loadable without one so that \`sealpress check\` can name the missing request.
 */
function readExtraColumns(s: Fields, group: SiteGroup, kind: 'main' | 'sub' | undefined, issues: FieldIssue[]): Column[] | undefined {
  const list = s.list('extraColumns', false);
  if (!list) return s.has('extraColumns') ? undefined : [];
  if (kind === 'main') {
    // The main site carries the group's tree itself: a column of its own is a change of the tree.
    issues.push({ path: ['extraColumns'], atKey: true, ...issueText({ zh: '主站承载站群栏目树，没有自有栏目', en: 'the main site carries the group\'s column tree; it has no columns of its own' }, { zh: '改为在 sites/group.yaml 中添加该栏目', en: 'add the column to sites/group.yaml instead' }) });
    return undefined;
  }
  const categories = new Set(group.categories.map((c) => c.id));
  const out: Column[] = [];
  let ok = true;
  list.forEach((raw, i) => {
    const path = ['extraColumns', i];
    const before = issues.length;
    const c = Fields.of(raw, path, issues, 'an added column');
    if (!c) return void (ok = false);
    c.rejectUnknown(['id', 'name', 'type', 'category', 'description']);
    const id = c.requiredString('id', { pattern: ID, patternHint: 'a lower-case ASCII id (it is the folder name under content/<site>/)' });
    const name = c.requiredString('name', { max: 20 });
    const type = c.requiredEnum('type', COLUMN_TYPES);
    const category = c.requiredString('category', { pattern: ID, patternHint: 'the id of a category of sites/group.yaml' });
    const description = c.optionalString('description', { max: 200 });
    if (id && (group.columns.has(id) || categories.has(id))) issues.push({ path: [...path, 'id'], ...issueText({ zh: `\`${id}\` 已是站群栏目树中的 id`, en: `\`${id}\` is already an id of the group's column tree` }, { zh: '只在 `columns` 下列出；`extraColumns` 只用于栏目树中没有的栏目', en: 'list it under `columns` only; `extraColumns` is for columns the tree does not have' }) });
    if (id && out.some((x) => x.id === id)) issues.push({ path: [...path, 'id'], ...issueText({ zh: `新增栏目 \`${id}\` 重复声明`, en: `added column \`${id}\` is declared twice` }) });
    if (category && !categories.has(category)) issues.push({ path: [...path, 'category'], ...issueText({ zh: `类别 \`${category}\` 不在 sites/group.yaml 中`, en: `category \`${category}\` is not in sites/group.yaml` }, { zh: `使用以下之一：${[...categories].join(', ')}`, en: `use one of: ${[...categories].join(', ')}` }) });
    if (issues.length > before || !id || !name || !type || !category) return void (ok = false);
    const column: Column = { id, name, type, category };
    if (description) column.description = description;
    out.push(column);
  });
  return ok ? out : undefined;
}

/** Group columns a sub-site wants to show under another name; shown so only with a signed `rename` request. */
function readRenameColumns(s: Fields, group: SiteGroup, kind: 'main' | 'sub' | undefined, enabled: readonly string[], issues: FieldIssue[]): Record<string, string> | undefined {
  const raw = s.value['renameColumns'];
  if (raw === undefined || raw === null) return {};
  if (kind === 'main') {
    issues.push({ path: ['renameColumns'], atKey: true, ...issueText({ zh: '主站按站群栏目树原名使用栏目', en: 'the main site carries the group\'s column tree under its own names' }, { zh: '改为在 sites/group.yaml 中重命名该栏目', en: 'rename the column in sites/group.yaml instead' }) });
    return undefined;
  }
  const r = s.child('renameColumns', '`renameColumns` (column id: new name)');
  if (!r) return undefined;
  const before = issues.length;
  const out: Record<string, string> = {};
  for (const id of Object.keys(r.value)) {
    const name = r.requiredString(id, { max: 20 });
    const column = group.columns.get(id);
    if (!column) issues.push({ path: ['renameColumns', id], atKey: true, ...issueText({ zh: `\`${id}\` 不是站群栏目树中的栏目`, en: `\`${id}\` is not a column of the group's tree` }, { zh: '重命名须以栏目树中的栏目 id 为键（见 sites/group.yaml）', en: 'a rename keys on a tree column id (see sites/group.yaml)' }) });
    else if (!enabled.includes(id)) issues.push({ path: ['renameColumns', id], atKey: true, ...issueText({ zh: `栏目 ${column.name}（${id}）被重命名，但未在 \`columns\` 中列出`, en: `column ${column.name} (${id}) is renamed but not listed in \`columns\`` }, { zh: '在 `columns` 中列出，或取消重命名', en: 'list it in `columns`, or remove the rename' }) });
    else if (name === column.name) issues.push({ path: ['renameColumns', id], ...issueText({ zh: `新名称与站群名称 ${column.name} 相同`, en: `the new name is the group's name ${column.name}` }, { zh: '取消重命名', en: 'remove the rename' }) });
    if (name !== undefined) out[id] = name;
  }
  return issues.length > before ? undefined : out;
}

/**
 * An added column id means one column across the group: the roster's grants and
 * the policy's rules name columns by id, so two sites may not give one id two
 * different definitions.
 */
function extraColumnClashes(sites: readonly Site[]): Diagnostic[] {
  const first = new Map<string, { site: Site; column: Column }>();
  const out: Diagnostic[] = [];
  for (const site of sites) {
    for (const column of site.extraColumns ?? []) {
      const had = first.get(column.id);
      if (!had) {
        first.set(column.id, { site, column });
        continue;
      }
      const a = had.column;
      // The description too: a column change request signs it (govern/columns.ts sameDefinition), so it is part of the definition.
      const shown = (c: Column) => `${c.name}/${c.type}/${c.category}${c.description === undefined ? ' (no description)' : ` ("${c.description}")`}`;
      if (a.name !== column.name || a.type !== column.type || a.category !== column.category || (a.description ?? '') !== (column.description ?? '')) {
        out.push(
          diagnostic('config-invalid', 'error', site.source, site.positions?.[`extraColumns.${column.id}`], { zh: `新增栏目 \`${column.id}\` 定义为 ${shown(column)}，但 ${had.site.source} 中定义为 ${shown(a)}`, en: `added column \`${column.id}\` is declared as ${shown(column)}, but ${had.site.source} declares it as ${shown(a)}` }, {
            fix: { zh: '一个栏目 id 在全站群只代表一个栏目（人员名册授权和审批规则都引用它）：请使用相同的定义，或换一个 id', en: 'one column id means one column across the group (roster grants and policy rules name it): use the same definition, or another id' },
          }),
        );
      }
    }
  }
  return out;
}

function readSiteColumns(s: Fields, group: SiteGroup, extra: readonly Column[], issues: FieldIssue[]): string[] | undefined {
  const raw = s.value['columns'];
  const all = [...group.columns.keys()];
  if (raw === 'all') return all;
  const list = s.list('columns', true);
  if (!list) return undefined;
  const enabled = new Set<string>();
  const listedExtra = new Set<string>();
  list.forEach((item, i) => {
    if (typeof item !== 'string') {
      issues.push({ path: ['columns', i], ...issueText({ zh: `栏目应以 id 表示，实际为 ${typeof item}`, en: `a column must be given by its id, found ${typeof item}` }) });
      return;
    }
    if (group.columns.has(item)) {
      enabled.add(item);
      return;
    }
    // An added column: declared under extraColumns, judged by the gate against the signed requests.
    if (extra.some((c) => c.id === item)) {
      listedExtra.add(item);
      return;
    }
    const byName = [...group.columns.values()].find((c) => c.name === item);
    issues.push({
      path: ['columns', i],
      ...issueText(
        { zh: `栏目 ${item} 不在站群栏目树中`, en: `column ${item} is not in the group's column tree` },
        byName
          ? { zh: `写它的 id \`${byName.id}\``, en: `write its id \`${byName.id}\`` }
          : {
              zh: '更正 id（见 sites/group.yaml）；如要增加本站自有栏目，在 `extraColumns` 下声明（id、name、type、category），并请办公室签署 `add` 栏目变更申请（`sealpress column request`）',
              en: 'fix the id (see sites/group.yaml), or, to add a column of the site\'s own, declare it under `extraColumns` (id, name, type, category) and have the office sign an `add` column change request (`sealpress column request`)',
            },
      ),
    });
  });
  extra.forEach((c, i) => {
    if (!listedExtra.has(c.id)) issues.push({ path: ['extraColumns', i], ...issueText({ zh: `新增栏目 \`${c.id}\` 已声明，但未在 \`columns\` 中列出`, en: `added column \`${c.id}\` is declared but not listed in \`columns\`` }, { zh: '在 `columns` 中列出，或删除该声明', en: 'list it in `columns`, or remove the declaration' }) });
  });
  // Keep the tree's order so every site's navigation reads the same.
  return all.filter((id) => enabled.has(id));
}

function readDepartments(s: Fields, issues: FieldIssue[]): Department[] | undefined {
  const list = s.list('departments', true);
  if (!list) return undefined;
  const departments: Department[] = [];
  list.forEach((raw, i) => {
    const d = Fields.of(raw, ['departments', i], issues, 'a department');
    if (!d) return;
    d.rejectUnknown(['id', 'name']);
    const id = d.requiredString('id', { pattern: ID, patternHint: 'a lower-case ASCII id' });
    const name = d.requiredString('name', { max: 40 });
    if (id && departments.some((x) => x.id === id)) issues.push({ path: ['departments', i, 'id'], ...issueText({ zh: `部门 id \`${id}\` 重复使用`, en: `department id \`${id}\` is used twice` }) });
    else if (id && name) departments.push({ id, name });
  });
  return departments;
}

function readAdministrators(s: Fields, issues: FieldIssue[]): Administrator[] | undefined {
  const list = s.list('administrators', true);
  if (!list) return undefined;
  const admins: Administrator[] = [];
  list.forEach((raw, i) => {
    const a = Fields.of(raw, ['administrators', i], issues, 'an administrator');
    if (!a) return;
    a.rejectUnknown(['name', 'appointed', 'filed', 'phone']);
    const name = a.requiredString('name', { max: 40 });
    const appointed = a.requiredString('appointed');
    // Not yet filed is a state the register reports (overdue once 15 working days pass), not a config error.
    const filed = a.optionalString('filed');
    const phone = a.optionalString('phone', { max: 40 });
    for (const [key, value] of [['appointed', appointed], ['filed', filed]] as const) {
      if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !parseDateTime(value))) {
        issues.push({ path: ['administrators', i, key], ...issueText({ zh: `\`${key}\` 应为日期 YYYY-MM-DD，实际为“${value}”`, en: `\`${key}\` must be a date YYYY-MM-DD, found "${value}"` }) });
      }
    }
    if (appointed && filed && filed < appointed) issues.push({ path: ['administrators', i, 'filed'], ...issueText({ zh: `备案日期 ${filed} 早于任命日期 ${appointed}`, en: `filed ${filed} is before the appointment ${appointed}` }) });
    if (name && appointed) {
      const admin: Administrator = { name, appointed };
      if (filed) admin.filed = filed;
      if (phone) admin.phone = phone;
      admins.push(admin);
    }
  });
  return admins;
}
