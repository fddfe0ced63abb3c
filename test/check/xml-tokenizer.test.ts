/**
 * The XML tokenizer (pipeline/read/xml.ts) reads most parts instead of saxes:
 * whatever it reads, it must hand over exactly what saxes would (the same
 * events, in the same order, with the same text and attributes), and what
 * saxes refuses it must refuse in saxes's words. Compared on generated parts,
 * well-formed and broken, and on the awkward cases one by one.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseXml, parseXmlWithSaxes, type XmlHandler } from '../../pipeline/read/xml.ts';

type Outcome = { events: string[] } | { refused: string };

function run(parse: typeof parseXml, bytes: Uint8Array): Outcome {
  const events: string[] = [];
  const handler: XmlHandler = {
    open: (name, a) => events.push(`<${name} ${JSON.stringify(Object.entries(a))} ${Object.getPrototypeOf(Object.getPrototypeOf(a) ?? {}) === null || Object.getPrototypeOf(a) === null}`),
    text: (t) => events.push(`T${JSON.stringify(t)}`),
    close: (name) => events.push(`>${name}`),
  };
  try {
    parse(bytes, 'x.xml', handler);
    return { events };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

function same(xml: string | Uint8Array): void {
  const bytes = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml;
  const fast = run(parseXml, bytes);
  const saxes = run(parseXmlWithSaxes, bytes);
  expect(fast, typeof xml === 'string' ? xml.slice(0, 300) : 'bytes').toEqual(saxes);
}

const name = fc.constantFrom('a', 'w:t', 'c', 'v', 'x:y:z', '_b', 'ä', '名', 'b-1.2', 'A·b', '×', '1a', '-a', ':', 'r');
const value = fc.constantFrom('', '1', 'A1', 's', 'x y', 'a&amp;b', '&lt;&gt;&quot;&apos;', '&#x41;&#66;', '&#xD800;', '&#0;', '&foo;', '&amp', 'a\tb\nc', '税 务', '<', '>', "'", '"', ']]>', '&#x10FFFF;', '&#X41;', '\u0001', '\uFFFE', '&constructor;');
const text = fc.constantFrom('', ' ', '\n', 'text', '身份证 11010519491231002X', 'a &amp; b', '&lt;', '&#12;', '&#x1F600;', '&nbsp;', 'x > y', ']]>', ']]', '\t', '&', 'a\u0008b', '\uFFFF', '𠮷');

const attribute = fc.tuple(name, fc.constantFrom('=', ' = ', '=\n', ''), fc.constantFrom('"', "'"), value, fc.constantFrom(' ', '\t', '\n', '')).map(([k, eq, q, v, sp]) => `${sp}${k}${eq}${q}${v.replace(q, '')}${q}`);
const element: fc.Memo<string> = fc.memo((depth) =>
  depth <= 1
    ? fc.oneof(text, fc.tuple(name, fc.array(attribute, { maxLength: 3 })).map(([n, as]) => `<${n}${as.map((a) => ` ${a}`).join('')}/>`))
    : fc
        .tuple(name, fc.array(attribute, { maxLength: 3 }), fc.array(element(depth - 1), { maxLength: 4 }), fc.constantFrom('', ' ', '\n'), fc.boolean())
        .map(([n, as, children, sp, closeRight]) => `<${n}${as.map((a) => ` ${a}`).join('')}${sp}>${children.join('')}</${closeRight ? n : `${n}x`}${sp}>`),
);
const prolog = fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "<?xml version='1.0'?>\n", '\ufeff', '\ufeff<?xml version="1.0"?>', ' ', '<?xml version="1.1"?>', '<?xml version="1.0" encoding="GBK"?>');
const epilog = fc.constantFrom('', '\n', ' x', '<a/>', '  \n ');

describe('the tokenizer reads what saxes reads, and refuses what saxes refuses', () => {
  test('generated parts, well-formed or not', () => {
    fc.assert(
      fc.property(prolog, element(4), epilog, (p, e, after) => {
        same(`${p}${e}${after}`);
      }),
      { numRuns: 3000 },
    );
  });

  test('generated parts with a character cut out or doubled', () => {
    fc.assert(
      fc.property(prolog, element(4), fc.nat(), fc.boolean(), (p, e, at, cut) => {
        const xml = `${p}${e}`;
        const i = at % Math.max(1, xml.length);
        same(cut ? xml.slice(0, i) + xml.slice(i + 1) : xml.slice(0, i + 1) + xml.slice(i));
      }),
      { numRuns: 3000 },
    );
  });

  test('awkward cases', () => {
    for (const xml of [
      '',
      ' ',
      '<a/>',
      '<a></a>',
      '<a>x</a>',
      '<a b="1" b="2"/>',
      '<a b="1"c="2"/>',
      '<a b=1/>',
      '<a b/>',
      '<a __proto__="x" constructor="y" toString="z"/>',
      '<a><!-- note --></a>',
      '<a><![CDATA[x < y]]></a>',
      '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
      '<a>\r\nline\r</a>',
      '<a b="x\r\ny"/>',
      '<a><?pi data?></a>',
      '<a/><b/>',
      '<a></b>',
      '</a>',
      '<a>',
      '<a/ >',
      '<a />',
      '<a\t\nb = "v" />',
      'x<a/>',
      '<a/>x',
      '<a>&#xFFFE;</a>',
      '<a>&#x9;&#xA;&#xD;</a>',
      '<a b="&#x9;"/>',
      '<a b="]]>"/>',
      '<a>]]></a>',
      '<名 属性="值">文字</名>',
      '<a\u00d7/>',
      '<a b\u00b7c="1"/>',
    ])
      same(xml);
  });

  test('bytes that are not UTF-8, and UTF-16 parts', () => {
    same(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]));
    same(Buffer.from('\ufeff<a>税</a>', 'utf16le'));
    same(Buffer.concat([Buffer.from('<a>'), Buffer.from('税'), Buffer.from('</a>')]).subarray(0, 5));
  });

  test('parts longer than a slice: tags, text and references across slice boundaries', () => {
    const SLICE = 1 << 20;
    for (const shift of [0, 1, 2, 3, 5, 8]) {
      const pad = 'a'.repeat(SLICE - 10 + shift);
      same(`<r><t x="${pad}">v</t><t>${pad}&amp;税</t><u ${'b'.repeat(shift + 1)}="1"/></r>`);
      same(`<r>${'<c r="A1" t="s"><v>1</v></c>'.repeat(SLICE / 25 + shift)}</r>`);
      // Text of more than a slice with no '<' in it.
      same(`<r>${'税'.repeat(SLICE + shift)}</r>`);
      same(`<r a="${'x'.repeat(2 * SLICE + shift)}"/>`);
    }
  });
});
