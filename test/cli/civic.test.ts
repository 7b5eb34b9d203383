import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadDevKey, signDevToken } from '../../gateway/src/auth/dev-key';
import { sampleResidentId } from '../../scripts/sample-ids';
import { tempDir } from '../support/gateway-harness';
import { client, type Call } from '../support/http';
import { startGatewayProcess, stopProcess, type GatewayProcess } from '../support/process';

const CIVIC = path.resolve(__dirname, '../../cli/civic.js');
const TYPE = 'low-income-household';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `node dist/cli/civic.js …`; progress goes to a pipe, so it prints plain lines. */
function spawnCivic(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [CIVIC, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

function civic(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> {
  const { child, done } = spawnCivic(args, opts.env);
  child.stdin?.end(opts.stdin ?? '');
  return done;
}

/** A CSV of `n` valid low-income-household rows with ids `<prefix>-0001`…; extra lines are appended as written. */
function householdCsv(prefix: string, n: number, extra: string[] = []): string {
  const lines = ['id,idNumber,name,householdSize,monthlyAllowanceFen,region'];
  for (let i = 1; i <= n; i++) lines.push(`${prefix}-${String(i).padStart(4, '0')},${sampleResidentId()},居民${i},${(i % 6) + 1},${50000 + i},北京市东城区`);
  return `${[...lines, ...extra].join('\n')}\n`;
}

async function countOnLedger(api: Call, token: string): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const r = await api('GET', `/api/v1/certificates?type=${TYPE}&limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(r.status, r.text).to.equal(200);
    n += r.body.items.length;
    cursor = r.body.nextCursor;
  } while (cursor);
  return n;
}

const lineCount = async (file: string): Promise<number> => (await fs.readFile(file, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '').length;

/** Rows per second from the summary line. */
const rateOf = (stdout: string): number => Number(/\(([\d.]+) rows\/s\)/.exec(stdout)?.[1] ?? NaN);

describe('civic CLI', function () {
  this.timeout(120_000);
  const opts = { issuer: 'civic-ledger-dev', audience: 'civic-ledger', ttlSeconds: 600 };
  let dir: string;

  before(async () => {
    dir = await tempDir('civic-cli-');
  });
  after(async () => fs.rm(dir, { recursive: true, force: true }));

  /** A gateway process on its own data dir, with an issuer and an auditor token. */
  async function gateway(): Promise<{ gw: GatewayProcess; api: Call; issuer: string; auditor: string; dataDir: string }> {
    const dataDir = await tempDir('civic-cli-gw-');
    const gw = await startGatewayProcess(dataDir);
    const key = await loadDevKey(dataDir);
    const issuer = await signDevToken(key, { sub: 'clerk1', org: 'civil', roles: ['issuer'] }, opts);
    const auditor = await signDevToken(key, { sub: 'auditor1', org: 'audit', roles: ['auditor'] }, opts);
    return { gw, api: client(gw.baseUrl), issuer, auditor, dataDir };
  }

  async function close(g: { gw: GatewayProcess; dataDir: string }): Promise<void> {
    await stopProcess(g.gw.child);
    await fs.rm(g.dataDir, { recursive: true, force: true });
  }

  describe('civic against one gateway', function () {
    let g: Awaited<ReturnType<typeof gateway>>;
    before(async () => {
      g = await gateway();
    });
    after(async () => g && close(g));

    it('civic certificates import issues 2,000 rows, writes them to --out, and they are listed', async function () {
      const csv = path.join(dir, 'households.csv');
      await fs.writeFile(csv, householdCsv('imp', 2000));
      const out = path.join(dir, 'issued.jsonl');
      const r = await civic(['certificates', 'import', csv, '--type', TYPE, '--out', out, '--url', g.gw.baseUrl], { env: { CIVIC_TOKEN: g.issuer } });
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(r.stdout).to.match(/issued 2000, already issued 0, failed 0/);
      console.log(`      import rate: ${rateOf(r.stdout)} rows/s (2,000 rows, batches of 1000)`);
      const lines = (await fs.readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; credential: string });
      expect(lines).to.have.length(2000);
      expect(new Set(lines.map((l) => l.id)).size).to.equal(2000);
      expect(lines[0].credential.split('.')).to.have.length(3);
      expect(await countOnLedger(g.api, g.auditor)).to.equal(2000);
      const one = await g.api('GET', '/api/v1/certificates/imp-1234', { token: g.auditor });
      expect(one.status).to.equal(200);
      expect(one.body.type).to.equal(TYPE);
    });

    it('civic events tails the event stream as JSON lines', async function () {
      const child = spawn(process.execPath, [CIVIC, '--url', g.gw.baseUrl, 'events', '--types', 'certificate.issued', '--json'], {
        env: { ...process.env, CIVIC_TOKEN: g.auditor },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      try {
        // The stream is open once the gateway counts a subscriber (no fixed sleep: the machine may be slow).
        for (let i = 0; ; i++) {
          const m = await g.api('GET', '/metrics');
          if (/^civic_events_subscribers [1-9]/m.test(m.text)) break;
          if (i >= 300) throw new Error(`civic events did not subscribe: ${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const issued = await g.api('POST', '/api/v1/certificates', {
          token: g.issuer,
          body: { type: TYPE, holder: { idNumber: sampleResidentId(), name: '事件' }, claims: { householdSize: 2, monthlyAllowanceFen: 1000, region: '北京' } },
        });
        expect(issued.status).to.equal(201);
        for (let i = 0; i < 50 && !out.includes(issued.body.id); i++) await new Promise((r) => setTimeout(r, 100));
        const line = out.split('\n').find((l) => l.includes(issued.body.id));
        expect(line, out).to.be.a('string');
        expect(JSON.parse(line as string)).to.include({ event: 'certificate.issued' });
      } finally {
        child.kill();
      }
    });

    it('civic verify reports an issued credential as valid, from a file or stdin', async function () {
      const first = JSON.parse((await fs.readFile(path.join(dir, 'issued.jsonl'), 'utf8')).split('\n')[0]) as { credential: string };
      const jwt = path.join(dir, 'one.jwt');
      await fs.writeFile(jwt, `${first.credential}\n`);
      const json = await civic(['verify', jwt, '--json', '--url', g.gw.baseUrl]);
      expect(json.code, json.stderr).to.equal(0);
      expect(JSON.parse(json.stdout).valid).to.equal(true);
      const text = await civic(['--url', g.gw.baseUrl, 'verify', '-'], { stdin: first.credential });
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.match(/^VALID/);
      expect(text.stdout).to.match(/signature\s+ok/);
    });

    it('civic certificates import reports bad rows by line, issues the good ones and exits 1', async function () {
      const csv = path.join(dir, 'bad.csv');
      await fs.writeFile(
        csv,
        householdCsv('bad', 5, [
          `bad-0006,110105194912310021,坏号码,3,98000,北京市东城区`,
          `bad-0007,${sampleResidentId()},类型错,three,98000,北京市东城区`,
          `bad-0008,${sampleResidentId()},好人,2,97000,北京市东城区`,
        ]),
      );
      const out = path.join(dir, 'bad.jsonl');
      const rejects = path.join(dir, 'rejects.csv');
      const r = await civic(['certificates', 'import', csv, '--type', TYPE, '--out', out, '--rejects', rejects, '--url', g.gw.baseUrl, '--token', g.issuer]);
      expect(r.code, r.stderr + r.stdout).to.equal(1);
      expect(r.stderr).to.match(/^line 7 \(id bad-0006\): .*idNumber is not a valid resident ID number/m);
      expect(r.stderr).to.match(/^line 8 \(id bad-0007\): householdSize must be an integer, got 'three'/m);
      expect(r.stdout).to.match(/issued 6, already issued 0, failed 2/);
      expect(await lineCount(out)).to.equal(6);
      const rejected = (await fs.readFile(rejects, 'utf8')).trim().split('\n');
      expect(rejected[0]).to.equal('id,idNumber,name,householdSize,monthlyAllowanceFen,region,line,reason');
      expect(rejected.slice(1).map((l) => l.split(',')[0])).to.deep.equal(['bad-0006', 'bad-0007']);
      const missing = await g.api('GET', '/api/v1/certificates/bad-0007', { token: g.auditor });
      expect(missing.status).to.equal(404);
    });

    it('civic prints one line and exits non-zero when the gateway is unreachable', async function () {
      const csv = path.join(dir, 'households.csv');
      const r = await civic(['certificates', 'import', csv, '--type', TYPE, '--url', 'http://127.0.0.1:9', '--token', 'x']);
      expect(r.code).to.not.equal(0);
      expect(r.stdout).to.equal('');
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(/cannot reach the gateway at http:\/\/127\.0\.0\.1:9/);
      const missing = await civic(['certificates', 'import', csv, '--url', g.gw.baseUrl, '--token', 'x']);
      expect(missing.code).to.equal(2);
      expect(missing.stderr.trim().split('\n')).to.have.length(1);
    });
  });

  it('civic certificates import, killed halfway and re-run, issues every row exactly once', async function () {
    const g = await gateway();
    try {
      const csv = path.join(dir, 'resume.csv');
      await fs.writeFile(csv, householdCsv('imp', 2000));
      const out = path.join(dir, 'resume.jsonl');
      const args = ['certificates', 'import', csv, '--type', TYPE, '--out', out, '--batch', '100', '--url', g.gw.baseUrl];
      const env = { CIVIC_TOKEN: g.issuer };
      const first = spawnCivic(args, env);
      first.child.stdin?.end();
      const deadline = Date.now() + 30_000;
      while ((await lineCount(out)) < 500) {
        expect(Date.now(), 'the first run issued too little in 30 s').to.be.below(deadline);
        expect(first.child.exitCode, 'the first run finished before it could be killed').to.equal(null);
        await new Promise((r) => setTimeout(r, 20));
      }
      first.child.kill('SIGKILL');
      const killed = await first.done;
      expect(killed.code).to.equal(null);
      const before = await lineCount(out);
      expect(before).to.be.below(2000);

      const again = await civic(args, { env });
      expect(again.code, again.stderr + again.stdout).to.equal(0);
      const m = /issued (\d+), already issued (\d+), failed 0/.exec(again.stdout);
      expect(m, again.stdout).to.not.equal(null);
      expect(Number(m![2])).to.be.at.least(before);
      expect(Number(m![1]) + Number(m![2])).to.equal(2000);
      const ids = (await fs.readFile(out, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
      expect(new Set(ids).size).to.equal(2000);
      expect(await countOnLedger(g.api, g.auditor)).to.equal(2000);

      // Other batch boundaries mean other idempotency keys: the ledger itself says what is there.
      const other = await civic(['certificates', 'import', csv, '--type', TYPE, '--out', path.join(dir, 'none.jsonl'), '--batch', '700', '--url', g.gw.baseUrl], { env });
      expect(other.code, other.stderr + other.stdout).to.equal(0);
      expect(other.stdout).to.match(/issued 0, already issued 2000, failed 0/);
      expect(await lineCount(path.join(dir, 'none.jsonl'))).to.equal(0);
      expect(await countOnLedger(g.api, g.auditor)).to.equal(2000);
    } finally {
      await close(g);
    }
  });
});
