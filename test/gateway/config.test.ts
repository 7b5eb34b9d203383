import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../gateway/src/config';
import { tempDir } from '../support/gateway-harness';

const MAIN = path.resolve(__dirname, '../../gateway/src/main.js');

/** Every variable loadConfig reads: removed from inherited environments so a developer's shell cannot change the outcome. */
const CONFIG_VARS = [
  'PORT', 'HOST', 'CIVIC_DATA_DIR', 'CIVIC_LEDGER', 'CIVIC_GATEWAY_ORG', 'CIVIC_PEPPER', 'PUBLIC_BASE_URL', 'BODY_LIMIT_BYTES',
  'AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_MAX_TOKEN_TTL', 'MVCC_RETRIES', 'BLOCK_MAX_TX', 'BLOCK_TIMEOUT_MS', 'FABRIC_NETWORK_FILE', 'LOG_LEVEL', 'METRICS_TOKEN', 'EMBEDDED_CHECK_DETERMINISM',
  'EVENTS_MAX_STREAMS_PER_USER', 'EVENTS_MAX_STREAMS', 'EVENTS_STALL_TIMEOUT_MS',
];

/** loadConfig only resolves the directory; nothing is created there. */
const BASE = { CIVIC_DATA_DIR: path.join(os.tmpdir(), 'civic-config-test'), PORT: '0' };
const IDP = { AUTH_JWKS_URL: 'https://idp.example/jwks.json', AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'civic-ledger' };

