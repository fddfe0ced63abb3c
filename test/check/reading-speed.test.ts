/**
 * What the reading speed-ups must not change: a part decoded in slices reads
 * the same text wherever a character falls across a slice; bytes moved to a
 * reading worker (not copied) are read whole, and bytes sharing Node's buffer
 * pool with other data are copied, never taken from it; loading pdfjs leaves
 * the built-ins its polyfills replaced as they were.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { pdf, xlsx } from '../../pipeline/demo/documents.ts';
import { inlineReader, ReaderPool } from '../../pipeline/read/index.ts';
import { parseXml } from '../../pipeline/read/xml.ts';

const ID = '11010519491231002X';
const SLICE = 1 << 20;

/** The text of a part as parseXml hands it over. */
function textOf(bytes: Uint8Array): string {
  let text = '';
  parseXml(bytes, 'word/document.xml', { text: (t) => (text += t) });
  return text;
}

describe('a part decoded in slices', () => {
  test('reads every character, wherever a slice boundary cuts it (UTF-8 of 1 to 4 bytes, UTF-16 both ways)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.constantFrom('é', '税', '𠮷', '号'), fc.constantFrom('utf-8', 'utf-16le', 'utf-16be'), (shift, char, encoding) => {
        // Padding puts the characters after it across the first slice boundary, at every byte offset.
        const open = '<w:t>';
        const text = `${'a'.repeat(SLICE / (encoding === 'utf-8' ? 1 : 2) - open.length - 2 + shift)}${char.repeat(8)}身份证${ID}`;
        const xml = `${open}${text}</w:t>`;
        let bytes: Buffer;
        if (encoding === 'utf-8') bytes = Buffer.from(xml, 'utf8');
        else {
          const le = Buffer.from(`\ufeff${xml}`, 'utf16le');
          bytes = encoding === 'utf-16le' ? le : Buffer.from(le).swap16();
        }
        expect(textOf(bytes)).toBe(text);
      }),
      { numRuns: 40 },
    );
  });

  test('bytes that are not UTF-8 are refused, in the first slice or after it', () => {
    for (const at of [10, SLICE - 1, SLICE, SLICE + 5]) {
      const bytes = Buffer.from(`<w:t>${'a'.repeat(SLICE + 100)}</w:t>`, 'utf8');
      bytes[at] = 0xff;
      expect(() => textOf(bytes), `0xff at ${at}`).toThrow(/not well-formed XML/);
    }
  });
});

describe('bytes handed to a reading worker', () => {
  const pool = new ReaderPool({ workers: 1 });
  afterAll(() => pool.close());

  test('a file in a buffer of its own is moved to the worker, not copied, and read whole', async () => {
    const file = xlsx({ sheets: [{ name: '清单', cells: { A1: '姓名', B3000: ID } }] });
    const bytes = new Uint8Array(file.length);
    bytes.set(file);
    const outcome = await pool.read('名单.xlsx', bytes);
    expect(outcome.ok && outcome.doc.texts.find((t) => t.text === ID)?.where).toBe('清单 › B3000');
    // Moved: the caller's view is empty now (the DocumentReader contract: the reader takes the bytes).
    expect(bytes.byteLength).toBe(0);
  });

  test('a file sharing Node\'s buffer pool is copied: the pool and the caller keep their bytes', async () => {
    const small = pdf({ pages: [`身份证 ${ID}`] });
    // Buffer.from(string) takes a slice of the shared pool when it is small.
    const pooled = Buffer.from(small.toString('latin1'), 'latin1');
    const neighbour = Buffer.from('左邻右舍', 'utf8');
    expect(pooled.byteLength).toBeLessThan(pooled.buffer.byteLength);
    const outcome = await pool.read('通知.pdf', pooled);
    expect(outcome.ok && outcome.doc.texts.some((t) => t.text.includes(ID))).toBe(true);
    expect(pooled.equals(small)).toBe(true);
    expect(neighbour.toString('utf8')).toBe('左邻右舍');
  });
});

test('reading a PDF leaves Array.prototype.push and JSON.parse native (pdfjs polyfills them, slowly)', async () => {
  const outcome = await inlineReader().read('a.pdf', pdf({ pages: ['正文'] }));
  expect(outcome.ok).toBe(true);
  const native = (f: unknown) => Function.prototype.toString.call(f).includes('[native code]');
  expect(native(Array.prototype.push)).toBe(true);
  expect(native(JSON.parse)).toBe(true);
});
