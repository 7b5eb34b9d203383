/**
 * The money flow of one charity's year, as a layered graph for a sankey
 * chart: donors → projects → spending categories → recipients, plus
 * "unspent" for money of the year that no disbursement of the year used.
 *
 * Pure and DOM-free (the mocha test build imports it). Every node id carries
 * its layer as a prefix, and links only run from one layer to a later one,
 * so the graph can never hold a cycle even when a payee shares a name with a
 * project. Each inner node's in-flow equals its out-flow, exactly, in fen.
 */

/** What the flow needs of a donation. */
export interface FlowDonation {
  id: string;
  projectId: string;
  amount: number;
  donorRef?: string;
  anonymous: boolean;
}

/** What the flow needs of a disbursement. */
export interface FlowDisbursement {
  id: string;
  projectId: string;
  amount: number;
  category: string;
  beneficiaryRef?: string;
  payee?: string;
  /** The donations (FIFO) that paid for it. */
  sources: ReadonlyArray<{ donationId: string; amount: number }>;
}

/**
 * What a node stands for; the page turns it into words.
 * - `donor`: one pseudonymous donor (`key` = donor ref)
 * - `other-donors`: named donors beyond the largest few, together
 * - `anonymous`: every anonymous donation
 * - `earlier`: money from donations outside this year's records that this year's disbursements used
 * - `project` (`key` = project id), `category` (`key` = program | management | fundraising)
 * - `beneficiary` (`key` = beneficiary ref), `payee` (`key` = payee name)
 * - `other-recipients`: recipients beyond the largest few; `unnamed`: a disbursement naming nobody
 * - `unspent`: money of this year's donations not used by this year's disbursements
 */
export type FlowNodeKind =
  | 'donor'
  | 'other-donors'
  | 'anonymous'
  | 'earlier'
  | 'project'
  | 'category'
  | 'beneficiary'
  | 'payee'
  | 'other-recipients'
  | 'unnamed'
  | 'unspent';

/** One node of the flow; `value` is its throughput in fen. */
export interface FlowNode {
  /** Unique across layers, e.g. `project:p-1`, `recipient:payee:县教育局`. */
  id: string;
  kind: FlowNodeKind;
  key?: string;
  /** 0 donors, 1 projects, 2 categories (and unspent), 3 recipients. */
  layer: 0 | 1 | 2 | 3;
  value: number;
}

/** Money moving from one node to another, in fen (always > 0). */
export interface FlowLink {
  source: string;
  target: string;
  value: number;
}

export interface Flow {
  nodes: FlowNode[];
  links: FlowLink[];
}

export interface FlowOptions {
  /** Named donors shown one by one; the rest are "other donors". Default 10. */
  topDonors?: number;
  /** Recipients shown one by one; the rest are "other recipients". Default 10. */
  topRecipients?: number;
}

