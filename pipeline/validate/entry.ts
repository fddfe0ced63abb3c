/**
 * Validate a parsed entry against the site group: the front-matter schema, the
 * site, column and department it belongs to, its disclosure attribute, its
 * dates, its markup, and the assets it references. Pure: the assets were read
 * beforehand and are passed in.
 */
import { posix } from 'node:path';
import { diagnostic, span, type Diagnostic, type Position } from '../diagnostics/index.ts';
import type { AssetRead } from '../load/index.ts';
import type { Asset, FrontMatter, SiteGroup } from '../model/index.ts';
import { epoch } from '../util/dates.ts';
import type { EntryFacts, FieldPositionKey } from './analyse.ts';
import { rewriteBody, type Reference } from './references.ts';

export interface EntryAsset extends Asset {
  role: Reference['role'];
}

export interface ValidatedEntry {
  path: string;
  site: string;
  column: string;
  slug: string;
  format: 'md' | 'mdx';
  digest?: string;
  frontMatter?: FrontMatter;
  /** Body with local references rewritten to their published URLs. */
  body?: string;
  assets: EntryAsset[];
  findings: Diagnostic[];
  /** Where the dates the planner judges are written, for its findings. */
  datePositions?: Partial<Record<'date' | 'publishAt' | 'unpublishAt', Position>>;
}

/** Published URL of an asset: content-addressed, so a changed file never hides behind a cached one. */
export function assetUrl(path: string, digest: string): string {
  return `/assets/${digest.slice(0, 16)}/${posix.basename(path)}`;
}

/**
 * Where inside an attached file a finding is: its place in a document (a
 * sheet and cell, a page, a paragraph), with the line when the piece has
 * several (`第2页 › 第3行`); in a text file, its line and column. A finding
 * about the whole file has none.
 */
export function placeInFile(f: Pick<Diagnostic, 'location' | 'line' | 'column'>): string | undefined {
  if (f.location !== undefined) return f.line > 1 ? `${f.location} › 第${f.line}行` : f.location;
  return f.line > 1 || f.column > 1 ? `第${f.line}行第${f.column}列` : undefined;
}

