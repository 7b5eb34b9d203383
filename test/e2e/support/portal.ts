import type { Browser } from 'playwright-core';
import { startGateway } from '../../support/gateway-harness';
import { client } from '../../support/http';
import { launchBrowser } from './browser';

/** A gateway on the embedded ledger (temp data dir, port 0) serving the built portal, and a browser. */
export interface Portal {
  baseUrl: string;
  browser: Browser;
  /** Mints a token, as `npm run token` does. */
  token(claims: { sub: string; org: 'civil' | 'charity' | 'audit'; roles: string[]; charity?: string }): Promise<string>;
  /** A JSON client on the API, for setting up data. */
  call: ReturnType<typeof client>;
  gateway: Awaited<ReturnType<typeof startGateway>>;
  close(): Promise<void>;
}

/** Starts a gateway and a browser; `close` stops both and removes the data directory. */
export async function startPortal(options: { browserArgs?: string[]; env?: Record<string, string> } = {}): Promise<Portal> {
  const gateway = await startGateway(options.env ?? {});
  let browser: Browser;
  try {
    browser = await launchBrowser(options.browserArgs);
  } catch (err) {
    await gateway.close();
    throw err;
  }
  return {
    baseUrl: gateway.baseUrl,
    browser,
    token: (claims) => gateway.token(claims),
    call: client(gateway.baseUrl),
    gateway,
    close: async () => {
      await browser.close();
      await gateway.close();
    },
  };
}
