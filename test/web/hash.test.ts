import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { hex, sha256Hex } from '../../web/src/lib/hash';

/** The reference digest, from Node's own crypto. */
function reference(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('portal: the SHA-256 helper', function () {
  it('hashes the UTF-8 bytes of a text (the known vector for "abc", and Chinese text)', async function () {
    expect(await sha256Hex('abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256Hex('慈善捐赠 ¥100')).to.equal(reference('慈善捐赠 ¥100'));
  });

  it('hashes bytes, an ArrayBuffer and a file to the same digest as their text', async function () {
    const text = 'donationId,amountFen\nd1,100\n';
    const bytes = new TextEncoder().encode(text);
    const want = reference(text);
    expect(await sha256Hex(bytes)).to.equal(want);
    expect(await sha256Hex(bytes.slice().buffer)).to.equal(want);
    expect(await sha256Hex(new Blob([bytes]))).to.equal(want);
  });

  it('writes every byte as two lowercase hex digits, leading zeros kept', function () {
    expect(hex(new Uint8Array([0, 1, 0x0f, 0xa0, 0xff]))).to.equal('00010fa0ff');
    expect(hex(new Uint8Array([0, 255]).buffer)).to.equal('00ff');
  });
});
