export * from './regenerate.ts';
export * from './column-changes.ts';
export * from './renew.ts';
export * from './attachments.ts';
export * from './command.ts';
