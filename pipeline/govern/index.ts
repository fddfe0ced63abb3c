export * from './errors.ts';
export * from './calendar.ts';
export * from './calendar-file.ts';
export * from './calendar-load.ts';
export * from './administrators.ts';
export * from './column-change.ts';
export * from './load.ts';
export * from './columns.ts';
