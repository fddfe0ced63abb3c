export * from './build.ts';
export * from './live-preview.ts';
