export * from './thresholds.ts';
export * from './model.ts';
export * from './figures.ts';
export * from './history.ts';
export * from './assessment.ts';
export * from './csv.ts';
export * from './html.ts';
export * from './run.ts';
