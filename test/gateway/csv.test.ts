import { expect } from 'chai';
import { csvCell, csvRow } from '../../gateway/src/domain/csv';
import { parseCsv } from '../conformance/donations';

describe('CSV export cells', function () {
  it('quotes commas, quotes and line breaks as RFC 4180 says', function () {
    expect(csvCell('plain')).to.equal('plain');
    expect(csvCell('a,b')).to.equal('"a,b"');
    expect(csvCell('say "hi"')).to.equal('"say ""hi"""');
    expect(csvCell('two\r\nlines')).to.equal('"two\r\nlines"');
    expect(csvCell(undefined)).to.equal('');
    expect(csvCell(null)).to.equal('');
    expect(csvCell(1200)).to.equal('1200');
    expect(csvCell(false)).to.equal('false');
  });

  it('defuses text a spreadsheet would run as a formula, full-width forms included', function () {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '＝1+1', '＋1', '－1', '＠x']) {
      expect(csvCell(text)).to.match(/^"?'/, JSON.stringify(text));
    }
    expect(csvCell('=HYPERLINK("x")')).to.equal('"\'=HYPERLINK(""x"")"');
    expect(csvCell('1=1')).to.equal('1=1');
  });

  it('round-trips rows through a CSV reader', function () {
    const values = ['a,b', 'say "hi"', '=cmd', 'multi\r\nline', '中文', ''];
    const parsed = parseCsv(csvRow(values) + csvRow(['x']));
    expect(parsed).to.deep.equal([['a,b', 'say "hi"', "'=cmd", 'multi\r\nline', '中文', ''], ['x']]);
  });
});