export function validateEntry(
  loaded: { path: string; site: string; column: string; slug: string; format: 'md' | 'mdx'; digest?: string },
  facts: EntryFacts,
  group: SiteGroup,
  assets: ReadonlyMap<string, AssetRead>,
): ValidatedEntry {
  const entry = loaded;
  const { path } = entry;
  const findings = [...facts.findings];
  const fm = facts.frontMatter;
  const out: ValidatedEntry = { path, site: entry.site, column: entry.column, slug: entry.slug, format: entry.format, assets: [], findings };
  if (facts.digest) out.digest = facts.digest;

  const site = group.sites.get(entry.site);
  const column = group.columns.get(entry.column);
  if (!site) {
    findings.push(
      diagnostic('site-unknown', 'error', path, undefined, { zh: `content/${entry.site}/ 不是本站群的站点`, en: `content/${entry.site}/ is not a site of the group` }, {
        fix: { zh: `将条目移到以下站点之一：${[...group.sites.keys()].join(', ')}`, en: `move the entry under one of: ${[...group.sites.keys()].join(', ')}` },
      }),
    );
  }
  if (!column) {
    findings.push(
      diagnostic('column-unknown', 'error', path, undefined, { zh: `栏目“${entry.column}”不在站群栏目树中`, en: `column "${entry.column}" is not in the group's column tree` }, {
        fix: { zh: `将条目移到 sites/group.yaml 中的栏目之一：${[...group.columns.keys()].join(', ')}`, en: `move the entry into one of the columns in sites/group.yaml: ${[...group.columns.keys()].join(', ')}` },
      }),
    );
  } else if (site && !site.columns.includes(column.id)) {
    findings.push(
      diagnostic('column-not-enabled', 'error', path, undefined, { zh: `${site.name}未开设栏目“${column.name}”（${column.id}）`, en: `column ${column.name} (${column.id}) is not enabled for ${site.name}` }, {
        fix: { zh: `将条目移到本站已开设的栏目（${site.source}：columns），或向办公室申请栏目变更`, en: `move the entry into a column the site has (${site.source}: columns), or ask the office for a column change request` },
      }),
    );
  }
  if (fm) {
    const pos = (key: FieldPositionKey) => facts.positions[key];
    if (site && !site.departments.some((d) => d.id === fm.department)) {
      findings.push(
        diagnostic('department-unknown', 'error', path, pos('department'), { zh: `部门“${fm.department}”不是${site.name}的部门`, en: `department "${fm.department}" is not a department of ${site.name}` }, {
          fix: { zh: `使用以下之一：${site.departments.map((d) => `${d.id}（${d.name}）`).join('、')}`, en: `use one of: ${site.departments.map((d) => `${d.id} (${d.name})`).join(', ')}` },
        }),
      );
    }
    if (fm.disclosure === '不予公开') {
      findings.push(
        diagnostic('disclosure-withheld', 'error', path, pos('disclosure'), { zh: '条目标注为“不予公开”，一律不得发布', en: 'the entry is marked 不予公开 (not to be disclosed); it can never be published' }, {
          fix: { zh: '将条目移出 content/；如可以公开，须经审核将公开属性改为“主动公开”', en: 'remove the entry from content/; if it may be disclosed, have its disclosure attribute reviewed and changed to 主动公开' },
        }),
      );
    } else if (fm.disclosure === '依申请公开') {
      findings.push(
        diagnostic('disclosure-on-request', 'error', path, pos('disclosure'), { zh: '条目标注为“依申请公开”；门户网站只发布“主动公开”的条目', en: 'the entry is marked 依申请公开 (disclosed on request only); the portal publishes 主动公开 entries' }, {
          fix: { zh: '通过政府信息公开工作机构答复申请，或经审核将公开属性改为“主动公开”', en: 'answer the request through the disclosure office, or have the attribute reviewed and changed to 主动公开' },
        }),
      );
    }
    if (fm.publishAt && fm.unpublishAt && epoch(fm.unpublishAt) <= epoch(fm.publishAt)) {
      findings.push(diagnostic('date-order', 'error', path, pos('unpublishAt'), { zh: `下线时间 unpublishAt ${fm.unpublishAt} 不晚于发布时间 publishAt ${fm.publishAt}`, en: `unpublishAt ${fm.unpublishAt} is not after publishAt ${fm.publishAt}` }, { fix: { zh: '更正其中一个日期', en: 'correct one of the two dates' } }));
    }
    if (column?.type === 'qa' && !fm.qa) {
      findings.push(diagnostic('frontmatter-invalid', 'error', path, undefined, { zh: `问答栏目 ${column.name} 的条目需要 \`qa\` 信息块`, en: `entries of the Q&A column ${column.name} need a \`qa\` block` }, { fix: { zh: '添加 qa:，包括 question、askedAt 和 answeredAt', en: 'add qa: with question, askedAt and answeredAt' } }));
    }
    if (column && column.type !== 'qa' && fm.qa) {
      findings.push(diagnostic('frontmatter-invalid', 'error', path, facts.keyPositions.qa, { zh: `\`qa\` 只用于问答栏目；${column.name} 是 ${column.type} 类栏目`, en: `\`qa\` belongs to Q&A columns; ${column.name} is a ${column.type} column` }, { fix: { zh: '删除 `qa`，或将条目移到问答栏目', en: 'remove `qa`, or move the entry to the Q&A column' } }));
    }
    if (fm.qa && epoch(fm.qa.answeredAt) < epoch(fm.qa.askedAt)) {
      findings.push(diagnostic('date-order', 'error', path, pos('qa.answeredAt'), { zh: `答复日期（${fm.qa.answeredAt}）早于提问日期（${fm.qa.askedAt}）`, en: `the answer (${fm.qa.answeredAt}) is dated before the question (${fm.qa.askedAt})` }, { fix: { zh: '更正日期', en: 'correct the dates' } }));
    }
    if (fm.adopt && site?.kind === 'main') {
      findings.push(diagnostic('frontmatter-invalid', 'warning', path, pos('adopt'), { zh: '`adopt` 用于将子站条目推送到主站；在主站上不起作用', en: '`adopt` offers a sub-site entry to the main site; on the main site it does nothing' }, { fix: { zh: '删除 `adopt: true`', en: 'remove `adopt: true`' } }));
    }
  }

  const edits: { start: number; end: number; text: string }[] = [];
  const seen = new Set<string>();
  for (const ref of facts.references) {
    if (ref.problem || !ref.path) {
      findings.push(diagnostic('asset-hostile', 'error', path, ref.at, ref.problem !== undefined ? ref.problem : { zh: `无法解析“${ref.src}”`, en: `"${ref.src}" cannot be resolved` }, { fix: { zh: `将文件放在 content/${entry.site}/ 下，并用相对路径引用`, en: `put the file under content/${entry.site}/ and refer to it with a relative path` } }));
      continue;
    }
    const read = assets.get(ref.path);
    if (!read || !read.ok) {
      const missing = !read || read.problem === 'missing' || read.problem === 'not-a-file';
      findings.push(
        diagnostic(missing ? 'asset-missing' : read.problem === 'too-large' ? 'file-too-large' : 'asset-hostile', 'error', path, ref.at, { zh: `${ref.src} → ${ref.path}：${read ? (read.detailZh ?? read.detail) : '未读取'}`, en: `${ref.src} → ${ref.path}: ${read ? read.detail : 'not read'}` }, {
          fix: missing ? { zh: '添加该文件，或更正路径（相对于条目文件）', en: 'add the file, or correct the path (it is relative to the entry file)' } : { zh: '提交文件本身，且不超过大小上限', en: 'commit the file itself, within the size limit' },
        }),
      );
      continue;
    }
    if (read.active !== undefined) {
      findings.push(
        diagnostic('asset-active', 'error', path, ref.at, { zh: `${ref.src} → ${ref.path}：${read.activeZh ?? read.active}；从本站地址提供时，它会成为一个未经审批的页面`, en: `${ref.src} → ${ref.path}: ${read.active}; served from the site's own address it would be a page nobody approved as one` }, {
          fix: { zh: '转换为 PDF（或 PNG/JPEG 图片），或用 https 链接到官方来源', en: 'convert it to PDF (or a PNG/JPEG image), or link to the official source over https' },
        }),
      );
      continue;
    }
    // What the content checks found in the file itself, held against the entry that publishes it.
    // The place inside the file is said once, as the writer finds it (`名单.xlsx › Sheet2（隐藏） › C14`,
    // `名单.csv › 第2行`), in the message and as `location` alike (text, JSON and SARIF agree); its
    // position is the entry's reference to the attachment (a point).
    for (const f of read.findings ?? []) {
      const place = placeInFile(f);
      const where = `${ref.src}${place !== undefined ? ` › ${place}` : ''}`;
      const moved: Diagnostic = { ...f, file: path, attachment: read.path, ...span(ref.at), message: `${where}: ${f.message}`, zh: { ...f.zh, message: `${where}：${f.zh.message}` } };
      if (place !== undefined) moved.location = place;
      else delete moved.location;
      findings.push(moved);
    }
    const url = assetUrl(read.path, read.digest);
    if (ref.range) edits.push({ ...ref.range, text: encodeURI(url).replace(/\(/g, '%28').replace(/\)/g, '%29') });
    const key = `${ref.role}:${read.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const asset: EntryAsset = { path: read.path, size: read.size, digest: read.digest, url, role: ref.role };
    if (read.width !== undefined) asset.width = read.width;
    if (read.height !== undefined) asset.height = read.height;
    out.assets.push(asset);
  }
  if (fm) {
    out.frontMatter = fm;
    out.datePositions = {};
    for (const key of ['date', 'publishAt', 'unpublishAt'] as const) {
      const at = facts.positions[key];
      if (at) out.datePositions[key] = at;
    }
  }
  if (facts.body !== undefined) out.body = rewriteBody(facts.body, edits);
  return out;
}

/** The distinct files an entry publishes with it, by path, with their digests: what an approval binds. */
export function assetDigests(assets: readonly EntryAsset[]): { path: string; digest: string }[] {
  const byPath = new Map<string, string>();
  for (const a of assets) byPath.set(a.path, a.digest);
  return [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, digest]) => ({ path, digest }));
}
