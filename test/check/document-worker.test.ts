/**
 * Documents checked where they are read (issue 12): the reading worker scans
 * the text it read and sends back findings, never the text, so a sheet of
 * tens of thousands of rows costs the gate a few findings, not 100,000 pieces
 * copied between threads; the findings are the ones a scan on the gate's own
 * thread gives, places inside the file included; a worker that dies refuses
 * the file it was checking.
 */
import { serialize } from 'node:v8';
import { afterAll, describe, expect, test } from 'vitest';
import { checkAttachment, checkReading, compileChecks, configKey, type CheckFinding } from '../../pipeline/check/index.ts';
import { docx, para, xlsx } from '../../pipeline/demo/documents.ts';
import { inlineReader, ReaderPool } from '../../pipeline/read/index.ts';
import { loadDemoConfig } from './helpers.ts';

const config = loadDemoConfig();
const options = compileChecks(config);
const ID = '11010519491231002X';
const DIR = 'content/19900000000/xzzx/2026-12-list';
const pool = new ReaderPool({ workers: 1 });
afterAll(() => pool.close());

/** A register of `rows` rows (a name and an amount per row), an ID number planted in C`trapRow`. */
function register(rows: number, trapRow: number): Buffer {
  const cells: Record<string, string> = { A1: '姓名', B1: '退税金额（元）' };
  for (let r = 2; r <= rows; r++) {
    cells[`A${r}`] = `纳税人${r}`;
    cells[`B${r}`] = String((r * 37) % 10_000);
  }
  cells[`C${trapRow}`] = ID;
  return xlsx({ sheets: [{ name: '退税名单', cells }] });
}

const request = (digest: string) => ({ configKey: configKey(config), config, column: 'xzzx', digest });
const places = (findings: CheckFinding[]) => findings.map((f) => [f.rule, f.location, f.line, f.column]);

describe('a large sheet checked in the reading worker', () => {
  const sheet = register(45_000, 40_000);

  test('an ID in row 40,000 is found at its cell, and only findings come back (not the sheet\'s text)', async () => {
    const answer = await pool.check(`${DIR}/名单.xlsx`, Buffer.from(sheet), request('d'));
    expect('refusal' in answer).toBe(false);
    if ('refusal' in answer) return;
    expect(places(answer.findings)).toEqual([['personal-id', '退税名单 › C40000', 1, 1]]);
    expect(answer.embedded).toEqual([]);
    // What crossed from the worker: one finding, a few hundred bytes; the sheet's reading is 90,000 pieces.
    expect(serialize(answer).byteLength).toBeLessThan(4_096);
    const reading = await inlineReader().read('名单.xlsx', Buffer.from(sheet));
    expect(reading.ok && reading.doc.texts.length).toBeGreaterThan(90_000);
  }, 60_000);

  test('the findings are the ones a scan on this thread gives', async () => {
    const reading = await inlineReader().read('名单.xlsx', Buffer.from(sheet));
    const here = checkReading(`${DIR}/名单.xlsx`, reading, options, { column: 'xzzx', digest: 'd' });
    const there = await pool.check(`${DIR}/名单.xlsx`, Buffer.from(sheet), request('d'));
    expect(there).toEqual(here);
  }, 60_000);
});

test('embedded files are checked in turn, each its own job, with the same places as read on this thread', async () => {
  const inner = xlsx({ sheets: [{ name: '明细', state: 'hidden', cells: { A1: '姓名', D7: ID } }] });
  const outer = docx({ body: [para(`联系电话 13812345678，身份证 ${ID}`)], parts: { 'word/embeddings/附表.xlsx': inner } });
  const name = `${DIR}/通知.docx`;
  const inWorker = await checkAttachment(name, Buffer.from(outer), options, { column: 'xzzx', reader: pool });
  const inline = await checkAttachment(name, Buffer.from(outer), options, { column: 'xzzx', reader: inlineReader() });
  expect(inWorker).toEqual(inline);
  expect(inWorker.map((f) => f.location)).toContain('嵌入对象 › 附表.xlsx › 明细（隐藏） › D7');
});

test('a worker that dies while checking refuses its file, and the pool goes on', async () => {
  // A heap too small to load the readers: the worker dies with the file in hand.
  const starved = new ReaderPool({ workers: 1, limits: { maxHeapMb: 4 } });
  try {
    const f = await checkAttachment(`${DIR}/名单.xlsx`, register(10, 5), options, { column: 'xzzx', reader: starved });
    expect(f.map((x) => x.rule)).toEqual(['attachment-unscannable']);
    expect(f[0]!.message).toMatch(/the reader stopped on the file/);
  } finally {
    await starved.close();
  }
  const f = await checkAttachment(`${DIR}/名单.xlsx`, register(10, 5), options, { column: 'xzzx', reader: pool });
  expect(places(f)).toEqual([['personal-id', '退税名单 › C5', 1, 1]]);
}, 60_000);

test('a 5 MB sheet of 90,000 rows is read and checked within the default heap of a reading worker', async () => {
  const cells: Record<string, string> = {};
  const COLS = 'ABCDEFGH';
  for (let r = 1; r <= 90_000; r++) for (let c = 0; c < 8; c++) cells[`${COLS[c]}${r}`] = c === 1 ? `纳税人名称${r}有限公司` : c === 4 ? String((r * 7919) % 100_000) : `内容${(r * 31 + c) % 9973}`;
  cells.C89995 = ID;
  const sheet = xlsx({ sheets: [{ name: '清单', cells }] });
  expect(sheet.byteLength).toBeGreaterThan(5 * 1024 * 1024);
  const f = await checkAttachment(`${DIR}/清单.xlsx`, sheet, options, { column: 'xzzx', reader: pool });
  expect(places(f)).toEqual([['personal-id', '清单 › C89995', 1, 1]]);
}, 180_000);
