/**
 * XML parts read by a streaming tokenizer: no tree is built, and a DOCTYPE is
 * refused outright (it is how entity-expansion bombs and external entities
 * get in; no OOXML or OFD part needs one).
 *
 * Two tokenizers hand a handler the same events (saxes's: a tag opened with
 * its attributes, a piece of text, a tag closed). Most parts are UTF-8
 * elements, attributes and text, and a tokenizer of its own reads those: one
 * pass over each decoded slice with charCodeAt (saxes goes through a state
 * machine, a function call per character), tag and attribute names out of a
 * cache, attributes in objects of one shape. Sheets of tens of thousands of
 * rows are most of what the readers parse. A part holding anything else (a
 * comment, CDATA, a DOCTYPE, a processing instruction, a carriage return,
 * ']]>', a UTF-16 byte-order mark, an XML declaration saxes reads by other
 * rules) goes to saxes whole, before any event. What the tokenizer finds
 * malformed (bytes that are not UTF-8, a character XML forbids, a reference
 * saxes does not take, a tag out of place) saxes fails on too: the part is
 * refused in saxes's words. test/check/xml-tokenizer.test.ts compares the two.
 */
import type { Text } from '../messages/text.ts';
import { SaxesParser } from 'saxes';
import { FIX_RESAVE, UnreadableError } from './document.ts';

export interface XmlHandler {
  /** A tag opened; its attributes are the handler's to read, not to change or keep (tags without any share one empty object). */
  open?(name: string, attributes: Record<string, string>): void;
  text?(text: string): void;
  close?(name: string): void;
}

/** A strict decoder for the part's encoding (its byte-order mark, else UTF-8), and where its text starts. */
function decoderFor(bytes: Uint8Array): [TextDecoder, number] {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return [new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }), 2];
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return [new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true }), 2];
  // A UTF-8 byte-order mark is dropped by the decoder itself.
  return [new TextDecoder('utf-8', { fatal: true }), 0];
}

/** Bytes decoded and parsed per slice. */
const SLICE = 1 << 20;

/** Parse one part with saxes; `part` names it in the refusal. */
function parseWithSaxes(bytes: Uint8Array, part: string, handler: XmlHandler): void {
  const parser = new SaxesParser({ xmlns: false, position: false });
  let failure: Error | undefined;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('doctype', () => {
    failure ??= new UnreadableError({ zh: `部件 ${part} 声明了 DOCTYPE（可用于隐藏实体扩展炸弹和外部引用）：予以拒绝`, en: `the part ${part} declares a DOCTYPE (a way to hide entity-expansion bombs and external references): it is refused` }, FIX_RESAVE);
  });
  if (handler.open) parser.on('opentag', (tag) => handler.open!(tag.name, tag.attributes as Record<string, string>));
  if (handler.text) {
    parser.on('text', (t) => handler.text!(t));
    parser.on('cdata', (t) => handler.text!(t));
  }
  if (handler.close) parser.on('closetag', (tag) => handler.close!(tag.name));
  try {
    // Decoded and written in slices: a refusal (a DOCTYPE near the start) stops the work early, and a
    // part of tens of megabytes is never one string in memory as well as its bytes.
    const [decoder, start] = decoderFor(bytes);
    for (let at = start; at < bytes.length && failure === undefined; at += SLICE) parser.write(decoder.decode(bytes.subarray(at, at + SLICE), { stream: true }));
    if (failure === undefined) {
      parser.write(decoder.decode());
      parser.close();
    }
  } catch (error) {
    failure ??= error as Error;
  }
  if (failure instanceof UnreadableError) throw failure;
  if (failure) throw new UnreadableError({ zh: `部件 ${part} 不是格式正确的 XML（${failure.message.split('\n')[0]}）`, en: `the part ${part} is not well-formed XML (${failure.message.split('\n')[0]})` }, FIX_RESAVE);
}

/** Parse one part; `part` names it in the refusal. */
export function parseXml(bytes: Uint8Array, part: string, handler: XmlHandler): void {
  const start = plainStart(bytes);
  if (start < 0) return parseWithSaxes(bytes, part, handler);
  if (tokenize(bytes, start, handler)) return;
  // Malformed: refused in saxes's words (its first complaint about the part).
  parseWithSaxes(bytes, part, {});
  throw new UnreadableError({ zh: `部件 ${part} 不是格式正确的 XML`, en: `the part ${part} is not well-formed XML` }, FIX_RESAVE);
}

/** Parse one part with saxes only: what the tokenizer is compared with in the tests. */
export function parseXmlWithSaxes(bytes: Uint8Array, part: string, handler: XmlHandler): void {
  parseWithSaxes(bytes, part, handler);
}

// ---------------------------------------------------------------- the tokenizer

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const isS = (c: number) => c === 0x20 || c === 0x0a || c === 0x09;

/** An XML declaration saxes takes as it is (version 1.0: saxes reads 1.1 by other rules). */
const XML_DECLARATION = /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.0\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\3)?[ \t\n]*\?>/;

