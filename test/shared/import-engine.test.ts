import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { isTransient, runChunkedImport, type ImportPlan, type ImportReply, type ImportRow, type ImportTransport, type RowOutcome } from '../../shared/import-engine';
import { sampleResidentId } from '../../scripts/sample-ids';
import { charityWithProjects } from '../support/charities';
import { startGateway } from '../support/gateway-harness';
import { client } from '../support/http';

type Gateway = Awaited<ReturnType<typeof startGateway>>;

/** The engine's way to a real gateway on port 0, counting what it sends. */
function transportTo(baseUrl: string, token: string): ImportTransport & { posts: string[] } {
  const posts: string[] = [];
  return {
    posts,
    async post(path, body, headers): Promise<ImportReply> {
      posts.push(path);
      const res = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, replayed: res.headers.get('idempotent-replayed') === 'true' };
    },
    sha256Hex: (text) => Promise.resolve(createHash('sha256').update(text).digest('hex')),
    sleep: () => Promise.resolve(),
  };
}

/** Runs a plan and collects every outcome, by line. */
async function run(transport: ImportTransport, plan: Omit<ImportPlan, 'onChunk'>): Promise<{ byLine: Map<number, RowOutcome>; chunks: number[] }> {
  const byLine = new Map<number, RowOutcome>();
  const chunks: number[] = [];
  await runChunkedImport(transport, {
    ...plan,
    onChunk: (outcomes, chunk) => {
      chunks.push(chunk);
      for (const o of outcomes) {
        expect(byLine.has(o.line), `line ${o.line} reported twice`).to.equal(false);
        byLine.set(o.line, o);
      }
    },
  });
  return { byLine, chunks };
}

const states = (m: Map<number, RowOutcome>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const o of m.values()) out[o.state] = (out[o.state] ?? 0) + 1;
  return out;
};

describe('what the import engine repeats', function () {
  const reply = (status: number, code?: string): ImportReply => ({ status, body: code ? { code, detail: '' } : undefined, replayed: false });

  it('asks the error catalogue for a code it knows, and repeats an uncoded answer only when it is a 5xx', function () {
    expect(isTransient(reply(409, 'MVCC_READ_CONFLICT'))).to.equal(true);
    expect(isTransient(reply(503, 'LEDGER_UNAVAILABLE'))).to.equal(true);
    expect(isTransient(reply(429, 'RATE_LIMITED'))).to.equal(true);
    expect(isTransient(reply(409, 'DUPLICATE_ID'))).to.equal(false);
    // A chaincode bug answers the same on every repeat.
    expect(isTransient(reply(500, 'INTERNAL'))).to.equal(false);
    expect(isTransient(reply(502))).to.equal(true);
    expect(isTransient(reply(400))).to.equal(false);
    expect(isTransient(reply(503, 'A_CODE_FROM_A_NEWER_GATEWAY'))).to.equal(true);
  });
});

