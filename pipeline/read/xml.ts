/**
 * XML parts read with saxes, a streaming parser: no tree is built, and a
 * DOCTYPE is refused outright (it is how entity-expansion bombs and external
 * entities get in; no OOXML or OFD part needs one).
 */
import type { Text } from '../messages/text.ts';
import { SaxesParser } from 'saxes';
import { FIX_RESAVE, UnreadableError } from './document.ts';

export interface XmlHandler {
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

/** Parse one part; `part` names it in the refusal. */
export function parseXml(bytes: Uint8Array, part: string, handler: XmlHandler): void {
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
