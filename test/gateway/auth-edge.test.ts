import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SignJWT, decodeJwt } from 'jose';
import { MSP, isOrgKey } from '../../chaincode/src/models';
import { createAuthenticator } from '../../gateway/src/auth/authenticator';
import { loadDevKey, type DevKey } from '../../gateway/src/auth/dev-key';
import { AuthError, principalFromClaims } from '../../gateway/src/auth/principal';
import { parseArgs } from '../../shared/args';
import { startEmbedded, tempDir } from '../support/gateway-harness';
import { client } from '../support/http';

use(chaiAsPromised);

const TOKEN_SCRIPT = path.resolve(__dirname, '../../scripts/token.js');
const ISSUER = 'civic-ledger-dev';
const AUDIENCE = 'civic-ledger';
const HOUR = 3600;
const now = (): number => Math.floor(Date.now() / 1000);

/** A dev-key token with exactly the `iat` and `exp` given; `iat: undefined` leaves the claim out. */
function tokenWith(key: DevKey, times: { iat?: number; exp: number }, org = 'audit'): Promise<string> {
  const jwt = new SignJWT({ org, roles: ['auditor'] })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setSubject('auditor1')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime(times.exp);
  if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
  return jwt.sign(key.privateKey);
}

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

  describe('token lifetime', function () {
    let dataDir: string;
    let key: DevKey;
    const verify = (max = 12 * HOUR) => createAuthenticator({ issuer: ISSUER, audience: AUDIENCE, maxTokenTtlSeconds: max }, key);

    before(async function () {
      dataDir = await tempDir('civic-auth-');
      key = await loadDevKey(dataDir);
    });
    after(async () => fs.rm(dataDir, { recursive: true, force: true }));

    it('accepts a lifetime up to AUTH_MAX_TOKEN_TTL, measured as exp − iat', async function () {
      const t = now();
      await expect(verify()(await tokenWith(key, { iat: t, exp: t + 12 * HOUR }))).to.be.fulfilled;
      await expect(verify()(await tokenWith(key, { iat: t - 11 * HOUR, exp: t + 1 }))).to.be.fulfilled;
      await expect(verify(HOUR)(await tokenWith(key, { iat: t, exp: t + HOUR + 1 }))).to.be.rejectedWith(AuthError, /lifetime/);
    });

    it('refuses 13 hours even when most of it has passed', async function () {
      const t = now();
      await expect(verify()(await tokenWith(key, { iat: t - 12 * HOUR, exp: t + HOUR }))).to.be.rejectedWith(AuthError, /lifetime of 46800 s .*43200/);
    });

    it('measures exp − now when iat is absent', async function () {
      const t = now();
      await expect(verify()(await tokenWith(key, { exp: t + 13 * HOUR }))).to.be.rejectedWith(AuthError, /lifetime/);
      await expect(verify()(await tokenWith(key, { exp: t + 11 * HOUR }))).to.be.fulfilled;
    });

    it('does not let an iat in the future hide a long remaining life', async function () {
      const t = now();
      await expect(verify()(await tokenWith(key, { iat: t + 365 * 24 * HOUR, exp: t + 365 * 24 * HOUR + HOUR }))).to.be.rejectedWith(AuthError, /lifetime/);
      // A few seconds of clock skew at the identity provider are tolerated.
      await expect(verify()(await tokenWith(key, { iat: t + 5, exp: t + 5 + 12 * HOUR }))).to.be.fulfilled;
    });

    it('answers a token without iat whose exp is 13 hours away with 401 over HTTP', async function () {
      const h = await startEmbedded();
      try {
        const gwKey = await loadDevKey(h.dataDir);
        const api = client(h.baseUrl);
        const long = await api('GET', '/api/v1/certificates?limit=1', { token: await tokenWith(gwKey, { exp: now() + 13 * HOUR }) });
        expect(long.status, long.text).to.equal(401);
        expect(long.body.code).to.equal('UNAUTHENTICATED');
        expect(long.body.detail).to.match(/lifetime/);
        const short = await api('GET', '/api/v1/certificates?limit=1', { token: await tokenWith(gwKey, { exp: now() + 11 * HOUR }) });
        expect(short.status, short.text).to.equal(200);
      } finally {
        await h.close();
      }
    });
  });

  describe('npm run token', function () {
    this.timeout(30_000);
    let dataDir: string;
    before(async () => (dataDir = await tempDir('civic-token-')));
    after(async () => fs.rm(dataDir, { recursive: true, force: true }));
    const who = ['--sub', 'clerk1', '--org', 'civil', '--roles', 'issuer'];

    it('refuses a --ttl above AUTH_MAX_TOKEN_TTL with one line and exit code 1', async function () {
      const r = await runTokenScript([...who, '--ttl', String(12 * HOUR + 1)], { CIVIC_DATA_DIR: dataDir });
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stdout).to.equal('');
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(/--ttl 43201 .*AUTH_MAX_TOKEN_TTL.*43200/);
      const lower = await runTokenScript([...who, '--ttl', '700'], { CIVIC_DATA_DIR: dataDir, AUTH_MAX_TOKEN_TTL: '600' });
      expect(lower.code, lower.stderr).to.equal(1);
    });

    it('signs a token up to the maximum; without --ttl, the default never exceeds it', async function () {
      const r = await runTokenScript([...who, '--ttl', String(12 * HOUR)], { CIVIC_DATA_DIR: dataDir });
      expect(r.code, r.stderr).to.equal(0);
      const claims = decodeJwt(r.stdout.trim());
      expect(claims.exp! - claims.iat!).to.equal(12 * HOUR);
      const d = await runTokenScript(who, { CIVIC_DATA_DIR: dataDir, AUTH_MAX_TOKEN_TTL: '600' });
      expect(d.code, d.stderr).to.equal(0);
      const dc = decodeJwt(d.stdout.trim());
      expect(dc.exp! - dc.iat!).to.equal(600);
    });

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
