/**
 * Documents read in their real format: every trap class of issue 12 is found
 * at its place inside the file, and realistic clean files pass. The files are
 * built here from their XML and PDF text (test/helpers/documents.ts).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CHECK_RULES, checkAttachment, compileChecks, toSarif, type CheckFinding } from '../../pipeline/check/index.ts';
import { inlineReader } from '../../pipeline/read/index.ts';
import { deleted, docx, hiddenRun, inserted, para, pdf, pptx, textBox, xlsx } from '../../pipeline/demo/documents.ts';
import { genId18, genMobile, loadDemoConfig, rng } from './helpers.ts';

const options = compileChecks(loadDemoConfig());
const reader = inlineReader();
const DIR = 'content/19900000000/xzzx/2026-12-forms';
const rand = rng(12);
const id = genId18(rand);
const mobile = genMobile(rand);

const check = (name: string, bytes: Uint8Array) => checkAttachment(`${DIR}/${name}`, bytes, options, { column: 'xzzx', reader });
/** rule › location of every finding, in order. */
const where = (findings: CheckFinding[]) => findings.map((f) => `${f.rule} @ ${f.location ?? `${f.line}:${f.column}`}`);
const errors = (findings: CheckFinding[]) => findings.filter((f) => f.severity === 'error');

describe('XLSX: every sheet, cell, note and name', () => {
  test('an ID number in a hidden column', async () => {
    const bytes = xlsx({ sheets: [{ name: '名单', cells: { A1: '姓名', C1: '证件号码', A14: '王某', C14: id }, hiddenCols: [3] }] });
    const f = await check('名单.xlsx', bytes);
    expect(where(f)).toEqual(['personal-id @ 名单 › C14（隐藏列）', 'attachment-hidden @ 名单 › C列']);
    expect(f[0]!.file).toBe(`${DIR}/名单.xlsx`);
    expect(f[0]!.excerpt).not.toContain(id);
  });

  test('hidden and very hidden sheets, hidden rows', async () => {
    const bytes = xlsx({
      sheets: [
        { name: '汇总', cells: { A1: '合计', B1: '1200' } },
        { name: 'Sheet2', state: 'hidden', cells: { A1: '联系电话', C14: mobile } },
        { name: 'Sheet3', state: 'veryHidden', cells: { B2: `身份证 ${id}` }, hiddenRows: [2] },
      ],
    });
    expect(where(await check('名单.xlsx', bytes))).toEqual([
      'personal-mobile @ Sheet2（隐藏） › C14',
      'personal-id @ Sheet3（深度隐藏） › B2（隐藏行）',
      'attachment-hidden @ Sheet2（隐藏）',
      'attachment-hidden @ Sheet3（深度隐藏）',
      'attachment-hidden @ Sheet3（深度隐藏） › 第2行',
    ]);
  });

  test('a cell note, a defined name, a formula\'s cached value, a page header', async () => {
    const bytes = xlsx({
      sheets: [{ name: '统计', cells: { A1: '户数', B3: '15', D5: { formula: 'CONCATENATE("1",B3)', value: mobile } }, notes: { B3: `核对人电话 ${genMobile(rand)}` }, header: '内部资料 注意保存' }],
      definedNames: { 联系人: `"${id}"` },
    });
    expect(where(await check('统计.xlsx', bytes))).toEqual([
      'personal-id @ 定义的名称 › 联系人',
      'personal-mobile @ 统计 › D5（公式结果）',
      'internal-marking @ 统计 › 页眉页脚',
      'internal-marking @ 统计 › 页眉页脚',
      'personal-mobile @ 统计 › B3 › 批注',
      'attachment-hidden @ 统计 › 批注',
    ]);
  });

  test('the hidden sheet is found wherever it is, at any cell (property)', async () => {
    const col = fc.integer({ min: 1, max: 60 }).map((n) => (n <= 26 ? String.fromCharCode(64 + n) : `A${String.fromCharCode(64 + n - 26)}`));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), col, fc.integer({ min: 1, max: 5000 }), fc.constantFrom<'hidden' | 'veryHidden'>('hidden', 'veryHidden'), async (at, c, row, state) => {
        const sheets = [{ name: '表一', cells: { A1: '项目' } }, { name: '表二', cells: { A1: '金额' } }, { name: '表三', cells: { A1: '1' } }] as Parameters<typeof xlsx>[0]['sheets'];
        sheets.splice(at, 0, { name: '附表', state, cells: { [`${c}${row}`]: id } });
        const f = await check('a.xlsx', xlsx({ sheets }));
        expect(where(errors(f))).toEqual([`personal-id @ 附表${state === 'hidden' ? '（隐藏）' : '（深度隐藏）'} › ${c}${row}`]);
      }),
      { numRuns: 25 },
    );
  });

  test('a macro-enabled workbook is refused', async () => {
    const f = await check('报表.xlsm', xlsx({ sheets: [{ name: 'Sheet1', cells: { A1: '1' } }], macro: true }));
    expect(where(f)).toEqual(['attachment-active @ 宏（VBA） › xl/vbaProject.bin']);
  });
});

