import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { Ledger } from '../../gateway/src/ledger';
import { DevnetStub } from '../../network/devnet/stub';
import { lowIncomeBody, newIdNumber } from '../conformance/certificates';
import { startEmbedded } from '../support/gateway-harness';
import { client, type Call } from '../support/http';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What one request made the ledger do: the gateway's calls with the ledger's answers, and the chaincode's state reads. */
interface Work {
  calls: Array<{ fn: string; answer: string }>;
  stateReads: number;
}

/**
 * The public short-link check must not tell an existing certificate number
 * from an unknown one. Its answers are equal (portal-api.ts); here the work
 * behind them is too, since a difference in work is a difference in time.
 * Timing itself would make a flaky test, so the work is counted instead.
 */
describe('short-link verification does the same work for an unknown id and a wrong digest', function () {
  let h: Awaited<ReturnType<typeof startEmbedded>>;
  let api: Call;
  let issued: { id: string; credential: string };
  let work: Work | undefined;
  const restore: Array<() => void> = [];

  before(async function () {
    h = await startEmbedded();
    api = client(h.baseUrl);
    const issuer = await h.token({ sub: 'clerk-ref', org: 'civil', roles: ['issuer'] });
    const r = await api('POST', '/api/v1/certificates', { token: issuer, body: lowIncomeBody(newIdNumber()) });
    expect(r.status, r.text).to.equal(201);
    issued = r.body;

    const ledger: Ledger = h.service.ctx.ledger;
    const evaluate = ledger.evaluate.bind(ledger);
    ledger.evaluate = async (identity, fn, args) => {
      const answer = await evaluate(identity, fn, args);
      work?.calls.push({ fn, answer });
      return answer;
    };
    restore.push(() => void (ledger.evaluate = evaluate));
    const getState = Object.getOwnPropertyDescriptor(DevnetStub.prototype, 'getState');
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the stub as `this`
    const original = DevnetStub.prototype.getState;
    DevnetStub.prototype.getState = function (this: DevnetStub, key: string) {
      if (work) work.stateReads += 1;
      return original.call(this, key);
    };
    restore.push(() => Object.defineProperty(DevnetStub.prototype, 'getState', getState!));
  });
  after(async function () {
    for (const undo of restore.reverse()) undo();
    await h?.close();
  });

  async function workOf(body: { id: string; digest: string }): Promise<Work & { verdict: unknown }> {
    work = { calls: [], stateReads: 0 };
    try {
      const r = await api('POST', '/api/v1/verify/reference', { body });
      expect(r.status, r.text).to.equal(200);
      return { ...work, verdict: r.body };
    } finally {
      work = undefined;
    }
  }

  it('makes the same ledger calls, reads as much state, and gets the same answers from the ledger', async function () {
    const digest = sha256('not the credential');
    const unknown = await workOf({ id: `${issued.id}-unknown`, digest });
    const wrong = await workOf({ id: issued.id, digest });
    expect(wrong.verdict).to.deep.equal(unknown.verdict);
    expect(wrong.calls.map((c) => c.fn), 'ledger calls').to.deep.equal(unknown.calls.map((c) => c.fn));
    expect(wrong.calls.map((c) => c.answer), 'what the ledger answers').to.deep.equal(unknown.calls.map((c) => c.answer));
    expect(wrong.stateReads, 'chaincode state reads').to.equal(unknown.stateReads);
    expect(unknown.calls.length).to.equal(1);
  });

  it('still proves the certificate when the digest matches, in one ledger read and a block lookup', async function () {
    const right = await workOf({ id: issued.id, digest: sha256(issued.credential) });
    expect(right.verdict).to.include({ valid: true, status: 'active' });
    expect(right.calls.length, 'one read; the block is known from the issuance').to.equal(1);
  });
});
