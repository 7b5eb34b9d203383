import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * Debian's Chromium binary. Not /usr/bin/chromium: that is a shell wrapper that
 * injects flags and does not exec, so Playwright would lose the process.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

/** Flags for a closed network: no background calls to Google's services, which this machine refuses. */
const QUIET_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-gpu',
  '--disable-dev-shm-usage',
];

/** Launches headless Chromium; `args` adds flags such as a fake camera. */
export async function launchBrowser(args: string[] = []): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; install Debian's chromium package (apt-get install chromium fonts-noto-cjk) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...QUIET_FLAGS, ...args] });
}

/** A phone's screen (CSS pixels), for the phone-width checks. */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/** A browser tab on the portal that records what must never happen: console errors and requests to another origin. */
export interface PortalTab {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions, in order. */
  consoleErrors: string[];
  /** Every request that left the portal's origin. */
  foreignRequests: string[];
  close(): Promise<void>;
}

export interface TabOptions {
  viewport?: { width: number; height: number };
  /** Logged in with this bearer token (put in sessionStorage before any page script runs). */
  token?: string;
  /** Language stored before load ('zh-CN' by default, as for a first visit). */
  lang?: 'zh-CN' | 'en';
  permissions?: string[];
  /** Lets a test inject scripts (axe) into pages despite the portal's CSP. Off by default, so CSP violations show. */
  bypassCSP?: boolean;
}

/** Opens a fresh context (its own storage) and tab on the portal at `baseUrl`. */
export async function openTab(browser: Browser, baseUrl: string, options: TabOptions = {}): Promise<PortalTab> {
  const origin = new URL(baseUrl).origin;
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    locale: 'zh-CN',
    baseURL: baseUrl,
    permissions: options.permissions,
    bypassCSP: options.bypassCSP ?? false,
    acceptDownloads: true,
  });
  if (options.token !== undefined) {
    await context.addInitScript({ content: `sessionStorage.setItem('civic.token', ${JSON.stringify(options.token)});` });
  }
  if (options.lang !== undefined) {
    await context.addInitScript({ content: `localStorage.setItem('civic.lang', ${JSON.stringify(options.lang)});` });
  }
  const consoleErrors: string[] = [];
  const foreignRequests: string[] = [];
  context.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    if (new URL(url).origin !== origin) foreignRequests.push(url);
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
  return { context, page, consoleErrors, foreignRequests, close: () => context.close() };
}

/**
 * Console errors the portal causes on purpose and a test expects: the browser
 * logs every 4xx/5xx answer to fetch as "Failed to load resource".
 */
export function expectClean(tab: PortalTab, allow: RegExp[] = []): void {
  const errors = tab.consoleErrors.filter((e) => !allow.some((a) => a.test(e)));
  expect(errors, 'console errors').to.deep.equal([]);
  expect(tab.foreignRequests, 'requests to another origin').to.deep.equal([]);
}

/** An HTTP error answer logged by the browser for a fetch the page made on purpose (e.g. a 404 it shows as "not found"). */
export const HTTP_ERROR_LOG = /Failed to load resource: the server responded with a status of (4\d\d|503)/;

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Accessibility violations of impact serious or critical on the current page (axe-core, WCAG 2 A/AA rules). */
export async function seriousA11yViolations(page: Page): Promise<A11yViolation[]> {
  // evaluate() runs over the DevTools protocol, so the page's CSP does not block the injected source.
  await page.evaluate(AXE_SOURCE);
  // Browser-side code is a string: the test build has no DOM types (the server code must not see them).
  return page.evaluate<A11yViolation[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((result) => result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) })))`);
}

/** True when the page is no wider than the viewport (nothing forces sideways scrolling on a phone). */
export async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1');
}

/**
 * Saves a screenshot for the README (docs/screenshots/<name>.png) when
 * CIVIC_SCREENSHOTS=1, so ordinary runs leave the committed images alone.
 * A locator is shot alone; a page as far as the viewport shows it, which keeps
 * the images small.
 */
export async function readmeScreenshot(target: Page | Locator, name: string): Promise<void> {
  if (process.env.CIVIC_SCREENSHOTS !== '1') return;
  const dir = path.resolve(__dirname, '../../../../docs/screenshots');
  fs.mkdirSync(dir, { recursive: true });
  // A page is shot from its top, whatever the test scrolled to.
  if ('goto' in target) await target.evaluate('window.scrollTo(0, 0)');
  await target.screenshot({ path: path.join(dir, `${name}.png`) });
}
