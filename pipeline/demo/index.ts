export * from './regenerate.ts';
export * from './column-changes.ts';
