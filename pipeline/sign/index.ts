export * from './decide.ts';
export * from './desk.ts';
export * from './waiver.ts';
export * from './job.ts';
