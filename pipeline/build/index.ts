export * from './build.ts';
export * from './live-preview.ts';
export * from './job.ts';
export * from './incremental.ts';
