import os from 'node:os';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { generateKeyPair, exportJWK } from 'jose';
import { loadConfig, type Config } from '../../gateway/src/config';
import { loadDevKey, signDevToken, type DevKey } from '../../gateway/src/auth/dev-key';
import { openService, type Service } from '../../gateway/src/service';
import type { Harness } from '../conformance/harness';
import { createLogger } from '../../gateway/src/observability/logger';

/** Where a test gateway logs; without it, nothing is logged, so the test report stays the report. */
export interface GatewayOptions {
  /** Receives the JSON log lines, at the configured LOG_LEVEL. */
  logStream?: { write(line: string): void };
}

/** A fresh temp data directory. */
export async function tempDir(prefix = 'civic-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * A gateway on a temp data dir, listening on port 0: on the embedded ledger,
 * or on whatever ledger `env` selects (CIVIC_LEDGER=fabric).
 */
export async function startGateway(
  env: Record<string, string> = {},
  options: GatewayOptions = {},
): Promise<Harness & { service: Service; config: Config; dataDir: string }> {
  const dataDir = await tempDir();
  const config = loadConfig({ CIVIC_DATA_DIR: dataDir, PORT: '0', BODY_LIMIT_BYTES: String(1024 * 1024), EMBEDDED_CHECK_DETERMINISM: process.env.EMBEDDED_CHECK_DETERMINISM ?? '1', ...env });
  const logger = options.logStream ? createLogger(config.logLevel, options.logStream) : createLogger('silent');
  const service = await openService(config, { logger });
  const server: Server = service.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  // The key the gateway trusts: in CIVIC_DATA_DIR when `env` names one, else in the temp dir.
  const devKey: DevKey = await loadDevKey(config.dataDir);
  const foreign = await generateKeyPair('ES256', { extractable: true });
  const foreignKey: DevKey = { kid: devKey.kid, privateKey: foreign.privateKey, publicJwk: await exportJWK(foreign.publicKey) };
  const opts = { issuer: config.auth.issuer, audience: config.auth.audience };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    backend: config.ledger,
    bodyLimitBytes: config.bodyLimitBytes,
    service,
    config,
    dataDir,
    token: (claims, o = {}) => signDevToken(devKey, claims, { ...opts, ttlSeconds: o.ttlSeconds ?? 3600 }),
    foreignToken: (claims) => signDevToken(foreignKey, claims, { ...opts, ttlSeconds: 3600 }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A gateway on the embedded ledger. */
export const startEmbedded = (env: Record<string, string> = {}, options: GatewayOptions = {}) =>
  startGateway({ ...env, CIVIC_LEDGER: 'embedded' }, options);
