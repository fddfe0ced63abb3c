// The renderer reads image headers with the gate's own parser: one implementation.
export { HEADER_BYTES, imageSize, type ImageSize } from '../../pipeline/util/image-size.ts';
