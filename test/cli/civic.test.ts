import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadDevKey, signDevToken, type DevTokenClaims } from '../../gateway/src/auth/dev-key';
import { sampleResidentId } from '../../scripts/sample-ids';
import { tempDir } from '../support/gateway-harness';
import { charityWithProjects } from '../support/charities';
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

/** GB 18030 (GBK) codes of the few characters the encoding tests use, as Excel on Chinese Windows saves them. */
const GBK: Record<string, [number, number]> = {
  张: [0xd5, 0xc5],
  三: [0xc8, 0xfd],
  李: [0xc0, 0xee],
  四: [0xcb, 0xc4],
  北: [0xb1, 0xb1],
  京: [0xbe, 0xa9],
  市: [0xca, 0xd0],
  东: [0xb6, 0xab],
  城: [0xb3, 0xc7],
  区: [0xc7, 0xf8],
};

/** Text as GBK bytes: ASCII as it is, the characters of {@link GBK} as their two bytes. */
function gbk(text: string): Buffer {
  return Buffer.from(
    [...text].flatMap((c) => {
      if (c.charCodeAt(0) < 0x80) return [c.charCodeAt(0)];
      const code = GBK[c];
      if (!code) throw new Error(`no GBK code for ${c} in the test table`);
      return code;
    }),
  );
}

/** The payload of a compact JWS. */
const payloadOf = (jws: string): { credentialSubject: { holder: { name: string } } } => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8'));

