export * from './bundle.ts';
export * from './bundle-site.ts';
export * from './write.ts';
