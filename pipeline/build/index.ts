export * from './build.ts';
export * from './preview.ts';
