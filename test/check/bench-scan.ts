/**
 * Throughput of the check engine, single thread (the gate runs it inside its
 * worker threads, so two cores roughly halve the figure):
 *
 *   npx tsx test/check/bench-scan.ts [entries=10000] [kbytes=2]
 *
 * Entries are realistic tax-bureau Markdown of about `kbytes` KB of UTF-8
 * (headings, lists, a table, bold, links, an image, numbers, dates, amounts,
 * hotlines, document numbers), a few with planted findings. Prints the time
 * of scanText and of checkEntry (scanText + copyright, with the front matter
 * parsed here because no context is given) over all of them.
 */
import { checkEntry, compileChecks, scanText } from '../../pipeline/check/index.ts';
import { PHRASES as NOTICE_PHRASES } from '../bench/generate.ts';
import { genId18, genMobile, loadDemoConfig, rng } from './helpers.ts';

const PHRASES = [
  ...NOTICE_PHRASES,
  '根据《中华人民共和国税收征收管理法》第五十四条的规定', '全省组织税费收入1,234,567.89万元，同比增长5.6%', '依据示税发〔2026〕12号文件',
  '税务机关依法保护纳税人的商业秘密和个人信息', '咨询电话0999-12366', '截至2026年10月12日累计办理退税12.8亿元',
];

export function generateEntries(count: number, kbytes: number, seed = 7): string[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const target = kbytes * 1024;
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let body = `---\ntitle: 关于${pick(PHRASES).slice(0, 16)}的通知（${n}）\ndate: 2026-10-${String(1 + (n % 28)).padStart(2, '0')}\nauthor: 撰稿人${n % 50}\ndepartment: nsfw\nsummary: ${pick(PHRASES)}。\ndisclosure: 主动公开\n---\n\n## 一、总体要求\n\n`;
    let section = 1;
    while (Buffer.byteLength(body) < target) {
      const kind = rand();
      if (kind < 0.55) body += `${Array.from({ length: 3 }, () => pick(PHRASES)).join('，')}。\n\n`;
      else if (kind < 0.7) body += `1. ${pick(PHRASES)}；\n2. **${pick(PHRASES)}**；\n3. ${pick(PHRASES)}。\n\n`;
      else if (kind < 0.8) body += `| 项目 | 数量 | 同比 |\n| --- | --- | --- |\n| 办件量 | ${1000 + n} | +${n % 17}% |\n| 网上办理 | ${900 + n} | +${n % 13}% |\n\n`;
      else if (kind < 0.88) body += `详见[${pick(PHRASES).slice(0, 10)}](https://www.tax.example.gov.cn/art/2026/10/${n}.html "政策原文")。\n\n`;
      else if (kind < 0.93) body += `![示意图](./entry-${n}/pic.png)\n\n`;
      else body += `## ${'二三四五六七八九'[section++ % 8]}、${pick(PHRASES).slice(0, 8)}\n\n`;
    }
    // A few planted findings, as in real traffic.
    if (n % 200 === 0) body += `联系人：张先生，手机${genMobile(rand)}。\n`;
    if (n % 500 === 0) body += `<!-- 身份证号码 ${genId18(rand)} -->\n`;
    out.push(body);
  }
  return out;
}

function main(): void {
  const count = Number(process.argv[2] ?? 10_000);
  const kbytes = Number(process.argv[3] ?? 2);
  const entries = generateEntries(count, kbytes);
  const bytes = entries.reduce((s, e) => s + Buffer.byteLength(e), 0);
  const chars = entries.reduce((s, e) => s + e.length, 0);
  const options = compileChecks(loadDemoConfig());
  // Warm up the JIT on a slice, as a worker does on its first batch.
  for (const e of entries.slice(0, 300)) scanText(e, options);
  let t0 = performance.now();
  let findings = 0;
  for (const e of entries) findings += scanText(e, options).length;
  const scanMs = performance.now() - t0;
  t0 = performance.now();
  let all = 0;
  for (const e of entries) all += checkEntry(e, options).length;
  const entryMs = performance.now() - t0;
  const mb = bytes / 1024 / 1024;
  console.log(`${count} entries, ${mb.toFixed(1)} MB UTF-8 (${(chars / 1e6).toFixed(1)} M UTF-16 units), avg ${(bytes / count / 1024).toFixed(2)} KB`);
  console.log(`scanText   : ${scanMs.toFixed(0)} ms single thread (${(mb / (scanMs / 1000)).toFixed(1)} MB/s, ${((scanMs * 1000) / count).toFixed(0)} µs/entry), ${findings} findings`);
  console.log(`checkEntry : ${entryMs.toFixed(0)} ms single thread (front matter parsed here; the gate passes it in), ${all} findings`);
  console.log(`on 2 cores (gate workers): about ${(scanMs / 2).toFixed(0)} ms for scanText; target < 3000 ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
