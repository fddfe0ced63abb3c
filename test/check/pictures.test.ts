/**
 * Pictures in documents: a chart pasted into Word as EMF or WMF, an Office 365
 * SVG icon, a BMP or TIFF picture are read (pipeline/read/picture.ts,
 * image-metadata.ts), not refused as unreadable; the text they draw is checked
 * like any other text of the document, at its place
 * (`嵌入对象 › image3.emf › 文字`); a metafile that does not read to its end is
 * refused quickly, never an exception, never a loop.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { checkAttachment, scanAttachment } from '../../pipeline/check/index.ts';
import { docx, gbk, para, pptx, zip } from '../../pipeline/demo/documents.ts';
import { DEFAULT_READ_LIMITS, MAX_PICTURE_RECORDS, readEmf, readOutcome, ReaderPool, UnreadableError } from '../../pipeline/read/index.ts';
import { png } from '../helpers/repo.ts';
import { attachmentChecker, genId18, genMobile, rng, where } from './helpers.ts';
import { ascii, tiff } from './images.ts';
import { bmp, chartEmf, drawString, emf, emfPlusComment, emfRecord, extTextOutA, extTextOutW, polyTextOutW, wmf, wmfExtTextOut, wmfRecord, wmfTextOut } from './pictures.ts';

const DIR = 'content/19900000000/tzgg/2026-12-notice';
const { options, reader, check } = attachmentChecker(DIR, 'tzgg');
const rand = rng(31);
const id = genId18(rand);
const mobile = genMobile(rand);

const withPicture = (name: string, bytes: Uint8Array, store = false) => docx({ body: [para('2026年1-10月全省税收收入情况'), para('详见下图。')], parts: { [`word/media/${name}`]: bytes }, store });

const LABELS = ['2026年1-10月税收收入（亿元）', '增值税', '企业所得税', '个人所得税', '1月', '10月', '同比增长6.5%'];
const SVG_ICON = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 96 96" width="96" height="96"><title>文档</title><g><path d="M24 12 L60 12 L72 24 L72 84 L24 84 Z" fill="#2B579A" stroke-width="2"/><text x="30" y="60" font-family="宋体" font-size="12">附件</text></g></svg>';

describe('a clean document with pictures passes', () => {
  test('an EMF chart with Chinese labels, a WMF, an SVG icon with its PNG fallback, a BMP and a TIFF', async () => {
    const bytes = docx({
      body: [para('2026年1-10月全省税收收入情况'), para('详见下图。')],
      parts: {
        'word/media/image1.emf': chartEmf(LABELS[0]!, LABELS.slice(1)),
        'word/media/image2.wmf': wmf([wmfExtTextOut(gbk('单位：亿元')), wmfTextOut(gbk('数据来源：示例省税务局'))]),
        'word/media/image3.svg': Buffer.from(SVG_ICON),
        'word/media/image4.png': png(2, 2),
        'word/media/image5.bmp': bmp(),
        'word/media/image6.tif': tiff({ le: true, ifd0: [ascii(0x0131, 'WPS Office')] }),
      },
    });
    expect(await check('情况说明.docx', bytes)).toEqual([]);
  });

  test('the chart\'s text is read, each string a line of its own, the header\'s description too', async () => {
    const reading = await reader.read('image1.emf', chartEmf(LABELS[0]!, LABELS.slice(1)));
    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.doc.texts).toEqual([
      { where: '说明', text: 'Microsoft Office\nchart1.emf' },
      { where: '文字', text: [...LABELS, '0', '500', '1000'].join('\n') },
    ]);
  });

  test('a PPTX with a chart picture passes', async () => {
    expect(await check('课件.pptx', pptx([{ text: ['税收收入'] }], { parts: { 'ppt/media/image1.emf': chartEmf(LABELS[0]!, LABELS.slice(1)) } }))).toEqual([]);
  });
});

describe('what a picture draws is checked at its place', () => {
  test.for([
    { name: 'EMF, EMR_EXTTEXTOUTW', file: 'image3.emf', bytes: () => emf([extTextOutW('申请人'), extTextOutW(`身份证号：${id}`)]), at: '文字', line: 2 },
    { name: 'EMF, EMF+ DrawString only', file: 'image3.emf', bytes: () => emf([emfPlusComment([drawString('申请人'), drawString(id)])]), at: '文字', line: 2 },
    { name: 'EMF, EMR_EXTTEXTOUTA in GBK', file: 'image3.emf', bytes: () => emf([extTextOutA(gbk(`身份证号：${id}`))]), at: '文字', line: 1 },
    { name: 'EMF, EMR_POLYTEXTOUTW', file: 'image3.emf', bytes: () => emf([polyTextOutW(['姓名', id])]), at: '文字', line: 2 },
    { name: 'EMF, the header\'s description', file: 'image3.emf', bytes: () => emf([extTextOutW('图表')], { description: `WPS Office\u0000${id}.emf\u0000` }), at: '说明', line: 2 },
    { name: 'WMF, META_EXTTEXTOUT in GBK (clipped)', file: 'image2.wmf', bytes: () => wmf([wmfExtTextOut(gbk('联系人')), wmfExtTextOut(gbk(`身份证号：${id}`), 0x4)]), at: '文字', line: 2 },
    { name: 'WMF without the placeable header, META_TEXTOUT', file: 'image2.wmf', bytes: () => wmf([wmfTextOut(gbk(id))], { placeable: false }), at: '文字', line: 1 },
    { name: 'SVG <text>', file: 'image3.svg', bytes: () => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><text x="1" y="2">证件号 <tspan>${id}</tspan></text></svg>`), at: '文字', line: 2 },
    { name: 'SVG <desc>', file: 'image3.svg', bytes: () => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><desc>经办人 ${id}</desc><rect width="1" height="1"/></svg>`), at: '说明', line: 1 },
    { name: 'SVG attribute (aria-label)', file: 'image3.svg', bytes: () => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" aria-label="${id}"><rect width="1" height="1"/></svg>`), at: '属性', line: 1 },
  ])('an ID number in a $name', async ({ file, bytes, at, line }) => {
    const f = await check('说明.docx', withPicture(file, bytes()));
    expect(where(f)).toEqual([`personal-id @ 嵌入对象 › ${file} › ${at}`]);
    expect(f[0]!.file).toBe(`${DIR}/说明.docx`);
    expect(f[0]!.line).toBe(line);
    expect(f[0]!.excerpt).not.toContain(id);
  });

  test('ANSI strings are decoded as GB18030: a classification mark in GBK is found', async () => {
    expect(where(await check('说明.docx', withPicture('image3.emf', emf([extTextOutA(gbk('秘密★1年'))]))))).toEqual(['secret-marking @ 嵌入对象 › image3.emf › 文字']);
    expect(where(await check('说明.docx', withPicture('image2.wmf', wmf([wmfTextOut(gbk('图例')), wmfExtTextOut(gbk('秘密★1年'))]))))).toEqual(['secret-marking @ 嵌入对象 › image2.wmf › 文字']);
    const reading = await reader.read('image2.wmf', wmf([wmfExtTextOut(gbk('单位：亿元')), wmfTextOut(gbk('数据来源：示例省税务局'))]));
    expect(reading.ok && reading.doc.texts).toEqual([{ where: '文字', text: '单位：亿元\n数据来源：示例省税务局' }]);
  });

  test('a mobile number in a PPTX\'s chart', async () => {
    const f = await check('课件.pptx', pptx([{ text: ['办税培训'] }], { parts: { 'ppt/media/image7.emf': emf([extTextOutW(`联系人手机 ${mobile}`)]) } }));
    expect(where(f)).toEqual(['personal-mobile @ 嵌入对象 › image7.emf › 文字']);
  });

  test('a TIFF picture with an Artist tag is found as image metadata', async () => {
    const photo = tiff({ le: false, ifd0: [ascii(0x013b, 'Zhang San')] });
    expect(where(await check('说明.docx', withPicture('image5.tiff', photo)))).toEqual(['image-metadata @ 嵌入对象 › image5.tiff']);
    expect(scanAttachment(`${DIR}/scan.tif`, photo, options).map((f) => f.rule)).toEqual(['image-metadata']);
  });

  test('strings drawn as glyph indices are numbers in a font, not text: passed over', async () => {
    const glyphs = String.fromCharCode(...[...'13812345678'].map((c) => c.charCodeAt(0)));
    expect(await check('说明.docx', withPicture('image3.emf', emf([extTextOutW(glyphs, 0x10)])))).toEqual([]);
  });

  test('a picture inside an SVG (a data: URI) is checked in turn', async () => {
    const photo = Buffer.from(tiff({ le: true, ifd0: [ascii(0x013b, 'Li Si')] })).toString('base64');
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image width="10" height="10" xlink:href="data:image/tiff;base64,${photo}"/></svg>`);
    expect(where(await check('说明.docx', withPicture('image3.svg', svg)))).toEqual(['image-metadata @ 嵌入对象 › image3.svg › 图片 › image-1.tiff']);
  });

  test('a script in an embedded SVG is refused as active content; a DOCTYPE is refused', async () => {
    const script = await check('说明.docx', withPicture('image3.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>')));
    expect(where(script)).toEqual(['attachment-active @ 嵌入对象 › image3.svg › 脚本', 'attachment-active @ 嵌入对象 › image3.svg › 事件属性']);
    const doctype = await check('说明.docx', withPicture('image3.svg', Buffer.from('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')));
    expect(doctype.map((f) => f.rule)).toEqual(['attachment-unscannable']);
    expect(doctype[0]!.message).toMatch(/DOCTYPE/);
  });
});

describe('on its own', () => {
  test('an EMF or WMF attached on its own is read the same way', async () => {
    expect(where(await check('图表.emf', emf([extTextOutW(id)])))).toEqual(['personal-id @ 文字']);
    expect(where(await check('图表.wmf', wmf([wmfExtTextOut(gbk(id))])))).toEqual(['personal-id @ 文字']);
    expect(await check('图表.emf', chartEmf(LABELS[0]!, LABELS.slice(1)))).toEqual([]);
  });

  test('an SVG on its own, or in a ZIP archive, stays refused (it would be a page of the site\'s origin)', async () => {
    const svg = Buffer.from(SVG_ICON);
    const alone = await check('icon.svg', svg);
    expect(alone.map((f) => f.rule)).toEqual(['attachment-unscannable']);
    expect(alone[0]!.message).toMatch(/SVG/);
    const member = await check('资料.zip', zip({ 'icon.svg': svg }));
    expect(member.map((f) => [f.rule, f.location])).toEqual([['attachment-unscannable', 'icon.svg']]);
  });

  test('a BMP and a TIFF attached on their own are checked like other images', () => {
    expect(scanAttachment(`${DIR}/a.bmp`, bmp(), options)).toEqual([]);
    expect(scanAttachment(`${DIR}/a.tiff`, tiff({ le: true, ifd0: [] }), options)).toEqual([]);
    expect(scanAttachment(`${DIR}/a.bmp`, png(2, 2), options).map((f) => f.rule)).toEqual(['attachment-unscannable']);
  });
});

describe('a picture that does not read to its end is refused, quickly', () => {
  const valid = chartEmf(LABELS[0]!, LABELS.slice(1));
  const u32 = (b: Buffer, at: number, v: number) => {
    const c = Buffer.from(b);
    c.writeUInt32LE(v, at);
    return c;
  };
  const firstRecord = valid.readUInt32LE(4); // after the header and its description
  const manyRecords = emf(Array.from({ length: MAX_PICTURE_RECORDS + 1 }, () => emfRecord(0x4b, [])));
  test.for([
    { name: 'EMF, a record of size 0', file: 'image1.emf', bytes: () => u32(valid, firstRecord + 4, 0), says: /size 0/ },
    { name: 'EMF, a record past the end', file: 'image1.emf', bytes: () => u32(valid, firstRecord + 4, 0x7ffffff0), says: /runs past the end/ },
    { name: 'EMF, a size not a multiple of 4', file: 'image1.emf', bytes: () => u32(valid, firstRecord + 4, 10), says: /size 10/ },
    { name: 'EMF, truncated', file: 'image1.emf', bytes: () => valid.subarray(0, valid.length - 30), says: /runs past the end|ends before its end record/ },
    { name: 'EMF, no end record', file: 'image1.emf', bytes: () => emf([extTextOutW('a')], { end: false }), says: /ends before its end record/ },
    { name: 'EMF, data after the end record', file: 'image1.emf', bytes: () => Buffer.concat([valid, Buffer.from('藏在图片末尾的文字')]), says: /follow the end record/ },
    { name: 'EMF, a string outside its record', file: 'image1.emf', bytes: () => emf([u32(Buffer.from(extTextOutW('abc')), 48, 0xfffffff0).toJSON().data]), says: /outside the record/ },
    { name: 'EMF, a huge string count', file: 'image1.emf', bytes: () => emf([u32(Buffer.from(extTextOutW('abc')), 44, 0x7fffffff).toJSON().data]), says: /outside the record/ },
    { name: 'EMF, a huge POLYTEXTOUT count', file: 'image1.emf', bytes: () => emf([u32(Buffer.from(polyTextOutW(['a'])), 36, 0xffffffff).toJSON().data]), says: /shorter than its structure/ },
    { name: 'EMF, an EMF+ record of size 0', file: 'image1.emf', bytes: () => emf([emfPlusComment([[0x1c, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]])]), says: /EMF\+ record's size 0/ },
    { name: 'EMF, more records than the cap', file: 'image1.emf', bytes: () => manyRecords, says: /more than 1000000 records/ },
    { name: 'EMF, a header that is not one', file: 'image1.emf', bytes: () => Buffer.from('%PDF-1.7 named .emf'), says: /not an EMF picture/ },
    { name: 'WMF, a record of size 0', file: 'image2.wmf', bytes: () => wmf([[0, 0, 0, 0, 0x21, 0x05]]), says: /size of 0 bytes/ },
    { name: 'WMF, a record past the end', file: 'image2.wmf', bytes: () => wmf([[0xff, 0xff, 0xff, 0x7f, 0x21, 0x05]]), says: /runs past the end/ },
    { name: 'WMF, a string past its record', file: 'image2.wmf', bytes: () => wmf([wmfRecord(0x0521, [0xff, 0xff, 0x41, 0x42])]), says: /outside the record/ },
    { name: 'WMF, truncated', file: 'image2.wmf', bytes: () => wmf([wmfTextOut(gbk('图例'))], { end: false }), says: /ends before its end record/ },
    { name: 'WMF, a header that is not one', file: 'image2.wmf', bytes: () => Buffer.from([0xd7, 0xcd, 0xc6, 0x9a, 0, 0]), says: /not a WMF picture/ },
  ])('$name', async ({ file, bytes, says }) => {
    const b = bytes();
    const started = performance.now();
    // Stored: a million empty records would deflate past the zip reader's ratio cap first.
    const f = await check('说明.docx', withPicture(file, b, b.length > 1 << 20));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(f.map((x) => x.rule)).toEqual(['attachment-unscannable']);
    expect(f[0]!.message).toMatch(says);
    expect(f[0]!.zh.message).toMatch(/图片|文件扩展名/);
    expect(f[0]!.fix).toMatch(/PNG/);
    expect(f[0]!.location).toMatch(new RegExp(`^嵌入对象 › ${file.replace('.', '\\.')}`));
  });

  test('random truncations and byte flips of a valid EMF: never an exception, never a hang; read or refused', () => {
    const base = emf([emfPlusComment([drawString('图例'), drawString(id)]), extTextOutW(LABELS[0]!), extTextOutA(gbk('单位：亿元')), polyTextOutW(['1月', '2月'])], { description: 'WPS Office\u0000图表.emf\u0000' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (cut, flips) => {
        const b = Buffer.from(base.subarray(0, cut));
        for (const [at, v] of flips) if (at < b.length) b[at] = v;
        const started = performance.now();
        try {
          const doc = readEmf(b);
          expect(Array.isArray(doc.texts)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(UnreadableError);
        }
        expect(performance.now() - started).toBeLessThan(500);
      }),
      { numRuns: 1_000 },
    );
  });

  test('a refusal, not an exception, through the reader', async () => {
    const outcome = await readOutcome('x.emf', Buffer.from([1, 0, 0, 0]), DEFAULT_READ_LIMITS);
    expect(outcome.ok).toBe(false);
  });
});

describe('in the reading worker', () => {
  const pool = new ReaderPool({ workers: 1 });
  afterAll(() => pool.close());

  test('an embedded chart is read there, with the same findings as read on this thread', async () => {
    const bytes = docx({ body: [para('见图')], parts: { 'word/media/image1.emf': emf([extTextOutW(`身份证号：${id}`)]), 'word/media/image2.svg': Buffer.from(SVG_ICON) } });
    const name = `${DIR}/说明.docx`;
    const inWorker = await checkAttachment(name, Buffer.from(bytes), options, { column: 'tzgg', reader: pool });
    const inline = await checkAttachment(name, Buffer.from(bytes), options, { column: 'tzgg', reader });
    expect(inWorker).toEqual(inline);
    expect(where(inWorker)).toEqual(['personal-id @ 嵌入对象 › image1.emf › 文字']);
  }, 60_000);
});
