export * from './site-group.ts';
export * from './content.ts';
export * from './assets.ts';
