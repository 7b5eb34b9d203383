import './chaincode-log-level';
import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config';
import { openService } from './service';
import { createLogger } from './observability/logger';
import { DataInUseError } from '../../network/devnet/open-level';

async function main(): Promise<void> {
  // Everything the service writes (ledger, keys, wallet, stored answers) is for its own user only.
  process.umask(0o077);
  const config = loadConfig();
  const started = Date.now();
  const logger = createLogger(config.logLevel);
  logger.info({ ledger: config.ledger, dataDir: config.dataDir, port: config.port }, 'civic-ledger: starting');
  const service = await openService(config, { logger });
  const server: Server = service.app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  // Tests and scripts wait for 'listening on http://host:port' in this line's msg.
  logger.info({ host: config.host, port }, `civic-ledger: listening on http://${config.host}:${port} (ready in ${Date.now() - started} ms)`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `civic-ledger: ${signal}, closing`);
    server.close();
    server.closeIdleConnections();
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'civic-ledger: error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** An error from the operating system (listen, open, mkdir): its message already says what and where. */
function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException;
  return err instanceof Error && typeof e.code === 'string' && typeof e.syscall === 'string';
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`civic-ledger: configuration error: ${err.message}`);
  } else if (isSystemError(err) || err instanceof DataInUseError) {
    // A busy port or an unusable data directory is the operator's to fix; a stack trace would only hide the line that matters.
    console.error(`civic-ledger: failed to start: ${err.message}`);
  } else {
    console.error('civic-ledger: failed to start:', err);
  }
  process.exit(1);
});
