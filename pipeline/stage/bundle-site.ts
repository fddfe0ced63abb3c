/**
 * Turn the plan into one site's bundle: the publishable entries of that site
 * (and, for the main site, the sub-site entries it adopts), with everything the
 * renderer shows already resolved. In preview mode pending entries come too,
 * marked as drafts. Pure.
 */
import type { Lang } from '../messages/text.ts';
import { messageText, type Diagnostic } from '../diagnostics/index.ts';
import { posix } from 'node:path';
import type { Site, SiteGroup } from '../model/index.ts';
import type { Plan, PlanEntry } from '../plan/index.ts';
import { resolveLocal } from '../validate/index.ts';
import {
  BUNDLE_VERSION,
  type BundleEntry,
  type BundleSite,
  type BundleSiteRef,
  type SiteBundle,
} from './bundle.ts';

export type BundleMode = 'publish' | 'preview';

export interface StagedFile {
  /** Stage-relative path. */
  path: string;
  text: string;
}

export interface StagedAsset {
  /** Repo-relative source. */
  source: string;
  digest: string;
  /** URL path on the site, e.g. `/assets/0123abcd…/chart.png`. */
  url: string;
}

export interface SiteStage {
  bundle: SiteBundle;
  /** MDX modules to write under the stage. */
  files: StagedFile[];
  assets: StagedAsset[];
}

export function siteUrl(site: Site): string {
  return `https://${site.domain}/`;
}

function siteRef(site: Site): BundleSiteRef {
  return { code: site.code, name: site.name, kind: site.kind, url: siteUrl(site) };
}

function included(entry: PlanEntry, mode: BundleMode): boolean {
  return entry.status === 'publishable' || (mode === 'preview' && entry.status === 'pending');
}

export function bundleSite(group: SiteGroup, plan: Plan, code: string, mode: BundleMode, options: { reprintDisclaimer?: string; lang?: Lang } = {}): SiteStage {
  const site = group.sites.get(code);
  const main = group.sites.get(group.main);
  if (!site || !main) throw new Error(`site ${code} is not in the group`);
  const files: StagedFile[] = [];
  const assets = new Map<string, StagedAsset>();
  const entries: BundleEntry[] = [];

  const add = (e: PlanEntry, origin: Site) => {
    const fm = e.frontMatter;
    if (!fm || e.body === undefined || e.digest === undefined) return;
    const adopted = origin.code !== site.code;
    const id = adopted ? `${e.column}/${origin.code}-${e.slug}` : `${e.column}/${e.slug}`;
    for (const a of e.assets) assets.set(a.url, { source: a.path, digest: a.digest, url: a.url });
    const department = origin.departments.find((d) => d.id === fm.department)?.name ?? fm.department;
    const entry: BundleEntry = {
      id,
      column: e.column,
      slug: adopted ? `${origin.code}-${e.slug}` : e.slug,
      format: e.format,
      source: e.path,
      digest: e.digest,
      title: fm.title,
      date: fm.date,
      author: fm.author,
      department,
      images: (fm.images ?? []).flatMap((img) => {
        const path = resolveLocal(e.path, e.site, img.src).path;
        const a = e.assets.find((x) => x.role === 'image' && x.path === path);
        if (!a) return [];
        const out: BundleEntry['images'][number] = { url: a.url, alt: img.alt };
        if (a.width !== undefined) out.width = a.width;
        if (a.height !== undefined) out.height = a.height;
        if (img.credit) out.credit = img.credit;
        if (img.license) out.license = img.license;
        return [out];
      }),
      attachments: (fm.attachments ?? []).flatMap((att) => {
        const path = resolveLocal(e.path, e.site, att.src).path;
        const a = e.assets.find((x) => x.role === 'attachment' && x.path === path);
        if (!a) return [];
        const ext = posix.extname(a.path).slice(1).toLowerCase();
        return [{ title: att.title, url: a.url, size: a.size, ext }];
      }),
      draft: e.status !== 'publishable',
    };
    if (fm.summary) entry.summary = fm.summary;
    if (fm.docNumber) entry.docNumber = fm.docNumber;
    if (fm.reprint) entry.reprint = fm.reprint;
    if (fm.qa) entry.qa = fm.qa;
    // The preview's 未发布 banner says why, in the reader's language (the site's, Chinese, unless the preview was asked for English).
    if (entry.draft) entry.draftReason = draftReason(e.findings, options.lang ?? 'zh');
    if (adopted) entry.adoptedFrom = { ...siteRef(origin), articleUrl: `${siteUrl(origin)}${e.column}/${e.slug}/` };
    if (e.format === 'mdx') {
      entry.mdxFile = `entries/${id}.mdx`;
      files.push({ path: entry.mdxFile, text: e.body });
    } else {
      entry.body = e.body;
    }
    entries.push(entry);
  };

  for (const e of plan.entries) {
    if (e.site !== code || !included(e, mode)) continue;
    add(e, site);
  }
  if (site.kind === 'main') {
    for (const e of plan.entries) {
      if (e.site === code || !e.frontMatter?.adopt || !included(e, mode) || !site.columns.includes(e.column)) continue;
      const origin = group.sites.get(e.site);
      if (origin?.kind === 'sub') add(e, origin);
    }
  }
  entries.sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? 1 : -1));

  const bundleSite: BundleSite = {
    ...siteRef(site),
    domain: site.domain,
    siteIdCode: site.siteIdCode,
    icp: site.icp,
    psb: site.psb,
    columns: site.columns,
  };
  if (site.address) bundleSite.address = site.address;
  if (site.phone) bundleSite.phone = site.phone;

  const bundle: SiteBundle = {
    version: BUNDLE_VERSION,
    mode,
    generatedAt: plan.now,
    approvalsVerified: plan.approvals.verified,
    group: {
      name: group.name,
      errorReportUrl: group.errorReportUrl,
      ...(options.reprintDisclaimer ? { reprintDisclaimer: options.reprintDisclaimer } : {}),
      main: siteRef(main),
      // The governed group: approved added columns are in the tree; an approved rename shows on this site only.
      categories: group.categories.map((c) => ({ id: c.id, name: c.name, columns: c.columns.map((col) => ({ id: col.id, name: site.columnNames?.[col.id] ?? col.name, type: col.type })) })),
    },
    site: bundleSite,
    sites: [...group.sites.values()].map(siteRef),
    entries,
  };
  return { bundle, files, assets: [...assets.values()] };
}

/** Why a draft is not published, for the preview's banner: its findings' messages, else that it waits. */
export function draftReason(findings: readonly Diagnostic[], lang: Lang): string {
  return findings.map((f) => messageText(f, lang)).join(lang === 'zh' ? '；' : '; ') || (lang === 'zh' ? '等待发布' : 'awaiting publication');
}
