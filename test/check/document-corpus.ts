/**
 * The labelled corpus of attachments: at least 60 generated files, half with a
 * planted trap and half realistic clean ones (申报表 templates, statistics with
 * amounts and 文号, 办税指南 with 12366 and office landlines, unified social
 * credit codes, masked IDs), in every format the gate reads. Each trap names
 * the errors it must give, as `rule @ location`; a clean file must give none.
 * `evaluateDocuments` measures precision and recall per format family (the
 * test: document-corpus.test.ts); the same files can be written out to look at
 * or to open in WPS/Office:
 *
 *     npx tsx test/check/document-corpus.ts --write <folder>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAttachment, compileChecks, type CheckFinding } from '../../pipeline/check/index.ts';
import { inlineReader, type DocumentReader } from '../../pipeline/read/index.ts';
import { deleted, docx, gbk, hiddenRun, inserted, ofd, para, pdf, pptx, textBox, utf16, xlsx, zip } from '../../pipeline/demo/documents.ts';
import { genBankCard, genId18, genMobile, genUscc, loadDemoConfig, rng, type Rand } from './helpers.ts';

export type Family = 'xlsx' | 'docx' | 'pptx' | 'pdf' | 'ofd' | 'zip' | 'text';

export interface DocumentItem {
  id: string;
  family: Family;
  /** The file name (its extension chooses the reader). */
  name: string;
  bytes: Buffer;
  /** The errors the file must give, `rule @ location` (location, or `line:column` for text). */
  expect: string[];
}

type Spec = { family: Family; name: string; build: (r: Rand) => { bytes: Buffer; expect: string[] } };

