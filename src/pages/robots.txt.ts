/** /robots.txt: the sitemap for crawlers; a preview build asks them to stay out. */
import type { APIRoute } from 'astro';
import { absolute, siteModel } from '../lib/site-data.ts';

export const GET: APIRoute = async () => {
  const { data, preview } = await siteModel();
  const body = preview ? 'User-agent: *\nDisallow: /\n' : `User-agent: *\nAllow: /\n\nSitemap: ${absolute(data, '/sitemap.xml')}\n`;
  return new Response(body, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
};
