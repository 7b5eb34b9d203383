import { expect } from 'chai';
import { BoundedMap } from '../../chaincode/src/bounded-map';

describe('BoundedMap (the one bounded cache)', function () {
  it('never holds more than its bound, dropping the least recently used entry', function () {
    const m = new BoundedMap<string, number>(3);
    m.set('a', 1).set('b', 2).set('c', 3);
    expect(m.get('a')).to.equal(1); // a is now the most recent
    m.set('d', 4);
    expect([...m.keys()]).to.deep.equal(['c', 'a', 'd']);
    expect(m.has('b')).to.equal(false);
    for (let i = 0; i < 1000; i++) m.set(`k${i}`, i);
    expect(m.size).to.equal(3);
    expect([...m.keys()]).to.deep.equal(['k997', 'k998', 'k999']);
  });

  it('replaces a key in place without evicting another, and keeps undefined values apart from absence', function () {
    const m = new BoundedMap<string, number | undefined>(2);
    m.set('a', 1).set('b', undefined);
    m.set('a', 5);
    expect(m.size).to.equal(2);
    expect(m.get('a')).to.equal(5);
    expect(m.has('b')).to.equal(true);
    expect(m.get('b')).to.equal(undefined);
    expect([...m.keys()]).to.deep.equal(['a', 'b']); // b was read last
  });

  it('refuses a bound below one', function () {
    expect(() => new BoundedMap(0)).to.throw(RangeError);
  });
});
