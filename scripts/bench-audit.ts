import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadDevKey, signDevToken } from '../gateway/src/auth/dev-key';
import { parseArgs, positiveCount } from '../shared/args';
import { GATEWAY_MAIN, startChild, stopChild } from './children';
import { disbursementId, donationId, manifestTotals, readManifest, type DemoCharity, type DemoManifest } from './demo-manifest';

const USAGE = `usage: npm run bench:audit -- [--data-dir <dir>] [--donations <n>] [--disbursements <n>] [--requests <n>] [--concurrency <n>]
Seeds a data directory with the demo (npm run seed:demo) unless it already holds that many records, starts
the gateway on it, and measures forward and backward traces and the annual report over HTTP, one at a time
and under concurrency. Defaults: --data-dir .cache/bench-audit/<donations>-<disbursements>,
--donations 100000, --disbursements donations/10, --requests 2000, --concurrency 4 (twice the cores of the
reference machine: more only queues).`;

const SEED = path.join(__dirname, 'seed-demo.js');

interface Stats {
  name: string;
  mode: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  rps: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** Runs `node script` with the data directory, output passed through; resolves on exit 0. */
function runScript(script: string, args: string[], dataDir: string): Promise<void> {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, CIVIC_DATA_DIR: dataDir }, stdio: 'inherit' });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(script)} exited with ${code}`)))));
}

/** Picks ids across all seeded charities, weighted by how many records each has. */
function sampler(manifest: DemoManifest, random: () => number) {
  const charities: DemoCharity[] = manifest.runs.flatMap((r) => r.charities);
  const years = [...new Set(manifest.runs.flatMap((r) => r.years))];
  const weighted = (n: (c: DemoCharity) => number) => {
    const total = charities.reduce((s, c) => s + n(c), 0);
    return (): [DemoCharity, number] => {
      let x = Math.floor(random() * total);
      for (const c of charities) {
        if (x < n(c)) return [c, x + 1];
        x -= n(c);
      }
      throw new TypeError('empty manifest');
    };
  };
  const donation = weighted((c) => c.donations);
  const disbursement = weighted((c) => c.disbursements);
  return {
    forward: () => {
      const [c, n] = donation();
      return `/api/v1/audit/donations/${donationId(c.id, n)}/trace`;
    },
    backward: () => {
      const [c, n] = disbursement();
      return `/api/v1/audit/disbursements/${disbursementId(c.id, n)}/trace`;
    },
    report: () => `/api/v1/audit/charities/${charities[Math.floor(random() * charities.length)].id}/report?year=${years[Math.floor(random() * years.length)]}`,
    biggestCharity: () => charities.reduce((a, b) => (b.donations > a.donations ? b : a)),
    years,
  };
}

async function measure(url: string, token: string, name: string, next: () => string, requests: number, concurrency: number): Promise<Stats> {
  const latencies: number[] = [];
  let issued = 0;
  const headers = { authorization: `Bearer ${token}` };
  const worker = async (): Promise<void> => {
    while (issued < requests) {
      issued++;
      const p = next();
      const t0 = performance.now();
      const res = await fetch(`${url}${p}`, { headers });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const stats: Stats = {
    name,
    mode: concurrency === 1 ? 'sequential' : `${concurrency} concurrent`,
    requests: latencies.length,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    max: latencies[latencies.length - 1],
    rps: latencies.length / seconds,
  };
  console.log(`bench:audit: ${name}, ${stats.mode}: p50 ${stats.p50.toFixed(2)} ms, p95 ${stats.p95.toFixed(2)} ms, p99 ${stats.p99.toFixed(2)} ms, ${stats.rps.toFixed(0)} req/s`);
  return stats;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { 'data-dir': 'string', donations: 'string', disbursements: 'string', requests: 'string', concurrency: 'string', help: 'boolean' });
  if (args.help) return void console.log(USAGE);
  const donations = positiveCount(args.donations, 'donations', 100_000);
  const disbursements = positiveCount(args.disbursements, 'disbursements', Math.max(1, Math.floor(donations / 10)));
  const requests = positiveCount(args.requests, 'requests', 2000);
  const concurrency = positiveCount(args.concurrency, 'concurrency', 4);
  const dataDir = path.resolve(typeof args['data-dir'] === 'string' ? args['data-dir'] : path.join('.cache', 'bench-audit', `${donations}-${disbursements}`));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`bench:audit: data=${dataDir} donations=${donations} disbursements=${disbursements} requests=${requests} concurrency=${concurrency}`);
  console.log(`bench:audit: node ${process.version}, ${os.availableParallelism()} cores (nproc), ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`);

  await fs.mkdir(dataDir, { recursive: true });
  let have = manifestTotals(await readManifest(dataDir));
  let seedSeconds: number | undefined;
  if (have.donations < donations || have.disbursements < disbursements) {
    const missing = { donations: Math.max(1, donations - have.donations), disbursements: Math.max(1, disbursements - have.disbursements) };
    console.log(`bench:audit: seeding ${missing.donations} donations and ${missing.disbursements} disbursements`);
    const t0 = performance.now();
    await runScript(SEED, ['--donations', String(missing.donations), '--disbursements', String(missing.disbursements), '--seed', '20261129'], dataDir);
    seedSeconds = (performance.now() - t0) / 1000;
    have = manifestTotals(await readManifest(dataDir));
  }
  const manifest = await readManifest(dataDir);
  console.log(`bench:audit: the data directory holds ${have.donations} donations and ${have.disbursements} disbursements`);

  const gw = await startChild(GATEWAY_MAIN, { CIVIC_DATA_DIR: dataDir, PORT: '0' });
  try {
    const key = await loadDevKey(dataDir);
    const token = await signDevToken(key, { sub: 'bench-auditor', org: 'audit', roles: ['auditor'] }, { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 3600 });
    // A fixed-seed stream, so that runs sample the same ids.
    let state = 7;
    const random = (): number => ((state = (state * 48271) % 2147483647) - 1) / 2147483646;
    const pick = sampler(manifest, random);

    // JIT and connection warm-up only: 50 requests of each kind leave most block numbers uncached.
    for (const next of [pick.forward, pick.backward, pick.report]) await measure(gw.url, token, 'warm-up', next, 50, 1);

    const results: Stats[] = [];
    for (const [name, next] of [['forward trace', pick.forward], ['backward trace', pick.backward], ['annual report', pick.report]] as const) {
      results.push(await measure(gw.url, token, name, next, requests, 1));
      results.push(await measure(gw.url, token, name, next, requests, concurrency));
    }

    const big = pick.biggestCharity();
    const year = pick.years[pick.years.length - 2] ?? pick.years[0];
    let t0 = performance.now();
    const csv = await fetch(`${gw.url}/api/v1/audit/charities/${big.id}/export.csv?year=${year}`, { headers: { authorization: `Bearer ${token}` } });
    const csvText = await csv.text();
    const exportMs = performance.now() - t0;
    const rows = csvText.split('\r\n').length - 2;
    t0 = performance.now();
    const verify = (await (await fetch(`${gw.url}/api/v1/audit/ledger/verify`, { headers: { authorization: `Bearer ${token}` } })).json()) as { ok: boolean; height: number };
    const verifyMs = performance.now() - t0;

    const target = (s: Stats): string => (s.name === 'annual report' ? `≤ 50 ms: ${s.p99 <= 50 ? 'met' : 'MISSED'} (p99)` : `p95 ≤ 20 ms: ${s.p95 <= 20 ? 'met' : 'MISSED'}`);
    console.log('');
    if (seedSeconds !== undefined) console.log(`seed: ${seedSeconds.toFixed(1)} s for the missing records`);
    console.log(`data: ${have.donations} donations, ${have.disbursements} disbursements, ledger height ${verify.height}`);
    console.log('');
    console.log('| measure | mode | requests | p50 ms | p95 ms | p99 ms | max ms | req/s | target |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const s of results) {
      console.log(`| ${s.name} | ${s.mode} | ${s.requests} | ${s.p50.toFixed(2)} | ${s.p95.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.max.toFixed(2)} | ${s.rps.toFixed(0)} | ${target(s)} |`);
    }
    console.log(`| CSV export, ${big.id} ${year} | once | 1 | ${exportMs.toFixed(0)} (${rows} rows, ${(csvText.length / 2 ** 20).toFixed(1)} MiB) | | | | | |`);
    console.log(`| ledger verification | once | 1 | ${verifyMs.toFixed(0)} (${verify.height} blocks, ok ${verify.ok}) | | | | | |`);
  } finally {
    await stopChild(gw.child);
  }
}

main().catch((err: unknown) => {
  console.error(`bench:audit: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
