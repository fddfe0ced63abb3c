export * from './board.ts';
export * from './diff.ts';
export * from './page.ts';
export * from './server.ts';
export * from './versions.ts';
export * from './preview.ts';
