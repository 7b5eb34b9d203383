import '../gateway/src/chaincode-log-level';
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDevKey, signDevToken } from '../gateway/src/auth/dev-key';
import { parseArgs } from '../shared/args';
import { GATEWAY_MAIN, startChild, stopChild } from './children';
import { sampleResidentId } from './sample-ids';

const USAGE = `usage: npm run bench -- [--ledger embedded|fabric] [--url http://host:port --data-dir <dir>] [--duration <s>] [--connections <n>] [--batch-connections <n>] [--phases bare,issue,verify,batch] [--grow <n>]
Without --url it starts a gateway on a fresh temp data directory, on the embedded ledger or, with --ledger fabric,
on the running Fabric network (npm run fabric:up). The bare Express+LevelDB server is the yardstick for the ratios.
--grow <n> then batch-issues n more certificates and measures issue and verify again, verifying credentials
sampled across the whole ledger, and prints the change. The gateway's memory (RSS) is printed when the bench
started the gateway itself.`;

const PHASES = ['bare', 'issue', 'verify', 'batch'] as const;

interface Phase {
  name: string;
  rps: number;
  ok: number;
  errors: number;
  p50: number;
  p99: number;
}


function issueBody(): Record<string, unknown> {
  return {
    type: 'low-income-household',
    holder: { idNumber: sampleResidentId(), name: '王五' },
    claims: { householdSize: 3, monthlyAllowanceFen: 98000, region: '北京市东城区' },
  };
}

const MIB = 2 ** 20;

type Memory = { rss: number; peak: number; heapUsed?: number } | undefined;

/** A gauge from the gateway's /metrics (Node's default metrics), or undefined when it cannot be read. */
async function gaugeOf(url: string, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The process's resident set now and its peak since start, from /proc
 * (Linux; undefined elsewhere), with the V8 heap in use from its /metrics.
 */
async function memoryOf(pid: number | undefined, url: string): Promise<Memory> {
  if (pid === undefined) return undefined;
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM'), heapUsed: await gaugeOf(url, 'nodejs_heap_size_used_bytes') };
  } catch {
    return undefined;
  }
}

function describeMemory(m: Memory): string {
  if (!m) return 'not measured (the gateway is not a child of the bench, or no /proc)';
  const heap = m.heapUsed === undefined ? '' : ` (V8 heap in use ${(m.heapUsed / MIB).toFixed(0)} MiB)`;
  return `RSS ${(m.rss / MIB).toFixed(0)} MiB${heap}, peak ${(m.peak / MIB).toFixed(0)} MiB`;
}

