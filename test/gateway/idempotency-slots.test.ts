import { expect } from 'chai';
import { charityName } from '../support/names';
import { createHash } from 'node:crypto';
import { slotOf } from '../../gateway/src/api/idempotency';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { startEmbedded } from '../support/gateway-harness';
import { client, type Call } from '../support/http';

/**
 * Whose an `Idempotency-Key` is: one caller acting for one charity. The same
 * key from anyone else (another user of the org, or the same user acting for
 * another charity) is a request of its own, never a replay of another's record.
 */
describe('idempotency slots are per caller and per charity', function () {
  let h: Awaited<ReturnType<typeof startEmbedded>>;
  let api: Call;
  const project = { title: '助学', targetAmount: 100_000 };

  before(async function () {
    h = await startEmbedded();
    api = client(h.baseUrl);
    const registrar = await h.token({ sub: 'reg', org: 'civil', roles: ['registrar'] });
    for (const id of ['slot-a', 'slot-b']) {
      const r = await api('POST', '/api/v1/charities', { token: registrar, body: { id, name: charityName('慈善会', id), creditCode: '53100000500021676K', publicFundraising: true } });
      expect(r.status, r.text).to.equal(201);
    }
  });
  after(async () => h?.close());

  const createProject = (token: string, key: string, body: unknown = project) => api('POST', '/api/v1/projects', { token, body, headers: { 'idempotency-key': key } });

  it('writes a record of its own for a user acting for another charity, with the same key and body', async function () {
    const forA = await h.token({ sub: 'staff-x', org: 'charity', roles: ['charity'], charity: 'slot-a' });
    const forB = await h.token({ sub: 'staff-x', org: 'charity', roles: ['charity'], charity: 'slot-b' });
    const a = await createProject(forA, 'same-key');
    expect(a.status, a.text).to.equal(201);
    const b = await createProject(forB, 'same-key');
    expect(b.status, b.text).to.equal(201);
    expect(b.headers.get('idempotent-replayed')).to.equal(null);
    expect(b.body.charityId).to.equal('slot-b');
    expect(b.body.id).to.not.equal(a.body.id);
    expect(b.body.txId).to.not.equal(a.body.txId);
    // Each charity's retry is still a replay of its own record.
    const againA = await createProject(forA, 'same-key');
    expect(againA.headers.get('idempotent-replayed')).to.equal('true');
    expect(againA.body).to.deep.equal(a.body);
    const againB = await createProject(forB, 'same-key');
    expect(againB.headers.get('idempotent-replayed')).to.equal('true');
    expect(againB.body).to.deep.equal(b.body);
    expect((await api('GET', `/api/v1/projects/${b.body.id}`, { token: forB })).body.charityId).to.equal('slot-b');
  });

  it('writes a record of its own for a user acting for another charity, with the same key and another body', async function () {
    const forA = await h.token({ sub: 'staff-y', org: 'charity', roles: ['charity'], charity: 'slot-a' });
    const forB = await h.token({ sub: 'staff-y', org: 'charity', roles: ['charity'], charity: 'slot-b' });
    expect((await createProject(forA, 'other-body')).status).to.equal(201);
    const b = await createProject(forB, 'other-body', { ...project, title: '养老' });
    expect(b.status, b.text).to.equal(201);
    expect(b.body).to.include({ charityId: 'slot-b', title: '养老' });
  });

  it('writes a record of its own for each of two staff of one charity sending the same key', async function () {
    const one = await h.token({ sub: 'staff-1', org: 'charity', roles: ['charity'], charity: 'slot-a' });
    const two = await h.token({ sub: 'staff-2', org: 'charity', roles: ['charity'], charity: 'slot-a' });
    const p1 = await createProject(one, 'shared-key');
    const p2 = await createProject(two, 'shared-key');
    expect([p1.status, p2.status]).to.deep.equal([201, 201]);
    expect(p2.headers.get('idempotent-replayed')).to.equal(null);
    expect(p2.body.id).to.not.equal(p1.body.id);
  });

  it('issues a certificate of its own for each of two clerks of one org sending the same key', async function () {
    const clerk1 = await h.token({ sub: 'clerk-1', org: 'civil', roles: ['issuer'] });
    const clerk2 = await h.token({ sub: 'clerk-2', org: 'civil', roles: ['issuer'] });
    const body = lowIncomeBody(newIdNumber());
    const c1 = await api('POST', '/api/v1/certificates', { token: clerk1, body, headers: { 'idempotency-key': 'clerk-key' } });
    const c2 = await api('POST', '/api/v1/certificates', { token: clerk2, body, headers: { 'idempotency-key': 'clerk-key' } });
    expect([c1.status, c2.status], c2.text).to.deep.equal([201, 201]);
    expect(c2.headers.get('idempotent-replayed')).to.equal(null);
    expect(c2.body.id).to.not.equal(c1.body.id);
    expect(c2.body.credential).to.not.equal(c1.body.credential);
  });

  it('keeps the slot of a caller without a charity as it was, so answers stored before still replay', function () {
    const before = createHash('sha256').update('CivilAffairsMSP\u0000clerk-1\u0000POST /certificates\u0000k1').digest('hex');
    expect(slotOf({ mspId: 'CivilAffairsMSP', sub: 'clerk-1' }, 'POST /certificates', 'k1')).to.equal(before);
    expect(slotOf({ mspId: 'CharityMSP', sub: 'staff-1', charity: 'a' }, 'POST /projects', 'k1')).to.not.equal(slotOf({ mspId: 'CharityMSP', sub: 'staff-1', charity: 'b' }, 'POST /projects', 'k1'));
  });
});
