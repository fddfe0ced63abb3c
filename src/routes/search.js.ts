/**
 * /search.js: the search page's script, published as a file (not inline) so a
 * strict Content-Security-Policy (`script-src 'self'`) can be used. An endpoint
 * rather than a file in public/, because public/ comes from the stage, which
 * carries the content repo's public files, not the theme's.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { forEachSite } from '../lib/site-data.ts';
import source from '../scripts/search.js?raw';

export const getStaticPaths = (() => forEachSite(async () => [{ params: {} }])) satisfies GetStaticPaths;

export const GET: APIRoute = () => new Response(source, { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
