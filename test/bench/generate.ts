/**
 * A synthetic site group for the benchmark: 1 main site + N sub-sites with
 * realistic Chinese entries (headings, lists, tables, some MDX and images),
 * deterministic for a given size so runs compare.
 *
 * Two corpora. `plain` (the default, the one earlier figures were measured
 * on) gives every entry a numbered list, a fifth of them a table, a tenth an
 * MDX component and a twenty-fifth a picture: 86% of its entries hold no `[`
 * or `<`, so the gate's parser is skipped for them. `realistic` gives links,
 * tables, lists, pictures, MDX components and attachments in the shares
 * measured on the demo's content (demoShares below), as notices really carry
 * them: links to the policies they cite, tables of figures, the forms to
 * download. Its attachments are small real documents (a 1-3 page PDF, a short
 * Word notice, a small workbook) made by the demo's generators.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { docx, para, pdf, xlsx } from '../../pipeline/demo/documents.ts';
import { approvableEntries, createDemoPki, signDemoApprovals, writeDemoTrust, type DemoPki } from '../../pipeline/demo/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { png } from '../helpers/repo.ts';

const COLUMNS = [
  ['xxgk', '信息公开', [['tzgg', '通知公告', 'notice'], ['zcwj', '政策文件', 'notice'], ['zcjd', '政策解读', 'notice']]],
  ['bsfw', '办税服务', [['bszn', '办税指南', 'guide'], ['xzzx', '下载中心', 'guide']]],
  ['gzcy', '公众参与', [['nszx', '纳税咨询', 'qa'], ['yjzj', '意见征集', 'notice']]],
  ['xczl', '税收宣传', [['gzdt', '工作动态', 'news'], ['jcdt', '基层动态', 'news']]],
] as const;

/** Sentences of tax notices the generated bodies are made of (test/check/bench-scan.ts adds its own). */
export const PHRASES = [
  '为深入贯彻落实党中央、国务院关于优化营商环境的决策部署', '进一步便利纳税人缴费人办理涉税事项', '现将有关事项公告如下',
  '增值税小规模纳税人月销售额未超过10万元的免征增值税', '纳税人可通过电子税务局、自助办税终端等渠道办理', '各级税务机关要加强宣传辅导',
  '确保各项税费优惠政策直达快享', '个人所得税综合所得汇算清缴', '研发费用加计扣除政策', '数电发票全面推广应用',
  '办税服务厅工作时间为工作日上午9:00至12:00、下午13:30至17:00', '如有疑问请拨打纳税服务热线12366咨询', '本公告自发布之日起施行',
  '持续开展“便民办税春风行动”', '税收收入运行总体平稳', '积极回应纳税人缴费人关切', '依法依规做好税费征管工作',
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface GeneratedGroup {
  root: string;
  sites: string[];
  entries: number;
  bytes: number;
}

/** What share of entries carries each feature. */
export interface CorpusShares {
  link: number;
  table: number;
  list: number;
  image: number;
  component: number;
  attachment: number;
}

/** The plain corpus's shares, for the report beside the realistic one. */
export const PLAIN_SHARES: CorpusShares = { link: 0, table: 0.2, list: 1, image: 0.04, component: 0.1, attachment: 0 };

/**
 * The shares of the entries under `contentDir` (the demo's content/) that carry
 * a link (a Markdown link or a bare address, not a picture), a GFM table, a list, a picture, an MDX/HTML
 * component, or attachments in their front matter.
 */
export function demoShares(contentDir: string): CorpusShares & { entries: number } {
  const files = (readdirSync(contentDir, { recursive: true }) as string[]).filter((f) => /\.mdx?$/.test(f) && !f.startsWith('_approvals'));
  const count: CorpusShares = { link: 0, table: 0, list: 0, image: 0, component: 0, attachment: 0 };
  for (const file of files) {
    const text = readFileSync(join(contentDir, file), 'utf8');
    const end = text.indexOf('\n---', 3);
    const front = end > 0 ? text.slice(0, end) : '';
    const body = end > 0 ? text.slice(end + 4) : text;
    if (/(^|[^!])\[[^\]]+\]\([^)]+\)/.test(body) || /(^|[^(])https?:\/\//m.test(body)) count.link++;
    if (/^\|.*\|\s*$/m.test(body)) count.table++;
    if (/^\s*([-*+]|\d+\.)\s/m.test(body)) count.list++;
    if (/!\[/.test(body)) count.image++;
    if (/<[A-Za-z]/.test(body)) count.component++;
    if (/^attachments:/m.test(front)) count.attachment++;
  }
  const share = (n: number) => n / Math.max(1, files.length);
  return { entries: files.length, link: share(count.link), table: share(count.table), list: share(count.list), image: share(count.image), component: share(count.component), attachment: share(count.attachment) };
}

export function generateGroup(root: string, options: { entries: number; subSites: number; seed?: number; shares?: CorpusShares }): GeneratedGroup {
  const realistic = options.shares;
  const rand = rng(options.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  rmSync(root, { recursive: true, force: true });
  let bytes = 0;
  const write = (path: string, content: string | Uint8Array) => {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    bytes += content.length;
  };
  const main = '19900000000';
  const subs = Array.from({ length: options.subSites }, (_, i) => `199${String(i + 1).padStart(2, '0')}000000`);
  const sites = [main, ...subs];
  write(
    'sites/group.yaml',
    `name: 基准测试税务局网站群\nmain: "${main}"\ndomainPattern: "{code}.tax.example.gov.cn"\nerrorReportUrl: "https://errors.example.gov.cn/report"\ncategories:\n${COLUMNS.map(
      ([id, name, cols]) => `  - id: ${id}\n    name: ${name}\n    columns:\n${cols.map(([c, n, t]) => `      - { id: ${c}, name: ${n}, type: ${t} }`).join('\n')}`,
    ).join('\n')}\n`,
  );
  sites.forEach((code, i) => {
    write(
      `sites/${code}/site.yaml`,
      `code: "${code}"\nname: 基准${i === 0 ? '省' : `第${i}市`}税务局\nkind: ${i === 0 ? 'main' : 'sub'}\n${i === 0 ? 'domain: www.tax.example.gov.cn\n' : ''}siteIdCode: "99${String(i).padStart(8, '0')}"\nicp: 示ICP备00000001号-${i + 1}\npsb: 示公网安备 9900000000${String(i).padStart(4, '0')}号\ncolumns: all\ndepartments:\n  - { id: bgs, name: 办公室 }\n  - { id: nsfw, name: 纳税服务科 }\nadministrators:\n  - { name: 管理员${i}, appointed: "2025-01-02", filed: "2025-01-10" }\n`,
    );
  });
  const qaFor = (type: string, month: number, day: number) =>
    type === 'qa' ? `qa:\n  question: ${pick(PHRASES)}？\n  askedAt: 2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}\n  answeredAt: 2026-${String(month).padStart(2, '0')}-${String(Math.min(day + 2, 28)).padStart(2, '0')}\n` : '';
  const frontMatter = (n: number, adopt: boolean, qa: string, attachments: string, month: number, day: number) =>
    `---\ntitle: 关于${pick(PHRASES).slice(0, 18)}的通知（${n}）\ndate: 2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}\nauthor: 撰稿人${n % 50}\ndepartment: ${n % 2 ? 'bgs' : 'nsfw'}\nsummary: ${pick(PHRASES)}。\ndisclosure: 主动公开\n${adopt ? 'adopt: true\n' : ''}${qa}${attachments}---\n`;
  const allColumns = COLUMNS.flatMap(([, , cols]) => cols.map(([c, , t]) => ({ id: c, type: t })));
  const image = png(640, 360, [40, 90, 160]);
  for (let n = 0; n < options.entries; n++) {
    // The main site carries about a third of the entries, the sub-sites share the rest.
    const site = n % 3 === 0 ? main : subs[n % subs.length]!;
    const col = pick(allColumns);
    const mdx = n % 10 === 7;
    const slug = `entry-${String(n).padStart(6, '0')}`;
    const day = 1 + (n % 28);
    const month = 1 + (n % 10);
    const paragraphs = Array.from({ length: 4 + Math.floor(rand() * 5) }, () => Array.from({ length: 4 }, () => pick(PHRASES)).join('，') + '。');
    let body: string;
    let attachments = '';
    if (realistic) {
      const has = (share: number) => rand() < share;
      const mdxHere = has(realistic.component);
      const link = has(realistic.link)
        ? `\n\n详见[《国家税务总局关于${pick(PHRASES).slice(0, 10)}的公告》](https://www.chinatax.gov.cn/chinatax/n810341/${2026000 + n}.html)和[本站相关解读](/${col.id}/entry-${String(Math.max(0, n - 3)).padStart(6, '0')}/)。`
        : '';
      body = [
        `## 一、总体要求\n\n${paragraphs.slice(0, 2).join('\n\n')}${link}`,
        `## 二、主要内容\n\n${has(realistic.list) ? `1. ${pick(PHRASES)}。\n2. ${pick(PHRASES)}。\n3. **${pick(PHRASES)}**。\n\n` : ''}${paragraphs.slice(2).join('\n\n')}`,
        has(realistic.table) ? `| 项目 | 数量 | 同比 |\n| --- | --- | --- |\n| 办件量 | ${1000 + n} | +${n % 17}% |\n| 网上办理 | ${900 + n} | +${n % 13}% |\n` : '',
        mdxHere ? `<Callout type="info" title="温馨提示">\n\n${pick(PHRASES)}。\n\n</Callout>\n` : '',
        has(realistic.image) ? `![${pick(PHRASES).slice(0, 12)}示意图](./${slug}/pic.png)\n` : '',
      ].join('\n\n');
      if (body.includes(`./${slug}/pic.png`)) write(`content/${site}/${col.id}/${slug}/pic.png`, image);
      if (has(realistic.attachment)) {
        const kind = (['pdf', 'docx', 'xlsx'] as const)[n % 3]!;
        const name = `附件-${n}.${kind}`;
        write(`content/${site}/${col.id}/${slug}/${name}`, smallDocument(kind, n, () => pick(PHRASES)));
        attachments = `attachments:\n  - { src: ./${slug}/${name}, title: 附件${kind.toUpperCase()} }\n`;
      }
      const fm = frontMatter(n, site !== main && n % 20 === 1, qaFor(col.type, month, day), attachments, month, day);
      write(`content/${site}/${col.id}/${slug}.${mdxHere ? 'mdx' : 'md'}`, fm + body + '\n');
      continue;
    }
    body = [
      `## 一、总体要求\n\n${paragraphs.slice(0, 2).join('\n\n')}`,
      `## 二、主要内容\n\n1. ${pick(PHRASES)}。\n2. ${pick(PHRASES)}。\n3. **${pick(PHRASES)}**。\n\n${paragraphs.slice(2).join('\n\n')}`,
      n % 5 === 0 ? `| 项目 | 数量 | 同比 |\n| --- | --- | --- |\n| 办件量 | ${1000 + n} | +${n % 17}% |\n| 网上办理 | ${900 + n} | +${n % 13}% |\n` : '',
      mdx ? `<Callout type="info" title="温馨提示">\n\n${pick(PHRASES)}。\n\n</Callout>\n` : '',
      n % 25 === 0 ? `![示意图](./${slug}/pic.png)\n` : '',
    ].join('\n\n');
    const fm = frontMatter(n, site !== main && n % 20 === 1, qaFor(col.type, month, day), '', month, day);
    write(`content/${site}/${col.id}/${slug}.${mdx ? 'mdx' : 'md'}`, fm + body + '\n');
    if (n % 25 === 0) write(`content/${site}/${col.id}/${slug}/pic.png`, image);
  }
  return { root, sites, entries: options.entries, bytes };
}

/** A small attachment as offices publish them beside a notice: a 1-3 page PDF, a short Word notice, a small workbook. */
function smallDocument(kind: 'pdf' | 'docx' | 'xlsx', n: number, phrase: () => string): Uint8Array {
  const lines = (count: number) => Array.from({ length: count }, phrase);
  switch (kind) {
    case 'pdf':
      return pdf({ info: { Title: `附件${n}`, Author: '基准测试税务局' }, pages: Array.from({ length: 1 + (n % 3) }, () => lines(24).join('\n')) });
    case 'docx':
      return docx({ body: lines(12 + (n % 20)).map((line) => para(`${line}。`)), parts: {}, core: { 'dc:title': `附件${n}`, 'dc:creator': '基准测试税务局' } });
    case 'xlsx': {
      const cells: Record<string, string> = { A1: '序号', B1: '事项', C1: '办理渠道' };
      for (let r = 2; r <= 40 + (n % 60); r++) Object.assign(cells, { [`A${r}`]: String(r - 1), [`B${r}`]: phrase(), [`C${r}`]: '电子税务局' });
      return xlsx({ sheets: [{ name: '清单', cells }], core: { 'dc:title': `附件${n}`, 'dc:creator': '基准测试税务局' } });
    }
  }
}

/**
 * Writers submit and approvers sign the group: one writer and one approver per
 * site and department, batches of at most 500 entries. Every entry the gate
 * would pass is approved; `cache` lets this first gate run fill the facts cache.
 */
export async function signGroup(root: string, now: Date, options: { cache?: boolean } = {}): Promise<{ signatures: number; records: number; people: number; pki: DemoPki }> {
  const first = await runGate({ root, now, cache: options.cache ?? false });
  if (!first.ok) throw new Error(`bench config invalid: ${JSON.stringify(first.configDiagnostics.slice(0, 3))}`);
  const entriesToSign = approvableEntries(first.plan);
  const pki = await createDemoPki({
    group: first.group,
    pairs: entriesToSign.map((e) => `${e.site}/${e.frontMatter!.department}`),
    avoidNames: new Set(),
    // One writer per site and department (the generated authors are many names): the submissions are theirs.
    authors: [...new Set(entriesToSign.map((e) => `${e.site}/${e.frontMatter!.department}`))].map((pair) => {
      const [site, department] = pair.split('/') as [string, string];
      return { site, department, name: `撰稿人 ${pair}` };
    }),
    issuedAt: new Date('2026-11-01T00:00:00Z'),
  });
  writeDemoTrust(root, pki);
  const records = signDemoApprovals(root, pki, first.group, first.plan, new Date('2026-11-20T00:00:00Z'));
  const signatures = first.plan.entries.reduce((n, e) => n + (first.group.columns.get(e.column)?.category === 'xxgk' ? 2 : 1), 0);
  return { signatures, records: records.length, people: pki.people.length, pki };
}