describe('DOCX: body, revisions, comments, headers, text boxes, properties', () => {
  test('a mobile in a tracked deletion, an ID in a comment, 内部资料 in a header, 秘密★ in a text box', async () => {
    const bytes = docx({
      body: [para('关于开展2026年度个人所得税汇算的说明'), para('联系人：王某', deleted(`，电话${mobile}`), inserted('，电话12366')), para('一、办理时间', textBox('秘密★1年'))],
      header: [para('内部资料 注意保存')],
      comments: [`此人身份证号 ${id} 请核实`],
    });
    expect(where(await check('说明.docx', bytes))).toEqual([
      'personal-mobile @ 修订（删除） › 第2段',
      'secret-marking @ 文本框 › 第3段',
      'internal-marking @ 页眉 › 第1段',
      'internal-marking @ 页眉 › 第1段',
      'personal-id @ 批注 › 第1条',
      'attachment-hidden @ 修订（删除） › 第2段',
      'attachment-hidden @ 修订（插入） › 第2段',
      'attachment-hidden @ 批注',
    ]);
  });

  test('an ID in the document properties, hidden text, an internal link target, a footnote', async () => {
    const bytes = docx({
      body: [para('办税指南', hiddenRun(`经办人 ${mobile}`))],
      footnotes: ['详见 http://oa.tax.intra/doc'],
      core: { 'dc:title': '办税指南', 'dc:creator': id },
      custom: { 经办人电话: mobile },
      external: 'file://fileserver.tax.intra/share/名单.xlsx',
    });
    expect(where(await check('指南.docx', bytes))).toEqual([
      'personal-mobile @ 隐藏文字 › 第1段',
      'secret-internal-host @ 脚注 › 第1条',
      'personal-id @ 属性 › 作者',
      'personal-mobile @ 属性 › 自定义 › 经办人电话',
      'secret-internal-host @ 外部链接 › hyperlink',
      'attachment-hidden @ 隐藏文字 › 第1段',
    ]);
  });

  test('an embedded workbook is read too, its findings inside the outer file', async () => {
    const inner = xlsx({ sheets: [{ name: 'Sheet1', cells: { B2: id } }] });
    const f = await check('通知.docx', docx({ body: [para('见附表')], parts: { 'word/embeddings/附表.xlsx': inner } }));
    expect(where(f)).toEqual(['personal-id @ 嵌入对象 › 附表.xlsx › Sheet1 › B2']);
    expect(f[0]!.file).toBe(`${DIR}/通知.docx`);
  });

  test('a macro document is refused', async () => {
    expect(where(await check('通知.docm', docx({ body: [para('正文')], macro: true })))).toEqual(['attachment-active @ 宏（VBA） › word/vbaProject.bin']);
  });
});

describe('PPTX', () => {
  test('a hidden slide and speaker notes', async () => {
    const f = await check('培训.pptx', pptx([{ text: ['办税培训'] }, { text: [`讲师手机 ${mobile}`], hidden: true, notes: '内部资料' }]));
    expect(where(f)).toEqual(['personal-mobile @ 第2张幻灯片（隐藏）', 'internal-marking @ 第2张幻灯片（隐藏） › 备注', 'attachment-hidden @ 第2张幻灯片（隐藏）']);
  });
});

