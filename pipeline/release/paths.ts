/**
 * What a path in a release may look like. A manifest comes from a mirror (hostile
 * input) and its paths are joined to a mirror folder when restoring, so a path
 * that could escape the folder, alias another path, or mean different things
 * on different systems is refused outright rather than normalised.
 */
import { MIRROR_META_DIR } from './manifest.ts';

/** POSIX NAME_MAX: longer segments cannot be created on common file systems. */
export const MAX_SEGMENT_BYTES = 255;
/** Longest path accepted (PATH_MAX is 4096; a built site never comes near). */
export const MAX_PATH_LENGTH = 1024;

/** C0 and C1 control characters, DEL, and lone surrogates (which UTF-8 cannot carry). */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;

const META_SEGMENTS = MIRROR_META_DIR.split('/');

/** Why a name is not a safe POSIX path segment, or undefined when it is. */
export function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'has an empty segment (// or a leading or trailing /)';
  if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
  if (segment.includes('\\')) return 'contains a backslash (a path separator on Windows)';
  if (segment.includes('/')) return 'contains a slash';
  if (FORBIDDEN.test(segment)) return 'contains a control character, NUL or an invalid Unicode character';
  if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) return `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`;
  return undefined;
}

/** Whether these segments (from the site folder down) lie under the site's metadata folder. */
export function isUnderMetaDir(segmentsInSite: readonly string[]): boolean {
  return META_SEGMENTS.every((s, i) => segmentsInSite[i] === s);
}

/**
 * Why `path` is not a file path a release may list: POSIX, relative, made of
 * safe segments, starting with one of the release's site codes, naming a file
 * inside that site (not the site folder itself), and not under the metadata folder.
 */
export function releasePathProblem(path: string, siteCodes: ReadonlySet<string>): string | undefined {
  if (path.length === 0) return 'is empty';
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.startsWith('/')) return 'is absolute';
  const segments = path.split('/');
  for (const s of segments) {
    const p = segmentProblem(s);
    if (p !== undefined) return p;
  }
  const [site, ...rest] = segments;
  if (site === undefined || !siteCodes.has(site)) return `does not start with one of the release's site codes`;
  if (rest.length === 0) return 'names a site folder, not a file in it';
  if (isUnderMetaDir(rest)) return `is under ${MIRROR_META_DIR}/, which holds the manifest itself and is not listed`;
  return undefined;
}