const masked = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`;

const TRAPS: Spec[] = [
  // XLSX
  { family: 'xlsx', name: '名单.xlsx', build: (r) => ({ bytes: xlsx({ sheets: [{ name: '名单', cells: { A1: '姓名', B1: '证件号码', A9: '王某', B9: genId18(r) }, hiddenCols: [2] }] }), expect: ['personal-id @ 名单 › B9（隐藏列）'] }) },
  { family: 'xlsx', name: '汇总.xlsx', build: (r) => ({ bytes: xlsx({ sheets: [{ name: '汇总', cells: { A1: '合计' } }, { name: 'Sheet2', state: 'hidden', cells: { C14: genMobile(r) } }] }), expect: ['personal-mobile @ Sheet2（隐藏） › C14'] }) },
  { family: 'xlsx', name: '台账.xlsx', build: (r) => ({ bytes: xlsx({ sheets: [{ name: '台账', cells: { A1: '户数' } }, { name: '底稿', state: 'veryHidden', cells: { D3: `身份证${genId18(r)}` } }] }), expect: ['personal-id @ 底稿（深度隐藏） › D3'] }) },
  { family: 'xlsx', name: '统计.xlsx', build: (r) => ({ bytes: xlsx({ sheets: [{ name: '统计', cells: { A1: '户数', B2: '35' }, notes: { B2: `核对：${genMobile(r)}` } }] }), expect: ['personal-mobile @ 统计 › B2 › 批注'] }) },
  { family: 'xlsx', name: '测算.xlsx', build: (r) => ({ bytes: xlsx({ sheets: [{ name: '测算', cells: { A1: '1' } }], definedNames: { 联系人: `"${genId18(r)}"` } }), expect: ['personal-id @ 定义的名称 › 联系人'] }) },
  { family: 'xlsx', name: '公式.xlsx', build: (r) => ({ bytes: xlsx({ sheets: [{ name: '表1', cells: { E7: { formula: 'VLOOKUP(A7,底册!A:C,3,0)', value: genId18(r) } } }] }), expect: ['personal-id @ 表1 › E7（公式结果）'] }) },
  { family: 'xlsx', name: '打印.xlsx', build: () => ({ bytes: xlsx({ sheets: [{ name: '打印', cells: { A1: '项目' }, header: '内部资料' }] }), expect: ['internal-marking @ 打印 › 页眉页脚'] }) },
  { family: 'xlsx', name: '退税.xlsx', build: (r) => ({ bytes: xlsx({ sheets: [{ name: '退税', cells: { A1: '户名', A5: `银行卡号：${genBankCard(r)}` }, hiddenRows: [5] }] }), expect: ['personal-bankcard @ 退税 › A5（隐藏行）'] }) },
  { family: 'xlsx', name: '宏.xlsm', build: () => ({ bytes: xlsx({ sheets: [{ name: 'Sheet1', cells: { A1: '1' } }], macro: true }), expect: ['attachment-active @ 宏（VBA） › xl/vbaProject.bin'] }) },
  // DOCX
  { family: 'docx', name: '说明.docx', build: (r) => ({ bytes: docx({ body: [para('说明'), para('联系人：王某', deleted(`，电话${genMobile(r)}`), inserted('，电话12366'))] }), expect: ['personal-mobile @ 修订（删除） › 第2段'] }) },
  { family: 'docx', name: '审核.docx', build: (r) => ({ bytes: docx({ body: [para('审核意见')], comments: [`核实身份证 ${genId18(r)}`] }), expect: ['personal-id @ 批注 › 第1条'] }) },
  { family: 'docx', name: '通知.docx', build: () => ({ bytes: docx({ body: [para('关于做好年度汇算的通知')], header: [para('内部资料')] }), expect: ['internal-marking @ 页眉 › 第1段'] }) },
  { family: 'docx', name: '方案.docx', build: () => ({ bytes: docx({ body: [para('工作方案'), para('一、目标', textBox('秘密★1年'))] }), expect: ['secret-marking @ 文本框 › 第2段'] }) },
  { family: 'docx', name: '属性.docx', build: (r) => ({ bytes: docx({ body: [para('办税指南')], core: { 'dc:creator': genId18(r) } }), expect: ['personal-id @ 属性 › 作者'] }) },
  { family: 'docx', name: '自定义.docx', build: (r) => ({ bytes: docx({ body: [para('办税指南')], custom: { 经办人电话: genMobile(r) } }), expect: ['personal-mobile @ 属性 › 自定义 › 经办人电话'] }) },
  { family: 'docx', name: '脚注.docx', build: () => ({ bytes: docx({ body: [para('正文')], footnotes: ['详见 http://oa.tax.intra/a'] }), expect: ['secret-internal-host @ 脚注 › 第1条'] }) },
  { family: 'docx', name: '隐藏.docx', build: (r) => ({ bytes: docx({ body: [para('办税指南', hiddenRun(`经办人 ${genMobile(r)}`))] }), expect: ['personal-mobile @ 隐藏文字 › 第1段'] }) },
  { family: 'docx', name: '链接.docx', build: () => ({ bytes: docx({ body: [para('见附件')], external: 'file://fs.tax.intra/共享/名单.xlsx' }), expect: ['secret-internal-host @ 外部链接 › hyperlink'] }) },
  { family: 'docx', name: '嵌入.docx', build: (r) => ({ bytes: docx({ body: [para('见附表')], parts: { 'word/embeddings/附表.xlsx': xlsx({ sheets: [{ name: 'Sheet1', cells: { B2: genId18(r) } }] }) } }), expect: ['personal-id @ 嵌入对象 › 附表.xlsx › Sheet1 › B2'] }) },
  { family: 'docx', name: '宏.docm', build: () => ({ bytes: docx({ body: [para('正文')], macro: true }), expect: ['attachment-active @ 宏（VBA） › word/vbaProject.bin'] }) },
  // PPTX
  { family: 'pptx', name: '培训.pptx', build: (r) => ({ bytes: pptx([{ text: ['培训'] }, { text: [`讲师 ${genMobile(r)}`], hidden: true }]), expect: ['personal-mobile @ 第2张幻灯片（隐藏）'] }) },
  { family: 'pptx', name: '汇报.pptx', build: () => ({ bytes: pptx([{ text: ['工作汇报'], notes: '内部资料 注意保存' }]), expect: ['internal-marking @ 第1张幻灯片 › 备注', 'internal-marking @ 第1张幻灯片 › 备注'] }) },
  { family: 'pptx', name: '部署.pptx', build: () => ({ bytes: pptx([{ text: ['机密★5年', '工作部署'] }]), expect: ['secret-marking @ 第1张幻灯片'] }) },
  // PDF
  { family: 'pdf', name: '公告.pdf', build: (r) => ({ bytes: pdf({ pages: ['欠税公告', `纳税人 王某\n身份证号码 ${genId18(r)}`] }), expect: ['personal-id @ 第2页'] }) },
  { family: 'pdf', name: '元数据.pdf', build: (r) => ({ bytes: pdf({ pages: ['通知'], info: { Author: genId18(r) } }), expect: ['personal-id @ 属性 › 作者'] }) },
  { family: 'pdf', name: 'XMP.pdf', build: (r) => ({ bytes: pdf({ pages: ['通知'], xmp: `<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">${genMobile(r)}</dc:creator></x:xmpmeta>` }), expect: ['personal-mobile @ 属性 › XMP'] }) },
  { family: 'pdf', name: '附件.pdf', build: (r) => ({ bytes: pdf({ pages: ['通知'], attachments: { '名单.csv': Buffer.from(`序号,电话\n1,${genMobile(r)}\n`) } }), expect: ['personal-mobile @ 附件 › 名单.csv'] }) },
  { family: 'pdf', name: '脚本.pdf', build: () => ({ bytes: pdf({ pages: ['通知'], openActionJs: 'app.launchURL("http://example.com")' }), expect: ['attachment-active @ 动作', 'attachment-active @ 文档脚本'] }) },
  { family: 'pdf', name: '遮盖.pdf', build: (r) => ({ bytes: pdf({ pages: [`纳税人 王某 ${genId18(r)}`], blackBox: true }), expect: ['personal-id @ 第1页', 'attachment-redaction @ 第1页（被遮盖）'] }) },
  { family: 'pdf', name: '批注.pdf', build: (r) => ({ bytes: pdf({ pages: ['申请表'], note: `已联系 ${genMobile(r)}` }), expect: ['personal-mobile @ 第1页 › 注释（Text）'] }) },
  { family: 'pdf', name: '表单.pdf', build: (r) => ({ bytes: pdf({ pages: ['申请表'], field: { name: '证件号码', value: genId18(r) } }), expect: ['personal-id @ 表单域 › 证件号码', 'personal-id @ 第1页 › 注释（Widget）'] }) },
  { family: 'pdf', name: '标注遮盖.pdf', build: (r) => ({ bytes: pdf({ pages: [`纳税人 王某 ${genId18(r)}`], coverAnnotation: { subtype: 'Square' } }), expect: ['personal-id @ 第1页', 'attachment-redaction @ 第1页（被注释遮盖）'] }) },
  { family: 'pdf', name: '白字.pdf', build: (r) => ({ bytes: pdf({ pages: [`经办人手机 ${genMobile(r)}`], textGrey: 1 }), expect: ['personal-mobile @ 第1页', 'attachment-redaction @ 第1页（白色文字）'] }) },
  // OFD
  { family: 'ofd', name: '欠税公告.ofd', build: (r) => ({ bytes: ofd({ pages: ['欠税公告', `纳税人 王某\n身份证号码 ${genId18(r)}`] }), expect: ['personal-id @ 第2页'] }) },
  { family: 'ofd', name: '作者.ofd', build: (r) => ({ bytes: ofd({ pages: ['通知'], info: { Title: '通知', Author: genId18(r) } }), expect: ['personal-id @ 属性 › 作者'] }) },
  { family: 'ofd', name: '自定义.ofd', build: (r) => ({ bytes: ofd({ pages: ['通知'], custom: { 联系电话: genMobile(r) } }), expect: ['personal-mobile @ 属性 › 自定义 › 联系电话'] }) },
  { family: 'ofd', name: '版头.ofd', build: () => ({ bytes: ofd({ pages: ['关于做好年度汇算的通知'], template: '内部资料 注意保存' }), expect: ['internal-marking @ 模板页（版头）', 'internal-marking @ 模板页（版头）'] }) },
  { family: 'ofd', name: '签批.ofd', build: (r) => ({ bytes: ofd({ pages: ['申请表'], annotations: [{ page: 1, type: 'Stamp', remark: `已核对 ${genId18(r)}` }] }), expect: ['personal-id @ 第1页 › 注释（Stamp）'] }) },
  { family: 'ofd', name: '遮盖.ofd', build: (r) => ({ bytes: ofd({ pages: [`纳税人 王某 ${genMobile(r)}`], blackBox: true }), expect: ['personal-mobile @ 第1页', 'attachment-redaction @ 第1页（被遮盖）'] }) },
  { family: 'ofd', name: '附件.ofd', build: (r) => ({ bytes: ofd({ pages: ['通知'], attachments: { '名单.xlsx': xlsx({ sheets: [{ name: 'Sheet1', cells: { C3: genId18(r) } }] }) } }), expect: ['personal-id @ 附件 › 名单.xlsx › Sheet1 › C3'] }) },
  { family: 'ofd', name: '隐形.ofd', build: () => ({ bytes: ofd({ pages: ['工作方案'], invisible: '秘密★1年' }), expect: ['secret-marking @ 第1页 › 隐藏文字'] }) },
  // ZIP archives
  { family: 'zip', name: '资料.zip', build: (r) => ({ bytes: zip({ '名单.xlsx': xlsx({ sheets: [{ name: 'Sheet1', cells: { A3: '王某', C3: genId18(r) } }] }) }), expect: ['personal-id @ 名单.xlsx › Sheet1 › C3'] }) },
  { family: 'zip', name: '申报资料.zip', build: (r) => ({ bytes: zip({ '表格/登记.xlsx': xlsx({ sheets: [{ name: '名单', cells: { A1: '姓名' } }, { name: '底稿', state: 'hidden', cells: { B2: genMobile(r) } }] }), '说明.pdf': pdf({ pages: ['填报说明'] }) }), expect: ['personal-mobile @ 表格/登记.xlsx › 底稿（隐藏） › B2'] }) },
  { family: 'zip', name: '修订稿.zip', build: (r) => ({ bytes: zip({ '通知.docx': docx({ body: [para('联系人：王某', deleted(`，电话${genMobile(r)}`))] }) }), expect: ['personal-mobile @ 通知.docx › 修订（删除） › 第1段'] }) },
  { family: 'zip', name: '名单包.zip', build: (r) => ({ bytes: zip({ '名单.csv': gbk(`序号,姓名,证件号码\n1,王某,${genId18(r)}\n`) }), expect: ['personal-id @ 名单.csv'] }) },
  { family: 'zip', name: '旧表.zip', build: () => ({ bytes: zip({ '说明.txt': gbk('见附表\n'), '附表.xls': Buffer.from('d0cf11e0a1b11ae1', 'hex') }), expect: ['attachment-unscannable @ 附表.xls'] }) },
  { family: 'zip', name: '套娃.zip', build: (r) => ({ bytes: zip({ '分局/资料.zip': zip({ '公告.pdf': pdf({ pages: [`身份证号码 ${genId18(r)}`] }) }) }), expect: ['personal-id @ 分局/资料.zip › 公告.pdf › 第1页'] }) },
  { family: 'zip', name: '公文.zip', build: () => ({ bytes: zip({ '通知.ofd': ofd({ pages: ['关于开展检查的通知'], template: '秘密★1年' }) }), expect: ['secret-marking @ 通知.ofd › 模板页（版头）'] }) },
  // GB18030/GBK and UTF-16 text
  { family: 'text', name: '名单.csv', build: (r) => ({ bytes: gbk(`序号,姓名,证件号码\n1,王某,${genId18(r)}\n`), expect: ['personal-id @ 2:6'] }) },
  { family: 'text', name: '联系.txt', build: (r) => ({ bytes: utf16(`联系人：王某\n电话：${genMobile(r)}\n`), expect: ['personal-mobile @ 2:4'] }) },
  { family: 'text', name: '通知.txt', build: () => ({ bytes: gbk('内部资料\n关于……的通知\n'), expect: ['internal-marking @ 1:1'] }) },
  { family: 'text', name: '退税.csv', build: (r) => ({ bytes: gbk(`户名,银行卡号\n王某,${genBankCard(r)}\n`), expect: ['personal-bankcard @ 2:4'] }) },
  { family: 'text', name: '机密.txt', build: () => ({ bytes: utf16('机密★5年\n正文', false), expect: ['secret-marking @ 1:1'] }) },
];

