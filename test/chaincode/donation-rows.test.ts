import { expect } from 'chai';
import { donationRowItem, type DonationRow } from '../../chaincode/src/donation-rows';
import { sampleResidentId } from '../../scripts/sample-ids';

const NOW = '2026-06-01T00:00:00.000Z';
const rules = (r: DonationRow): string[] => (r.ok ? [] : r.problems.map((p) => `${p.column}:${p.rule}`));

describe('donation CSV rows (the chaincode mapping both importers use)', function () {
  it('maps a named row to a batch item with the normalised document number', function () {
    const id = sampleResidentId();
    const r = donationRowItem('p1', { id: 'd-1', amount: '500', idNumber: id.toLowerCase(), receivedAt: '2026-05-01', channel: 'wechat' }, NOW);
    expect(r).to.deep.equal({ ok: true, id: 'd-1', amount: 500, item: { id: 'd-1', projectId: 'p1', amount: 500, donor: { idNumber: id.toUpperCase() }, receivedAt: '2026-05-01T00:00:00.000Z', channel: 'wechat' } });
  });

  it('accepts an anonymous donation that carries a document number, as the API does, and still checks the number', function () {
    const id = sampleResidentId();
    const r = donationRowItem('p1', { id: 'd-2', amount: '100', anonymous: 'true', idNumber: id }, NOW);
    expect(r.ok).to.equal(true);
    expect(r.ok && r.item.donor).to.deep.equal({ anonymous: true, idNumber: id });
    expect(rules(donationRowItem('p1', { id: 'd-3', amount: '100', anonymous: 'yes', idNumber: '110105194912310022' }, NOW))).to.deep.equal(['idNumber:idNumber']);
  });

  it('names every problem of a row by its column and a stable rule', function () {
    const r = donationRowItem('p1', { id: 'bad id', amount: '12.5', anonymous: 'maybe', receivedAt: 'yesterday', channel: '渠道' }, NOW);
    expect(rules(r)).to.deep.equal(['id:id', 'amount:amount', 'anonymous:anonymous', 'idNumber:noDonor', 'receivedAt:receivedAt', 'channel:channel']);
    expect(rules(donationRowItem('p1', { id: 'd', amount: '0', idNumber: sampleResidentId() }, NOW))).to.deep.equal(['amount:amount']);
    expect(rules(donationRowItem('p1', { id: 'd', amount: '1000000000001', idNumber: sampleResidentId() }, NOW))).to.deep.equal(['amount:amount']);
  });

  it("checks receivedAt against the ledger's window at the given instant", function () {
    const ok = (at: string) => donationRowItem('p1', { id: 'd', amount: '1', anonymous: 'true', receivedAt: at }, NOW);
    expect(rules(ok('2026-06-01T00:04:00Z'))).to.deep.equal([]);
    expect(rules(ok('2026-06-02'))).to.deep.equal(['receivedAt:receivedAtWindow']);
    expect(rules(ok('2023-05-01'))).to.deep.equal(['receivedAt:receivedAtWindow']);
    expect(rules(ok('2023-06-03'))).to.deep.equal([]);
  });
});
