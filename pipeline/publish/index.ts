export * from './errors.ts';
export * from './audit.ts';
export * from './release.ts';
export * from './mirrors.ts';
export * from './publish.ts';
export * from './verify.ts';
export * from './rollback.ts';
export * from './seals.ts';
