import { promises as fs } from 'node:fs';
import { expect } from 'chai';
import { sampleCreditCode } from '../../scripts/sample-ids';
import { startEmbedded, tempDir } from '../support/gateway-harness';
import { tamperBlock, widenFirstTransaction } from '../support/tamper';
import { expectClean, openTab } from './support/browser';
import { startPortal } from './support/portal';

describe('audit ledger check on a tampered ledger (Chromium)', function () {
  it('shows the first bad block and why the chain check failed', async function () {
    const dataDir = await tempDir('civic-tamper-e2e-');
    try {
      const env = { CIVIC_DATA_DIR: dataDir, CIVIC_LEDGER: 'embedded' };
      const gw = await startEmbedded(env);
      const registrar = await gw.token({ sub: 'reg1', org: 'civil', roles: ['registrar'] });
      const r = await fetch(`${gw.baseUrl}/api/v1/charities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${registrar}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'tamper-e2e', name: '春苗慈善基金会', creditCode: sampleCreditCode(), publicFundraising: true }),
      });
      expect(r.status).to.equal(201);
      const { blockNumber } = (await r.json()) as { blockNumber: number };
      await gw.close();
      await tamperBlock(dataDir, blockNumber, widenFirstTransaction);

      const portal = await startPortal({ env });
      try {
        const tab = await openTab(portal.browser, portal.baseUrl, { token: await portal.token({ sub: 'aud1', org: 'audit', roles: ['auditor'] }) });
        await tab.page.goto('/audit/ledger');
        await tab.page.getByTestId('ledger-verify').click();
        await tab.page.locator('[data-testid="ledger-result"][data-ok="false"]').waitFor();
        expect(await tab.page.getByTestId('ledger-result').innerText()).to.include(String(blockNumber));
        expect(await tab.page.getByTestId('ledger-reason').innerText()).to.match(new RegExp(`^block ${blockNumber} .*dataHash`));
        expectClean(tab);
        await tab.close();
      } finally {
        await portal.close();
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