/** Keeps the `top` largest keys (ties by key, so the result does not depend on input order). */
function largest(totals: Map<string, number>, top: number): Set<string> {
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Set(ranked.slice(0, Math.max(0, top)).map(([k]) => k));
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function recipientKey(d: FlowDisbursement): string | undefined {
  if (d.beneficiaryRef) return `beneficiary:${d.beneficiaryRef}`;
  if (d.payee) return `payee:${d.payee}`;
  return undefined;
}

/**
 * Builds the flow of a year from its donations and disbursements (the same
 * year's records). A disbursement's sources that are not among the given
 * donations (an earlier year's money, carried over) enter its project from the
 * `earlier` node, so a project's out-flow never exceeds its in-flow.
 */
export function computeFlow(donations: readonly FlowDonation[], disbursements: readonly FlowDisbursement[], options: FlowOptions = {}): Flow {
  const topDonors = options.topDonors ?? 10;
  const topRecipients = options.topRecipients ?? 10;
  const links = new Map<string, number>();
  const link = (source: string, target: string, value: number) => {
    if (value > 0) add(links, `${source}\u0000${target}`, value);
  };
  const kinds = new Map<string, Pick<FlowNode, 'kind' | 'key' | 'layer'>>();
  const node = (id: string, kind: FlowNodeKind, layer: FlowNode['layer'], key?: string): string => {
    if (!kinds.has(id)) kinds.set(id, { kind, key, layer });
    return id;
  };

  const donorTotals = new Map<string, number>();
  for (const d of donations) if (!d.anonymous && d.donorRef) add(donorTotals, d.donorRef, d.amount);
  const shownDonors = largest(donorTotals, topDonors);

  // What is left of each of this year's donations after this year's disbursements took their FIFO shares.
  const left = new Map<string, number>();
  const received = new Map<string, number>();
  for (const d of donations) {
    left.set(d.id, (left.get(d.id) ?? 0) + d.amount);
    add(received, d.projectId, d.amount);
    const project = node(`project:${d.projectId}`, 'project', 1, d.projectId);
    let donor: string;
    if (d.anonymous || !d.donorRef) donor = node('donors:anonymous', 'anonymous', 0);
    else if (shownDonors.has(d.donorRef)) donor = node(`donor:${d.donorRef}`, 'donor', 0, d.donorRef);
    else donor = node('donors:other', 'other-donors', 0);
    link(donor, project, d.amount);
  }

  const recipientTotals = new Map<string, number>();
  for (const d of disbursements) {
    const k = recipientKey(d);
    if (k !== undefined) add(recipientTotals, k, d.amount);
  }
  const shownRecipients = largest(recipientTotals, topRecipients);

  const usedThisYear = new Map<string, number>();
  for (const d of disbursements) {
    const project = node(`project:${d.projectId}`, 'project', 1, d.projectId);
    let fromThisYear = 0;
    for (const s of d.sources) {
      const available = left.get(s.donationId) ?? 0;
      const take = Math.min(available, s.amount, d.amount - fromThisYear);
      if (take <= 0) continue;
      left.set(s.donationId, available - take);
      fromThisYear += take;
    }
    add(usedThisYear, d.projectId, fromThisYear);
    link(node('donors:earlier', 'earlier', 0), project, d.amount - fromThisYear);

    const category = node(`category:${d.category}`, 'category', 2, d.category);
    link(project, category, d.amount);
    const k = recipientKey(d);
    let recipient: string;
    if (k === undefined) recipient = node('recipients:unnamed', 'unnamed', 3);
    else if (shownRecipients.has(k)) {
      const [kind, ...rest] = k.split(':');
      recipient = node(`recipient:${k}`, kind as 'beneficiary' | 'payee', 3, rest.join(':'));
    } else recipient = node('recipients:other', 'other-recipients', 3);
    link(category, recipient, d.amount);
  }

  for (const [projectId, amount] of received) {
    link(`project:${projectId}`, node('unspent', 'unspent', 2), amount - (usedThisYear.get(projectId) ?? 0));
  }

  const flowLinks: FlowLink[] = [...links].map(([k, value]) => {
    const [source, target] = k.split('\u0000');
    return { source, target, value };
  });
  const inFlow = new Map<string, number>();
  const outFlow = new Map<string, number>();
  for (const l of flowLinks) {
    add(outFlow, l.source, l.value);
    add(inFlow, l.target, l.value);
  }
  const nodes: FlowNode[] = [];
  for (const [id, meta] of kinds) {
    const value = Math.max(inFlow.get(id) ?? 0, outFlow.get(id) ?? 0);
    // A node no money passes through (a project whose donations were all of other years' records and unspent) has nothing to draw.
    if (value > 0) nodes.push({ id, ...meta, value });
  }
  nodes.sort((a, b) => a.layer - b.layer || b.value - a.value || (a.id < b.id ? -1 : 1));
  return { nodes, links: flowLinks };
}
