/**
 * The publication results as a person reads them, line by line: a release
 * (publish, rollback), each mirror, a verification. The commands print these;
 * the JSON a program reads is the result itself.
 */
import type { Lang } from '../messages/text.ts';
import type { TransferCounts } from '../mirror/index.ts';
import { rebuiltLine } from '../build/build.ts';
import type { MirrorOutcome } from './mirrors.ts';
import type { PublishSummary } from './publish.ts';
import type { RollbackSummary } from './rollback.ts';
import type { VerifyReport } from './verify.ts';

/** How a deploy wrote its files: `12 copied, 22,231 hard-linked` (links from the release the mirror served before). */
export function transferText(t: TransferCounts, lang: Lang = 'en'): string {
  const zh = lang === 'zh';
  const parts = [zh ? `复制 ${t.copied} 个` : `${t.copied} copied`];
  if (t.reflinked > 0) parts.push(zh ? `引用复制 ${t.reflinked} 个` : `${t.reflinked} reflinked`);
  if (t.hardlinked > 0) parts.push(zh ? `硬链接 ${t.hardlinked} 个` : `${t.hardlinked} hard-linked`);
  if ((t.kept ?? 0) > 0) parts.push(zh ? `沿用旧文件树中 ${t.kept} 个` : `${t.kept} kept in a recycled older tree`);
  if ((t.refused ?? 0) > 0) parts.push(zh ? `上一版本中拒用 ${t.refused} 个（已被改动或损坏）` : `${t.refused} refused in the previous tree (altered or damaged there)`);
  return parts.join(zh ? '，' : ', ');
}

/** One line per mirror of a publish or rollback. */
export function mirrorLines(mirrors: readonly MirrorOutcome[], lang: Lang = 'en'): string[] {
  if (lang === 'zh') {
    return mirrors.map((m) => {
      const how = m.ok && m.transfer ? `（文件：${transferText(m.transfer, lang)}）` : '';
      return `镜像 ${m.target}：${!m.ok ? `失败：${m.error}` : m.verified ? `已部署并通过核验${how}` : `已部署${how}（rsync 目标无法在此核验：请对其网址运行 sealpress verify）`}`;
    });
  }
  return mirrors.map((m) => {
    const how = m.ok && m.transfer ? ` (files: ${transferText(m.transfer)})` : '';
    return `mirror ${m.target}: ${!m.ok ? `FAILED: ${m.error}` : m.verified ? `deployed and verified${how}` : `deployed${how} (an rsync destination is not verified from here: run sealpress verify on its URL)`}`;
  });
}

export function publishLines(s: PublishSummary, lang: Lang = 'en'): string[] {
  if (lang === 'zh') {
    return [
      `发布版本 v${s.version}：${s.files} 个文件（${(s.bytes / 1e6).toFixed(1)} MB），${s.entries.publishable} 个条目，签名人 ${s.signers.join('、')}，${s.expires} 到期`,
      `构建：${rebuiltLine(s.sites, lang)}`,
      `归档：${s.archive.dir}（新增 ${s.archive.objectsAdded} 个对象）`,
      `记忆：${s.memory.from === undefined ? '没有更早的发布版本' : `依据发布版本 v${s.memory.from} 的记忆核验`}；v${s.version} 记得 ${s.memory.withdrawals} 次撤下`,
      ...s.archive.offsite.map((o) => `异地副本 ${o.target}：${o.ok ? '已复制' : `失败：${o.error}`}`),
      ...mirrorLines(s.mirrors, lang),
    ];
  }
  return [
    `release v${s.version}: ${s.files} files (${(s.bytes / 1e6).toFixed(1)} MB), ${s.entries.publishable} entries, signed by ${s.signers.join(', ')}, expires ${s.expires}`,
    `build: ${rebuiltLine(s.sites)}`,
    `archive: ${s.archive.dir} (+${s.archive.objectsAdded} objects)`,
    `memory: ${s.memory.from === undefined ? 'no earlier release' : `gated with the memory of release v${s.memory.from}`}; v${s.version} remembers ${s.memory.withdrawals} withdrawal(s)`,
    ...s.archive.offsite.map((o) => `off-site ${o.target}: ${o.ok ? 'copied' : `FAILED: ${o.error}`}`),
    ...mirrorLines(s.mirrors),
  ];
}

