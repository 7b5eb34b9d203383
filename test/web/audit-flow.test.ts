import { expect } from 'chai';
import { computeFlow, type Flow, type FlowDisbursement, type FlowDonation } from '../../web/src/pages/audit/flow';

function totals(flow: Flow): { inFlow: Map<string, number>; outFlow: Map<string, number> } {
  const inFlow = new Map<string, number>();
  const outFlow = new Map<string, number>();
  for (const l of flow.links) {
    outFlow.set(l.source, (outFlow.get(l.source) ?? 0) + l.value);
    inFlow.set(l.target, (inFlow.get(l.target) ?? 0) + l.value);
  }
  return { inFlow, outFlow };
}

/** Every node with money both in and out passes on exactly what it gets, and what leaves the sources reaches the sinks. */
function expectBalanced(flow: Flow): void {
  const { inFlow, outFlow } = totals(flow);
  for (const n of flow.nodes) {
    if (inFlow.has(n.id) && outFlow.has(n.id)) expect(outFlow.get(n.id), `node ${n.id}`).to.equal(inFlow.get(n.id));
  }
  const sources = flow.nodes.filter((n) => !inFlow.has(n.id)).reduce((s, n) => s + (outFlow.get(n.id) ?? 0), 0);
  const sinks = flow.nodes.filter((n) => !outFlow.has(n.id)).reduce((s, n) => s + (inFlow.get(n.id) ?? 0), 0);
  expect(sources).to.equal(sinks);
}

/** Depth-first search for a cycle (ECharts refuses a sankey with one). */
function hasCycle(flow: Flow): boolean {
  const next = new Map<string, string[]>();
  for (const l of flow.links) next.set(l.source, [...(next.get(l.source) ?? []), l.target]);
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 'open') return true;
    if (state.get(id) === 'done') return false;
    state.set(id, 'open');
    const found = (next.get(id) ?? []).some(visit);
    state.set(id, 'done');
    return found;
  };
  return flow.nodes.some((n) => visit(n.id));
}

const donation = (id: string, projectId: string, amount: number, donorRef?: string): FlowDonation => ({ id, projectId, amount, donorRef, anonymous: donorRef === undefined });
const disbursement = (id: string, projectId: string, amount: number, category: string, sources: Array<[string, number]>, who: { payee?: string; beneficiaryRef?: string } = {}): FlowDisbursement => ({
  id,
  projectId,
  amount,
  category,
  ...who,
  sources: sources.map(([donationId, a]) => ({ donationId, amount: a })),
});

describe('audit money flow (pure function of the portal)', function () {
  it('runs donors → projects → categories → recipients, with what is left as unspent, balanced in fen', function () {
    const flow = computeFlow(
      [donation('d1', 'p1', 500, 'aa'), donation('d2', 'p1', 200), donation('d3', 'p2', 300, 'bb')],
      [
        disbursement('x1', 'p1', 400, 'program', [['d1', 400]], { payee: '食堂' }),
        disbursement('x2', 'p1', 150, 'management', [['d1', 100], ['d2', 50]], { payee: '行政部' }),
        disbursement('x3', 'p2', 100, 'program', [['d3', 100]], { beneficiaryRef: 'cc' }),
      ],
    );
    expectBalanced(flow);
    expect(hasCycle(flow)).to.equal(false);
    const link = (s: string, t: string) => flow.links.find((l) => l.source === s && l.target === t)?.value;
    expect(link('donor:aa', 'project:p1')).to.equal(500);
    expect(link('donors:anonymous', 'project:p1')).to.equal(200);
    expect(link('project:p1', 'category:program')).to.equal(400);
    expect(link('project:p1', 'unspent')).to.equal(150);
    expect(link('project:p2', 'unspent')).to.equal(200);
    expect(link('category:program', 'recipient:beneficiary:cc')).to.equal(100);
    const byId = new Map(flow.nodes.map((n) => [n.id, n]));
    expect(byId.get('project:p1')).to.include({ kind: 'project', key: 'p1', layer: 1, value: 700 });
    expect(byId.get('recipient:payee:食堂')).to.include({ kind: 'payee', key: '食堂', layer: 3 });
    expect(flow.links.every((l) => l.value > 0)).to.equal(true);
  });

  it('brings money of earlier years’ donations in from a carried-over node, so a project never pays out more than it receives', function () {
    const flow = computeFlow(
      [donation('d2', 'p1', 100, 'aa')],
      [disbursement('x1', 'p1', 250, 'program', [['d-last-year', 200], ['d2', 50]], { payee: '食堂' })],
    );
    expectBalanced(flow);
    const link = (s: string, t: string) => flow.links.find((l) => l.source === s && l.target === t)?.value;
    expect(link('donors:earlier', 'project:p1')).to.equal(200);
    expect(link('project:p1', 'unspent')).to.equal(50);
  });

  it('keeps the ten largest donors and recipients and puts the rest together', function () {
    const donations = Array.from({ length: 15 }, (_, i) => donation(`d${i}`, 'p1', 100 + i, `donor${String(i).padStart(2, '0')}`));
    const disbursements = Array.from({ length: 14 }, (_, i) => disbursement(`x${i}`, 'p1', 10 + i, 'program', [[`d${i}`, 10 + i]], { payee: `payee${i}` }));
    const flow = computeFlow(donations, disbursements);
    expectBalanced(flow);
    const donors = flow.nodes.filter((n) => n.kind === 'donor');
    expect(donors).to.have.length(10);
    expect(donors.map((n) => n.key)).to.not.include('donor00');
    // The five smallest: 100 + 101 + 102 + 103 + 104.
    expect(flow.nodes.find((n) => n.kind === 'other-donors')?.value).to.equal(510);
    expect(flow.nodes.filter((n) => n.kind === 'payee')).to.have.length(10);
    expect(flow.nodes.find((n) => n.kind === 'other-recipients')?.value).to.equal(10 + 11 + 12 + 13);
    expect(computeFlow(donations, disbursements, { topDonors: 3 }).nodes.filter((n) => n.kind === 'donor')).to.have.length(3);
  });

  it('never forms a cycle, even when a payee has a project’s or a category’s name', function () {
    const flow = computeFlow(
      [donation('d1', 'program', 100, 'unspent')],
      [disbursement('x1', 'program', 60, 'program', [['d1', 60]], { payee: 'program' })],
    );
    expect(hasCycle(flow)).to.equal(false);
    expectBalanced(flow);
    expect(new Set(flow.nodes.map((n) => n.id)).size).to.equal(flow.nodes.length);
    expect(flow.nodes.map((n) => n.layer)).to.deep.equal([0, 1, 2, 2, 3]);
  });

  it('draws nothing for a year without money', function () {
    expect(computeFlow([], [])).to.deep.equal({ nodes: [], links: [] });
  });
});
