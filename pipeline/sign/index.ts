export * from './decide.ts';
export * from './desk.ts';
