import { expect } from 'chai';
import { STATUS_LIST_SIZE, statusBits, statusListPosition } from '../../chaincode/src/status-list';
import { maskIdNumber } from '../../gateway/src/credentials/vc';
import { encodeStatusList } from '../../gateway/src/domain/status-lists';

describe('status-list encoding', function () {
  it('writes bits an independent decoder reads at the same indexes, left-most bit first', async function () {
    const { decodeList } = await import('@digitalbazaar/vc-bitstring-status-list');
    const set = [0, 7, 8, 1000, STATUS_LIST_SIZE - 1];
    const encoded = encodeStatusList(set);
    expect(encoded[0]).to.equal('u');
    const list = await decodeList({ encodedList: encoded });
    expect(list.length).to.equal(STATUS_LIST_SIZE);
    for (const i of [...set, 1, 6, 9, 999, 1001, STATUS_LIST_SIZE - 2]) expect(list.getStatus(i), `bit ${i}`).to.equal(set.includes(i));
  });

  it('places certificate numbers in lists of 131,072 and sets one bit per status', function () {
    expect(statusListPosition(0)).to.deep.equal({ list: 0, index: 0 });
    expect(statusListPosition(STATUS_LIST_SIZE + 5)).to.deep.equal({ list: 1, index: 5 });
    expect(statusBits('active')).to.deep.equal({ revocation: false, suspension: false });
    expect(statusBits('suspended')).to.deep.equal({ revocation: false, suspension: true });
    expect(statusBits('revoked')).to.deep.equal({ revocation: true, suspension: false });
  });

  it('masks all but the region of a resident ID number, and all but two characters of other documents', function () {
    expect(maskIdNumber('resident', '11010519491231002X')).to.equal('110105************');
    expect(maskIdNumber('passport', 'E12345678')).to.equal('*******78');
    expect(maskIdNumber('passport', 'E1234')).to.equal('*****');
  });
});
