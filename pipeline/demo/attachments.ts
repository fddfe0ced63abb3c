/**
 * The demo's documents: the PDF, DOCX and XLSX files that its 下载中心 and
 * 政策文件 entries attach, and the planted traps that show the gate refusing
 * each class of leak at its place inside the file. They are built here from
 * their XML and PDF text (pipeline/demo/documents.ts), never committed as
 * binaries of unknown origin, and the build is byte-for-byte reproducible
 * (zip parts stored with no timestamps, PDFs without /ID or dates), so
 * `sealpress demo --documents` rewrites exactly the committed files and a test
 * holds it to that.
 *
 * The clean files attach to entries that publish; the traps attach to entries
 * the demo already refuses for something else (test/check/planted/README.md),
 * so the demo's counts stay as the README states them while the traps' own
 * findings appear in `sealpress check`. Each trap class of issue 12 is planted
 * once: a hidden sheet, a very hidden sheet, a hidden column, a cell note, a
 * defined name, a tracked deletion, a comment, a page header, a text box,
 * a fake redaction, PDF metadata, an embedded file, a JavaScript open action,
 * a macro-enabled workbook, an OFD and a ZIP archive.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deleted, docx, gbk, inserted, ofd, para, pdf, textBox, xlsx, zip, type DocxInput } from './documents.ts';

export interface DemoDocument {
  /** Where the file lives, from the repository root (next to the entry that attaches it). */
  path: string;
  /** The entry whose front matter lists it under `attachments:`. */
  entry: string;
  /** For a trap: the errors the gate must give, as `rule @ location inside the file`. Empty for a clean file. */
  expect: readonly string[];
  build: () => Buffer;
}

// Made-up numbers with valid check digits, planted as a careless writer would leave them.
const PLANTED_ID = '11010519491231002X';
const PLANTED_ID_2 = '320582198506152718';
const PLANTED_MOBILE = '13698765432';

const VAT = 'content/19900000000/xzzx/2025-11-vat-declaration-templates';
const IIT = 'content/19900000000/xzzx/2026-10-iit-reconciliation-forms';
const RELIEF = 'content/19900000000/zcwj/2026-08-small-taxpayer-vat-relief-measures';
const VOLUNTEERS = 'content/19901000000/gzdt/2026-11-hall-volunteers';
const INSPECTION = 'content/19903000000/tzgg/2026-11-inspection-arrangements';
const MISPLACED = 'content/19903000000/zcwj/2026-11-misplaced-notice';
const STAFFING = 'content/19900000000/tzgg/2026-11-internal-staffing-plan';
const HOLIDAY = 'content/19902000000/tzgg/2026-11-holiday-hours-draft';

/** The 办税指南 of 下载中心, as its DOCX is made (the review desk's test changes one date of it). */
export const IIT_GUIDE: DocxInput = {
  store: true,
  core: { 'dc:title': '个人所得税综合所得年度汇算办税指南', 'dc:creator': '国家税务总局示例省税务局' },
  header: [para('国家税务总局示例省税务局')],
  footer: [para('纳税缴费服务热线：12366')],
  body: [
    para('个人所得税综合所得年度汇算办税指南'),
    para('一、办理时间：2027年3月1日至6月30日。'),
    para('二、办理渠道：个人所得税App、自然人电子税务局网页端，或向主管税务机关办税服务厅申报。'),
    para('三、填报示例：身份证件号码 1101**********002X，手机号码 138****5678（示例已脱敏，请填写本人信息）。'),
    para('四、咨询方式：纳税缴费服务热线12366；省局办税服务厅 0999-12366。'),
  ],
};

