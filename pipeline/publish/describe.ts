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
export function transferText(t: TransferCounts): string {
  const parts = [`${t.copied} copied`];
  if (t.reflinked > 0) parts.push(`${t.reflinked} reflinked`);
  if (t.hardlinked > 0) parts.push(`${t.hardlinked} hard-linked`);
  if ((t.refused ?? 0) > 0) parts.push(`${t.refused} refused in the previous tree (altered or damaged there)`);
  return parts.join(', ');
}

/** One line per mirror of a publish or rollback. */
export function mirrorLines(mirrors: readonly MirrorOutcome[]): string[] {
  return mirrors.map((m) => {
    const how = m.ok && m.transfer ? ` (files: ${transferText(m.transfer)})` : '';
    return `mirror ${m.target}: ${!m.ok ? `FAILED: ${m.error}` : m.verified ? `deployed and verified${how}` : `deployed${how} (an rsync destination is not verified from here: run sealpress verify on its URL)`}`;
  });
}

export function publishLines(s: PublishSummary): string[] {
  return [
    `release v${s.version}: ${s.files} files (${(s.bytes / 1e6).toFixed(1)} MB), ${s.entries.publishable} entries, signed by ${s.signers.join(', ')}, expires ${s.expires}`,
    `build: ${rebuiltLine(s.sites)}`,
    `archive: ${s.archive.dir} (+${s.archive.objectsAdded} objects)`,
    `memory: ${s.memory.from === undefined ? 'no earlier release' : `gated with the memory of release v${s.memory.from}`}; v${s.version} remembers ${s.memory.withdrawals} withdrawal(s)`,
    ...s.archive.offsite.map((o) => `off-site ${o.target}: ${o.ok ? 'copied' : `FAILED: ${o.error}`}`),
    ...mirrorLines(s.mirrors),
  ];
}

export function rollbackLines(s: RollbackSummary): string[] {
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
