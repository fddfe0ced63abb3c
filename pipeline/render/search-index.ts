/**
 * The Pagefind index of one built site, written to `<outDir>/pagefind/`.
 * Only article bodies are indexed (the pages mark them `data-pagefind-body`), so
 * navigation, lists and footers neither match nor appear in excerpts.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { SealpressError } from '../errors/index.ts';

/**
 * Pagefind's ready-made UIs (and its result highlighter). The site uses its own
 * small search script, so these ~430 KB would only be published, mirrored and
 * signed for nothing.
 */
const UNUSED_FILES = /^pagefind-(ui|modular-ui|component-ui)\.(js|css)$|^pagefind-highlight\.js$/;

export interface IndexResult {
  pages: number;
}

export async function indexSite(outDir: string): Promise<IndexResult> {
  // Every page is lang="zh-CN"; forcing the language keeps one index with Chinese
  // segmentation even if a page ever carries a different lang attribute.
  const created = await pagefind.createIndex({ forceLanguage: 'zh-cn' });
  const index = created.index;
  if (!index || created.errors.length > 0) {
    throw new SealpressError('INDEX_FAILED', { zh: `Pagefind 无法创建索引：${created.errors.join('; ') || '未返回索引'}`, en: `Pagefind could not create an index: ${created.errors.join('; ') || 'no index returned'}` });
  }
  try {
    const added = await index.addDirectory({ path: outDir });
    if (added.errors.length > 0) {
      throw new SealpressError('INDEX_FAILED', { zh: `Pagefind 无法为 ${outDir} 建立索引：${added.errors.join('; ')}`, en: `Pagefind could not index ${outDir}: ${added.errors.join('; ')}` });
    }
    const written = await index.writeFiles({ outputPath: join(outDir, 'pagefind') });
    if (written.errors.length > 0) {
      throw new SealpressError('INDEX_FAILED', { zh: `Pagefind 无法将索引写入 ${outDir}/pagefind：${written.errors.join('; ')}`, en: `Pagefind could not write the index to ${outDir}/pagefind: ${written.errors.join('; ')}` });
    }
    const dir = join(outDir, 'pagefind');
    for (const name of readdirSync(dir)) if (UNUSED_FILES.test(name)) rmSync(join(dir, name));
    return { pages: added.page_count };
  } finally {
    // Not pagefind.close(): the service is shared with any concurrent renderSite.
    await index.deleteIndex();
  }
}
