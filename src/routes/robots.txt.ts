/** /robots.txt: the sitemap for crawlers; a preview build asks them to stay out. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { absolute, forEachSite, siteModel } from '../lib/site-data.ts';

export const getStaticPaths = (() => forEachSite(async () => [{ params: {} }])) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => {
  const { data, preview } = await siteModel(params.site);
  const body = preview ? 'User-agent: *\nDisallow: /\n' : `User-agent: *\nAllow: /\n\nSitemap: ${absolute(data, '/sitemap.xml')}\n`;
  return new Response(body, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
};