/** A file's permission bits. */
const modeOf = async (file: string): Promise<number> => (await fs.stat(file)).mode & 0o777;

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

  /** A gateway process on its own data dir, with an issuer and an auditor token, and a way to sign others. */
  async function gateway(): Promise<{ gw: GatewayProcess; api: Call; issuer: string; auditor: string; dataDir: string; sign: (claims: DevTokenClaims) => Promise<string> }> {
    const dataDir = await tempDir('civic-cli-gw-');
    const gw = await startGatewayProcess(dataDir);
    const key = await loadDevKey(dataDir);
    const sign = (claims: DevTokenClaims) => signDevToken(key, claims, opts);
    const issuer = await sign({ sub: 'clerk1', org: 'civil', roles: ['issuer'] });
    const auditor = await sign({ sub: 'auditor1', org: 'audit', roles: ['auditor'] });
    return { gw, api: client(gw.baseUrl), issuer, auditor, dataDir, sign };
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

    /** A charity registered by the civil registrar, with a staff token and one project. */
    async function charityWithProject(name: string): Promise<{ token: string; projectId: string }> {
      const registrar = await g.sign({ sub: 'registrar1', org: 'civil', roles: ['registrar'] });
      const { token, projects } = await charityWithProjects(g.api, registrar, g.sign, { id: `cli-${name}`, name: `基金会 ${name}` });
      return { token, projectId: projects[0] };
    }

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
      expect(await modeOf(out), 'credentials are for the user who ran the import').to.equal(0o600);
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
      expect(await modeOf(rejects), 'the rejects hold full ID numbers').to.equal(0o600);
      const rejected = (await fs.readFile(rejects, 'utf8')).trim().split('\n');
      expect(rejected[0]).to.equal('id,idNumber,name,householdSize,monthlyAllowanceFen,region,line,reason');
      expect(rejected.slice(1).map((l) => l.split(',')[0])).to.deep.equal(['bad-0006', 'bad-0007']);
      const missing = await g.api('GET', '/api/v1/certificates/bad-0007', { token: g.auditor });
      expect(missing.status).to.equal(404);
    });

    it('civic certificates import run again over the same file counts every row as already issued, by --out and by the ledger', async function () {
      const csv = path.join(dir, 'households.csv');
      const out = path.join(dir, 'issued.jsonl');
      const again = await civic(['certificates', 'import', csv, '--type', TYPE, '--out', out, '--url', g.gw.baseUrl], { env: { CIVIC_TOKEN: g.issuer } });
      expect(again.code, again.stderr + again.stdout).to.equal(0);
      expect(again.stdout).to.match(/issued 0, already issued 2000, failed 0/);
      expect(await lineCount(out)).to.equal(2000);
      // Without --out and cut into other batches: the batches meet DUPLICATE_ID and the ledger is compared.
      const other = await civic(['certificates', 'import', csv, '--type', TYPE, '--batch', '600', '--url', g.gw.baseUrl], { env: { CIVIC_TOKEN: g.issuer } });
      expect(other.code, other.stderr + other.stdout).to.equal(0);
      expect(other.stdout).to.match(/issued 0, already issued 2000, failed 0/);
    });

    it("civic certificates import does not count an id that holds another holder's certificate as issued, from the ledger or from --out", async function () {
      const issueAs = async (id: string, idNumber: string) => {
        const r = await g.api('POST', '/api/v1/certificates', { token: g.issuer, body: { id, type: TYPE, holder: { idNumber, name: '原持证人' }, claims: { householdSize: 2, monthlyAllowanceFen: 1000, region: '北京' } } });
        expect(r.status, JSON.stringify(r.body)).to.equal(201);
        return r.body.record.holderRef as string;
      };
      const firstRef = await issueAs('clash-0001', sampleResidentId());
      await issueAs('clash-0002', sampleResidentId());
      const out = path.join(dir, 'clash.jsonl');
      // An --out that claims clash-0002 (another holder's on the ledger) and clash-0004 (not on the ledger) were issued.
      await fs.writeFile(out, `${JSON.stringify({ id: 'clash-0002', credential: 'x.y.z' })}\n${JSON.stringify({ id: 'clash-0004', credential: 'x.y.z' })}\n`);
      const wanted = [sampleResidentId(), sampleResidentId()];
      const csv = path.join(dir, 'clash.csv');
      await fs.writeFile(
        csv,
        [
          'id,idNumber,name,householdSize,monthlyAllowanceFen,region',
          `clash-0001,${wanted[0]},新居民甲,3,98000,北京市东城区`,
          `clash-0002,${wanted[1]},新居民乙,3,98000,北京市东城区`,
          `clash-0003,${sampleResidentId()},新居民丙,3,98000,北京市东城区`,
          `clash-0004,${sampleResidentId()},新居民丁,3,98000,北京市东城区`,
          '',
        ].join('\n'),
      );
      const r = await civic(['certificates', 'import', csv, '--type', TYPE, '--out', out, '--url', g.gw.baseUrl, '--token', g.issuer]);
      expect(r.code, r.stderr + r.stdout).to.equal(1);
      expect(r.stderr).to.match(/^line 2 \(id clash-0001\): the ledger already holds a record under this id that differs in holder; this row was not issued$/m);
      expect(r.stderr).to.match(/^line 3 \(id clash-0002\): the ledger already holds a record under this id that differs in holder; this row was not issued$/m);
      expect(r.stdout).to.match(/issued 2, already issued 0, failed 2/);
      for (const personal of [...wanted, '新居民']) expect(r.stderr).to.not.include(personal);
      expect((await g.api('GET', '/api/v1/certificates/clash-0001', { token: g.auditor })).body.holderRef).to.equal(firstRef);
      const written = (await fs.readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; credential: string });
      const fourth = written.filter((l) => l.id === 'clash-0004').pop();
      expect(fourth?.credential.split('.')).to.have.length(3);
      expect(fourth?.credential).to.not.equal('x.y.z');
      expect(written.map((l) => l.id)).to.include('clash-0003');
    });

    it('civic donations import does not count a donation id with another amount as recorded; a genuine re-run records nothing twice', async function () {
      const { token, projectId } = await charityWithProject('cmp');
      const donor = sampleResidentId();
      const first = await g.api('POST', '/api/v1/donations', { token, body: { id: 'gift-0001', projectId, amount: 100, donor: { idNumber: donor } } });
      expect(first.status, JSON.stringify(first.body)).to.equal(201);
      const csv = path.join(dir, 'gifts.csv');
      await fs.writeFile(csv, `\uFEFFid,amount,idNumber,anonymous\ngift-0001,200,${donor},\ngift-0002,300,${sampleResidentId()},\ngift-0003,400,,true\n`);
      const r = await civic(['donations', 'import', csv, '--project', projectId, '--url', g.gw.baseUrl, '--token', token]);
      expect(r.code, r.stderr + r.stdout).to.equal(1);
      expect(r.stderr).to.match(/^line 2 \(id gift-0001\): the ledger already holds a record under this id that differs in amount; this row was not recorded$/m);
      expect(r.stdout).to.match(/recorded 2, already recorded 0, failed 1/);
      expect((await g.api('GET', '/api/v1/donations/gift-0001', { token })).body.amount).to.equal(100);

      const clean = path.join(dir, 'gifts-clean.csv');
      await fs.writeFile(clean, `id,amount,idNumber,anonymous\ngift-0101,500,${sampleResidentId()},\ngift-0102,600,,true\n`);
      const out = path.join(dir, 'gifts.jsonl');
      const args = ['donations', 'import', clean, '--project', projectId, '--out', out, '--url', g.gw.baseUrl, '--token', token];
      const once = await civic(args);
      expect(once.code, once.stderr + once.stdout).to.equal(0);
      expect(once.stdout).to.match(/recorded 2, already recorded 0, failed 0/);
      const twice = await civic(args);
      expect(twice.code, twice.stderr + twice.stdout).to.equal(0);
      expect(twice.stdout).to.match(/recorded 0, already recorded 2, failed 0/);
      const thrice = await civic(['donations', 'import', clean, '--project', projectId, '--batch', '1', '--url', g.gw.baseUrl, '--token', token]);
      expect(thrice.code, thrice.stderr + thrice.stdout).to.equal(0);
      expect(thrice.stdout).to.match(/recorded 0, already recorded 2, failed 0/);
    });

    it('civic donations import reports a receivedAt outside the ledger\'s window as a bad row and records the rest of its batch', async function () {
      const { token, projectId } = await charityWithProject('dates');
      const year = new Date().getUTCFullYear();
      const csv = path.join(dir, 'dates.csv');
      await fs.writeFile(
        csv,
        [
          'id,amount,anonymous,receivedAt',
          `date-0001,100,true,${year - 1}-05-01`,
          `date-0002,100,true,${year - 5}-05-01`,
          'date-0003,100,true,',
          `date-0004,100,true,${year + 1}-05-01`,
          '',
        ].join('\n'),
      );
      const r = await civic(['donations', 'import', csv, '--project', projectId, '--url', g.gw.baseUrl, '--token', token]);
      expect(r.code, r.stderr + r.stdout).to.equal(1);
      expect(r.stderr).to.match(new RegExp(`^line 3 \\(id date-0002\\): receivedAt ${year - 5}-05-01 is more than three years ago$`, 'm'));
      expect(r.stderr).to.match(new RegExp(`^line 5 \\(id date-0004\\): receivedAt ${year + 1}-05-01 is in the future$`, 'm'));
      expect(r.stdout).to.match(/recorded 2, already recorded 0, failed 2/);
      for (const id of ['date-0001', 'date-0003']) expect((await g.api('GET', `/api/v1/donations/${id}`, { token })).status).to.equal(200);
    });

    it('civic certificates import reads a GBK file, as Excel on Chinese Windows saves it, with the right names', async function () {
      const csv = path.join(dir, 'gbk.csv');
      await fs.writeFile(
        csv,
        gbk(`id,idNumber,name,householdSize,monthlyAllowanceFen,region\r\ngbk-0001,${sampleResidentId()},张三,3,98000,北京市东城区\r\ngbk-0002,${sampleResidentId()},李四,2,76000,北京市东城区\r\n`),
      );
      const out = path.join(dir, 'gbk.jsonl');
      const r = await civic(['certificates', 'import', csv, '--type', TYPE, '--out', out, '--url', g.gw.baseUrl, '--token', g.issuer]);
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      const lines = (await fs.readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; credential: string });
      expect(lines.map((l) => payloadOf(l.credential).credentialSubject.holder.name)).to.deep.equal(['张三', '李四']);
      expect(r.stderr).to.include('read it as GB 18030');
      const jwt = path.join(dir, 'gbk.jwt');
      await fs.writeFile(jwt, lines[0].credential);
      const verified = await civic(['verify', jwt, '--json', '--url', g.gw.baseUrl]);
      expect(verified.code, verified.stderr).to.equal(0);
      expect(JSON.parse(verified.stdout).valid).to.equal(true);
    });

    it('civic certificates import refuses a file with bytes that are neither UTF-8 nor GB 18030, naming the line', async function () {
      const csv = path.join(dir, 'garbled.csv');
      const good = gbk(`id,idNumber,name,householdSize,monthlyAllowanceFen,region\ngarbled-0001,${sampleResidentId()},张三,3,98000,北京市东城区\n`);
      const bad = Buffer.concat([gbk(`garbled-0002,${sampleResidentId()},`), Buffer.from([0xff, 0xfe, 0xff]), gbk(',3,98000,北京市东城区\n')]);
      await fs.writeFile(csv, Buffer.concat([good, bad]));
      const r = await civic(['certificates', 'import', csv, '--type', TYPE, '--url', g.gw.baseUrl, '--token', g.issuer]);
      expect(r.code, r.stderr + r.stdout).to.equal(2);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(/garbled\.csv line 3: bytes that are neither UTF-8 nor GB 18030/);
      expect((await g.api('GET', '/api/v1/certificates/garbled-0001', { token: g.auditor })).status).to.equal(404);
    });

    it('civic writes --out and --rejects for its user alone (0600), tightening files that exist, with formula cells defused', async function () {
      const csv = path.join(dir, 'formula.csv');
      await fs.writeFile(csv, householdCsv('formula', 1, ['formula-0002,110105194912310021,"=HYPERLINK(""http://evil.example/?q"",""点我"")",3,98000,@SUM(A1)']));
      const out = path.join(dir, 'formula.jsonl');
      const rejects = path.join(dir, 'formula-rejects.csv');
      for (const f of [out, rejects]) {
        await fs.writeFile(f, '');
        await fs.chmod(f, 0o644);
      }
      const r = await civic(['certificates', 'import', csv, '--type', TYPE, '--out', out, '--rejects', rejects, '--url', g.gw.baseUrl, '--token', g.issuer]);
      expect(r.code, r.stderr + r.stdout).to.equal(1);
      expect(await modeOf(out)).to.equal(0o600);
      expect(await modeOf(rejects)).to.equal(0o600);
      const text = await fs.readFile(rejects, 'utf8');
      expect(text).to.include(`"'=HYPERLINK(""http://evil.example/?q"",""点我"")"`);
      expect(text).to.include(`,'@SUM(A1),`);
      expect(text).to.not.match(/(^|,)"?=HYPERLINK/m);
      // Files the import creates are private from the start.
      const fresh = path.join(dir, 'formula-new.csv');
      const again = await civic(['certificates', 'import', csv, '--type', TYPE, '--out', path.join(dir, 'formula-new.jsonl'), '--rejects', fresh, '--url', g.gw.baseUrl, '--token', g.issuer]);
      expect(again.code).to.equal(1);
      expect(await modeOf(fresh)).to.equal(0o600);
      expect(await modeOf(path.join(dir, 'formula-new.jsonl'))).to.equal(0o600);
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
