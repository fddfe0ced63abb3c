/**
 * /search-query.js: the query normalisation the search script imports
 * (src/scripts/search-query.js), published as written, like /search.js.
 */
import type { APIRoute } from 'astro';
import source from '../scripts/search-query.js?raw';

export const GET: APIRoute = () => new Response(source, { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