/** CPU seconds the process has used so far, from /proc (Linux); undefined elsewhere. */
async function cpuSecondsOf(pid: number): Promise<number | undefined> {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command name): user and system time in clock ticks.
    const fields = (await fs.readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the gateway is idle: LevelDB compacts in the background after
 * a bulk load, and measuring during that measures the load, not the ledger.
 * Idle is under 5% of a core over 2 s, twice in a row; it gives up after 10 minutes.
 */
async function settle(pid: number | undefined): Promise<void> {
  if (pid === undefined) return void console.log('bench: not waiting for background compaction (the gateway is not a child of the bench)');
  const started = performance.now();
  let quiet = 0;
  let lastReport = started;
  while (quiet < 2 && performance.now() - started < 600_000) {
    const before = await cpuSecondsOf(pid);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = await cpuSecondsOf(pid);
    if (before === undefined || after === undefined) return;
    const share = (after - before) / 2;
    quiet = share < 0.05 ? quiet + 1 : 0;
    if (performance.now() - lastReport >= 10_000) {
      lastReport = performance.now();
      console.log(`bench: waiting for the gateway to settle (LevelDB compaction): ${(100 * share).toFixed(0)}% of a core, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  console.log(`bench: the gateway was idle after ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * Batch-issues `total` certificates, 1,000 per request with `inFlight`
 * requests at a time, printing progress every few seconds. Keeps a uniform
 * sample of `keep` credentials from everything issued (reservoir sampling).
 */
async function grow(url: string, auth: Record<string, string>, total: number, inFlight: number, keep: number): Promise<{ seconds: number; sample: string[] }> {
  const sample: string[] = [];
  let issued = 0;
  let requested = 0;
  const started = performance.now();
  let lastReport = started;
  const worker = async (): Promise<void> => {
    while (requested < total) {
      const n = Math.min(1000, total - requested);
      requested += n;
      const res = await fetch(`${url}/api/v1/certificates/batch`, { method: 'POST', headers: auth, body: JSON.stringify({ items: Array.from({ length: n }, issueBody) }) });
      if (res.status !== 201) throw new Error(`batch issue while growing the ledger failed: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { items: Array<{ credential: string }> };
      for (const item of body.items) {
        issued++;
        if (sample.length < keep) sample.push(item.credential);
        else {
          const j = Math.floor(Math.random() * issued);
          if (j < keep) sample[j] = item.credential;
        }
      }
      const now = performance.now();
      if (now - lastReport >= 5000 || issued === total) {
        lastReport = now;
        const rate = issued / ((now - started) / 1000);
        console.log(`bench: grew the ledger by ${issued.toLocaleString('en')}/${total.toLocaleString('en')} certificates (${rate.toFixed(0)}/s, ETA ${((total - issued) / rate).toFixed(0)} s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return { seconds: (performance.now() - started) / 1000, sample };
}

async function run(name: string, opts: autocannon.Options, weight = 1): Promise<Phase> {
  process.stdout.write(`bench: ${name} (${opts.connections} connections, ${opts.duration} s) ... `);
  const r = await autocannon(opts);
  const ok = r['2xx'];
  const phase = { name, rps: (ok * weight) / r.duration, ok, errors: r.non2xx + r.errors + r.timeouts, p50: r.latency.p50, p99: r.latency.p99 };
  console.log(`${phase.rps.toFixed(0)}/s, p50 ${phase.p50} ms, p99 ${phase.p99} ms, ${phase.errors} errors`);
  return phase;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), {
    url: 'string', 'data-dir': 'string', duration: 'string', grow: 'string', connections: 'string', 'batch-connections': 'string', ledger: 'string', phases: 'string', help: 'boolean',
  });
  if (args.help) return void console.log(USAGE);
  const ledger = args.ledger ?? 'embedded';
  if (ledger !== 'embedded' && ledger !== 'fabric') throw new Error('--ledger must be embedded or fabric');
  const phasesWanted = new Set(typeof args.phases === 'string' ? args.phases.split(',') : PHASES);
  for (const p of phasesWanted) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`unknown phase '${p}'`);
  const duration = Number(args.duration ?? 10);
  const connections = Number(args.connections ?? 64);
  const batchConnections = Number(args['batch-connections'] ?? 4);
  const growBy = Number(args.grow ?? 0);
  if (!Number.isInteger(growBy) || growBy < 0) throw new Error('--grow must be a whole number of certificates');
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'civic-bench-'));
  const children: ChildProcess[] = [];
  try {
    let gatewayPid: number | undefined;
    let url = typeof args.url === 'string' ? args.url.replace(/\/+$/, '') : undefined;
    let dataDir = typeof args['data-dir'] === 'string' ? args['data-dir'] : undefined;
    if (!url) {
      dataDir = path.join(scratch, 'data');
      const gw = await startChild(GATEWAY_MAIN, { CIVIC_DATA_DIR: dataDir, PORT: '0', CIVIC_LEDGER: ledger });
      children.push(gw.child);
      gatewayPid = gw.child.pid;
      url = gw.url;
    } else if (!dataDir) {
      throw new Error('--url needs --data-dir (the service data directory holding the dev token key)');
    }
    const bare = await startChild(path.join(__dirname, 'bare-server.js'), { BARE_DB: path.join(scratch, 'bare') }, /bare listening on (http:\/\/[\d.]+:\d+)/);
    children.push(bare.child);
    console.log(`bench: gateway ${url} (${ledger}), bare ${bare.url}, node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}`);

    const key = await loadDevKey(dataDir);
    const token = await signDevToken(key, { sub: 'bench-clerk', org: 'civil', roles: ['issuer'] }, { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 3600 });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // A sample record, so the bare server writes a record of the same size as the ledger's.
    const sample = await fetch(`${url}/api/v1/certificates`, { method: 'POST', headers: auth, body: JSON.stringify(issueBody()) });
    if (sample.status !== 201) throw new Error(`sample issue failed: ${sample.status} ${await sample.text()}`);
    const sampleBody = (await sample.json()) as { record: Record<string, unknown>; credential: string };
    const recordJson = JSON.stringify(sampleBody.record);

    const none: Phase = { name: 'skipped', rps: 0, ok: 0, errors: 0, p50: 0, p99: 0 };
    const bareP = !phasesWanted.has('bare') ? none : await run('bare Express+LevelDB write', {
      url: `${bare.url}/records`, connections, duration, method: 'POST',
      headers: { 'content-type': 'application/json' }, body: recordJson,
    });
    const credentials: string[] = [sampleBody.credential];
    const issuePhase = (label: string): Promise<Phase> => run(`issue (POST /certificates)${label}`, {
      url: `${url}/api/v1/certificates`, connections, duration, method: 'POST', headers: auth,
      requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(issueBody()) }), onResponse: (status, body) => {
        if (status === 201 && credentials.length < 5000) credentials.push((JSON.parse(body) as { credential: string }).credential);
      } }],
    });
    const verifyPhase = (label: string, pool: readonly string[]): Promise<Phase> => {
      let next = 0;
      return run(`verify (POST /verify)${label}`, {
        url: `${url}/api/v1/verify`, connections, duration, method: 'POST', headers: { 'content-type': 'application/json' },
        requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ credential: pool[next++ % pool.length] }) }) }],
      });
    };
    const issueP = !phasesWanted.has('issue') ? none : await issuePhase('');
    const verifyP = !phasesWanted.has('verify') ? none : await verifyPhase('', credentials);
    const batchP = !phasesWanted.has('batch') ? none : await run('batch issue, 1,000 per request (certificates)', {
      url: `${url}/api/v1/certificates/batch`, connections: batchConnections, duration, method: 'POST', headers: auth, timeout: 120,
      requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ items: Array.from({ length: 1000 }, issueBody) }) }) }],
    }, 1000);

    const memoryUnderLoad = await memoryOf(gatewayPid, url);
    console.log(`bench: gateway memory after the phases: ${describeMemory(memoryUnderLoad)}`);

    let growth: { seconds: number; issue: Phase; verify: Phase; memoryGrown: Memory; memoryAfter: Memory } | undefined;
    if (growBy > 0) {
      const grown = await grow(url, auth, growBy, batchConnections, 5000);
      const memoryGrown = await memoryOf(gatewayPid, url);
      console.log(`bench: grew the ledger by ${growBy.toLocaleString('en')} certificates in ${grown.seconds.toFixed(0)} s; gateway ${describeMemory(memoryGrown)}`);
      await settle(gatewayPid);
      const issueGrown = await issuePhase(` after growing by ${growBy.toLocaleString('en')}`);
      const verifyGrown = await verifyPhase(` of credentials sampled across the ledger`, grown.sample);
      growth = { seconds: grown.seconds, issue: issueGrown, verify: verifyGrown, memoryGrown, memoryAfter: await memoryOf(gatewayPid, url) };
    }

    const pct = (p: Phase): string => (bareP.rps > 0 ? ` = ${((100 * p.rps) / bareP.rps).toFixed(0)}% of bare` : '');
    console.log('\n| measure | result | target |');
    console.log('|---|---|---|');
    console.log(`| bare Express+LevelDB write | ${bareP.rps.toFixed(0)} req/s (p50 ${bareP.p50} ms, p99 ${bareP.p99} ms) | baseline |`);
    console.log(`| issue | ${issueP.rps.toFixed(0)} req/s${pct(issueP)}; p50 ${issueP.p50} ms, p99 ${issueP.p99} ms | ≥ 30%, p99 ≤ 150 ms |`);
    console.log(`| verify | ${verifyP.rps.toFixed(0)} req/s${pct(verifyP)}; p50 ${verifyP.p50} ms, p99 ${verifyP.p99} ms | ≥ 60% |`);
    console.log(`| batch issue | ${batchP.rps.toFixed(0)} certificates/s (p50 ${batchP.p50} ms per 1,000) | ≥ 10,000/s |`);
    console.log(`| errors (non-2xx, socket) | bare ${bareP.errors}, issue ${issueP.errors}, verify ${verifyP.errors}, batch ${batchP.errors} | 0 |`);
    console.log(`| gateway memory after the ${connections}-connection phases | ${describeMemory(memoryUnderLoad)} | |`);
    if (growth) {
      const change = (after: number, before: number): string => (before > 0 ? `${after >= before ? '+' : ''}${((100 * (after - before)) / before).toFixed(0)}%` : 'n/a');
      console.log(`\n| after growing the ledger by ${growBy.toLocaleString('en')} certificates (${growth.seconds.toFixed(0)} s) | empty ledger | grown ledger | change | target |`);
      console.log('|---|---|---|---|---|');
      console.log(`| issue throughput | ${issueP.rps.toFixed(0)} req/s | ${growth.issue.rps.toFixed(0)} req/s | ${change(growth.issue.rps, issueP.rps)} | within 20% |`);
      console.log(`| issue p50 / p99 | ${issueP.p50} / ${issueP.p99} ms | ${growth.issue.p50} / ${growth.issue.p99} ms | | |`);
      console.log(`| verify p50 / p99 | ${verifyP.p50} / ${verifyP.p99} ms | ${growth.verify.p50} / ${growth.verify.p99} ms | ${change(growth.verify.p50, verifyP.p50)} (p50) | within 20% |`);
      console.log(`| verify throughput | ${verifyP.rps.toFixed(0)} req/s | ${growth.verify.rps.toFixed(0)} req/s | ${change(growth.verify.rps, verifyP.rps)} | |`);
      console.log(`| gateway memory | ${describeMemory(memoryUnderLoad)} | after growing: ${describeMemory(growth.memoryGrown)}; after its phases: ${describeMemory(growth.memoryAfter)} | | |`);
      console.log(`| errors (non-2xx, socket) | | issue ${growth.issue.errors}, verify ${growth.verify.errors} | | 0 |`);
    }
  } finally {
    await Promise.all(children.map(stopChild));
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
