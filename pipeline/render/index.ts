export { renderSite, renderSites, type RenderedSiteInput, type RenderSiteOptions, type RenderSiteResult, type RenderSitesOptions } from './render-site.ts';
export { previewSite, type PreviewHandle, type PreviewSiteOptions } from './preview-site.ts';
export { indexSite, type IndexResult } from './search-index.ts';
export { syncTypes } from './sync-types.ts';
export { addGroupIndexes, GROUP_INDEX_DIR, GROUP_INDEX_LIST, type GroupIndexSite } from './group-search.ts';
