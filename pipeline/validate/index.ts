export * from './frontmatter.ts';
export * from './references.ts';
export * from './markup.ts';
export * from './analyse.ts';
export * from './entry.ts';
