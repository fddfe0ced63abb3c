/**
 * Documents read in their real format: every trap class of issue 12 is found
 * at its place inside the file, and realistic clean files pass. The files are
 * built here from their XML and PDF text (test/helpers/documents.ts).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CHECK_RULES, toSarif, type CheckFinding } from '../../pipeline/check/index.ts';
import { deleted, docx, gbk, hiddenRun, inserted, ofd, para, pdf, pptx, textBox, xlsx, zip } from '../../pipeline/demo/documents.ts';
import { attachmentChecker, genId18, genMobile, rng, where } from './helpers.ts';
import { png } from '../helpers/repo.ts';
import { exifSegment, gpsEntries, jpegWith, tiff } from './images.ts';

const DIR = 'content/19900000000/xzzx/2026-12-forms';
const { check } = attachmentChecker(DIR, 'xzzx');
const rand = rng(12);
const id = genId18(rand);
const mobile = genMobile(rand);

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

  test.for([
    { name: 'a Square annotation filled black', cover: { subtype: 'Square' as const } },
    { name: 'a Redact annotation never applied', cover: { subtype: 'Redact' as const } },
  ])('a fake redaction: text under $name', async ({ cover }) => {
    const f = await check('公告.pdf', pdf({ pages: [`纳税人 王某 身份证号码 ${id}\n欠缴税款 1200 元`], coverAnnotation: cover }));
    expect(where(errors(f))).toEqual(['personal-id @ 第1页', 'attachment-redaction @ 第1页（被注释遮盖）']);
    expect(f.find((x) => x.rule === 'attachment-redaction')!.message).toMatch(/annotation/);
  });

  test('a fake redaction: text in white on the white page', async () => {
    const f = await check('公告.pdf', pdf({ pages: [`纳税人 王某 ${id}`], textGrey: 1 }));
    expect(where(f)).toEqual(['personal-id @ 第1页', 'attachment-redaction @ 第1页（白色文字）']);
    expect(f[1]!.message).toMatch(/white/);
  });

  test('white text on a banner photograph drawn first is seen, and no redaction', async () => {
    expect(await check('banner.pdf', pdf({ pages: ['办税服务厅开放时间'], textGrey: 1, bannerImage: true }))).toEqual([]);
  });

  test('variants: an annotation hides text when it is a Redact mark or dark; white text hides unless drawn on a coloured band', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('Square' as const, 'Redact' as const), fc.constantFrom(0, 0.1, 0.5, 0.9, 1), fc.constantFrom(0, 0.4, 1), fc.boolean(), fc.constantFrom('王某 办税指南', `证件 ${id}`, 'Name: Wang'), async (subtype, grey, textGrey, band, line) => {
        // The band lies behind the first line only: a page of one line.
        const f = await check('v.pdf', pdf({ pages: [band ? line : `${line}\n第二行`], coverAnnotation: { subtype, grey }, textGrey: band ? 1 : textGrey, darkBackground: band }));
        const places = f.filter((x) => x.rule === 'attachment-redaction').map((x) => x.location);
        const annotated = subtype === 'Redact' || grey < 0.5;
        const whiteOnWhite = !band && textGrey === 1;
        expect(places).toEqual([...(annotated ? ['第1页（被注释遮盖）'] : []), ...(whiteOnWhite ? ['第1页（白色文字）'] : [])]);
      }),
      { numRuns: 30 },
    );
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

describe('OFD (GB/T 33190): pages, templates, annotations, metadata, attachments', () => {
  test('text of every page, with its line', async () => {
    const f = await check('通知.ofd', ofd({ pages: ['关于办税服务厅调整的通知', `第二页\n联系人 王某 ${mobile}`] }));
    expect(f.map((x) => [x.rule, x.location, x.line])).toEqual([['personal-mobile', '第2页', 2]]);
    expect(f[0]!.excerpt).not.toContain(mobile);
  });

  test('text objects on one line run on, glyph by glyph, and table cells stay apart', async () => {
    const mobile2 = genMobile(rand);
    const glyph = (text: string, x0: number, y: number) => [...text].map((ch, i) => `<ofd:TextObject ID="${x0 * 100 + i}" Boundary="${x0 + i * 3} ${y} 3 5" Font="1" Size="3"><ofd:TextCode X="0" Y="4">${ch}</ofd:TextCode></ofd:TextObject>`).join('');
    const page = `<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="1">${glyph(`手机${mobile}`, 20, 30)}${glyph(mobile2, 20, 40)}${glyph('12366', 60, 40)}</ofd:Layer></ofd:Content></ofd:Page>`;
    const f = await check('表.ofd', ofd({ pages: ['x'], parts: { 'Doc_0/Pages/Page_0/Content.xml': page } }));
    expect(f.map((x) => [x.rule, x.location, x.line])).toEqual([['personal-mobile', '第1页', 1], ['personal-mobile', '第1页', 2]]);
  });

  test('DocInfo metadata and custom data', async () => {
    const f = await check('通知.ofd', ofd({ pages: ['通知'], info: { Title: '通知', Author: id, Keywords: '税收,宣传' }, custom: { 经办人电话: mobile } }));
    expect(where(f)).toEqual(['personal-id @ 属性 › 作者', 'personal-mobile @ 属性 › 自定义 › 经办人电话']);
  });

  test('a template page, an annotation, a hidden annotation', async () => {
    const f = await check('通知.ofd', ofd({ pages: ['通知', '正文'], template: '内部资料', annotations: [{ page: 2, type: 'Stamp', remark: `核对 ${id}` }, { page: 1, type: 'Highlight', text: '秘密★1年', hidden: true }] }));
    expect(where(f)).toEqual(['internal-marking @ 模板页（版头）', 'personal-id @ 第2页 › 注释（Stamp）', 'secret-marking @ 第1页 › 注释（Highlight，隐藏）', 'attachment-hidden @ 第1页 › 注释（Highlight，隐藏）']);
  });

  test('text drawn invisible is read, and warned about', async () => {
    const f = await check('通知.ofd', ofd({ pages: ['通知'], invisible: `身份证 ${id}` }));
    expect(where(f)).toEqual(['personal-id @ 第1页 › 隐藏文字', 'attachment-hidden @ 第1页 › 隐藏文字']);
  });

  test('a fake redaction: a black path drawn over the text', async () => {
    const f = await check('公告.ofd', ofd({ pages: [`纳税人 王某 ${id}\n欠缴税款 1200 元`], blackBox: true }));
    expect(where(f)).toEqual(['personal-id @ 第1页', 'attachment-redaction @ 第1页（被遮盖）']);
  });

  test('attachments are read by their own format, recursively; a hidden one is warned about; a program is refused', async () => {
    const inner = xlsx({ sheets: [{ name: 'Sheet1', cells: { C3: id } }] });
    const f = await check('通知.ofd', ofd({ pages: ['通知'], attachments: { '名单.xlsx': inner, '说明.ofd': ofd({ pages: [`电话 ${mobile}`] }), '安装.exe': Buffer.from('MZ') }, hiddenAttachments: ['名单.xlsx'] }));
    expect(where(f)).toEqual(['attachment-active @ 附件 › 安装.exe', 'attachment-hidden @ 附件 › 名单.xlsx', 'personal-id @ 附件 › 名单.xlsx › Sheet1 › C3', 'personal-mobile @ 附件 › 说明.ofd › 第1页']);
  });

  test('an e-invoice\'s custom tags and any other part are read too', async () => {
    const tags = `<?xml version="1.0" encoding="UTF-8"?><ofd:CustomTags xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CustomTag><ofd:FileLoc>Tag_Invoice.xml</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>`;
    const invoice = `<?xml version="1.0" encoding="UTF-8"?><fp:Invoice xmlns:fp="urn:example"><fp:BuyerName>王某</fp:BuyerName><fp:BuyerTaxID>${id}</fp:BuyerTaxID></fp:Invoice>`;
    const f = await check('发票.ofd', ofd({ pages: ['电子发票'], parts: { 'Doc_0/Tags/CustomTags.xml': tags, 'Doc_0/Tags/Tag_Invoice.xml': invoice } }));
    expect(where(f)).toEqual(['personal-id @ 自定义标引 › Tag_Invoice']);
  });

  test('an e-invoice\'s XML attachment (original_invoice.xml) is read as text, with DOCTYPE refused', async () => {
    const invoice = (buyer: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><EInvoice><Buyer><Name>王某</Name><IdNum>${buyer}</IdNum></Buyer><Amount>1234.00</Amount></EInvoice>`);
    expect(where(await check('发票.ofd', ofd({ pages: ['电子发票（普通发票）'], attachments: { 'original_invoice.xml': invoice(id) } })))).toEqual(['personal-id @ 附件 › original_invoice.xml']);
    expect(await check('发票.ofd', ofd({ pages: ['电子发票（普通发票）'], attachments: { 'original_invoice.xml': invoice('91110000100000589B') } }))).toEqual([]);
    const hostile = Buffer.from('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>');
    expect((await check('发票.ofd', ofd({ pages: ['x'], attachments: { 'original_invoice.xml': hostile } }))).map((x) => x.rule)).toEqual(['attachment-unscannable']);
  });

  test('a file hidden in the package, listed nowhere, is still read by its type; fonts and seals are not text', async () => {
    const f = await check('通知.ofd', ofd({ pages: ['通知'], parts: { 'Doc_0/Res/附表.xlsx': xlsx({ sheets: [{ name: 'S', cells: { B2: id } }] }), 'Doc_0/Res/run.exe': Buffer.from('MZ\x90\x00\xff', 'latin1'), 'Doc_0/Res/font_1.ttf': Buffer.from([0, 1, 0, 0, 0xff]), 'Doc_0/Signs/Sign_0/Seal.esl': Buffer.from([0x30, 0x82, 0xff]) } }));
    expect(where(f)).toEqual(['attachment-active @ 部件 › Doc_0/Res/run.exe', 'personal-id @ 部件 › Doc_0/Res/附表.xlsx › S › B2']);
  });

  test('a photograph in the package is checked for where and by whom it was taken', async () => {
    const photo = jpegWith([exifSegment(tiff({ le: true, ifd0: [], gps: gpsEntries(true) }))]);
    const f = await check('通知.ofd', ofd({ pages: ['通知'], parts: { 'Doc_0/Res/image_1.jpg': photo, 'Doc_0/Res/image_2.png': png(2, 2) } }));
    expect(where(f)).toEqual(['image-metadata @ 图片 › Doc_0/Res/image_1.jpg']);
  });

  test('a clean OFD passes', async () => {
    expect(await check('公告.ofd', ofd({ pages: ['国家税务总局示例省税务局公告2026年第5号', '咨询电话：12366'], info: { Title: '公告', Author: '示例省税务局' }, template: '国家税务总局示例省税务局', annotations: [{ page: 1, type: 'Stamp', text: '示例省税务局' }] }))).toEqual([]);
  });

  test.for([
    { name: 'no OFD.xml', bytes: () => zip({ 'Doc_0/Document.xml': '<a/>' }), says: /no OFD\.xml/ },
    { name: 'a document root that is missing', bytes: () => ofd({ pages: ['x'], parts: { 'OFD.xml': '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_9/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>' } }), says: /Doc_9\/Document\.xml/ },
    { name: 'a page that is missing', bytes: () => ofd({ pages: ['x'], parts: { 'Doc_0/Document.xml': '<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_7/Content.xml"/></ofd:Pages></ofd:Document>' } }), says: /page 1 of the OFD document points to Pages\/Page_7/ },
    { name: 'a DOCTYPE in a page', bytes: () => ofd({ pages: ['x'], parts: { 'Doc_0/Pages/Page_0/Content.xml': '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">&x;</ofd:Page>' } }), says: /DOCTYPE/ },
    { name: 'not a zip', bytes: () => Buffer.from('<ofd:OFD/>'), says: /not an OFD package/ },
  ])('an unreadable OFD is refused with a fix: $name', async ({ bytes, says }) => {
    const f = await check('坏.ofd', bytes());
    expect(f.map((x) => x.rule)).toEqual(['attachment-unscannable']);
    expect(f[0]!.message).toMatch(says);
    expect(f[0]!.fix).toMatch(/OFD|另存为/);
  });

  test('variants: an ID or mobile on any page, any line, is found on that page and line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.integer({ min: 1, max: 1e6 }), async (pages, line, isId, seed) => {
        const r = rng(seed);
        const secret = isId ? genId18(r) : genMobile(r);
        const texts = Array.from({ length: pages }, (_, p) => Array.from({ length: 4 }, (_, l) => (p === pages - 1 && l === line - 1 ? `联系人 ${secret}` : `第${l + 1}行 办税指南`)).join('\n'));
        const f = await check('v.ofd', ofd({ pages: texts }));
        expect(f.map((x) => [x.rule, x.location, x.line])).toEqual([[isId ? 'personal-id' : 'personal-mobile', `第${pages}页`, line]]);
      }),
      { numRuns: 25 },
    );
  });
});

describe('ZIP archives: every member read by its own reader', () => {
  test('a member\'s finding names the member and the place inside it', async () => {
    const f = await check('资料.zip', zip({ '2026/名单.xlsx': xlsx({ sheets: [{ name: 'Sheet1', cells: { A3: '王某', C3: id } }] }), '说明.txt': gbk(`联系电话 ${mobile}\n`), '通知.pdf': pdf({ pages: ['通知'] }) }));
    expect(where(f)).toEqual(['personal-id @ 2026/名单.xlsx › Sheet1 › C3', 'personal-mobile @ 说明.txt']);
    expect(f[0]!.file).toBe(`${DIR}/资料.zip`);
  });

  test('names written in GBK by Chinese Windows are read as their writer typed them', async () => {
    const bytes = zip({ 'ming.csv': gbk(`电话,${mobile}\n`) });
    // Rewrite the name as GBK bytes of the same length, without the UTF-8 flag (as Explorer's 压缩文件夹 writes it).
    const gbkName = gbk('名单');
    const patched = Buffer.from(bytes);
    for (let at = patched.indexOf('ming'); at >= 0; at = patched.indexOf('ming', at + 1)) {
      gbkName.copy(patched, at);
      const header = at >= 30 && patched.readUInt32LE(at - 30) === 0x04034b50 ? at - 30 + 6 : at - 46 + 8;
      patched.writeUInt16LE(0, header);
    }
    expect(where(await check('资料.zip', patched))).toEqual(['personal-mobile @ 名单.csv']);
  });

  test('a zip inside a zip is read too, to the nesting limit', async () => {
    const inner = zip({ '名单.xlsx': xlsx({ sheets: [{ name: 'Sheet1', cells: { B2: id } }] }) });
    expect(where(await check('资料.zip', zip({ '分局/资料.zip': inner })))).toEqual(['personal-id @ 分局/资料.zip › 名单.xlsx › Sheet1 › B2']);
    let deep = zip({ 'a.txt': 'x' });
    for (let i = 0; i < 4; i++) deep = zip({ [`第${i}层.zip`]: deep });
    const f = await check('深.zip', deep);
    expect(f.map((x) => x.rule)).toEqual(['attachment-unscannable']);
    expect(f[0]!.message).toMatch(/more than 3 levels/);
    expect(f[0]!.fix).toMatch(/^解压后分别上传/);
  });

  test.for([
    { member: '旧表.doc', bytes: Buffer.from('d0cf11e0a1b11ae1', 'hex'), fix: /旧表\.doc.*DOCX/ },
    { member: '资料/名单.et', bytes: Buffer.from('any'), fix: /资料\/名单\.et.*XLSX/ },
    { member: '内层.rar', bytes: Buffer.from('Rar!\x1a\x07\x00', 'latin1'), fix: /解压后分别上传/ },
    { member: '乱码.csv', bytes: Buffer.from([0xff, 0x00, 0x81, 0x00, 0xfe, 0x00, 0x00, 0x01]), fix: /内?乱码\.csv/ },
    { member: 'logo.svg', bytes: Buffer.from('<svg/>'), fix: /logo\.svg/ },
  ])('a member no reader can read refuses the archive, the fix naming it: $member', async ({ member, bytes, fix }) => {
    const f = await check('资料.zip', zip({ '通知.txt': '通知', [member]: bytes }));
    expect(f.length).toBe(1);
    expect(['attachment-unscannable', 'attachment-encoding']).toContain(f[0]!.rule);
    expect(f[0]!.location).toBe(member);
    expect(f[0]!.fix).toMatch(fix);
  });

  test('an XML member is read as text', async () => {
    expect(where(await check('资料.zip', zip({ '导出/data.xml': `<rows><row phone="${mobile}"/></rows>` })))).toEqual(['personal-mobile @ 导出/data.xml']);
  });

  test.for(['__MACOSX/._名单.xlsx', '.DS_Store', '资料/Thumbs.db'])('metadata an archiver adds (%s) refuses the archive, naming it', async (member) => {
    const f = await check('资料.zip', zip({ '名单.xlsx': xlsx({ sheets: [{ name: 'S', cells: { A1: '1' } }] }), [member]: Buffer.from([0, 5, 22, 7]) }));
    expect(f.map((x) => [x.rule, x.location])).toEqual([['attachment-unscannable', member]]);
    expect(f[0]!.fix).toMatch(/^解压后分别上传.*compress the files again without it/);
  });

  test('an executable member is refused as active content', async () => {
    const f = await check('工具.zip', zip({ 'setup.exe': Buffer.from('MZ') }));
    expect(where(f)).toEqual(['attachment-active @ setup.exe']);
    expect(f[0]!.fix).toMatch(/^解压后删除 setup\.exe/);
  });

  test('a clean archive passes', async () => {
    expect(await check('模板.zip', zip({ '增值税申报表.xlsx': xlsx({ sheets: [{ name: '主表', cells: { A1: '栏次', B1: '项目' } }] }), '办税指南.pdf': pdf({ pages: ['纳税服务热线：12366'] }), '说明.txt': gbk('请下载后填写。\n') }))).toEqual([]);
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
    const sarif = toSarif(f, { toolVersion: '0.0.0', informationUri: 'https://www.tax.example.gov.cn/sealpress/', rules: CHECK_RULES, lang: 'en' });
    const result = sarif.runs[0]!.results[0]!;
    expect(result.ruleId).toBe('personal-id');
    expect(result.locations[0]!.logicalLocations).toEqual([{ fullyQualifiedName: '名单.xlsx › Sheet2（隐藏） › C14', kind: 'member' }]);
    expect(result.locations[0]!.physicalLocation.region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 });
    expect(result.message.text).toMatch(/^名单\.xlsx › Sheet2（隐藏） › C14: /);
    expect(JSON.stringify(sarif)).not.toContain(id);
  });
});