/** ASCII name characters (XML 1.0 fifth edition, as saxes checks them): 1 may start a name, 2 may only follow. A name with other characters is checked whole, by NAME. */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[:A-Z_a-z]/.test(ch)) NAME_CHAR[c] = 1;
  else if (/[-.0-9]/.test(ch)) NAME_CHAR[c] = 2;
}
const NAME_START = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME = new RegExp(`^[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*$`, 'u');

/** The end of the name starting at `i` in `s`, or -1 when no name starts there or it is not an XML name. */
function nameEnd(s: string, i: number): number {
  let c = s.charCodeAt(i);
  if (c < 128 ? NAME_CHAR[c] !== 1 : !(c >= 0xc0)) return -1;
  let ascii = c < 128;
  let j = i + 1;
  for (c = s.charCodeAt(j); c >= 128 || NAME_CHAR[c]! > 0; c = s.charCodeAt(++j)) if (c >= 128) ascii = false;
  // Past the end charCodeAt is NaN: NAME_CHAR[NaN] is undefined, not > 0, which ends the loop too.
  return ascii || NAME.test(s.slice(i, j)) ? j : -1;
}

/** Attributes as saxes gives them: an object without a prototype (an attribute named __proto__ or constructor is one like any other), with fast properties. */
const Attributes = function (this: Record<string, string>) {} as unknown as new () => Record<string, string>;
Attributes.prototype = Object.create(null);
/** What a tag without attributes (most of them: <v>, <t>, <si>) is handed. */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze(new Attributes());

const REFERENCE = /&(?:(amp)|(lt)|(gt)|(quot)|(apos)|#x([0-9a-fA-F]+)|#([0-9]+));/g;
const isXmlChar = (c: number) => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/** Text with its references replaced (the five entities XML predefines and characters XML allows), or undefined when one is anything else (saxes fails on it). */
function decodeReferences(s: string): string | undefined {
  let bad = false;
  let n = 0;
  const out = s.replace(REFERENCE, (_m, a, l, g, q, p, hex, dec) => {
    n++;
    if (a) return '&';
    if (l) return '<';
    if (g) return '>';
    if (q) return '"';
    if (p) return "'";
    const code = hex !== undefined ? parseInt(hex, 16) : parseInt(dec, 10);
    if (!isXmlChar(code)) {
      bad = true;
      return '';
    }
    return String.fromCodePoint(code);
  });
  // Every '&' must have started a reference.
  let amps = 0;
  for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) amps++;
  return bad || amps !== n ? undefined : out;
}

/** Names met before (tags and attributes), by their first character and length: a name is one string however often it occurs. */
const NAMES: (string | undefined)[] = new Array(1024);

/** The name in s[i, e), from NAMES when it is there. */
function nameAt(s: string, i: number, e: number): string {
  const slot = (s.charCodeAt(i) * 31 + s.charCodeAt(e - 1) * 7 + (e - i)) & 1023;
  const known = NAMES[slot];
  if (known !== undefined && known.length === e - i) {
    let k = 0;
    while (k < known.length && known.charCodeAt(k) === s.charCodeAt(i + k)) k++;
    if (k === known.length) return known;
  }
  return (NAMES[slot] = s.slice(i, e));
}

/** Character scanning flags: the text or value holds a reference, or a tab or line feed. */
const HAS_AMP = 1;
const HAS_BREAK = 2;
/** A character XML forbids (a control character but tab and line feed, U+FFFE, U+FFFF): the part is malformed. */
const BAD = 4;

/**
 * Is the part one the tokenizer reads (UTF-8, holding only elements,
 * attributes and text)? Then where after its byte-order mark and XML
 * declaration; else -1, and saxes reads it.
 */
function plainStart(bytes: Uint8Array): number {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return -1;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  if (b[start] === LT && b[start + 1] === 0x3f) {
    const declaration = XML_DECLARATION.exec(b.toString('latin1', start, Math.min(b.length, start + 256)));
    if (!declaration) return -1;
    start += declaration[0].length;
  } else {
    // Whitespace before the root, with no declaration: saxes skips it without a word.
    while (b[start] === 0x20 || b[start] === 0x0a || b[start] === 0x09) start++;
  }
  // Comments, CDATA, a DOCTYPE, processing instructions, line ends saxes rewrites, ']]>' (text may not hold it, an attribute value may).
  if (b.indexOf('<!', start) >= 0 || b.indexOf('<?', start) >= 0 || b.indexOf(0x0d, start) >= 0 || b.indexOf(']]>', start) >= 0) return -1;
  return start;
}

/**
 * Read a part `plainStart` let through, from `start`, telling the handler
 * what saxes would; false (maybe after some events) when the part is
 * malformed: saxes fails on it too.
 */
