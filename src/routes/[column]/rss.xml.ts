/** /<column>/rss.xml: the column's latest entries, absolute links. */
import rss from '@astrojs/rss';
import type { APIRoute, GetStaticPaths } from 'astro';
import { absolute, forEachSite, siteModel } from '../../lib/site-data.ts';

const RSS_LATEST = 50;

export const getStaticPaths = (async () => {
  return forEachSite(async (code) => {
    const { columns } = await siteModel(code);
    return [...columns.keys()].map((column) => ({ params: { column } }));
  });
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => {
  const { data, columns, byColumn } = await siteModel(params.site);
  const column = columns.get(params.column ?? '');
  if (!column) throw new Error(`rss: unknown column ${params.column ?? ''}`);
  const entries = (byColumn.get(column.id) ?? []).slice(0, RSS_LATEST);
  return rss({
    title: `${column.name} - ${data.site.name}`,
    description: `${data.site.name}「${column.name}」栏目最新信息`,
    site: data.site.url,
    customData: '<language>zh-cn</language>',
    items: entries.map((e) => ({
      title: e.data.title,
      link: absolute(data, e.data.path),
      pubDate: new Date(e.data.date),
      description: e.data.description,
      author: e.data.author || undefined,
    })),
  });
};
