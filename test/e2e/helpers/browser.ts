/**
 * Debian's Chromium, driven by playwright-core, against a harness. Every page is watched:
 * a console error, an uncaught exception, a Content-Security-Policy violation or a request
 * to anywhere but the harness's own origin (the app makes no network connection, ever) is
 * recorded, and `assertClean` fails the test on any of them.
 */
import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Harness } from '../harness/server';

export const CHROMIUM_PATH = process.env.TEARLINE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium, or set TEARLINE_CHROMIUM to a Chromium or Chrome binary`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface AppPage {
  page: Page;
  context: BrowserContext;
  harness: Harness;
  /** Everything that went wrong in the page so far. */
  readonly problems: string[];
  /** Throws if the page logged an error, threw, broke the CSP or reached outside its origin (since the last call). */
  assertClean(): void;
  close(): Promise<void>;
}

export interface OpenOptions {
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** Wait for the first screen to show something (default true). */
  waitForApp?: boolean;
}

export async function openApp(browser: Browser, harness: Harness, options: OpenOptions = {}): Promise<AppPage> {
  const context = await browser.newContext({
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1280, height: 860 },
    reducedMotion: 'reduce',
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const problems: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (new URL(url).origin === harness.origin) return route.continue();
    problems.push(`a request outside the app: ${url}`);
    return route.abort('blockedbyclient');
  });
  // Chromium logs CSP violations as console errors too; the event also names the directive.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('crash', () => problems.push('the page crashed'));
  await page.goto(harness.url);
  if (options.waitForApp !== false) await page.locator('#root > *').first().waitFor();
  return {
    page,
    context,
    harness,
    problems,
    assertClean() {
      // Reported once: the next test starts clean.
      const found = problems.splice(0);
      if (found.length > 0) throw new Error(`the page was not clean:\n  ${found.join('\n  ')}`);
    },
    close: () => context.close(),
  };
}

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** The serious and critical axe-core findings on the page as it is now (WCAG 2.x A and AA, and best practice). */
export async function seriousA11yViolations(page: Page): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    // One axe.run in the page itself. The default mode runs each frame apart and opens a
    // second page to combine them, which triples the time; the app has no frames.
    .setLegacyMode(true)
    .options({ resultTypes: ['violations'] })
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/**
 * Runs axe-core on the screen as it is now. Serious and critical findings are recorded as
 * problems of the page, so that the test fails at its end (assertClean) with every finding
 * of every screen it visited, while the flow it drives goes on to check the rest.
 */
export async function expectAccessible(app: AppPage, screen: string): Promise<void> {
  const findings = await seriousA11yViolations(app.page);
  for (const f of findings) {
    app.problems.push(`accessibility (${screen}): ${f.impact} ${f.id}: ${f.help}\n      at ${f.targets.join('\n      at ')}`);
  }
}
