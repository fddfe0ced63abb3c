export * from './document.ts';
export * from './readers.ts';
export * from './pool.ts';
export { readOoxml } from './ooxml.ts';
export { readPdf } from './pdf.ts';
export { readOfd, FIX_OFD } from './ofd.ts';
export { readEmf, readWmf, readSvg, FIX_PICTURE, MAX_PICTURE_RECORDS } from './picture.ts';
export { readArchive, FIX_UNPACK } from './archive.ts';
export { readZip, isZip } from './zip.ts';
