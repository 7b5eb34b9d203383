import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadDevKey, signDevToken } from '../gateway/src/auth/dev-key';
import { parseArgs, positiveCount } from '../shared/args';
import { GATEWAY_MAIN, GATEWAY_READY, startChild, stopChild } from './children';

const USAGE = `usage: npm run bench:history -- [--url http://host:port --data-dir <dir>] [--versions <n>] [--requests <n>] [--limit <n>]
Gives one project <versions> versions (one donation each), then times pages of its history
(GET /api/v1/audit/history/project/:id) at the start, the middle and the end. Without --url it starts a
gateway on a fresh temp data directory (embedded ledger). Defaults: --versions 5000, --requests 100, --limit 50.`;


async function call(url: string, method: string, p: string, token: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { url: 'string', 'data-dir': 'string', versions: 'string', requests: 'string', limit: 'string', help: 'boolean' });
  if (args.help) return void console.log(USAGE);
  const versions = positiveCount(args.versions, 'versions', 5000);
  const requests = positiveCount(args.requests, 'requests', 100);
  const limit = positiveCount(args.limit, 'limit', 50);
  if ((args.url === undefined) !== (args['data-dir'] === undefined)) throw new Error('--url and --data-dir go together');
  const dataDir = typeof args['data-dir'] === 'string' ? path.resolve(args['data-dir']) : await fs.mkdtemp(path.join(os.tmpdir(), 'civic-bench-history-'));
  const started = typeof args.url === 'string' ? undefined : await startChild(GATEWAY_MAIN, { CIVIC_DATA_DIR: dataDir, PORT: '0' }, GATEWAY_READY, 'inherit');
  const url = typeof args.url === 'string' ? args.url : (started?.url as string);
  try {
    const key = await loadDevKey(dataDir);
    const opts = { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 3600 };
    const run = Date.now().toString(36);
    const charity = `hist-${run}`;
    const project = `hist-p-${run}`;
    const registrar = await signDevToken(key, { sub: 'bench-registrar', org: 'civil', roles: ['registrar'] }, opts);
    const staff = await signDevToken(key, { sub: 'bench-staff', org: 'charity', roles: ['charity'], charity }, opts);
    const auditor = await signDevToken(key, { sub: 'bench-auditor', org: 'audit', roles: ['auditor'] }, opts);
    const ok = (r: { status: number; json: unknown }, what: string) => {
      if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.json)}`);
    };
    ok(await call(url, 'POST', '/api/v1/charities', registrar, { id: charity, name: '历史基准慈善会', creditCode: '53100000500021676K', publicFundraising: false }), 'charity');
    ok(await call(url, 'POST', '/api/v1/projects', staff, { id: project, title: '历史基准项目', targetAmount: 1_000_000_000 }), 'project');
    console.log(`bench:history: ${url}, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model.trim()}`);
    const seedStarted = performance.now();
    // The project was version 1; each donation adds one. Eight at a time: the gateway serialises one charity's writes anyway.
    let next = 1;
    const worker = async () => {
      while (next < versions) {
        next++;
        ok(await call(url, 'POST', '/api/v1/donations', staff, { projectId: project, amount: 100, donor: { anonymous: true } }), 'donation');
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    console.log(`bench:history: ${versions} versions of one project in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    console.log('\n| page of history (limit ' + limit + ') | p50 ms | p95 ms |\n|---|---|---|');
    for (const [label, offset] of [['first', 0], ['middle', Math.floor(versions / 2)], ['last', Math.max(0, versions - limit)]] as const) {
      const times: number[] = [];
      for (let i = 0; i < requests; i++) {
        const t0 = performance.now();
        const r = await call(url, 'GET', `/api/v1/audit/history/project/${project}?limit=${limit}${offset ? `&cursor=${offset}` : ''}`, auditor);
        times.push(performance.now() - t0);
        ok(r, 'history');
        const got = (r.json as { items: unknown[] }).items.length;
        if (got !== Math.min(limit, versions - offset)) throw new Error(`history page at ${offset} has ${got} items`);
      }
      times.sort((a, b) => a - b);
      const q = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)].toFixed(1);
      console.log(`| ${label} (versions ${offset + 1}–${Math.min(versions, offset + limit)} of ${versions}) | ${q(0.5)} | ${q(0.95)} |`);
    }
  } finally {
    if (started) await stopChild(started.child);
    if (started) await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench:history: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