describe('configuration', function () {
  describe('loadConfig', function () {
    it('has working defaults', function () {
      const c = loadConfig(BASE);
      expect(c).to.include({ port: 0, host: '127.0.0.1', ledger: 'embedded', gatewayOrg: 'civil', bodyLimitBytes: 4 * 1024 * 1024, mvccRetries: 5 });
      expect(c.block).to.deep.equal({ maxTx: 500, timeoutMs: 10 });
      expect(c.auth).to.include({ issuer: 'civic-ledger-dev', audience: 'civic-ledger', maxTokenTtlSeconds: 43200 });
      expect(c.publicBaseUrl).to.equal('http://localhost:0');
      expect(c.events).to.deep.equal({ maxStreamsPerUser: 5, maxStreams: 200, stallTimeoutMs: 30_000 });
    });

    it('accepts plausible values', function () {
      for (const host of ['0.0.0.0', '::', '::1', 'localhost', 'gw-1.civic.example', '10.0.0.7', 'fe80::1']) {
        expect(loadConfig({ ...BASE, HOST: host }).host).to.equal(host);
      }
      expect(loadConfig({ ...BASE, PUBLIC_BASE_URL: 'https://ledger.civic.example/api-gw/' }).publicBaseUrl).to.equal('https://ledger.civic.example/api-gw');
      expect(loadConfig({ ...BASE, PUBLIC_BASE_URL: 'http://10.0.0.7:8080' }).publicBaseUrl).to.equal('http://10.0.0.7:8080');
      expect(loadConfig({ ...BASE, BLOCK_TIMEOUT_MS: '1' }).block.timeoutMs).to.equal(1);
      expect(loadConfig({ ...BASE, AUTH_MAX_TOKEN_TTL: '3600' }).auth.maxTokenTtlSeconds).to.equal(3600);
      expect(loadConfig({ ...BASE, EVENTS_MAX_STREAMS_PER_USER: '1', EVENTS_MAX_STREAMS: '10000', EVENTS_STALL_TIMEOUT_MS: '100' }).events).to.deep.equal({
        maxStreamsPerUser: 1,
        maxStreams: 10000,
        stallTimeoutMs: 100,
      });
      expect(loadConfig({ ...BASE, ...IDP }).auth).to.include({ jwksUrl: IDP.AUTH_JWKS_URL, issuer: IDP.AUTH_ISSUER, audience: IDP.AUTH_AUDIENCE });
      expect(loadConfig({ ...BASE, CIVIC_PEPPER: 'p'.repeat(32) }).pepper).to.equal('p'.repeat(32));
      expect(loadConfig({ ...BASE, CIVIC_LEDGER: 'fabric', FABRIC_NETWORK_FILE: __filename }).fabricNetworkFile).to.equal(__filename);
    });

    const bad: Array<[name: string, env: Record<string, string>]> = [
      ['PORT', { PORT: '65536' }],
      ['PORT', { PORT: '-1' }],
      ['PORT', { PORT: 'http' }],
      ['PORT', { PORT: '0x50' }],
      ['PORT', { PORT: '80.5' }],
      ['PORT', { PORT: '' }],
      ['HOST', { HOST: '' }],
      ['HOST', { HOST: 'not a host' }],
      ['HOST', { HOST: 'http://localhost' }],
      ['HOST', { HOST: 'gw..example' }],
      ['HOST', { HOST: '-gw.example' }],
      ['HOST', { HOST: '[::1]' }],
      ['HOST', { HOST: `${'a'.repeat(64)}.example` }],
      ['CIVIC_DATA_DIR', { CIVIC_DATA_DIR: '' }],
      ['CIVIC_DATA_DIR', { CIVIC_DATA_DIR: '   ' }],
      ['CIVIC_LEDGER', { CIVIC_LEDGER: 'postgres' }],
      ['CIVIC_LEDGER', { CIVIC_LEDGER: '' }],
      ['CIVIC_GATEWAY_ORG', { CIVIC_GATEWAY_ORG: 'police' }],
      ['CIVIC_GATEWAY_ORG', { CIVIC_GATEWAY_ORG: 'toString' }],
      ['CIVIC_PEPPER', { CIVIC_PEPPER: 'too-short' }],
      ['CIVIC_PEPPER', { CIVIC_PEPPER: '' }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: '' }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'ledger.civic.example' }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'ftp://ledger.civic.example' }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'https://ledger.civic.example/?v=1' }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'https://ledger.civic.example/#top' }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'https://ledger.civic.example?' }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'https://' }],
      ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'https://user:secret@ledger.civic.example/?q' }],
      ['BODY_LIMIT_BYTES', { BODY_LIMIT_BYTES: '10' }],
      ['BODY_LIMIT_BYTES', { BODY_LIMIT_BYTES: '4mb' }],
      ['AUTH_JWKS_URL', { ...IDP, AUTH_JWKS_URL: '' }],
      ['AUTH_JWKS_URL', { ...IDP, AUTH_JWKS_URL: 'file:///etc/jwks.json' }],
      ['AUTH_JWKS_URL', { ...IDP, AUTH_JWKS_URL: 'https://' }],
      ['AUTH_JWKS_URL', { AUTH_JWKS_URL: IDP.AUTH_JWKS_URL }],
      ['AUTH_ISSUER', { ...IDP, AUTH_ISSUER: '' }],
      ['AUTH_ISSUER', { AUTH_ISSUER: '' }],
      ['AUTH_AUDIENCE', { ...IDP, AUTH_AUDIENCE: '' }],
      ['AUTH_AUDIENCE', { AUTH_AUDIENCE: '' }],
      ['AUTH_MAX_TOKEN_TTL', { AUTH_MAX_TOKEN_TTL: '0' }],
      ['AUTH_MAX_TOKEN_TTL', { AUTH_MAX_TOKEN_TTL: '12h' }],
      ['AUTH_MAX_TOKEN_TTL', { AUTH_MAX_TOKEN_TTL: '99999999' }],
      ['MVCC_RETRIES', { MVCC_RETRIES: '-1' }],
      ['MVCC_RETRIES', { MVCC_RETRIES: '51' }],
      ['BLOCK_MAX_TX', { BLOCK_MAX_TX: '0' }],
      ['BLOCK_TIMEOUT_MS', { BLOCK_TIMEOUT_MS: '0' }],
      ['BLOCK_TIMEOUT_MS', { BLOCK_TIMEOUT_MS: '10001' }],
      ['EVENTS_MAX_STREAMS_PER_USER', { EVENTS_MAX_STREAMS_PER_USER: '0' }],
      ['EVENTS_MAX_STREAMS', { EVENTS_MAX_STREAMS: '1e3' }],
      ['EVENTS_MAX_STREAMS', { EVENTS_MAX_STREAMS: '' }],
      ['EVENTS_STALL_TIMEOUT_MS', { EVENTS_STALL_TIMEOUT_MS: '30s' }],
      ['EVENTS_STALL_TIMEOUT_MS', { EVENTS_STALL_TIMEOUT_MS: '99' }],
      ['FABRIC_NETWORK_FILE', { FABRIC_NETWORK_FILE: '' }],
      ['FABRIC_NETWORK_FILE', { CIVIC_LEDGER: 'fabric', FABRIC_NETWORK_FILE: '/nonexistent/civic/network.json' }],
    ];
    for (const [name, env] of bad) {
      it(`refuses ${name}=${JSON.stringify(env[name] ?? '(unset)')} with one line that names it`, function () {
        let err: unknown;
        try {
          loadConfig({ ...BASE, ...env });
        } catch (e) {
          err = e;
        }
        expect(err, `${JSON.stringify(env)} was accepted`).to.be.instanceOf(ConfigError);
        const message = (err as ConfigError).message;
        expect(message).to.match(new RegExp(`^${name}\\b`));
        expect(message).to.not.include('\n');
        expect(message).to.not.include('secret');
      });
    }
  });

  describe('start-up', function () {
    this.timeout(30_000);

    /** Runs the built entry point with a clean configuration environment plus `env`; resolves when it exits. */
    async function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
      const inherited: NodeJS.ProcessEnv = { ...process.env };
      for (const name of CONFIG_VARS) delete inherited[name];
      const child = spawn(process.execPath, [MAIN], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.resume();
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      return { code, stderr };
    }

    it('exits 1 with one line on stderr, naming the variable, and no stack trace, for BLOCK_TIMEOUT_MS=0', async function () {
      const dataDir = await tempDir('civic-config-');
      try {
        const { code, stderr } = await start({ CIVIC_DATA_DIR: dataDir, PORT: '0', BLOCK_TIMEOUT_MS: '0' });
        expect(code, stderr).to.equal(1);
        const lines = stderr.split('\n').filter((l) => l !== '');
        expect(lines, stderr).to.have.length(1);
        expect(lines[0]).to.match(/^civic-ledger: configuration error: BLOCK_TIMEOUT_MS\b/);
        expect(stderr).to.not.match(/^\s*at /m);
      } finally {
        await fs.rm(dataDir, { recursive: true, force: true });
      }
    });

    it('reports an address it cannot listen on in one line, without a stack trace', async function () {
      const dataDir = await tempDir('civic-config-');
      try {
        // 192.0.2.1 is TEST-NET-1: a plausible HOST that no machine has.
        const { code, stderr } = await start({ CIVIC_DATA_DIR: dataDir, PORT: '0', HOST: '192.0.2.1' });
        expect(code, stderr).to.equal(1);
        const lines = stderr.split('\n').filter((l) => l !== '');
        expect(lines, stderr).to.have.length(1);
        expect(lines[0]).to.match(/^civic-ledger: failed to start: listen EADDRNOTAVAIL.*192\.0\.2\.1/);
      } finally {
        await fs.rm(dataDir, { recursive: true, force: true });
      }
    });
  });
});
