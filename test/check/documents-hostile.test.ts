/**
 * Hostile documents: each is refused with a finding that says why, within a
 * time bound, by the reading workers the gate uses (pipeline/read/pool.ts).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { checkAttachment, compileChecks, scanAttachment } from '../../pipeline/check/index.ts';
import { ReaderPool } from '../../pipeline/read/index.ts';
import { docx, para, pdf, xlsx, zip } from '../../pipeline/demo/documents.ts';
import { loadDemoConfig } from './helpers.ts';

const options = compileChecks(loadDemoConfig());
const pool = new ReaderPool({ workers: 2, limits: { timeoutMs: 20_000, maxEntries: 200, maxUncompressed: 64 * 1024 * 1024, maxPages: 50 } });
afterAll(() => pool.close());

const MiB = 1024 * 1024;
const check = (name: string, bytes: Uint8Array, reader = pool) => checkAttachment(`content/19900000000/xzzx/x/${name}`, bytes, options, { column: 'xzzx', reader });

const minimal = docx({ body: [para('正文')] });
function docxWith(documentXml: string): Buffer {
  return docx({ body: [], parts: { 'word/document.xml': documentXml } });
}

const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&d;&d;&d;&d;</w:t></w:r></w:p></w:body></w:document>`;
const XXE = `<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>`;

function nested(depth: number): Buffer {
  let inner: Buffer = xlsx({ sheets: [{ name: 'Sheet1', cells: { A1: '1' } }] });
  let name = '附表.xlsx';
  for (let i = 0; i < depth; i++) {
    inner = docx({ body: [para(`第${i}层`)], parts: { [`word/embeddings/${name}`]: inner } });
    name = `第${i}层.docx`;
  }
  return inner;
}

/** Mark every entry of a zip as encrypted (general purpose flag bit 0), in both headers. */
function encrypted(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let at = 0; at + 4 <= out.length; at++) {
    const sig = out.readUInt32LE(at);
    if (sig === 0x04034b50) out.writeUInt16LE(out.readUInt16LE(at + 6) | 1, at + 6);
    else if (sig === 0x02014b50) out.writeUInt16LE(out.readUInt16LE(at + 8) | 1, at + 8);
  }
  return out;
}

interface Hostile {
  name: string;
  file: string;
  bytes: () => Buffer;
  says: RegExp;
  /** Declare a smaller size than the entry inflates to. */
  lie?: boolean;
  fix?: RegExp;
}

