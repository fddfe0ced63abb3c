/**
 * Display formats. Dates are shown in China Standard Time (UTC+8, no daylight
 * saving) whatever the build machine's time zone, so two builds of the same bundle
 * are byte-identical.
 */
import type { ColumnType } from '../../pipeline/model/site-group.ts';

const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

interface Parts {
  y: string;
  m: string;
  d: string;
  hh: string;
  mm: string;
}

function cst(iso: string): Parts {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${iso}`);
  const d = new Date(t + CST_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return { y: String(d.getUTCFullYear()), m: p(d.getUTCMonth() + 1), d: p(d.getUTCDate()), hh: p(d.getUTCHours()), mm: p(d.getUTCMinutes()) };
}

/** 2025年03月14日 */
export function dateZh(iso: string): string {
  const p = cst(iso);
  return `${p.y}年${p.m}月${p.d}日`;
}

/** 2025-03-14, for lists. */
export function dateShort(iso: string): string {
  const p = cst(iso);
  return `${p.y}-${p.m}-${p.d}`;
}

/** 2025-03-14 09:30, the PubDate meta format. */
export function dateTime(iso: string): string {
  const p = cst(iso);
  return `${p.y}-${p.m}-${p.d} ${p.hh}:${p.mm}`;
}

/** Human file size: 512 B, 12.3 KB, 4.5 MB. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Chinese names of the column types, for the ColumnType meta tag. */
export const COLUMN_TYPE_NAMES: Record<ColumnType, string> = {
  news: '新闻',
  notice: '通知公告',
  guide: '办事指南',
  qa: '互动问答',
};

/**
 * The disclaimer every reprint carries (the rules require reprints to respect
 * copyright). One place to change it until the group config carries its own text.
 */
export const REPRINT_DISCLAIMER = '本文为转载，仅供参考，版权归原作者所有。如涉及版权问题，请与本网站联系，我们将及时处理。';

/** Plain-text excerpt of an HTML or text snippet. */
export function excerpt(text: string, max = 120): string {
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

/** Rough plain text of a Markdown/MDX body, for descriptions and feeds (not for display). */
export function markdownText(body: string): string {
  return body
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, ' ') // MDX comments
    .replace(/<[^>]*>/g, ' ') // HTML and JSX tags
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ') // images
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links keep their text
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '') // block markers
    .replace(/^\s*\|?\s*:?-{3,}.*$/gm, ' ') // table rules
    .replace(/[*_`|~]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
