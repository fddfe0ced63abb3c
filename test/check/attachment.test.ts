import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { decodeText, scanAttachment, sha256Hex } from '../../pipeline/check/index.ts';
import { genId18, genMobile, loadDemoConfig, rng } from './helpers.ts';

const config = loadDemoConfig();
const DIR = 'content/19900000000/xzzx/2026-10-forms';
const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** GBK bytes of a text, from iconv when it is installed, else a fixed sample. */
function gbk(text: string): Buffer {
  try {
    return execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: text });
  } catch {
    return Buffer.from('wLi0zizP7sS/w/uzxgoxLM/6ytu27go=', 'base64'); // 栏次,项目名称\n1,销售额\n
  }
}

describe('text attachments are scanned like entries', () => {
  const rand = rng(5);
  const id = genId18(rand);
  const mobile = genMobile(rand);

  test('a CSV with an ID number and a mobile, positioned by line and column', () => {
    const csv = `序号,纳税人名称,证件号码,联系电话\n1,王某,${id},${mobile}\n`;
    const f = scanAttachment(`${DIR}/list.csv`, utf8(csv), config);
    expect(f.map((x) => [x.rule, x.file, x.line, x.column])).toEqual([
      ['personal-id', `${DIR}/list.csv`, 2, 6],
      ['personal-mobile', `${DIR}/list.csv`, 2, 25],
    ]);
  });

  test('a UTF-8 BOM is fine and not a column', () => {
    const f = scanAttachment(`${DIR}/a.txt`, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(`机密★5年`)]), config);
    expect(f.map((x) => [x.rule, x.line, x.column])).toEqual([['secret-marking', 1, 1]]);
  });

  test('HTML and Markdown attachments: comments and attributes too', () => {
    expect(scanAttachment(`${DIR}/a.html`, utf8(`<p title="内部资料">x</p><!-- ${mobile} -->`), config).map((x) => x.rule)).toEqual(['internal-marking', 'personal-mobile']);
    expect(scanAttachment(`${DIR}/a.md`, utf8(`# 说明\n\n联系 ${mobile}`), config).map((x) => x.rule)).toEqual(['personal-mobile']);
  });

  test('in CSV a line is a record: numbers do not continue onto the next line', () => {
    const csv = '编号,金额\n1381234,5\n5678,9\n';
    expect(scanAttachment(`${DIR}/a.csv`, utf8(csv), config)).toEqual([]);
    expect(scanAttachment(`${DIR}/a.txt`, utf8('号码1381234\n5678'), config).length, 'in text a soft line break joins').toBe(1);
  });

  test('the demo attachments are clean', () => {
    expect(scanAttachment(`${DIR}/clean.csv`, utf8('栏次,项目名称,填报说明,数据来源\n1,收入合计,第2栏+第3栏,申报数据\n'), config)).toEqual([]);
  });
});

describe('encodings other than UTF-8 are refused, never mis-scanned', () => {
  test.for([
    { name: 'GBK', bytes: gbk('栏次,项目名称\n1,销售额\n'), encoding: 'gb18030', words: 'GB18030/GBK' },
    { name: 'GB18030 with a hidden ID number', bytes: gbk(`身份证号码 ${genId18(rng(1))}\n`), encoding: 'gb18030', words: 'GB18030/GBK' },
    { name: 'UTF-16LE with BOM', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('机密★5年', 'utf16le')]), encoding: 'utf-16', words: 'UTF-16' },
    { name: 'UTF-16BE with BOM', bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('ab', 'utf16le').swap16()]), encoding: 'utf-16', words: 'UTF-16' },
    { name: 'UTF-16LE without BOM', bytes: Buffer.from('Name,Phone\r\nA,13812345678\r\n', 'utf16le'), encoding: 'utf-16', words: 'UTF-16' },
    { name: 'binary', bytes: Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x80]), encoding: 'binary', words: 'not UTF-8 text' },
    { name: 'Latin-1 bytes', bytes: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), encoding: 'binary', words: 'not UTF-8 text' },
  ])('$name', ({ bytes, encoding, words }) => {
    const d = decodeText(bytes);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.encoding).toBe(encoding);
    const f = scanAttachment(`${DIR}/data.csv`, bytes, config);
    expect(f.map((x) => x.rule)).toEqual(['attachment-encoding']);
    expect(f[0]!.message).toContain(words);
    expect(f[0]!.fingerprint).toBe(sha256Hex(sha256Hex(bytes)));
  });
});

describe('other attachment types are refused unless waived', () => {
  test.for([
    { name: 'report.pdf', bytes: utf8('%PDF-1.7\n') },
    { name: 'table.xlsx', bytes: Buffer.from('UEsDBBQ=', 'base64') },
    { name: 'doc.docx', bytes: Buffer.from('UEsDBBQ=', 'base64') },
    { name: 'archive.zip', bytes: Buffer.from('UEsDBBQ=', 'base64') },
    { name: 'logo.svg', bytes: utf8('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
    { name: 'README', bytes: utf8('text') },
    { name: 'photo.png', bytes: utf8('%PDF-1.7 renamed') },
  ])('$name', ({ name, bytes }) => {
    const f = scanAttachment(`${DIR}/${name}`, bytes, config);
    expect(f.map((x) => x.rule)).toEqual(['attachment-unscannable']);
    // The fingerprint is the SHA-256 of the file's digest: a waiver covers these exact bytes.
    expect(f[0]!.fingerprint).toBe(sha256Hex(sha256Hex(bytes)));
    expect([f[0]!.line, f[0]!.column]).toEqual([1, 1]);
  });
});
