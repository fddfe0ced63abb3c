/**
 * The attachments of the benchmark (issue 12's speed target): a site group
 * whose 下载中心 and 政策文件 entries attach 1,000 documents totalling over
 * 300 MB, in the mix a tax bureau publishes: multi-page PDF notices (a quarter
 * of them scanned, a picture under each page's text), XLSX lists and
 * statistics, DOCX notices with pictures, GB18030/UTF-16 CSV and TXT exports,
 * and photographs. Every file is built by the real generators
 * (pipeline/demo/documents.ts), deterministically for a seed; no binary of
 * unknown origin.
 *
 * About one file in forty is a trap planted where a reader must go to the end
 * to find it (the last row of a hidden sheet, a tracked deletion in the last
 * paragraph, the last page under a black box, a photograph's GPS), so the
 * checks do their real work; the entries holding them are refused, the others
 * are approved by the bench.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { deleted, docx, gbk, para, pdf, utf16, xlsx, type GreyImage } from '../../pipeline/demo/documents.ts';
import { exifSegment, gpsEntries, jpegWith, pngChunk, tiff } from '../check/images.ts';

/** Made-up numbers with valid check digits, planted as a careless writer would leave them. */
const PLANTED_ID = '11010519491231002X';
const PLANTED_MOBILE = '13698765432';

const PHRASES = [
  '为深入贯彻落实党中央、国务院关于优化营商环境的决策部署', '进一步便利纳税人缴费人办理涉税事项', '增值税小规模纳税人月销售额未超过10万元的免征增值税',
  '纳税人可通过电子税务局、自助办税终端等渠道办理', '确保各项税费优惠政策直达快享', '个人所得税综合所得汇算清缴', '研发费用加计扣除政策',
  '数电发票全面推广应用', '如有疑问请拨打纳税服务热线12366咨询', '本公告自发布之日起施行', '持续开展“便民办税春风行动”', '依法依规做好税费征管工作',
];
const TAXES = ['增值税', '企业所得税', '个人所得税', '城市维护建设税', '印花税', '房产税', '城镇土地使用税', '契税', '车船税', '环境保护税'];
const SURNAMES = ['赵', '钱', '孙', '李', '周', '吴', '郑', '王', '冯', '陈', '褚', '卫'];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Noise a scanner or camera leaves: incompressible bytes, deterministic for a seed (xorshift32). */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  const words = new Uint32Array(out.buffer, 0, length >> 2);
  let x = seed | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return out;
}

/** A greyscale PNG of noise (a photograph's worth of entropy), optionally with a tEXt Author chunk. */
function photoPng(width: number, height: number, seed: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const pixels = noise(width * height, seed);
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw, { level: 1 })), pngChunk('IEND', new Uint8Array())]);
}

export interface GeneratedAttachments {
  files: number;
  bytes: number;
  /** Files by kind: count and bytes. */
  kinds: Record<string, { files: number; bytes: number }>;
  /** Planted traps (their entries are refused). */
  traps: number;
}

type Kind = 'pdf' | 'xlsx' | 'docx' | 'csv' | 'txt' | 'png' | 'jpg';

/**
 * Write `entries` entries under `sites`, each attaching `perEntry` files, into
 * a group generateGroup has written. Returns what it wrote.
 */
