import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { MSP } from '../../chaincode/src/models';
import type { SigningIdentity } from '../../network/pki/types';
import type { Config } from './config';
import { createAuthenticator } from './auth/authenticator';
import { loadDevKey } from './auth/dev-key';
import { IssuerKeyStore } from './credentials/issuer-keys';
import { Pseudonyms } from './credentials/holder-ref';
import { eventBufferedBytes, newServiceState, type DomainContext } from './domain/context';
import { bootstrapLedger } from './domain/bootstrap';
import { IdempotencyStore } from './api/idempotency';
import { makePrivateDir, readOrCreateJson } from './fs-store';
import { ledgers, type Ledger } from './ledger';
import { fabricOptionsFromFile } from './ledger/fabric/network-file';
import { Wallet } from './wallet/wallet';
import { createServer } from './server';
import { createLogger, type Logger } from './observability/logger';
import { ServiceMetrics } from './observability/metrics';

/** A composed service: the app plus what must be closed. */
export interface Service {
  app: Express;
  ctx: DomainContext;
  /** The service's logger: request lines, errors, start-up and shutdown. */
  logger: Logger;
  close(): Promise<void>;
}

/** What {@link openService} may be given beyond its configuration. */
export interface ServiceOptions {
  /** The service's logger; by default JSON lines on stdout at `config.logLevel`. */
  logger?: Logger;
  /** Hears bootstrap progress (types registered, keys made); by default the logger at info. */
  progress?: (msg: string) => void;
}

/** Identities the gateway itself uses. */
export const SERVICE_USERS = {
  reader: 'gateway-service',
  admin: 'bootstrap-admin',
} as const;

async function loadPepper(config: Config): Promise<string> {
  if (config.pepper) return config.pepper;
  const stored = await readOrCreateJson<{ pepper: string }>(path.join(config.dataDir, 'secrets', 'pepper.json'), () => ({
    pepper: randomBytes(32).toString('base64url'),
  }));
  return stored.pepper;
}

async function openLedger(config: Config): Promise<Ledger> {
  if (config.ledger === 'embedded') {
    return ledgers.embedded({ dataDir: config.dataDir, block: config.block, checkDeterminism: config.checkDeterminism });
  }
  return ledgers.fabric(await fabricOptionsFromFile(config.fabricNetworkFile, config.gatewayOrg));
}

/**
 * Opens everything the gateway needs on `config.dataDir`, bootstrapping a
 * fresh directory, and returns the (not yet listening) app.
 */
export async function openService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const log = options.progress ?? ((msg: string) => logger.info(msg));
  // Keys, identities and stored answers live here: only the service's own user may read it.
  await makePrivateDir(config.dataDir);
  const ledger = await openLedger(config);
  const closers: Array<() => Promise<void>> = [() => ledger.close()];
  try {
    const gatewayMsp = MSP[config.gatewayOrg];
    const wallet = new Wallet(path.join(config.dataDir, 'wallet'), ledger.certificateAuthorities);
    const keyStores = new Map<string, IssuerKeyStore>();
    for (const msp of ledger.certificateAuthorities.keys()) keyStores.set(msp, await IssuerKeyStore.open(config.dataDir, msp));
    const state = newServiceState();
    const ctx: DomainContext = {
      config,
      ledger,
      wallet,
      keyStores,
      pseudonyms: new Pseudonyms(await loadPepper(config)),
      serviceIdentity: await wallet.identity(gatewayMsp, SERVICE_USERS.reader, { role: '' }),
      state,
      metrics: new ServiceMetrics(() => ledger.height(), () => eventBufferedBytes(state)),
    };
    const admin = await wallet.identity(gatewayMsp, SERVICE_USERS.admin, { role: 'admin,issuer,registrar' });
    // Every org this gateway signs for gets an active key, so any org a type authorises can issue it.
    const otherAdmins: SigningIdentity[] = [];
    for (const msp of keyStores.keys()) {
      if (msp !== gatewayMsp) otherAdmins.push(await wallet.identity(msp, SERVICE_USERS.admin, { role: 'admin' }));
    }
    await bootstrapLedger(ctx, admin, otherAdmins, log);

    const devKey = config.auth.jwksUrl ? undefined : await loadDevKey(config.dataDir);
    const idempotency = await IdempotencyStore.open(config.dataDir);
    closers.unshift(() => idempotency.close());
    const app = createServer({ ctx, authenticate: createAuthenticator(config.auth, devKey), idempotency, logger, devKey });
    return {
      app,
      ctx,
      logger,
      close: async () => {
        for (const c of closers) await c();
      },
    };
  } catch (err) {
    for (const c of closers) await c().catch(() => {});
    throw err;
  }
}
