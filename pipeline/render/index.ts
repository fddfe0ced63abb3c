export { completeSite, mergeShard, renderSite, renderSites, type RenderedSiteInput, type RenderSiteOptions, type RenderSiteResult, type RenderSitesOptions } from './render-site.ts';
export { previewSite, type PreviewHandle, type PreviewSiteOptions } from './preview-site.ts';
export { indexSite, INDEX_PART_PAGES, INDEX_PARTS_FILE, readIndexParts, type IndexOptions, type IndexResult } from './search-index.ts';
export { syncTypes } from './sync-types.ts';
export { addGroupIndexes, GROUP_INDEX_DIR, GROUP_INDEX_LIST, type GroupIndexSite } from './group-search.ts';
