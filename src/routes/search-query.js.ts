/**
 * /search-query.js: the query normalisation the search script imports
 * (src/scripts/search-query.js), published as written, like /search.js.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { forEachSite } from '../lib/site-data.ts';
import source from '../scripts/search-query.js?raw';

export const getStaticPaths = (() => forEachSite(async () => [{ params: {} }])) satisfies GetStaticPaths;

export const GET: APIRoute = () => new Response(source, { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
