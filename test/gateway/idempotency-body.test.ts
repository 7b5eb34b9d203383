import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { expectProblem, lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { startEmbedded } from '../support/gateway-harness';
import { client, type Call } from '../support/http';

/**
 * The body check of `Idempotency-Key` on the batch route: a retry whose body
 * differs from the first, however deep the difference, is a 400 and writes
 * nothing, while a retry with the same body replays the first answer.
 */
describe('idempotency body check on a batch', function () {
  let h: Awaited<ReturnType<typeof startEmbedded>>;
  let api: Call;
  let issuer: string;
  let verifier: string;

  before(async function () {
    h = await startEmbedded();
    api = client(h.baseUrl);
    issuer = await h.token({ sub: 'clerk-batch', org: 'civil', roles: ['issuer'] });
    verifier = await h.token({ sub: 'desk', org: 'audit', roles: ['verifier'] });
  });
  after(async () => h?.close());

  const batch = (body: unknown, key: string) => api('POST', '/api/v1/certificates/batch', { token: issuer, body, headers: { 'idempotency-key': key } });
  const heldBy = async (idNumber: string): Promise<Array<{ id: string }>> =>
    (await api('POST', '/api/v1/certificates/search', { token: verifier, body: { holder: { idNumber } } })).body.items as Array<{ id: string }>;

  it('refuses a retry whose second item differs only in a nested claim, and issues nothing for it', async function () {
    const holders = [newIdNumber(), newIdNumber()];
    const items = holders.map((id) => lowIncomeBody(id));
    const key = randomUUID();
    const first = await batch({ items }, key);
    expect(first.status, first.text).to.equal(201);
    expect(first.body.items).to.have.length(2);

    const changed = { items: [items[0], { ...items[1], claims: { ...items[1].claims, householdSize: items[1].claims.householdSize + 1 } }] };
    const other = await batch(changed, key);
    expectProblem(other, 400, 'VALIDATION_FAILED');
    expect(other.body.detail).to.match(/different request body/);
    expect(other.headers.get('idempotent-replayed')).to.equal(null);
    for (const [i, id] of holders.entries()) {
      expect((await heldBy(id)).map((c) => c.id), `holder ${i}`).to.deep.equal([first.body.items[i].id]);
    }

    // The first body still replays its own answer under the key.
    const again = await batch({ items }, key);
    expect(again.status).to.equal(201);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(again.body).to.deep.equal(first.body);
  });

  it('refuses a retry that adds an item, and issues nothing for the added holder', async function () {
    const items = [lowIncomeBody(newIdNumber())];
    const key = randomUUID();
    expect((await batch({ items }, key)).status).to.equal(201);
    const added = newIdNumber();
    expectProblem(await batch({ items: [...items, lowIncomeBody(added)] }, key), 400, 'VALIDATION_FAILED');
    expect(await heldBy(added)).to.deep.equal([]);
  });
});
