/** CSV: RFC 4180 quoting and spreadsheet formula injection. */
import { describe, expect, test } from 'vitest';
import { csvCell, csvRow } from '../../pipeline/report/index.ts';

/** A small RFC 4180 reader, written here so the test does not trust the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('csv', () => {
  test.for([
    { name: 'plain text', value: '工作动态', cell: '工作动态' },
    { name: 'a comma', value: '通知,公告', cell: '"通知,公告"' },
    { name: 'a quote', value: '关于"金税"的说明', cell: '"关于""金税""的说明"' },
    { name: 'a newline', value: '第一行\n第二行', cell: '"第一行\n第二行"' },
    { name: 'comma, quote and CRLF together', value: 'a,"b"\r\nc', cell: '"a,""b""\r\nc"' },
    { name: 'a formula', value: '=HYPERLINK("http://x","y")', cell: '"\'=HYPERLINK(""http://x"",""y"")"' },
    { name: 'a plus', value: '+1 555', cell: "'+1 555" },
    { name: 'a minus', value: '-2+3', cell: "'-2+3" },
    { name: 'an at sign', value: '@SUM(A1)', cell: "'@SUM(A1)" },
    { name: 'a tab', value: '\t=1', cell: "'\t=1" },
    { name: 'a negative number stays a number', value: -3, cell: '-3' },
    { name: 'nothing', value: undefined, cell: '' },
  ])('$name', ({ value, cell }) => {
    expect(csvCell(value)).toBe(cell);
  });

  test('a row with every hard case reads back field by field', () => {
    const fields = ['a,b', 'say "hi"', 'line1\nline2', '=1+1', 'plain'];
    const parsed = parseCsv(`${csvRow(fields)}\r\n`);
    expect(parsed).toEqual([['a,b', 'say "hi"', 'line1\nline2', "'=1+1", 'plain']]);
  });
});