describe('hostile documents are refused within a time bound', () => {
  test.for<Hostile>([
    { name: 'a zip bomb (one entry inflating 1,000 times)', file: 'bomb.xlsx', bytes: () => zip({ '[Content_Types].xml': '<Types/>', 'xl/big.xml': Buffer.alloc(32 * MiB) }), says: /zip bomb/ },
    { name: 'a zip that inflates past the size cap', file: 'big.docx', bytes: () => zip(Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`word/p${i}.xml`, Buffer.alloc(MiB, i)]))), says: /inflates to more than 64 MiB/ },
    { name: 'an entry inflating beyond its declared size', file: 'lie.docx', bytes: () => Buffer.from(docx({ body: [para('x')], parts: { 'word/lie.xml': Buffer.alloc(4 * MiB) } })), lie: true, says: /cannot be read to its end|too many bytes/ },
    { name: 'too many entries', file: 'many.xlsx', bytes: () => zip(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`xl/e${i}.xml`, '<a/>']))), says: /300 files/ },
    { name: 'an entity-expansion bomb (DOCTYPE)', file: 'laughs.docx', bytes: () => docxWith(BILLION_LAUGHS), says: /DOCTYPE/ },
    { name: 'an external entity (DOCTYPE)', file: 'xxe.docx', bytes: () => docxWith(XXE), says: /DOCTYPE/ },
    { name: 'a truncated zip', file: 'cut.docx', bytes: () => minimal.subarray(0, Math.floor(minimal.length / 2)), says: /not a readable zip/ },
    { name: 'a legacy Word file named .docx', file: 'old.docx', bytes: () => Buffer.from('d0cf11e0a1b11ae1000000000000000000000000', 'hex'), says: /legacy binary Office/ },
    { name: 'a garbage PDF', file: 'junk.pdf', bytes: () => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))]), says: /not a readable PDF/ },
    { name: 'not a PDF at all', file: 'fake.pdf', bytes: () => Buffer.from('<html>hello</html>'), says: /not a readable PDF/ },
    { name: 'a PDF with more pages than the cap', file: 'long.pdf', bytes: () => pdf({ pages: Array.from({ length: 60 }, () => '') }), says: /60 pages/, fix: /split/ },
    { name: 'files nested too deep', file: 'nested.docx', bytes: () => nested(5), says: /embedded more than 3 levels/, fix: /on their own/ },
    { name: 'an OFD zip bomb', file: 'bomb.ofd', bytes: () => zip({ 'OFD.xml': '<a/>', 'Doc_0/big.xml': Buffer.alloc(32 * MiB) }), says: /zip bomb/, fix: /OFD/ },
    { name: 'an archive zip bomb', file: 'bomb.zip', bytes: () => zip({ 'big.txt': Buffer.alloc(32 * MiB) }), says: /zip bomb/, fix: /解压后分别上传/ },
    { name: 'archives inside an archive adding up past the file cap', file: 'many.zip', bytes: () => zip(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`${i}.zip`, zip(Object.fromEntries(Array.from({ length: 150 }, (_, j) => [`${j}.txt`, '1'])))]))), says: /add up to more than 200 files/, fix: /解压后分别上传/ },
    { name: 'a RAR archive named .zip', file: 'fake.zip', bytes: () => Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), says: /RAR archive/, fix: /解压后分别上传/ },
    { name: 'an encrypted member', file: 'secret.zip', bytes: () => encrypted(zip({ '名单.xlsx': 'x' })), says: /名单\.xlsx is encrypted/, fix: /密码/ },
  ])('$name', { timeout: 30_000 }, async ({ file, bytes, says, lie, fix }) => {
    let data = bytes();
    if (lie) {
      // Declare 100 bytes for the 4 MiB entry in both headers: the reader must not trust it.
      const name = Buffer.from('word/lie.xml');
      for (let at = data.indexOf(name); at >= 0; at = data.indexOf(name, at + 1)) {
        const central = data.readUInt32LE(at - 46) === 0x02014b50;
        if (central) data.writeUInt32LE(100, at - 46 + 24);
        else if (data.readUInt32LE(at - 30) === 0x04034b50) data.writeUInt32LE(100, at - 30 + 22);
      }
      data = Buffer.from(data);
    }
    const started = performance.now();
    const f = await check(file, data);
    expect(performance.now() - started).toBeLessThan(15_000);
    const refusal = f.find((x) => x.rule === 'attachment-unscannable');
    expect(refusal, JSON.stringify(f.map((x) => x.message))).toBeDefined();
    expect(refusal!.message).toMatch(says);
    expect(refusal!.fix).toMatch(fix ?? /另存为/);
  });

  test('a reader that takes too long is stopped, and the worker replaced', async () => {
    const slow = new ReaderPool({ workers: 1, limits: { timeoutMs: 1 } });
    try {
      const f = await check('a.pdf', pdf({ pages: ['正文'] }), slow);
      expect(f.map((x) => x.rule)).toEqual(['attachment-unscannable']);
      expect(f[0]!.message).toMatch(/longer than/);
    } finally {
      await slow.close();
    }
    // The shared pool still reads after another pool's worker was stopped.
    expect(await check('b.pdf', pdf({ pages: ['正文'] }))).toEqual([]);
  }, 30_000);

  test('without a reader a document is refused, never passed unread', () => {
    expect(scanAttachment('a/b/c.docx', minimal, options).map((f) => f.rule)).toEqual(['attachment-unscannable']);
  });
});

describe('formats without a reader are refused with what to do instead', () => {
  test.for([
    { file: '通知.doc', fix: /DOCX/ },
    { file: '名单.xls', fix: /XLSX/ },
    { file: '课件.ppt', fix: /PPTX/ },
    { file: '通知.wps', fix: /DOCX/ },
    { file: '名单.et', fix: /XLSX/ },
    { file: '附件.rar', fix: /解压后分别上传.*DOCX\/XLSX\/PDF/ },
    { file: '附件.7z', fix: /解压后分别上传/ },
  ])('$file', ({ file, fix }) => {
    const f = scanAttachment(`content/19900000000/xzzx/x/${file}`, Buffer.from('any bytes'), options);
    expect(f.map((x) => x.rule)).toEqual(['attachment-unscannable']);
    expect(f[0]!.fix).toMatch(fix);
  });
});
