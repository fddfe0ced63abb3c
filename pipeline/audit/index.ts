export * from './entry.ts';
export * from './verify.ts';
export * from './log.ts';
export * from './filter.ts';
export * from './seals.ts';
