// @ts-check
/**
 * The report page: one static page built from the report model by
 * pipeline/report/html.ts, in a child process with its own root and cacheDir:
 *
 *   SEALPRESS_STAGE  absolute dir holding report.json (required)
 *   SEALPRESS_OUT    absolute output dir
 *   SEALPRESS_CACHE  absolute cache dir of this build
 *
 * No client JavaScript, CSS inlined, charts as inline SVG: the office opens one
 * file, with no tool and no network.
 */
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';

const here = fileURLToPath(new URL('./', import.meta.url));

/** @param {string} name */
function absoluteEnv(name) {
  const value = process.env[name];
  if (!value || !isAbsolute(value)) throw new Error(`${name} must be set to an absolute path (it is ${value ? `"${value}"` : 'unset'}); build through pipeline/report, which sets it.`);
  return value;
}

const stageDir = absoluteEnv('SEALPRESS_STAGE');
const cacheDir = absoluteEnv('SEALPRESS_CACHE');

export default defineConfig({
  srcDir: here,
  publicDir: join(stageDir, 'public'),
  outDir: absoluteEnv('SEALPRESS_OUT'),
  cacheDir: join(cacheDir, 'astro'),
  output: 'static',
  build: { format: 'file', inlineStylesheets: 'always' },
  compressHTML: true,
  prefetch: false,
  devToolbar: { enabled: false },
  vite: { cacheDir: join(cacheDir, 'vite'), server: { fs: { allow: [here, stageDir] } } },
});