export function rollbackLines(s: RollbackSummary, lang: Lang = 'en'): string[] {
  if (lang === 'zh') return [`发布版本 v${s.version}：v${s.rollbackOf} 的内容（${s.files} 个文件），签名人 ${s.signers.join('、')}`, ...mirrorLines(s.mirrors, lang)];
  return [`release v${s.version}: the content of v${s.rollbackOf} (${s.files} files), signed by ${s.signers.join(', ')}`, ...mirrorLines(s.mirrors)];
}

/** A verification: what was restored, each problem with its fix, each file that differs, then the verdict with its throughput. */
export function verifyLines(report: VerifyReport, lang: Lang = 'en'): string[] {
  const mbps = report.ms > 0 ? (report.bytes / 1e6 / (report.ms / 1000)).toFixed(0) : '–';
  if (lang === 'zh') return verifyLinesZh(report, mbps);
  const lines: string[] = [];
  if (report.restored) lines.push(`restored ${report.target} to release v${report.restored.version}: ${report.restored.repaired.length} files repaired`);
  for (const p of report.problems) lines.push(`${p.code}: ${p.message}${p.fix ? `\n  fix: ${p.fix}` : ''}`);
  for (const f of report.modified) lines.push(`modified: ${f}`);
  for (const f of report.missing) lines.push(`missing:  ${f}`);
  for (const f of report.extra) lines.push(`extra:    ${f}`);
  const what = report.version === undefined ? 'no valid signed release' : `release v${report.version} (expires ${report.expires}, signed by ${report.signers?.join(', ')})`;
  lines.push(`${report.ok ? 'OK' : 'FAILED'} ${report.target}: ${what}; ${report.files} files, ${(report.bytes / 1e6).toFixed(1)} MB checked in ${report.ms} ms (${mbps} MB/s)`);
  return lines;
}

/** verifyLines in Chinese. */
function verifyLinesZh(report: VerifyReport, mbps: string): string[] {
  const lines: string[] = [];
  if (report.restored) lines.push(`已将 ${report.target} 恢复为发布版本 v${report.restored.version}：修复 ${report.restored.repaired.length} 个文件`);
  for (const p of report.problems) {
    const fix = p.zh.fix ?? p.fix;
    lines.push(`${p.code}：${p.zh.message}${fix ? `\n  修改建议：${fix}` : ''}`);
  }
  for (const f of report.modified) lines.push(`被改动：${f}`);
  for (const f of report.missing) lines.push(`缺失：  ${f}`);
  for (const f of report.extra) lines.push(`多余：  ${f}`);
  const what = report.version === undefined ? '没有有效的已签名发布版本' : `发布版本 v${report.version}（${report.expires} 到期，签名人 ${report.signers?.join('、')}）`;
  lines.push(`${report.ok ? '通过' : '未通过'} ${report.target}：${what}；在 ${report.ms} 毫秒内检查了 ${report.files} 个文件、${(report.bytes / 1e6).toFixed(1)} MB（${mbps} MB/s）`);
  return lines;
}

/** `verify --json`: the report, each problem's message and fix in the language (the Chinese copy is not repeated). */
export function verifyJson(report: VerifyReport, lang: Lang): unknown {
  return { ...report, problems: report.problems.map((p) => ({ code: p.code, message: lang === 'zh' ? p.zh.message : p.message, ...(p.fix !== undefined ? { fix: lang === 'zh' ? (p.zh.fix ?? p.fix) : p.fix } : {}) })) };
}