export function generateAttachments(root: string, options: { sites: readonly string[]; entries: number; perEntry: number; seed?: number }): GeneratedAttachments {
  const rand = rng(options.seed ?? 12);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const sentence = () => Array.from({ length: 3 }, () => pick(PHRASES)).join('，') + '。';
  const result: GeneratedAttachments = { files: 0, bytes: 0, kinds: {}, traps: 0 };
  const write = (path: string, bytes: Uint8Array | string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  };
  // The mix of a download centre, by count: PDF 30%, XLSX 24%, DOCX 18%, CSV 10%, TXT 4%, pictures 14% (PNG 11%, JPEG 3%).
  const MIX: [Kind, number][] = [['pdf', 30], ['xlsx', 24], ['docx', 18], ['csv', 10], ['txt', 4], ['png', 11], ['jpg', 3]];
  const kindAt = (r: number): Kind => {
    let acc = 0;
    for (const [k, w] of MIX) if (r < (acc += w) / 100) return k;
    return 'pdf';
  };
  let n = 0;
  for (let e = 0; e < options.entries; e++) {
    const site = options.sites[e % options.sites.length]!;
    const column = e % 3 === 0 ? 'zcwj' : 'xzzx';
    const slug = `attach-${String(e).padStart(5, '0')}`;
    const refs: string[] = [];
    for (let a = 0; a < options.perEntry; a++, n++) {
      const kind = kindAt(rand());
      // One file in forty hides a trap at its far end.
      const trap = n % 40 === 17;
      const name = `${String(a + 1).padStart(2, '0')}-${kind}-${n}.${kind}`;
      const bytes = build(kind, trap, n);
      write(`content/${site}/${column}/${slug}/${name}`, bytes);
      refs.push(`  - { src: ./${slug}/${name}, title: 附件${a + 1} }`);
      result.files++;
      result.bytes += bytes.length;
      const k = (result.kinds[kind] ??= { files: 0, bytes: 0 });
      k.files++;
      k.bytes += bytes.length;
      if (trap) result.traps++;
    }
    const month = 1 + (e % 10);
    const day = 1 + (e % 28);
    write(
      `content/${site}/${column}/${slug}.md`,
      `---\ntitle: 关于发布${pick(TAXES)}申报资料的通知（${e}）\ndate: 2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}\nauthor: 撰稿人${e % 20}\ndepartment: ${e % 2 ? 'bgs' : 'nsfw'}\nsummary: ${pick(PHRASES)}。\ndisclosure: 主动公开\nattachments:\n${refs.join('\n')}\n---\n\n${sentence()}\n\n${sentence()}\n`,
    );
  }
  return result;

  function build(kind: Kind, trap: boolean, seed: number): Uint8Array {
    switch (kind) {
      case 'pdf': {
        // Notices of 2-40 pages; one in four scanned (a picture under every page, as OCR software writes it).
        const scanned = rand() < 0.25;
        const pages = Array.from({ length: scanned ? between(2, 6) : between(2, 40) }, () => Array.from({ length: between(20, 34) }, () => pick(PHRASES)).join('\n'));
        const input: Parameters<typeof pdf>[0] = { info: { Title: `${pick(TAXES)}政策解读`, Author: '国家税务总局示例省税务局' }, pages };
        if (scanned) input.scans = pages.map((_, p) => ({ width: 620, height: 877, pixels: noise(620 * 877, seed * 97 + p) }) satisfies GreyImage);
        if (trap) {
          // The last page's first line, an ID number, under a black box that hides nothing.
          pages[pages.length - 1] = `身份证号${PLANTED_ID}\n${pages[pages.length - 1]}`;
          input.blackBox = true;
        }
        return pdf(input);
      }
      case 'xlsx': {
        // Lists and statistics: 100-6,000 rows of eight columns, one workbook in thirty a large one.
        const rows = rand() < 1 / 30 ? between(30_000, 45_000) : between(100, 6_000);
        const cells: Record<string, string> = { A1: '序号', B1: '纳税人名称', C1: '税种', D1: '所属期', E1: '计税依据', F1: '税额', G1: '联系人', H1: '备注' };
        for (let r = 2; r <= rows; r++) {
          cells[`A${r}`] = String(r - 1);
          cells[`B${r}`] = `示例${pick(SURNAMES)}${pick(['商贸', '科技', '建材', '餐饮', '物流'])}有限公司第${r}分公司`;
          cells[`C${r}`] = pick(TAXES);
          cells[`D${r}`] = `2026年${1 + (r % 12)}月`;
          cells[`E${r}`] = String(between(1000, 9_999_999));
          cells[`F${r}`] = String(between(10, 999_999));
          cells[`G${r}`] = `${pick(SURNAMES)}某`;
          cells[`H${r}`] = pick(PHRASES);
        }
        const sheets: Parameters<typeof xlsx>[0]['sheets'] = [{ name: '清单', cells }];
        // The trap: a hidden sheet whose last row keeps an ID number.
        if (trap) sheets.push({ name: '底稿', state: 'hidden', cells: { A1: '姓名', B1: '证件号码', [`A${rows}`]: '赵某', [`B${rows}`]: PLANTED_ID } });
        return xlsx({ sheets, core: { 'dc:title': `${pick(TAXES)}统计表`, 'dc:creator': '国家税务总局示例省税务局' } });
      }
      case 'docx': {
        // Notices of 10-300 paragraphs with 0-3 pictures (a chart, a photograph of the hall).
        const body = Array.from({ length: between(10, 300) }, () => para(sentence()));
        if (trap) body.push(para('联系人：办公室孙某', deleted(`，手机${PLANTED_MOBILE}`)));
        const parts: Record<string, Uint8Array> = {};
        for (let i = 0, pictures = between(0, 3); i < pictures; i++) parts[`word/media/image${i + 1}.png`] = photoPng(between(300, 700), between(300, 600), seed * 31 + i);
        return docx({ body, parts, core: { 'dc:title': `关于${pick(PHRASES).slice(0, 12)}的通知`, 'dc:creator': '国家税务总局示例省税务局' } });
      }
      case 'csv': {
        // Exports from Excel on Chinese Windows: GB18030 (GBK), 500-15,000 rows.
        const rows = Array.from({ length: between(500, 15_000) }, (_, r) => `${r + 1},示例${pick(SURNAMES)}${pick(['商贸', '科技'])}有限公司,${pick(TAXES)},${between(1000, 9_999_999)},${pick(SURNAMES)}某`);
        if (trap) rows.push(`${rows.length + 1},示例个体户,个人所得税,1000,赵某 ${PLANTED_ID}`);
        return gbk(`序号,纳税人名称,税种,计税依据,联系人\n${rows.join('\n')}\n`);
      }
      case 'txt': {
        // Plain-text notices from Notepad: UTF-16 with a BOM, or GB18030.
        const text = Array.from({ length: between(50, 2_000) }, () => sentence()).join('\n') + (trap ? `\n联系电话：${PLANTED_MOBILE}\n` : '\n');
        return rand() < 0.5 ? utf16(text) : gbk(text);
      }
      case 'png':
        return photoPng(between(400, 1_100), between(300, 800), seed);
      case 'jpg':
        // A small JPEG from a phone; the trap keeps where it was taken (EXIF GPS).
        return jpegWith(trap ? [exifSegment(tiff({ le: true, ifd0: [], gps: gpsEntries(true) }))] : []);
    }
  }
}