describe('the chunked import engine (against a real gateway)', function () {
  this.timeout(120_000);
  let g: Gateway;
  let token: string;
  let projectId: string;

  before(async () => {
    g = await startGateway();
    const api = client(g.baseUrl);
    const registrar = await g.token({ sub: 'registrar1', org: 'civil', roles: ['registrar'] });
    const made = await charityWithProjects(api, registrar, (c) => g.token(c), { id: 'engine-charity', name: '引擎测试基金会' });
    token = made.token;
    projectId = made.projects[0];
  });
  after(async () => g?.close());

  const rowsOf = (prefix: string, n: number, amount = (i: number) => 100 + i): ImportRow[] =>
    Array.from({ length: n }, (_, i) => ({
      line: i + 2,
      id: `${prefix}-${String(i).padStart(3, '0')}`,
      item: { id: `${prefix}-${String(i).padStart(3, '0')}`, projectId, amount: amount(i), donor: { idNumber: sampleResidentId() } },
    }));
  const plan = (rows: ImportRow[], chunkSize: number, keyBase: string): Omit<ImportPlan, 'onChunk'> => ({
    batchPath: '/api/v1/donations/batch',
    comparePath: '/api/v1/donations/compare',
    keyBase,
    chunkSize,
    rows,
  });

  it('writes every row once, and a re-run of the same plan is answered from the idempotency store', async function () {
    const rows = rowsOf('eng-a', 25);
    const first = await run(transportTo(g.baseUrl, token), plan(rows, 10, 'test:a'));
    expect(states(first.byLine)).to.deep.equal({ written: 25 });
    expect(first.chunks).to.deep.equal([0, 1, 2]);
    const again = transportTo(g.baseUrl, token);
    const second = await run(again, plan(rows, 10, 'test:a'));
    expect(states(second.byLine)).to.deep.equal({ already: 25 });
    expect(again.posts).to.deep.equal(['/api/v1/donations/batch', '/api/v1/donations/batch', '/api/v1/donations/batch']);
  });

  it('cut differently, compares with the ledger: the same rows are already there, another donation under an id is different, new rows are written', async function () {
    const rows = rowsOf('eng-b', 12);
    await run(transportTo(g.baseUrl, token), plan(rows, 12, 'test:b'));
    // Rows 0-11 again, with row 5's amount changed, and 3 new rows, in chunks of 5 under another key base.
    const changedRow = { ...rows[5], item: { ...rows[5].item, amount: 999 } };
    const next = [...rows.slice(0, 5), changedRow, ...rows.slice(6), ...rowsOf('eng-b-new', 3).map((r, i) => ({ ...r, line: 14 + i }))];
    const t = transportTo(g.baseUrl, token);
    const r = await run(t, plan(next, 5, 'test:b-other'));
    expect(states(r.byLine)).to.deep.equal({ already: 11, different: 1, written: 3 });
    const changed = r.byLine.get(7);
    expect(changed).to.include({ state: 'different', id: 'eng-b-005' });
    expect((changed as Extract<RowOutcome, { state: 'different' }>).differs).to.include('amount');
    expect(t.posts.filter((p) => p.endsWith('/compare'))).to.have.length.greaterThan(0);
    const listed = await client(g.baseUrl)('GET', '/api/v1/donations/eng-b-005', { token });
    expect(listed.body.amount).to.equal(105);
  });

  it('repeats a request whose connection dropped, and writes its rows once', async function () {
    const real = transportTo(g.baseUrl, token);
    let dropped = 0;
    const flaky: ImportTransport = {
      ...real,
      async post(path, body, headers) {
        const reply = await real.post(path, body, headers);
        // The gateway wrote the chunk, but its answer is lost on the way back.
        if (dropped === 0) {
          dropped++;
          throw new TypeError('fetch failed');
        }
        return reply;
      },
    };
    const r = await run(flaky, plan(rowsOf('eng-c', 4), 10, 'test:c'));
    expect(dropped).to.equal(1);
    // The repeat under the same key is answered from the store: the rows are on the ledger once.
    expect(states(r.byLine)).to.deep.equal({ already: 4 });
    for (let i = 0; i < 4; i++) {
      const d = await client(g.baseUrl)('GET', `/api/v1/donations/eng-c-00${i}`, { token });
      expect(d.status, JSON.stringify(d.body)).to.equal(200);
    }
  });

  it('reports a refused chunk per row with its place in the body, and goes on with the next chunk', async function () {
    const rows = rowsOf('eng-d', 6);
    rows[4] = { ...rows[4], item: { ...rows[4].item, amount: 0 } };
    const r = await run(transportTo(g.baseUrl, token), plan(rows, 3, 'test:d'));
    expect([2, 3, 4].map((l) => r.byLine.get(l)?.state)).to.deep.equal(['written', 'written', 'written']);
    const refused = [5, 6, 7].map((l) => r.byLine.get(l) as Extract<RowOutcome, { state: 'refused' }>);
    expect(refused.map((o) => [o.state, o.phase, o.index])).to.deep.equal([
      ['refused', 'batch', 0],
      ['refused', 'batch', 1],
      ['refused', 'batch', 2],
    ]);
    expect(refused[0].reply.status).to.equal(400);
    expect((refused[0].reply.body as { code: string }).code).to.equal('VALIDATION_FAILED');
  });

  it('confirms rows an earlier run reported before sending, and sends no chunk whose rows are all confirmed', async function () {
    const rows = rowsOf('eng-e', 8);
    await run(transportTo(g.baseUrl, token), plan(rows.slice(0, 4), 4, 'test:e-first'));
    const t = transportTo(g.baseUrl, token);
    const r = await run(t, { ...plan(rows, 4, 'test:e'), known: new Set(rows.slice(0, 4).map((x) => x.id)) });
    expect(states(r.byLine)).to.deep.equal({ already: 4, written: 4 });
    // One comparison of the known rows, then only the second chunk.
    expect(t.posts).to.deep.equal(['/api/v1/donations/compare', '/api/v1/donations/batch']);
  });
});