const CLEAN: Spec[] = [
  { family: 'xlsx', name: '增值税申报表.xlsx', build: () => ({ bytes: xlsx({ sheets: [{ name: '主表', cells: { A1: '栏次', B1: '项目', C1: '本月数', A2: '1', B2: '按适用税率计税销售额', A3: '2', B3: '其中：应税货物销售额', C3: { formula: 'C2-C4', value: '0' } } }], core: { 'dc:title': '增值税及附加税费申报表', 'dc:creator': '示例省税务局' } }), expect: [] }) },
  { family: 'xlsx', name: '个税申报表.xlsx', build: () => ({ bytes: xlsx({ sheets: [{ name: '申报表', cells: { A1: '序号', B1: '姓名', C1: '身份证件类型', D1: '身份证件号码', E1: '收入额', A2: '1', B2: '（填写）', C2: '居民身份证', D2: '（填写18位号码）' } }] }), expect: [] }) },
  { family: 'xlsx', name: '税收收入.xlsx', build: (r) => ({ bytes: xlsx({ sheets: [{ name: '2026年', cells: { A1: '示税发〔2026〕12号', A2: '税种', B2: '金额（万元）', A3: '增值税', B3: String(Math.round(r() * 1e8) / 100), A4: '企业所得税', B4: String(Math.round(r() * 1e8) / 100) } }] }), expect: [] }) },
  { family: 'xlsx', name: '纳税信用A级.xlsx', build: (r) => ({ bytes: xlsx({ sheets: [{ name: 'A级纳税人', cells: { A1: '纳税人名称', B1: '统一社会信用代码', A2: '示例科技有限公司', B2: genUscc(r), A3: '示例商贸有限公司', B3: genUscc(r) } }] }), expect: [] }) },
  { family: 'xlsx', name: '欠税公告表.xlsx', build: (r) => ({ bytes: xlsx({ sheets: [{ name: '公告', cells: { A1: '纳税人名称', B1: '负责人', C1: '证件号码', A2: '示例餐饮店', B2: '王某', C2: masked(genId18(r)) } }] }), expect: [] }) },
  { family: 'xlsx', name: '办税厅地址.xlsx', build: () => ({ bytes: xlsx({ sheets: [{ name: '地址', cells: { A1: '办税服务厅', B1: '电话', A2: '青山区办税服务厅', B2: '0999-12366', A3: '纳税服务热线', B3: '12366' } }] }), expect: [] }) },
  { family: 'xlsx', name: '统计月报.xlsx', build: (r) => ({ bytes: xlsx({ sheets: [{ name: '月报', cells: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`B${i + 2}`, String(Math.round(r() * 1e7))])) }] }), expect: [] }) },
  { family: 'xlsx', name: '发票统计.xlsx', build: () => ({ bytes: xlsx({ sheets: [{ name: '发票', cells: { A1: '发票号码', A2: '24442000000012345678', B1: '金额', B2: '1,234,567.89' } }] }), expect: [] }) },
  { family: 'docx', name: '办税指南.docx', build: () => ({ bytes: docx({ body: [para('个人所得税综合所得汇算办税指南'), para('咨询电话：12366'), para('办税服务厅：0999-12366'), para('示例：身份证号码 1101**********002X，手机 138****5678')], core: { 'dc:creator': '纳税服务科', 'dc:title': '办税指南' } }), expect: [] }) },
  { family: 'docx', name: '政策解读.docx', build: () => ({ bytes: docx({ body: [para('关于《示例省税务局关于优化纳税服务的通知》的解读'), para('依法保护纳税人的商业秘密和个人隐私。'), para('保守国家秘密是公民的义务。')] }), expect: [] }) },
  { family: 'docx', name: '通知正文.docx', build: () => ({ bytes: docx({ body: [para('示税发〔2026〕15号'), para('各区县税务局：'), para('现将有关事项通知如下。')], header: [para('国家税务总局示例省税务局')], footer: [para('第 1 页')] }), expect: [] }) },
  { family: 'docx', name: '征求意见.docx', build: () => ({ bytes: docx({ body: [para('关于《示例省办税服务厅服务规范（征求意见稿）》公开征求意见的通知')] }), expect: [] }) },
  { family: 'docx', name: '申请表.docx', build: () => ({ bytes: docx({ body: [para('纳税人名称：________'), para('统一社会信用代码：________'), para('联系电话：________')] }), expect: [] }) },
  { family: 'docx', name: '信用代码.docx', build: (r) => ({ bytes: docx({ body: [para(`统一社会信用代码：${genUscc(r)}`), para('开户行行号：102100099996')] }), expect: [] }) },
  { family: 'pptx', name: '培训课件.pptx', build: () => ({ bytes: pptx([{ text: ['个人所得税汇算', '咨询 12366'] }, { text: ['办税服务厅 0999-12366'], notes: '讲解约10分钟' }]), expect: [] }) },
  { family: 'pptx', name: '宣传.pptx', build: () => ({ bytes: pptx([{ text: ['税收宣传月', '依法纳税 共建共享'] }]), expect: [] }) },
  { family: 'pptx', name: '数据.pptx', build: (r) => ({ bytes: pptx([{ text: [`全年组织税费收入 ${Math.round(r() * 1e6)} 万元`, '同比增长 5.2%'] }]), expect: [] }) },
  { family: 'pdf', name: '办税指南.pdf', build: () => ({ bytes: pdf({ pages: ['办税指南\n纳税服务热线：12366\n办税服务厅电话：0999-12366', '身份证号码：110105********002X'], info: { Title: '办税指南', Author: '示例省税务局纳税服务科' } }), expect: [] }) },
  { family: 'pdf', name: '政策文件.pdf', build: () => ({ bytes: pdf({ pages: ['示税发〔2026〕12号\n关于调整办税服务厅开放时间的公告', '特此公告。'] }), expect: [] }) },
  { family: 'pdf', name: '统计公报.pdf', build: (r) => ({ bytes: pdf({ pages: [`2026年全省税收收入 ${Math.round(r() * 1e8)} 万元\n同比增长 4.8%`] }), expect: [] }) },
  { family: 'pdf', name: '横幅.pdf', build: () => ({ bytes: pdf({ pages: ['办税服务厅开放时间'], darkBackground: true }), expect: [] }) },
  { family: 'pdf', name: '信用名单.pdf', build: (r) => ({ bytes: pdf({ pages: [`示例科技有限公司 ${genUscc(r)}\n示例商贸有限公司 ${genUscc(r)}`] }), expect: [] }) },
  { family: 'pdf', name: '申报表模板.pdf', build: () => ({ bytes: pdf({ pages: ['增值税及附加税费申报表\n纳税人识别号：__________'], field: { name: '纳税人名称', value: '' } }), expect: [] }) },
  { family: 'pdf', name: '保密法.pdf', build: () => ({ bytes: pdf({ pages: ['《中华人民共和国保守国家秘密法》第二十八条\n依法保护纳税人的商业秘密'] }), expect: [] }) },
  { family: 'ofd', name: '公告.ofd', build: () => ({ bytes: ofd({ pages: ['国家税务总局示例省税务局公告2026年第5号\n关于落实小规模纳税人增值税减免政策有关征管事项的公告', '咨询电话：12366\n国家税务总局示例省税务局'], info: { Title: '公告', Author: '示例省税务局' }, template: '国家税务总局示例省税务局', annotations: [{ page: 2, type: 'Stamp', text: '示例省税务局' }] }), expect: [] }) },
  {
    family: 'ofd',
    name: '电子发票.ofd',
    build: (r) => {
      const buyer = genUscc(r);
      const xml = `<?xml version="1.0" encoding="UTF-8"?><EInvoice><Buyer><Name>示例科技有限公司</Name><IdNum>${buyer}</IdNum></Buyer><TotalTax-includedAmount>1234.00</TotalTax-includedAmount></EInvoice>`;
      return { bytes: ofd({ pages: [`电子发票（普通发票）\n购买方：示例科技有限公司\n统一社会信用代码/纳税人识别号：${buyer}\n价税合计：1,234.00`], info: { Title: '电子发票' }, attachments: { 'original_invoice.xml': Buffer.from(xml) } }), expect: [] };
    },
  },
  { family: 'ofd', name: '办税指南.ofd', build: () => ({ bytes: ofd({ pages: ['办税指南\n纳税服务热线：12366\n办税服务厅电话：0999-12366', '身份证号码：110105********002X'], custom: { 发文机关: '示例省税务局' } }), expect: [] }) },
  { family: 'ofd', name: '保密法.ofd', build: () => ({ bytes: ofd({ pages: ['《中华人民共和国保守国家秘密法》\n依法保护纳税人的商业秘密'] }), expect: [] }) },
  { family: 'ofd', name: '附表.ofd', build: (r) => ({ bytes: ofd({ pages: ['见附表'], attachments: { '统计.xlsx': xlsx({ sheets: [{ name: '月报', cells: { A1: '增值税', B1: String(Math.round(r() * 1e7)) } }] }) } }), expect: [] }) },
  { family: 'zip', name: '申报表模板.zip', build: () => ({ bytes: zip({ '增值税申报表.xlsx': xlsx({ sheets: [{ name: '主表', cells: { A1: '栏次', B1: '项目', A2: '1', B2: '销售额' } }] }), '填表说明.pdf': pdf({ pages: ['填表说明\n咨询电话：12366'] }) }), expect: [] }) },
  { family: 'zip', name: '统计资料.zip', build: (r) => ({ bytes: zip({ '月报.csv': gbk(`税种,金额\n增值税,${Math.round(r() * 1e8) / 100}\n`), '说明.txt': utf16('单位：万元\n') }), expect: [] }) },
  { family: 'zip', name: '信用名单.zip', build: (r) => ({ bytes: zip({ 'A级纳税人.xlsx': xlsx({ sheets: [{ name: 'A级', cells: { A1: '纳税人名称', B1: '统一社会信用代码', A2: '示例商贸有限公司', B2: genUscc(r) } }] }) }), expect: [] }) },
  { family: 'zip', name: '公文包.zip', build: () => ({ bytes: zip({ '通知.ofd': ofd({ pages: ['示税发〔2026〕15号\n各区县税务局：'] }), '解读.docx': docx({ body: [para('政策解读')] }) }), expect: [] }) },
  { family: 'zip', name: '脱敏.zip', build: (r) => ({ bytes: zip({ '公示.csv': gbk(`姓名,证件号码\n王某,${masked(genId18(r))}\n`) }), expect: [] }) },
  { family: 'text', name: '栏次说明.csv', build: () => ({ bytes: gbk('栏次,项目名称,填报说明\n1,收入合计,第2栏+第3栏\n'), expect: [] }) },
  { family: 'text', name: '热线.txt', build: () => ({ bytes: gbk('纳税服务热线：12366\n办税服务厅：0999-12366\n'), expect: [] }) },
  { family: 'text', name: '金额.csv', build: (r) => ({ bytes: utf16(`税种,金额\n增值税,${Math.round(r() * 1e8) / 100}\n`), expect: [] }) },
  { family: 'text', name: '信用代码.csv', build: (r) => ({ bytes: gbk(`名称,统一社会信用代码\n示例公司,${genUscc(r)}\n`), expect: [] }) },
  { family: 'text', name: '脱敏名单.csv', build: (r) => ({ bytes: gbk(`姓名,证件号码,手机\n王某,${masked(genId18(r))},138****5678\n`), expect: [] }) },
  { family: 'text', name: '说明.txt', build: () => ({ bytes: utf16('请纳税人注意保存好完税凭证。\n', false), expect: [] }) },
];

