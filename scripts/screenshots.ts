/**
 * `npm run screenshots`: a PNG of every screen of the application, in the light and the
 * dark theme, written to docs/screenshots/ with an index (docs/screenshots/README.md).
 *
 * It drives the built renderer (dist/renderer; `node scripts/build.mjs` first) in Debian's
 * Chromium through the end-to-end test harness: two temporary workstations with real
 * vaults, real records and a real bundle between them, taken through the same tour of
 * the screens that the accessibility sweep checks (test/e2e/helpers/screens.ts).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../test/e2e/harness/build-scripts';
import { startHarness } from '../test/e2e/harness/server';
import { launchBrowser, openApp } from '../test/e2e/helpers/browser';
import { tourScreens, type Stop } from '../test/e2e/helpers/screens';

const OUT = path.join(REPO_ROOT, 'docs', 'screenshots');
const SCHEMES = ['light', 'dark'] as const;

async function main(): Promise<number> {
  mkdirSync(OUT, { recursive: true });
  for (const name of readdirSync(OUT)) if (name.endsWith('.png')) rmSync(path.join(OUT, name));

  const [browser, station, other] = await Promise.all([launchBrowser(), startHarness(), startHarness()]);
  const taken: Stop[] = [];
  try {
    const app = await openApp(browser, station, { viewport: { width: 1280, height: 860 } });
    const { page } = app;
    await tourScreens(app, station, other, async (stop) => {
      for (const colorScheme of SCHEMES) {
        await page.emulateMedia({ colorScheme });
        // The focus ring of the screen's heading is right for keyboard users, not for a picture.
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        const file = path.join(OUT, `${stop.name}-${colorScheme}.png`);
        await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
      }
      await page.emulateMedia({ colorScheme: 'light' });
      taken.push(stop);
      console.log(`${stop.name}: ${stop.title}`);
    });
    writeFileSync(path.join(OUT, 'README.md'), index(taken));
    if (app.problems.length > 0) {
      console.error(`The page was not clean while the screenshots were taken:\n  ${app.problems.join('\n  ')}`);
      return 1;
    }
    console.log(`${taken.length * SCHEMES.length} screenshots in ${path.relative(REPO_ROOT, OUT)}/`);
    return 0;
  } finally {
    await browser.close();
    await Promise.all([station.close(), other.close()]);
  }
}

function index(stops: Stop[]): string {
  const rows = stops.map((s) => `| ${s.title} | [light](${s.name}-light.png) | [dark](${s.name}-dark.png) |`);
  return [
    '# Screenshots',
    '',
    'Every screen of Tearline in the light and the dark theme, made by `npm run screenshots`',
    '(scripts/screenshots.ts) from the built renderer, with fictitious records. Do not edit by hand.',
    '',
    '| Screen | Light | Dark |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
