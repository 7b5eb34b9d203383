import '../gateway/src/chaincode-log-level';
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadDevKey, signDevToken } from '../gateway/src/auth/dev-key';
import { parseArgs } from './args';
import { sampleResidentId } from './sample-ids';

const USAGE = `usage: npm run bench -- [--ledger embedded|fabric] [--url http://host:port --data-dir <dir>] [--duration <s>] [--connections <n>] [--batch-connections <n>] [--phases bare,issue,verify,batch]
Without --url it starts a gateway on a fresh temp data directory, on the embedded ledger or, with --ledger fabric,
on the running Fabric network (npm run fabric:up). The bare Express+LevelDB server is the yardstick for the ratios.`;

const PHASES = ['bare', 'issue', 'verify', 'batch'] as const;

interface Phase {
  name: string;
  rps: number;
  ok: number;
  errors: number;
  p50: number;
  p99: number;
}

function start(script: string, env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(__dirname, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${out}`)));
  });
}

function issueBody(): Record<string, unknown> {
  return {
    type: 'low-income-household',
    holder: { idNumber: sampleResidentId(), name: '王五' },
    claims: { householdSize: 3, monthlyAllowanceFen: 98000, region: '北京市东城区' },
  };
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
    url: 'string', 'data-dir': 'string', duration: 'string', connections: 'string', 'batch-connections': 'string', ledger: 'string', phases: 'string', help: 'boolean',
  });
  if (args.help) return void console.log(USAGE);
  const ledger = args.ledger ?? 'embedded';
  if (ledger !== 'embedded' && ledger !== 'fabric') throw new Error('--ledger must be embedded or fabric');
  const phasesWanted = new Set(typeof args.phases === 'string' ? args.phases.split(',') : PHASES);
  for (const p of phasesWanted) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`unknown phase '${p}'`);
  const duration = Number(args.duration ?? 10);
  const connections = Number(args.connections ?? 64);
  const batchConnections = Number(args['batch-connections'] ?? 4);
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'civic-bench-'));
  const children: ChildProcess[] = [];
  try {
    let url = typeof args.url === 'string' ? args.url.replace(/\/+$/, '') : undefined;
    let dataDir = typeof args['data-dir'] === 'string' ? args['data-dir'] : undefined;
    if (!url) {
      dataDir = path.join(scratch, 'data');
      const gw = await start('../gateway/src/main.js', { CIVIC_DATA_DIR: dataDir, PORT: '0', CIVIC_LEDGER: ledger }, /listening on (http:\/\/[\d.]+:\d+)/);
      children.push(gw.child);
      url = gw.url;
    } else if (!dataDir) {
      throw new Error('--url needs --data-dir (the service data directory holding the dev token key)');
    }
    const bare = await start('bare-server.js', { BARE_DB: path.join(scratch, 'bare') }, /bare listening on (http:\/\/[\d.]+:\d+)/);
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
    const issueP = !phasesWanted.has('issue') ? none : await run('issue (POST /certificates)', {
      url: `${url}/api/v1/certificates`, connections, duration, method: 'POST', headers: auth,
      requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(issueBody()) }), onResponse: (status, body) => {
        if (status === 201 && credentials.length < 5000) credentials.push((JSON.parse(body) as { credential: string }).credential);
      } }],
    });
    let next = 0;
    const verifyP = !phasesWanted.has('verify') ? none : await run('verify (POST /verify)', {
      url: `${url}/api/v1/verify`, connections, duration, method: 'POST', headers: { 'content-type': 'application/json' },
      requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ credential: credentials[next++ % credentials.length] }) }) }],
    });
    const batchP = !phasesWanted.has('batch') ? none : await run('batch issue, 1,000 per request (certificates)', {
      url: `${url}/api/v1/certificates/batch`, connections: batchConnections, duration, method: 'POST', headers: auth, timeout: 120,
      requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ items: Array.from({ length: 1000 }, issueBody) }) }) }],
    }, 1000);

    const pct = (p: Phase): string => (bareP.rps > 0 ? ` = ${((100 * p.rps) / bareP.rps).toFixed(0)}% of bare` : '');
    console.log('\n| measure | result | target |');
    console.log('|---|---|---|');
    console.log(`| bare Express+LevelDB write | ${bareP.rps.toFixed(0)} req/s (p50 ${bareP.p50} ms, p99 ${bareP.p99} ms) | baseline |`);
    console.log(`| issue | ${issueP.rps.toFixed(0)} req/s${pct(issueP)}; p50 ${issueP.p50} ms, p99 ${issueP.p99} ms | ≥ 30%, p99 ≤ 150 ms |`);
    console.log(`| verify | ${verifyP.rps.toFixed(0)} req/s${pct(verifyP)}; p50 ${verifyP.p50} ms, p99 ${verifyP.p99} ms | ≥ 60% |`);
    console.log(`| batch issue | ${batchP.rps.toFixed(0)} certificates/s (p50 ${batchP.p50} ms per 1,000) | ≥ 20,000/s |`);
    console.log(`| errors (non-2xx, socket) | bare ${bareP.errors}, issue ${issueP.errors}, verify ${verifyP.errors}, batch ${batchP.errors} | 0 |`);
  } finally {
    await Promise.all(children.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    })));
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
