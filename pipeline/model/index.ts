export * from './site-group.ts';
export * from './entry.ts';
