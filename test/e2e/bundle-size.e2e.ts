import zlib from 'node:zlib';
import { expect } from 'chai';
import type { Response } from 'playwright-core';
import { expectClean, openTab } from './support/browser';
import { startPortal, type Portal } from './support/portal';

/** The README's promise for the public verify page: at most this much gzipped JavaScript before its QR decoder. */
const BUDGET = 35 * 1024;

/** The QR decoder (zxing-wasm's glue and its WebAssembly), which the page loads only when it reads a code. */
const QR_DECODER = /zxing|\.wasm(\?|$)/;

interface Script {
  url: string;
  raw: number;
  gzipped: number;
}

describe('public verify page size (Chromium)', function () {
  let portal: Portal;
  before(async function () {
    portal = await startPortal();
  });
  after(async function () {
    await portal?.close();
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`loads at most 35 KB of gzipped JavaScript before its QR decoder (${lang})`, async function () {
      const tab = await openTab(portal.browser, portal.baseUrl, { lang });
      const responses: Response[] = [];
      tab.page.on('response', (res) => {
        if (res.request().resourceType() === 'script' || /\.m?js(\?|$)/.test(new URL(res.url()).pathname)) responses.push(res);
      });
      await tab.page.goto('/verify');
      await tab.page.getByRole('heading', { level: 1 }).waitFor();
      await tab.page.waitForLoadState('networkidle');
      expect(await tab.page.getAttribute('html', 'lang')).to.equal(lang);

      const scripts: Script[] = [];
      for (const res of responses) {
        if (QR_DECODER.test(res.url())) continue;
        const body = await res.body();
        // Gzip as a server would send it (level 9, as Vite reports sizes); the gateway itself serves uncompressed.
        scripts.push({ url: new URL(res.url()).pathname, raw: body.length, gzipped: zlib.gzipSync(body, { level: 9 }).length });
      }
      const total = scripts.reduce((sum, s) => sum + s.gzipped, 0);
      console.log(
        `      /verify (${lang}): ${scripts.length} scripts, ${(total / 1024).toFixed(1)} KB gzipped` +
          ` (${(scripts.reduce((sum, s) => sum + s.raw, 0) / 1024).toFixed(1)} KB raw); budget ${BUDGET / 1024} KB`,
      );
      for (const s of scripts.sort((a, b) => b.gzipped - a.gzipped)) console.log(`        ${(s.gzipped / 1024).toFixed(1).padStart(6)} KB  ${s.url}`);
      expect(scripts.length, 'scripts loaded').to.be.greaterThan(0);
      expect(total, 'gzipped JavaScript bytes').to.be.at.most(BUDGET);
      expectClean(tab);
      await tab.close();
    });
  }
});
