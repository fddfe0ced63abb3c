export * from './document.ts';
export * from './readers.ts';
export * from './pool.ts';
export { readOoxml } from './ooxml.ts';
export { readPdf } from './pdf.ts';
export { readZip, isZip } from './zip.ts';
