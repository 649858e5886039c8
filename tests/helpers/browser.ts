// Browser tests: the Debian Chromium (never a downloaded browser) driven by playwright-core, an axe
// accessibility check that fails on any violation, a record of every console error and page error (a test
// calls checkPage(), which fails on either), and the phone width the service must work at (390 px).
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far, in every page of the context. */
  errors: string[];
  /** A new page of the same browser with its own cookies (another person), watched like the first. */
  newPerson(): Promise<Page>;
  close(): Promise<void>;
}

/** A phone's viewport: the header's links move into the "Menu" modal below 992 px. */
export const PHONE = { width: 390, height: 844 } as const;

export async function atPhoneWidth(page: Page): Promise<void> {
  await page.setViewportSize(PHONE);
}

export async function atDesktopWidth(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** Records console errors and page errors. The HTTP status of the document itself (a 400 form, a 404
 * page tested on purpose) is not an error of the page; a failed script, style or font is. */
function watch(page: Page, errors: string[]): void {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const own = m.text().startsWith('Failed to load resource') && m.location().url.split('#')[0] === page.url().split('#')[0];
    if (!own) errors.push(`${page.url()} console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`${page.url()} page error: ${e.message}`));
}

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install the Debian package « chromium » (bash .ci/run does it)`);
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'ac-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'fr-FR',
    args: ARGS,
  });
  const errors: string[] = [];
  context.on('page', (p) => watch(p, errors));
  const page = context.pages()[0] ?? (await context.newPage());
  if (context.pages()[0] === page) watch(page, errors);
  const others: { context: BrowserContext; dir: string }[] = [];
  return {
    context,
    page,
    errors,
    async newPerson() {
      // A persistent context has no browser() to open another context from: a second persistent one does.
      const dir = await mkdtemp(join(tmpdir(), 'ac-chromium-'));
      const other = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, locale: 'fr-FR', args: ARGS });
      others.push({ context: other, dir });
      const p = other.pages()[0] ?? (await other.newPage());
      watch(p, errors);
      return p;
    },
    async close() {
      for (const o of others) await o.context.close();
      await context.close();
      // Chromium may still be flushing its profile for a moment after closing: retry the removal.
      for (const dir of [...others.map((o) => o.dir), userDataDir]) await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe on the current page; returns the violations (tests expect an empty list). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return result;
}

/** What every browser test asserts on each page it reaches: no axe violation, and no console error or page
 * error since the last check (in any page of this browser). The DSFR scripts run after load: wait for them. */
export async function checkPage(browser: TestBrowser, page: Page = browser.page): Promise<void> {
  await page.waitForLoadState('load');
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-fr-js'), undefined, { timeout: 5_000 }).catch(() => undefined);
  const violations = await axeViolations(page);
  const errors = browser.errors.splice(0);
  expect({ url: page.url(), violations, errors }).toEqual({ url: page.url(), violations: [], errors: [] });
}

/** On a phone: opens the header's "Menu" modal (navigation and account links). */
export async function openPhoneMenu(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Menu', exact: true }).click();
  await page.locator('#menu-principal.fr-modal--opened').waitFor();
}
