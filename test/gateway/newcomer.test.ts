import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { promises as fs, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { MSP } from '../../chaincode/src/models';
import { Wallet } from '../../gateway/src/wallet/wallet';
import { createCA, verifyIssuedBy } from '../../network/pki';
import { startEmbedded, tempDir } from '../support/gateway-harness';
import { client } from '../support/http';
import { loadDevKey, signDevToken } from '../../gateway/src/auth/dev-key';
import { startGatewayProcess, stopProcess } from '../support/process';

const ROOT = path.resolve(__dirname, '../../..');

describe('the newcomer path', function () {
  this.timeout(60_000);

  it('enrols again an identity that another CA signed (the other ledger, or a network made anew)', async function () {
    const dir = await tempDir('civic-wallet-');
    try {
      const first = await createCA({ commonName: 'ca.civil', organization: 'Civil' });
      const second = await createCA({ commonName: 'ca.civil', organization: 'Civil' });
      const attrs = { role: 'issuer' };
      const a = await new Wallet(dir, new Map([[MSP.civil, first]])).identity(MSP.civil, 'clerk1', attrs);
      const again = await new Wallet(dir, new Map([[MSP.civil, first]])).identity(MSP.civil, 'clerk1', attrs);
      expect(again.certificatePem).to.equal(a.certificatePem);
      const b = await new Wallet(dir, new Map([[MSP.civil, second]])).identity(MSP.civil, 'clerk1', attrs);
      expect(b.certificatePem).to.not.equal(a.certificatePem);
      expect(await verifyIssuedBy(b.certificatePem, second.certificatePem)).to.equal(true);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('says in one line that a data directory is in use, to the service and to the demo seed', async function () {
    const dataDir = await tempDir('civic-busy-');
    const gw = await startGatewayProcess(dataDir);
    try {
      for (const script of ['gateway/src/main.js', 'scripts/seed-demo.js']) {
        const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', script)], { env: { ...process.env, CIVIC_DATA_DIR: dataDir, PORT: '0' }, encoding: 'utf8', timeout: 30_000 });
        expect(r.status, script).to.equal(1);
        const lines = r.stderr.trim().split('\n');
        expect(lines, r.stderr).to.have.length(1);
        expect(lines[0]).to.match(/is in use by another process.*stop it, or choose another CIVIC_DATA_DIR/);
      }
    } finally {
      await stopProcess(gw.child);
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('mints a token with the built CLI, without building the project again', function () {
    const info = path.join(ROOT, 'dist', '.tsbuildinfo');
    const before = statSync(info).mtimeMs;
    const dataDir = path.join(ROOT, 'dist', 'newcomer-token-data');
    try {
      const r = spawnSync('npm', ['run', '--silent', 'token', '--', '--sub', 'clerk1', '--org', 'civil', '--roles', 'issuer'], {
        cwd: ROOT,
        env: { ...process.env, CIVIC_DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout.trim()).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(statSync(info).mtimeMs).to.equal(before);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('loads the chaincode in tests without a line of decorator logging', function () {
    const mocharc = JSON.parse(readFileSync(path.join(ROOT, '.mocharc.json'), 'utf8')) as { require?: string[] };
    expect(mocharc.require).to.include('dist/test/support/setup.js');
    const env = { ...process.env };
    delete env.CORE_CHAINCODE_LOGGING_LEVEL;
    const r = spawnSync(process.execPath, ['-r', './dist/test/support/setup.js', '-e', "require('./dist/chaincode/src')"], { cwd: ROOT, env, encoding: 'utf8' });
    expect(r.status).to.equal(0);
    expect(r.stdout + r.stderr).to.equal('');
    const noisy = spawnSync(process.execPath, ['-e', "require('./dist/chaincode/src')"], { cwd: ROOT, env, encoding: 'utf8' });
    expect(noisy.stdout + noisy.stderr).to.include('c-api');
  });

  it('tells a developer whose token came from another data directory what to do', async function () {
    const h = await startEmbedded();
    const otherDir = await tempDir('civic-other-');
    try {
      const other = await loadDevKey(otherDir);
      const token = await signDevToken(other, { sub: 'clerk1', org: 'civil', roles: ['issuer'] }, { issuer: h.config.auth.issuer, audience: h.config.auth.audience, ttlSeconds: 600 });
      const r = await client(h.baseUrl)('GET', '/api/v1/certificates/x', { token });
      expect(r.status).to.equal(401);
      expect(r.body.detail).to.match(/mint one with npm run token and the same CIVIC_DATA_DIR/);
    } finally {
      await h.close();
      await fs.rm(otherDir, { recursive: true, force: true });
    }
  });
});
