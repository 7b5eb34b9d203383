import '../support/setup';
import { expect } from 'chai';
import { compareKeys, sortByKey } from '../../network/devnet/keys';

/** LevelDB's order: the keys' UTF-8 bytes. */
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('key order', () => {
  // A fixed-seed stream, so that a failure reproduces.
  let state = 11;
  const random = (): number => ((state = (state * 48271) % 2147483647) - 1) / 2147483646;
  const alphabet = ['\u0000', 'a', 'b', '~', '\u00e9', '\u4e2d', '\ud7ff', '\ue000', '\uffff', '\u{1f600}', '\u{10000}'];
  const key = (units: readonly string[]): string =>
    '\u0000cert~holder\u0000' + Array.from({ length: 1 + Math.floor(random() * 6) }, () => units[Math.floor(random() * units.length)]).join('');

  it('sorts keys as LevelDB orders their UTF-8 bytes, astral and high BMP characters included', () => {
    for (let round = 0; round < 50; round++) {
      const keys = Array.from({ length: 200 }, () => key(alphabet));
      const expected = [...keys].sort(byUtf8);
      expect(sortByKey(keys.map((k) => ({ key: k }))).map((x) => x.key)).to.deep.equal(expected);
      expect([...keys].sort(compareKeys)).to.deep.equal(expected);
    }
  });

  it('takes the fast path only where it agrees with byte order', () => {
    const ascii = Array.from({ length: 500 }, () => key(['\u0000', 'a', 'b', '0', '9', '~']));
    expect(sortByKey(ascii.map((k) => ({ key: k }))).map((x) => x.key)).to.deep.equal([...ascii].sort(byUtf8));
    // U+FFFF sorts after U+1F600 by UTF-16 units but before it by bytes: one such key sends the whole sort the careful way.
    const mixed = ['\u0000k\u0000\uffff', '\u0000k\u0000\u{1f600}', '\u0000k\u0000a'];
    expect(sortByKey(mixed.map((k) => ({ key: k }))).map((x) => x.key)).to.deep.equal(['\u0000k\u0000a', '\u0000k\u0000\uffff', '\u0000k\u0000\u{1f600}']);
  });
});
