export * from './run.ts';
export * from './analyse-pool.ts';
export * from './facts-cache.ts';
export * from './approvals.ts';
export * from './verdict.ts';
