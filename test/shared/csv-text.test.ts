import { expect } from 'chai';
import { decodeCsvBytes, defuseFormula, firstUnreadableLine } from '../../shared/csv-text';

describe('CSV text shared by the portal, the CLI and the export', function () {
  it('reads valid UTF-8 (a byte-order mark dropped) as UTF-8, and anything else as GB 18030', function () {
    expect(decodeCsvBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a\n张三')]))).to.deep.equal({ text: 'a\n张三', encoding: 'utf-8' });
    expect(decodeCsvBytes(new Uint8Array([0x61, 0x0a, 0xd5, 0xc5, 0xc8, 0xfd]))).to.deep.equal({ text: 'a\n张三', encoding: 'gb18030' });
  });

  it('names the first line holding a character neither encoding could read', function () {
    expect(firstUnreadableLine('a\nb\nc')).to.equal(undefined);
    expect(firstUnreadableLine(decodeCsvBytes(new Uint8Array([0x61, 0x0a, 0x62, 0x0a, 0xff, 0x0a, 0xff])).text)).to.equal(3);
    expect(firstUnreadableLine('\uFFFD')).to.equal(1);
  });

  it('defuses formula starts, full-width forms included, and leaves other text alone', function () {
    for (const t of ['=1', '+1', '-1', '@A', '\tx', '\rx', '＝1', '＋1', '－1', '＠A']) expect(defuseFormula(t)).to.equal(`'${t}`);
    expect(defuseFormula('张三=1')).to.equal('张三=1');
  });

});
