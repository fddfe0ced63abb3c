/**
 * XML parts read with saxes, a streaming parser: no tree is built, and a
 * DOCTYPE is refused outright (it is how entity-expansion bombs and external
 * entities get in; no OOXML or OFD part needs one).
 */
import { SaxesParser } from 'saxes';
import { FIX_RESAVE, UnreadableError } from './document.ts';

export interface XmlHandler {
  open?(name: string, attributes: Record<string, string>): void;
  text?(text: string): void;
  close?(name: string): void;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF16LE = new TextDecoder('utf-16le', { fatal: true });
const UTF16BE = new TextDecoder('utf-16be', { fatal: true });

function decode(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return UTF16LE.decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return UTF16BE.decode(bytes.subarray(2));
  const text = UTF8.decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parse one part; `part` names it in the refusal. */
export function parseXml(bytes: Uint8Array, part: string, handler: XmlHandler): void {
  const parser = new SaxesParser({ xmlns: false, position: false });
  let failure: Error | undefined;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('doctype', () => {
    failure ??= new UnreadableError(`the part ${part} declares a DOCTYPE (a way to hide entity-expansion bombs and external references): it is refused`, FIX_RESAVE);
  });
  if (handler.open) parser.on('opentag', (tag) => handler.open!(tag.name, tag.attributes as Record<string, string>));
  if (handler.text) {
    parser.on('text', (t) => handler.text!(t));
    parser.on('cdata', (t) => handler.text!(t));
  }
  if (handler.close) parser.on('closetag', (tag) => handler.close!(tag.name));
  try {
    const text = decode(bytes);
    // Written in slices so a refusal (a DOCTYPE near the start) stops the work early.
    for (let at = 0; at < text.length && failure === undefined; at += 1 << 20) parser.write(text.slice(at, at + (1 << 20)));
    if (failure === undefined) parser.close();
  } catch (error) {
    failure ??= error as Error;
  }
  if (failure instanceof UnreadableError) throw failure;
  if (failure) throw new UnreadableError(`the part ${part} is not well-formed XML (${failure.message.split('\n')[0]})`, FIX_RESAVE);
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
