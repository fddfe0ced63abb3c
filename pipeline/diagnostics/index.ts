export * from './diagnostic.ts';
export * from './rules.ts';
export * from './format.ts';
