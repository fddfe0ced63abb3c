/** /sitemap.xml: every page of the URL plan plus the home page, absolute URLs. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { absolute, forEachSite, siteModel } from '../lib/site-data.ts';

export const getStaticPaths = (() => forEachSite(async () => [{ params: {} }])) satisfies GetStaticPaths;

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export const GET: APIRoute = async ({ params }) => {
  const { data, routes, byId } = await siteModel(params.site);
  const urls = [{ loc: absolute(data, '/'), lastmod: undefined as string | undefined }];
  for (const route of routes) {
    const lastmod = route.kind === 'article' ? byId.get(route.entryId)?.data.date : undefined;
    urls.push({ loc: absolute(data, route.path), lastmod });
  }
  const body = urls.map((u) => `<url><loc>${xml(u.loc)}</loc>${u.lastmod ? `<lastmod>${xml(u.lastmod)}</lastmod>` : ''}</url>`).join('\n');
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${body}\n</urlset>\n`, {
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
  });
};
