export * from './regenerate.ts';
