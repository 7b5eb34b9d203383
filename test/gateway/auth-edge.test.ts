import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MSP, isOrgKey } from '../../chaincode/src/models';
import { AuthError, principalFromClaims } from '../../gateway/src/auth/principal';
import { parseArgs } from '../../scripts/args';
import { tempDir } from '../support/gateway-harness';

const TOKEN_SCRIPT = path.resolve(__dirname, '../../scripts/token.js');

/** Runs `node dist/scripts/token.js` with a clean configuration environment. */
async function runTokenScript(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(base)) if (/^(AUTH_|CIVIC_|PORT$|HOST$|PUBLIC_BASE_URL$|BODY_LIMIT_BYTES$|MVCC_|BLOCK_|FABRIC_)/.test(name)) delete base[name];
  const child = spawn(process.execPath, [TOKEN_SCRIPT, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, stdout, stderr };
}

describe('authentication edge cases', function () {
  describe('own-property lookups', function () {
    const PROTO = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

    it('isOrgKey knows the three orgs and nothing Object.prototype has', function () {
      for (const org of Object.keys(MSP)) expect(isOrgKey(org), org).to.equal(true);
      for (const org of [...PROTO, '', 'Civil', 'civil ', 5, undefined, null]) expect(isOrgKey(org), String(org)).to.equal(false);
    });

    it('principalFromClaims refuses orgs and roles named after Object.prototype members', function () {
      for (const org of PROTO) {
        expect(() => principalFromClaims({ sub: 'mallory', org, roles: ['auditor'] }), org).to.throw(AuthError, /org/);
        expect(() => principalFromClaims({ sub: 'mallory', org: 'audit', roles: [org] }), org).to.throw(AuthError, /roles/);
      }
      // A JSON payload can carry __proto__ as an own key; it is not a claim we read.
      const claims = JSON.parse('{"sub":"a","org":"audit","roles":["auditor"],"__proto__":{"org":"civil"}}') as Record<string, unknown>;
      expect(principalFromClaims(claims)).to.include({ org: 'audit', mspId: MSP.audit });
    });

    it('parseArgs refuses an argument named after an Object.prototype member', function () {
      expect(() => parseArgs(['--constructor', 'x'], { sub: 'string' })).to.throw(/unknown argument '--constructor'/);
      expect(parseArgs(['--sub', 'x'], { sub: 'string' })).to.deep.equal({ sub: 'x' });
    });
  });

  describe('npm run token', function () {
    this.timeout(30_000);
    let dataDir: string;
    before(async () => (dataDir = await tempDir('civic-token-')));
    after(async () => fs.rm(dataDir, { recursive: true, force: true }));

    it('refuses an --org named after an Object.prototype member', async function () {
      for (const org of ['constructor', 'toString', '__proto__']) {
        const r = await runTokenScript(['--sub', 'x', '--org', org, '--roles', 'auditor'], { CIVIC_DATA_DIR: dataDir });
        expect(r.code, `${org}: ${r.stdout}`).to.not.equal(0);
        expect(r.stdout).to.equal('');
        expect(r.stderr).to.match(/--org/);
      }
    });
  });
});
