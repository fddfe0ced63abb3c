export * from './findings.ts';
export * from './record.ts';
export * from './policy.ts';
export * from './matching.ts';
export * from './prepare.ts';
export * from './decide.ts';
export * from './expiry.ts';
