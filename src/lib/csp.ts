/**
 * The Content-Security-Policy of every page, carried in the page itself
 * (`<meta http-equiv>`, first thing in `<head>`) because a mirror may be any static
 * server, and sent again as a header by the shipped nginx configuration
 * (deploy/nginx/sealpress-headers.conf, which must hold this exact string; a test
 * compares them).
 *
 * - Scripts only from the site itself (`/search.js`, `/search-query.js`,
 *   `/pagefind/…`): no inline script, no event-handler attributes, no
 *   `javascript:` URLs, no eval. `'wasm-unsafe-eval'` lets Pagefind compile its
 *   WebAssembly, and nothing else.
 * - `style-src 'unsafe-inline'`: the build inlines the theme's stylesheet
 *   (`build.inlineStylesheets: 'always'`) and approved Markdown may carry `style`
 *   attributes; styles cannot run code.
 * - `img-src data:` for the inline favicon; every other image is the site's own
 *   (hotlinks are refused by the gate).
 * - `object-src 'none'` (no plugins), `base-uri 'none'` (nothing can re-root relative
 *   URLs), `form-action 'self'` (the search forms submit to /search/).
 *
 * `frame-ancestors` is ignored in a `<meta>`; the nginx header block adds it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');
