export * from './site-group.ts';
export * from './content.ts';
export * from './assets.ts';
export * from './trust-files.ts';
export * from './checks-config.ts';
