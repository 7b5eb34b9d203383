import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Harness } from '../conformance/harness';
import { startGateway } from './gateway-harness';

const ORGS = ['civil', 'charity', 'audit'] as const;
type Org = (typeof ORGS)[number];

/** The org a bearer token claims (read, not verified: the gateway it reaches verifies it). */
function orgOfAuthorization(header: string | undefined): Org | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!token) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { org?: unknown };
    return ORGS.find((o) => o === claims.org);
  } catch {
    return undefined;
  }
}

/** Calls the proxies sent on, per org, and when the first and the last arrived: the cross-department run's throughput. */
const traffic = { byOrg: { civil: 0, charity: 0, audit: 0 } as Record<Org, number>, first: 0, last: 0 };

/** What every departments proxy of this process has carried so far. */
export function departmentTraffic(): { requests: number; byOrg: Record<Org, number>; seconds: number } {
  const requests = traffic.byOrg.civil + traffic.byOrg.charity + traffic.byOrg.audit;
  return { requests, byOrg: { ...traffic.byOrg }, seconds: (traffic.last - traffic.first) / 1000 };
}

/** The environment of a department's gateway on the running network. */
export function departmentEnv(org: Org, pepper: string, workdir = path.resolve('.cache/fabric-net')): Record<string, string> {
  return { CIVIC_LEDGER: 'fabric', CIVIC_GATEWAY_ORG: org, CIVIC_PEPPER: pepper, FABRIC_NETWORK_FILE: path.join(workdir, 'orgs', `${org}.json`) };
}

/** A harness of one gateway per department on Fabric, plus the URL of each. */
export interface DepartmentsHarness extends Harness {
  gatewayUrl(org: Org): string;
  /** The consortium pepper the gateways share. */
  pepper: string;
  /** The connection file of `org`. */
  networkFile(org: Org): string;
  /** A token signed with the dev key of `org`'s gateway, whatever org its claims name. */
  tokenAt(org: Org, claims: Parameters<Harness['token']>[0]): Promise<string>;
}

/**
 * One gateway per org on the running Fabric network, each with its own data
 * directory and its org's own connection file (`orgs/<org>.json`), sharing
 * only the consortium pepper. They start audit first and civil last, as any
 * order must work. The suite talks to one URL: a small proxy sends each call
 * to the gateway of the org its token names (calls without a token go to
 * civil's), as each department's own systems would.
 */
export async function startDepartments(workdir = path.resolve('.cache/fabric-net')): Promise<DepartmentsHarness> {
  const pepper = randomBytes(32).toString('base64url');
  const gateways = new Map<Org, Awaited<ReturnType<typeof startGateway>>>();
  for (const org of ['audit', 'charity', 'civil'] as const) {
    gateways.set(org, await startGateway({ CIVIC_LEDGER: 'fabric', CIVIC_GATEWAY_ORG: org, CIVIC_PEPPER: pepper, FABRIC_NETWORK_FILE: path.join(workdir, 'orgs', `${org}.json`) }));
  }
  const gw = (org: Org) => gateways.get(org) as Awaited<ReturnType<typeof startGateway>>;
  const proxy = http.createServer((req, res) => {
    const org = orgOfAuthorization(req.headers.authorization) ?? 'civil';
    traffic.byOrg[org] += 1;
    traffic.last = Date.now();
    if (traffic.first === 0) traffic.first = traffic.last;
    const target = new URL(gw(org).baseUrl);
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    backend: 'fabric',
    bodyLimitBytes: gw('civil').bodyLimitBytes,
    gatewayUrl: (org) => gw(org).baseUrl,
    pepper,
    networkFile: (org) => path.join(workdir, 'orgs', `${org}.json`),
    // Each gateway trusts its own dev key; claims naming no known org go to civil's, as the proxy sends them.
    token: (claims, o) => gw(ORGS.find((x) => x === claims.org) ?? 'civil').token(claims, o),
    foreignToken: (claims) => gw(ORGS.find((x) => x === claims.org) ?? 'civil').foreignToken(claims),
    tokenAt: (org, claims) => gw(org).token(claims),
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      for (const g of gateways.values()) await g.close();
    },
  };
}
