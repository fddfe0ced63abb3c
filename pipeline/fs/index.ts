export * from './durable.ts';
export * from './hash.ts';
export * from './lock.ts';
export * from './read.ts';
export * from './rsync.ts';
export * from './digests.ts';
