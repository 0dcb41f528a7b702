/**
 * axe-core on every screen of the application (helpers/screens.ts), in the light and the
 * dark theme: no serious or critical finding anywhere. Also checks the page stays clean
 * throughout: no console error, no CSP violation, no request outside the app.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness/server';
import { launchBrowser, openApp, seriousA11yViolations, type AppPage } from './helpers/browser';
import { tourScreens } from './helpers/screens';

let browser: Browser;
let main: Harness;
let other: Harness;
let app: AppPage;

beforeAll(async () => {
  [browser, main, other] = await Promise.all([launchBrowser(), startHarness(), startHarness()]);
  app = await openApp(browser, main);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([main?.close(), other?.close()]);
});

describe('every screen', () => {
  it('has no serious or critical accessibility violation, in light and dark', async () => {
    const { page } = app;
    const visited: string[] = [];
    const findings: string[] = [];
    await tourScreens(app, main, other, async (stop) => {
      visited.push(stop.name);
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        for (const f of await seriousA11yViolations(page)) {
          findings.push(`${stop.name} (${colorScheme}): ${f.impact} ${f.id}: ${f.help}\n      at ${f.targets.join('\n      at ')}`);
        }
      }
      await page.emulateMedia({ colorScheme: 'light' });
    });
    expect(visited.length).toBeGreaterThanOrEqual(18);
    expect(findings, `accessibility findings:\n  ${findings.join('\n  ')}`).toEqual([]);
    app.assertClean();
  }, 240_000);
});