function tokenize(bytes: Uint8Array, start: number, handler: XmlHandler): boolean {
  const { open, text, close } = handler;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stack: string[] = [];
  let closedRoot = false;
  /** Decoded text not yet read: from the last '<' of the slices before (a tag, or text, may run over many slices). */
  let carry: string[] = [];
  for (let at = start; ; at += SLICE) {
    const final = at >= bytes.length;
    let piece: string;
    try {
      piece = final ? decoder.decode() : decoder.decode(bytes.subarray(at, at + SLICE), { stream: true });
    } catch {
      return false;
    }
    if (!final && piece.indexOf('<') < 0) {
      carry.push(piece);
      continue;
    }
    carry.push(piece);
    const s = carry.length === 1 ? carry[0]! : carry.join('');
    // Everything before the last '<' is read now: a tag never holds a '<', and text ends at one.
    const limit = final ? s.length : s.lastIndexOf('<');
    carry = [s.slice(limit)];
    let i = 0;
    while (i < limit) {
      // Text up to the next '<' (or the end of what is read now), in one pass: where it ends, what it holds.
      let lt = i;
      let flags = 0;
      for (; lt < limit; lt++) {
        const c = s.charCodeAt(lt);
        if (c === LT) break;
        if (c < 0x20) flags |= c === 0x09 || c === 0x0a ? HAS_BREAK : BAD;
        else if (c === 0x26) flags |= HAS_AMP;
        else if (c >= 0xfffe) flags |= BAD;
      }
      if (flags & BAD) return false;
      if (lt > i) {
        if (stack.length === 0) {
          // Outside the root only whitespace, which saxes hands over too.
          for (let k = i; k < lt; k++) if (!isS(s.charCodeAt(k))) return false;
          text?.(s.slice(i, lt));
        } else if (flags & HAS_AMP) {
          const decoded = decodeReferences(s.slice(i, lt));
          if (decoded === undefined) return false;
          text?.(decoded);
        } else {
          // ']]>' is not in the part (plainStart), CDATA neither.
          text?.(s.slice(i, lt));
        }
      }
      if (lt >= limit) break;
      let j = lt + 1;
      if (s.charCodeAt(j) === SLASH) {
        const top = stack.pop();
        const e = nameEnd(s, j + 1);
        if (top === undefined || e - j - 1 !== top.length) return false;
        for (let k = 0; k < top.length; k++) if (top.charCodeAt(k) !== s.charCodeAt(j + 1 + k)) return false;
        j = e;
        while (isS(s.charCodeAt(j))) j++;
        if (s.charCodeAt(j) !== GT) return false;
        if (stack.length === 0) closedRoot = true;
        close?.(top);
      } else {
        const e = nameEnd(s, j);
        if (e < 0 || closedRoot) return false;
        const name = nameAt(s, j, e);
        j = e;
        let attributes = NO_ATTRIBUTES;
        let selfClosing = false;
        for (;;) {
          const before = j;
          while (isS(s.charCodeAt(j))) j++;
          const c = s.charCodeAt(j);
          if (c === GT) break;
          if (c === SLASH) {
            if (s.charCodeAt(j + 1) !== GT) return false;
            selfClosing = true;
            j++;
            break;
          }
          // An attribute: after whitespace, a name, '=', a quoted value without '<'.
          const keyEnd = j > before ? nameEnd(s, j) : -1;
          if (keyEnd < 0) return false;
          const key = nameAt(s, j, keyEnd);
          if (attributes === NO_ATTRIBUTES) attributes = new Attributes();
          else if (attributes[key] !== undefined) return false;
          j = keyEnd;
          while (isS(s.charCodeAt(j))) j++;
          if (s.charCodeAt(j) !== EQ) return false;
          j++;
          while (isS(s.charCodeAt(j))) j++;
          const quote = s.charCodeAt(j);
          if (quote !== 0x22 && quote !== 0x27) return false;
          let end = j + 1;
          let vflags = 0;
          for (; end < limit; end++) {
            const v = s.charCodeAt(end);
            if (v === quote) break;
            if (v < 0x20) vflags |= v === 0x09 || v === 0x0a ? HAS_BREAK : BAD;
            else if (v === 0x26) vflags |= HAS_AMP;
            else if (v === LT || v >= 0xfffe) vflags |= BAD;
          }
          if (end >= limit || vflags & BAD) return false;
          let value = s.slice(j + 1, end);
          // Attribute-value normalisation: a tab or line feed typed in the value is a space.
          if (vflags & HAS_BREAK) value = value.replace(/[\t\n]/g, ' ');
          if (vflags & HAS_AMP) {
            const decoded = decodeReferences(value);
            if (decoded === undefined) return false;
            value = decoded;
          }
          attributes[key] = value;
          j = end + 1;
        }
        if (j >= limit) return false;
        open?.(name, attributes);
        if (selfClosing) {
          if (stack.length === 0) closedRoot = true;
          close?.(name);
        } else stack.push(name);
      }
      i = j + 1;
    }
    if (final) break;
  }
  return closedRoot && stack.length === 0;
}

/** The local name of a qualified name (`w:t` → `t`). */
export function local(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The text and attribute values of an XML part no reader of its own knows: a line per value (namespace names left out). */
export function xmlText(bytes: Uint8Array, part: string): string {
  const out: string[] = [];
  parseXml(bytes, part, {
    open(_name, a) {
      for (const [k, v] of Object.entries(a)) if (v.trim() !== '' && k !== 'xmlns' && !k.startsWith('xmlns:')) out.push(v);
    },
    text(t) {
      if (t.trim() !== '') out.push(t.trim());
    },
  });
  return out.join('\n');
}