export const DEMO_DOCUMENTS: readonly DemoDocument[] = [
  // ---------------------------------------------------------------- clean: they publish
  {
    path: `${VAT}/增值税及附加税费申报表（小规模纳税人适用）.xlsx`,
    entry: `${VAT}.md`,
    expect: [],
    build: () =>
      xlsx({
        store: true,
        core: { 'dc:title': '增值税及附加税费申报表（小规模纳税人适用）', 'dc:creator': '国家税务总局示例省税务局' },
        sheets: [
          {
            name: '主表',
            cells: {
              A1: '增值税及附加税费申报表（小规模纳税人适用）',
              A2: '项目',
              B2: '栏次',
              C2: '本期数（货物及劳务）',
              D2: '本期数（服务、不动产和无形资产）',
              A3: '应征增值税不含税销售额（3%征收率）',
              B3: '1',
              C3: '0',
              D3: '0',
              A4: '其中：税务机关代开的增值税专用发票不含税销售额',
              B4: '2',
              A5: '小微企业免税销售额',
              B5: '10',
              A6: '未达起征点销售额',
              B6: '11',
              A7: '本期应纳税额',
              B7: '15',
              C7: { formula: 'C3*0.03', value: '0' },
              A8: '本期应纳税额减征额',
              B8: '16',
              A9: '本期应补（退）税额',
              B9: '24',
              C9: { formula: 'C7-C8', value: '0' },
              A11: '咨询电话：12366',
            },
          },
          {
            name: '附加税费',
            cells: { A1: '税（费）种', B1: '计税（费）依据', C1: '税（费）率（%）', A2: '城市维护建设税', C2: '7', A3: '教育费附加', C3: '3', A4: '地方教育附加', C4: '2' },
          },
        ],
      }),
  },
  {
    path: `${IIT}/个人所得税综合所得年度汇算办税指南.docx`,
    entry: `${IIT}.md`,
    expect: [],
    build: () => docx(IIT_GUIDE),
  },
  {
    path: `${RELIEF}/国家税务总局示例省税务局公告2026年第5号.pdf`,
    entry: `${RELIEF}.md`,
    expect: [],
    build: () =>
      pdf({
        info: { Title: '关于落实小规模纳税人增值税减免政策有关征管事项的公告', Author: '国家税务总局示例省税务局' },
        pages: [
          '国家税务总局示例省税务局公告2026年第5号\n关于落实小规模纳税人增值税减免政策有关征管事项的公告\n一、小规模纳税人月销售额未超过10万元的，免征增值税。\n二、适用3%征收率的应税销售收入，减按1%征收率征收增值税。',
          '三、本公告自发布之日起施行。\n咨询电话：12366\n国家税务总局示例省税务局\n2026年8月20日',
        ],
      }),
  },
  // ---------------------------------------------------------------- traps: each refused at its place in the file
  {
    // An Excel list whose published sheet shows names only, and a hidden sheet keeps the ID numbers.
    path: `${VOLUNTEERS}/志愿者名单.xlsx`,
    entry: `${VOLUNTEERS}.md`,
    expect: [`personal-id @ 登记（隐藏） › C3`],
    build: () =>
      xlsx({
        store: true,
        sheets: [
          { name: '名单', cells: { A1: '序号', B1: '姓名', C1: '岗位', A2: '1', B2: '赵某', C2: '导税' } },
          { name: '登记', state: 'hidden', cells: { A1: '序号', B1: '姓名', C1: '证件号码', A3: '1', B3: '赵某', C3: PLANTED_ID_2 } },
        ],
      }),
  },
  {
    // A Word file that keeps a tracked deletion: the mobile was "deleted" but is still in the file.
    path: `${INSPECTION}/检查工作安排.docx`,
    entry: `${INSPECTION}.md`,
    expect: ['personal-mobile @ 修订（删除） › 第2段'],
    build: () =>
      docx({
        store: true,
        body: [para('2027年度税收检查工作安排'), para('联系人：稽查局孙某', deleted(`，手机${PLANTED_MOBILE}`), inserted('，电话0997-12366'))],
      }),
  },
  {
    // A PDF whose page is clean, and whose document properties name the author by ID number.
    path: `${MISPLACED}/青税发〔2026〕14号.pdf`,
    entry: `${MISPLACED}.md`,
    expect: ['personal-id @ 属性 › 作者'],
    build: () =>
      pdf({
        info: { Title: '关于明确农业生产者销售自产农产品增值税征管事项的通知', Author: PLANTED_ID },
        pages: ['青税发〔2026〕14号\n关于明确农业生产者销售自产农产品增值税征管事项的通知'],
      }),
  },
  {
    // The staffing plan's Word file: a reviewer's comment names a person by ID, the header says 内部资料, a text box 秘密★.
    path: `${STAFFING}/编制调整方案.docx`,
    entry: `${STAFFING}.md`,
    expect: ['secret-marking @ 文本框 › 第2段', 'internal-marking @ 页眉 › 第1段', 'internal-marking @ 页眉 › 第1段', 'personal-id @ 批注 › 第1条'],
    build: () =>
      docx({
        store: true,
        header: [para('内部资料 注意保存')],
        body: [para('2027年度省局机关人员编制调整方案'), para('一、调整原则', textBox('秘密★1年'))],
        comments: [`请核实调入人员身份证号 ${PLANTED_ID}`],
      }),
  },
  {
    // A macro-enabled workbook: refused whatever its macro does.
    path: `${STAFFING}/编制统计.xlsm`,
    entry: `${STAFFING}.md`,
    expect: ['attachment-active @ 宏（VBA） › xl/vbaProject.bin'],
    build: () => xlsx({ store: true, macro: true, sheets: [{ name: '统计', cells: { A1: '处室', B1: '编制数', A2: '办公室', B2: '12' } }] }),
  },
  {
    // The duty roster: IDs in a hidden column, a very hidden sheet, a cell note and a defined name keep what the visible sheet does not show.
    path: `${HOLIDAY}/值班安排.xlsx`,
    entry: `${HOLIDAY}.md`,
    expect: ['personal-id @ 定义的名称 › 联系人', 'personal-id @ 值班表 › C3（隐藏列）', 'personal-mobile @ 值班表 › B3 › 批注', 'personal-mobile @ 通讯录（深度隐藏） › B2'],
    build: () =>
      xlsx({
        store: true,
        sheets: [
          { name: '值班表', cells: { A1: '日期', B1: '值班人', C1: '证件号码', A3: '1月1日', B3: '钱某', C3: PLANTED_ID_2 }, hiddenCols: [3], notes: { B3: `钱某手机 ${PLANTED_MOBILE}` } },
          { name: '通讯录', state: 'veryHidden', cells: { A2: '钱某', B2: PLANTED_MOBILE } },
        ],
        definedNames: { 联系人: `"${PLANTED_ID}"` },
      }),
  },
  {
    // The roster again as an archive: a member's finding names the member and the place inside it.
    path: `${HOLIDAY}/值班资料.zip`,
    entry: `${HOLIDAY}.md`,
    expect: ['personal-id @ 值班人员.xlsx › Sheet1 › C3', 'personal-mobile @ 说明.txt'],
    build: () =>
      zip(
        {
          '值班人员.xlsx': xlsx({ store: true, sheets: [{ name: 'Sheet1', cells: { A1: '姓名', C1: '证件号码', A3: '钱某', C3: PLANTED_ID_2 } }] }),
          '说明.txt': gbk(`值班期间请联系钱某，手机 ${PLANTED_MOBILE}\n`),
        },
        { store: true },
      ),
  },
  {
    // The notice as OFD: a stamp annotation keeps a mobile, a custom property an ID number.
    path: `${HOLIDAY}/临税通〔2026〕15号.ofd`,
    entry: `${HOLIDAY}.md`,
    expect: ['personal-id @ 属性 › 自定义 › 经办人', 'personal-mobile @ 第1页 › 注释（Stamp）'],
    build: () =>
      ofd({
        info: { Title: '关于2027年元旦期间办税服务厅办公时间安排的通告', Author: '国家税务总局临江市税务局' },
        custom: { 经办人: PLANTED_ID },
        pages: ['临税通〔2026〕15号\n关于2027年元旦期间办税服务厅办公时间安排的通告\n2027年1月1日全市办税服务厅暂停对外办公，电子税务局正常运行。'],
        annotations: [{ page: 1, type: 'Stamp', remark: `已核稿，联系 ${PLANTED_MOBILE}` }],
      }),
  },
  {
    // A PDF "redacted" with black boxes, which opens with a script and carries the list it was made from.
    path: `${MISPLACED}/政策解读.pdf`,
    entry: `${MISPLACED}.md`,
    expect: ['attachment-active @ 动作', 'attachment-active @ 文档脚本', 'personal-id @ 第1页', 'attachment-redaction @ 第1页（被遮盖）', 'personal-mobile @ 附件 › 名单.csv › 第2行'],
    build: () =>
      pdf({
        pages: [`纳税人 王某 身份证号码 ${PLANTED_ID_2}\n农业生产者销售自产农产品免征增值税。`],
        blackBox: true,
        openActionJs: 'app.alert("请启用宏")',
        attachments: { '名单.csv': Buffer.from(`序号,联系电话\n1,${PLANTED_MOBILE}\n`) },
      }),
  },
];

/** Write every demo document under `root` (its folder made if need be); returns the paths written. */
export function writeDemoDocuments(root: string): string[] {
  return DEMO_DOCUMENTS.map((d) => {
    mkdirSync(dirname(join(root, d.path)), { recursive: true });
    writeFileSync(join(root, d.path), d.build());
    return d.path;
  });
}