describe('PDF: pages, notes, fields, metadata, embedded files, scripts', () => {
  test('text of every page, with its line', async () => {
    const f = await check('通知.pdf', pdf({ pages: ['关于办税服务厅调整的通知', `第二页\n联系人 王某 ${mobile}`] }));
    expect(f.map((x) => [x.rule, x.location, x.line])).toEqual([['personal-mobile', '第2页', 2]]);
  });

  test('an ID in the metadata (Info and XMP)', async () => {
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>${id}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`;
    expect(where(await check('通知.pdf', pdf({ pages: ['通知'], info: { Author: id, Title: '通知' }, xmp })))).toEqual(['personal-id @ 属性 › 作者', 'personal-id @ 属性 › XMP']);
  });

  test('an embedded file is checked by its own name and format', async () => {
    const f = await check('通知.pdf', pdf({ pages: ['通知'], attachments: { '名单.csv': Buffer.from(`序号,电话\n1,${mobile}\n`) } }));
    expect(f.map((x) => [x.rule, x.location, x.line])).toEqual([['personal-mobile', '附件 › 名单.csv', 2]]);
  });

  test('a note and a form field', async () => {
    const f = await check('表.pdf', pdf({ pages: ['申请表'], note: `已电话联系 ${mobile}`, field: { name: '证件号码', value: id } }));
    expect(where(errors(f))).toEqual(['personal-id @ 表单域 › 证件号码', 'personal-mobile @ 第1页 › 注释（Text）', 'personal-id @ 第1页 › 注释（Widget）']);
    expect(where(f.filter((x) => x.rule === 'attachment-hidden'))).toEqual(['attachment-hidden @ 第1页 › 注释（Text）']);
  });

  test('a fake redaction: text under a black box drawn over it is an error of its own', async () => {
    const f = await check('公告.pdf', pdf({ pages: [`纳税人 王某 身份证号码 ${id}\n欠缴税款 1200 元`], blackBox: true }));
    expect(where(f)).toEqual(['personal-id @ 第1页', 'attachment-redaction @ 第1页（被遮盖）']);
    // Whatever it says: a box over harmless words is still a redaction that hides nothing.
    expect(where(await check('b.pdf', pdf({ pages: ['Name: Wang'], blackBox: true })))).toEqual(['attachment-redaction @ 第1页（被遮盖）']);
  });

  test('white text on a dark band drawn first is no redaction', async () => {
    expect(await check('banner.pdf', pdf({ pages: ['办税服务厅开放时间'], darkBackground: true }))).toEqual([]);
  });

  test.for([
    { name: 'JavaScript on open', input: { pages: ['通知'], openActionJs: 'app.alert("x")' } },
    { name: 'a Launch action', input: { pages: ['通知'], launch: 'cmd.exe' } },
    { name: 'an embedded program', input: { pages: ['通知'], attachments: { '安装.exe': Buffer.from('MZ') } } },
  ])('active content is refused: $name', async ({ input }) => {
    expect((await check('a.pdf', pdf(input))).map((x) => x.rule)).toContain('attachment-active');
  });
});

describe('clean documents pass without errors', () => {
  test.for([
    {
      name: '申报表.xlsx (template)',
      bytes: () => xlsx({ sheets: [{ name: '增值税及附加税费申报表', cells: { A1: '栏次', B1: '项目', C1: '本月数', A2: '1', B2: '按适用税率计税销售额', A3: '2', B3: '其中：应税货物销售额', C3: { formula: 'C2-C4', value: '0' } } }], core: { 'dc:title': '申报表', 'dc:creator': '示例省税务局' } }),
    },
    {
      name: '统计.xlsx (amounts and 文号)',
      bytes: () => xlsx({ sheets: [{ name: '2026年税收收入', cells: { A1: '示税发〔2026〕12号', A2: '税种', B2: '金额（万元）', A3: '增值税', B3: '123456.78', A4: '企业所得税', B4: '98765432.1', A5: '统一社会信用代码', B5: '91110000100000589B' } }] }),
    },
    { name: '办税指南.pdf (12366 and landlines)', bytes: () => pdf({ pages: ['办税指南\n纳税服务热线：12366\n办税服务厅电话：0999-12366\n身份证号码：110105********002X'], info: { Title: '办税指南', Author: '示例省税务局纳税服务科' } }) },
    { name: '办税指南.docx (masked IDs, hotline)', bytes: () => docx({ body: [para('咨询电话：12366'), para('办税服务厅：0999-12366'), para('示例：身份证号码 1101**********002X，手机 138****5678'), para('依法保护纳税人的商业秘密和个人隐私。')], core: { 'dc:creator': '纳税服务科' } }) },
    { name: '课件.pptx', bytes: () => pptx([{ text: ['个人所得税汇算', '咨询 12366'] }]) },
  ])('$name', async ({ name, bytes }) => {
    expect(await check(name.split(' ')[0]!, bytes())).toEqual([]);
  });
});

describe('the place inside the file reaches every output', () => {
  test('SARIF: a logical location and the place in the message; the region is the start of the file, not lines it does not have', async () => {
    const f = await check('名单.xlsx', xlsx({ sheets: [{ name: 'Sheet2', state: 'hidden', cells: { C14: id } }] }));
    const sarif = toSarif(f, { toolVersion: '0.0.0', informationUri: 'https://www.tax.example.gov.cn/sealpress/', rules: CHECK_RULES });
    const result = sarif.runs[0]!.results[0]!;
    expect(result.ruleId).toBe('personal-id');
    expect(result.locations[0]!.logicalLocations).toEqual([{ fullyQualifiedName: '名单.xlsx › Sheet2（隐藏） › C14', kind: 'member' }]);
    expect(result.locations[0]!.physicalLocation.region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 });
    expect(result.message.text).toMatch(/^名单\.xlsx › Sheet2（隐藏） › C14: /);
    expect(JSON.stringify(sarif)).not.toContain(id);
  });
});
