/**
 * Two collections, both read from the stage's bundle.json (never from content/):
 * `entries` (the articles) and `site` (one record: site, group, site list, mode).
 */
import { defineCollection } from 'astro:content';
import { bundleEntriesLoader, bundleSiteLoader } from './loader/bundle-loader.ts';

export const collections = {
  entries: defineCollection({ loader: bundleEntriesLoader() }),
  site: defineCollection({ loader: bundleSiteLoader() }),
};