export function documentCorpus(seed = 12): DocumentItem[] {
  return [...TRAPS, ...CLEAN].map((spec, i) => {
    const id = `${i < TRAPS.length ? 'trap' : 'clean'}-${String(i + 1).padStart(2, '0')}-${spec.name}`;
    return { id, family: spec.family, name: spec.name, ...spec.build(rng(seed * 1000 + i)) };
  });
}

export interface FamilyStats {
  family: Family;
  files: number;
  traps: number;
  trapsCaught: number;
  cleanPassed: number;
  clean: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface DocumentReport {
  results: { item: DocumentItem; found: string[]; missing: string[]; extra: string[] }[];
  families: FamilyStats[];
}

const key = (f: CheckFinding) => `${f.rule} @ ${f.location ?? `${f.line}:${f.column}`}`;

/** Check every file of the corpus and count, per family, what was expected and what was found (errors only). */
export async function evaluateDocuments(items = documentCorpus(), reader: DocumentReader = inlineReader()): Promise<DocumentReport> {
  const options = compileChecks(loadDemoConfig());
  const results: DocumentReport['results'] = [];
  for (const item of items) {
    const findings = await checkAttachment(`content/19900000000/xzzx/corpus/${item.name}`, item.bytes, options, { column: 'xzzx', reader });
    const found = findings.filter((f) => f.severity === 'error').map(key);
    const rest = [...found];
    const missing: string[] = [];
    for (const e of item.expect) {
      const at = rest.indexOf(e);
      if (at >= 0) rest.splice(at, 1);
      else missing.push(e);
    }
    results.push({ item, found, missing, extra: rest });
  }
  const families = (['xlsx', 'docx', 'pptx', 'pdf', 'ofd', 'zip', 'text'] as const).map((family): FamilyStats => {
    const rs = results.filter((r) => r.item.family === family);
    const traps = rs.filter((r) => r.item.expect.length > 0);
    const tp = rs.reduce((n, r) => n + r.item.expect.length - r.missing.length, 0);
    const fp = rs.reduce((n, r) => n + r.extra.length, 0);
    const fn = rs.reduce((n, r) => n + r.missing.length, 0);
    return {
      family,
      files: rs.length,
      traps: traps.length,
      trapsCaught: traps.filter((r) => r.missing.length === 0).length,
      clean: rs.length - traps.length,
      cleanPassed: rs.filter((r) => r.item.expect.length === 0 && r.found.length === 0).length,
      tp,
      fp,
      fn,
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    };
  });
  return { results, families };
}

export function formatFamilyTable(report: DocumentReport): string {
  const rows = report.families.map((f) => `| ${f.family} | ${f.files} | ${f.trapsCaught}/${f.traps} | ${f.cleanPassed}/${f.clean} | ${f.tp} | ${f.fp} | ${f.fn} | ${f.precision.toFixed(3)} | ${f.recall.toFixed(3)} |`);
  const wrong = report.results.filter((r) => r.missing.length || r.extra.length).map((r) => `- ${r.item.id}: missing ${JSON.stringify(r.missing)}, extra ${JSON.stringify(r.extra)}`);
  return ['| family | files | traps caught | clean passed | TP | FP | FN | precision | recall |', '|---|---|---|---|---|---|---|---|---|', ...rows, ...wrong].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const at = process.argv.indexOf('--write');
  const items = documentCorpus();
  if (at >= 0 && process.argv[at + 1]) {
    const dir = process.argv[at + 1]!;
    for (const item of items) {
      mkdirSync(join(dir, item.family), { recursive: true });
      writeFileSync(join(dir, item.family, `${item.id}`), item.bytes);
    }
    writeFileSync(join(dir, 'labels.json'), `${JSON.stringify(items.map(({ bytes: _b, ...rest }) => rest), null, 2)}\n`);
    console.log(`${items.length} files written to ${dir}`);
  }
  console.log(formatFamilyTable(await evaluateDocuments(items)));
}
