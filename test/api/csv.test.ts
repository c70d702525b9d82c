/**
 * CSV cells as spreadsheets read them: quoted where they hold a comma, quote or line break, and
 * text that starts like a formula made inert; which of JSON and CSV an Accept header asks for.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, csvText, wantsCsv } from '../../src/api/csv.js';

describe('csv', () => {
  it('quotes cells with commas, quotes and line breaks, doubling the quotes', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('two\nlines'), '"two\nlines"');
    assert.equal(
      csvText([
        ['k', 1.5],
        ['x,y', 0],
      ]),
      'k,1.5\r\n"x,y",0\r\n',
    );
  });

  it('neutralises text that starts like a formula, but not numbers', () => {
    for (const text of ['=1+2', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1'])
      assert.ok(csvCell(text).replace(/^"/, '').startsWith("'"), text);
    assert.equal(csvCell('=HYPERLINK("http://x","y")'), '"\'=HYPERLINK(""http://x"",""y"")"');
    assert.equal(csvCell(-1), '-1');
  });

  it('answers CSV for format=csv, or an Accept header that ranks text/csv above JSON', () => {
    assert.equal(wantsCsv('csv', undefined), true);
    assert.equal(wantsCsv('json', 'text/csv'), false);
    assert.equal(wantsCsv(undefined, undefined), false);
    assert.equal(wantsCsv(undefined, '*/*'), false);
    assert.equal(wantsCsv(undefined, 'text/csv'), true);
    assert.equal(wantsCsv(undefined, 'application/json, text/csv'), false);
    assert.equal(wantsCsv(undefined, 'application/json;q=0.5, text/csv'), true);
    assert.equal(wantsCsv(undefined, 'text/csv;q=0'), false);
  });
});
