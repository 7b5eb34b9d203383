import http from 'node:http';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadDevKey, signDevToken } from '../gateway/src/auth/dev-key';
import { parseArgs, positiveCount } from '../shared/args';
import { GATEWAY_MAIN, GATEWAY_READY, startChild, stopChild } from './children';
import { readManifest } from './demo-manifest';

const USAGE = `usage: npm run bench:events -- --data-dir <dir> [--streams <n>] [--slow <n>] [--seconds <n>] [--stall-ms <n>]
Starts a gateway on <dir> (seed it first: CIVIC_DATA_DIR=<dir> npm run seed:demo -- --donations 16000),
then, as one charity user of the demo, opens <streams> concurrent replays of GET /api/v1/events?after=0.0.0
that read everything, and then, as an auditor (who sees every event, more than the kernel's socket buffers
hold), <slow> replays whose client never reads. During each phase it times
GET /healthz and another user's GET /api/v1/charities/:id, and samples the gateway's resident memory.
Each phase runs on a gateway of its own, with EVENTS_STALL_TIMEOUT_MS=<stall-ms>. Defaults: --streams 100,
--slow 5, --seconds 10, --stall-ms 5000. Stop any service on <dir> first: the ledger takes one process.`;

interface Phase {
  statuses: Map<number, number>;
  healthz: number[];
  other: number[];
  rssMaxMb: number;
  bytes: number;
  /** Streams the gateway closed as stalled, and the most bytes it held for streams at once (its own metrics; NaN without them). */
  stalled: number;
  bufferedMax: number;
}

/** A sample of the gateway's /metrics, NaN when it has no such metric. */
async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function timed(url: string, token?: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  await res.arrayBuffer();
  return performance.now() - t;
}

/** Resident memory of a process in MB, from /proc (Linux); NaN elsewhere. */
async function rssMb(pid: number | undefined): Promise<number> {
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Opens `count` streams; a slow one pauses its socket once the headers are in and never reads. */
async function runPhase(url: string, token: string, count: number, slow: boolean, seconds: number, otherToken: string, otherPath: string, pid: number | undefined): Promise<Phase> {
  const phase: Phase = { statuses: new Map(), healthz: [], other: [], rssMaxMb: await rssMb(pid), bytes: 0, stalled: NaN, bufferedMax: NaN };
  const requests: http.ClientRequest[] = [];
  const target = new URL('/api/v1/events?after=0.0.0', url);
  for (let i = 0; i < count; i++) {
    const req = http.get(target, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, agent: false }, (res) => {
      phase.statuses.set(res.statusCode ?? 0, (phase.statuses.get(res.statusCode ?? 0) ?? 0) + 1);
      if (slow) res.socket.pause();
      else res.on('data', (d: Buffer) => void (phase.bytes += d.length));
      res.on('error', () => undefined);
    });
    req.on('error', () => undefined);
    requests.push(req);
  }
  const end = performance.now() + seconds * 1000;
  const probe = async (samples: number[], u: string, t?: string, gapMs = 50) => {
    while (performance.now() < end) {
      samples.push(await timed(u, t));
      await sleep(gapMs);
    }
  };
  const memory = async () => {
    while (performance.now() < end) {
      phase.rssMaxMb = Math.max(phase.rssMaxMb, await rssMb(pid));
      const buffered = await metric(url, 'civic_events_buffered_bytes');
      phase.bufferedMax = Number.isNaN(phase.bufferedMax) ? buffered : Math.max(phase.bufferedMax, buffered);
      await sleep(200);
    }
    phase.stalled = await metric(url, 'civic_events_stalled_total');
  };
  await Promise.all([probe(phase.healthz, `${url}/healthz`), probe(phase.other, `${url}${otherPath}`, otherToken, 250), memory()]);
  for (const r of requests) r.destroy();
  return phase;
}

function report(name: string, p: Phase): void {
  const statuses = [...p.statuses].map(([s, n]) => `${n}×${s}`).join(', ');
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log(
    `| ${name} | ${statuses} | ${ms(quantile(p.healthz, 0.5))} / ${ms(quantile(p.healthz, 0.95))} / ${ms(Math.max(...p.healthz))} | ` +
      `${ms(quantile(p.other, 0.5))} / ${ms(Math.max(...p.other))} | ${p.rssMaxMb.toFixed(0)} MB | ${(p.bytes / 1e6).toFixed(1)} MB | ` +
      `${Number.isNaN(p.bufferedMax) ? '-' : `${(p.bufferedMax / 1024).toFixed(0)} KiB`} | ${Number.isNaN(p.stalled) ? '-' : p.stalled} |`,
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), { 'data-dir': 'string', streams: 'string', slow: 'string', seconds: 'string', 'stall-ms': 'string', help: 'boolean' });
  if (args.help || typeof args['data-dir'] !== 'string') return void console.log(USAGE);
  const dataDir = path.resolve(args['data-dir']);
  const streams = positiveCount(args.streams, 'streams', 100);
  const slow = positiveCount(args.slow, 'slow', 5);
  const seconds = positiveCount(args.seconds, 'seconds', 10);
  const stallMs = positiveCount(args['stall-ms'], 'stall-ms', 5000);
  const charity = (await readManifest(dataDir)).runs[0]?.charities[0]?.id;
  if (!charity) throw new Error(`${dataDir} holds no demo; run seed:demo on it first`);
  const key = await loadDevKey(dataDir);
  const opts = { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 3600 };
  const staff = await signDevToken(key, { sub: 'bench-events-staff', org: 'charity', roles: ['charity'], charity }, opts);
  const auditor = await signDevToken(key, { sub: 'bench-events-auditor', org: 'audit', roles: ['auditor'] }, opts);
  const otherPath = `/api/v1/charities/${charity}`;
  // Each phase gets a gateway of its own, so one phase's memory is not the next one's.
  const phases: Array<[string, number, boolean, string]> = [
    ['idle', 0, false, staff],
    [`${streams} replays, one charity user`, streams, false, staff],
    [`${slow} replays never read, an auditor`, slow, true, auditor],
  ];
  console.log('| phase | stream answers | /healthz p50 / p95 / max | other user p50 / max | gateway RSS max | bytes read | gateway buffered max | closed as stalled |\n|---|---|---|---|---|---|---|---|');
  for (const [name, count, stuck, token] of phases) {
    const { child, url } = await startChild(GATEWAY_MAIN, { CIVIC_DATA_DIR: dataDir, PORT: '0', EVENTS_STALL_TIMEOUT_MS: String(stallMs) }, GATEWAY_READY, 'inherit');
    try {
      for (let i = 0; i < 10; i++) await timed(`${url}/healthz`);
      if (name === 'idle') {
        const height = ((await (await fetch(`${url}/healthz`)).json()) as { ledger: { height: number } }).ledger.height;
        console.error(`bench:events: ${height} blocks, charity ${charity}, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
      }
      report(name, await runPhase(url, token, count, stuck, seconds, auditor, otherPath, child.pid));
    } finally {
      await stopChild(child);
    }
  }
}

main().catch((err: unknown) => {
  console.error(`bench:events: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
