/**
 * The harness itself, against a stand-in renderer (test/e2e/fixtures/probe-renderer), so
 * that what the UI tests rely on is checked on its own: the page gets exactly the preload's
 * surface under the app's security headers, calls reach the real core through the
 * contract's checks, events arrive, dialogs and the clipboard are the test's doubles, and
 * the page's watchdog catches CSP violations.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../shared/ipc';
import { SECURITY_HEADERS } from '../../electron/main/protocol';
import { REPO_ROOT } from './harness/build-scripts';
import { INVOKE_PATH } from './harness/paths';
import { startHarness, type Harness } from './harness/server';
import { launchBrowser, openApp, type AppPage } from './helpers/browser';

const PROBE = path.join(REPO_ROOT, 'test/e2e/fixtures/probe-renderer');
const PASSPHRASE = 'harness probe passphrase';

let browser: Browser;
let harness: Harness;
let app: AppPage;

beforeAll(async () => {
  [browser, harness] = await Promise.all([launchBrowser(), startHarness({ rendererDir: PROBE, autoLockMinuteMs: 400 })]);
  app = await openApp(browser, harness);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('the e2e harness', () => {
  it('gives the page exactly the preload surface: one function per channel, and onEvent', async () => {
    const surface = await app.page.evaluate(() => {
      const api = window.tearline as unknown as Record<string, unknown>;
      const descriptor = Object.getOwnPropertyDescriptor(window, 'tearline');
      return {
        keys: Object.keys(api).sort(),
        functions: Object.values(api).every((v) => typeof v === 'function'),
        frozen: Object.isFrozen(api),
        writable: descriptor?.writable,
        configurable: descriptor?.configurable,
      };
    });
    expect(surface.keys).toEqual([...CHANNEL_NAMES, 'onEvent'].sort());
    expect(surface).toMatchObject({ functions: true, frozen: true, writable: false, configurable: false });
    await app.page.locator('#state', { hasText: /^absent$/ }).waitFor();
    app.assertClean();
  });

  it("serves every response with the app protocol's security headers", async () => {
    for (const target of ['', 'index.html', 'assets/probe.js', '__harness/tearline-api.js', 'no-such-file.js']) {
      const response = await fetch(`${harness.url}${target}`);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name), `${name} on /${target}`).toBe(value);
    }
  });

  it('refuses calls that do not come from its own origin', async () => {
    const body = JSON.stringify({ channel: 'vaultStatus', payload: {} });
    const foreign = await fetch(`${harness.origin}${INVOKE_PATH}`, { method: 'POST', body, headers: { origin: 'http://127.0.0.1:1' } });
    const none = await fetch(`${harness.origin}${INVOKE_PATH}`, { method: 'POST', body });
    expect([foreign.status, none.status]).toEqual([403, 403]);
  });

  it("checks calls as the IPC dispatcher does: unknown channel, then the channel's request schema", async () => {
    const results = await app.page.evaluate(async (invokePath) => {
      const raw = await fetch(invokePath, { method: 'POST', body: JSON.stringify({ channel: 'readFile', payload: { path: '/etc/passwd' } }) });
      const tooShort = await window.tearline!.createVault({ name: 'x', passphrase: 'short' });
      const extra = await window.tearline!.vaultStatus({ sneaky: true } as never);
      return { unknown: await raw.json(), tooShort, extra };
    }, INVOKE_PATH);
    expect(results.unknown).toEqual({ ok: false, error: { code: 'E_USAGE', message: 'unknown channel' } });
    expect(results.tooShort).toMatchObject({ ok: false, error: { code: 'E_USAGE', at: 'passphrase' } });
    expect(results.extra).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
    expect(existsSync(harness.vaultPath)).toBe(false);
    app.assertClean();
  });

  it('serves the real core, and delivers progress and lock events to the page', async () => {
    const { page } = app;
    const created = await page.evaluate((passphrase) => window.tearline!.createVault({ name: 'Probe station', passphrase }), PASSPHRASE);
    expect(created).toMatchObject({ ok: true, value: { name: 'Probe station', entries: 1, kdf: { opslimit: 2 } } });
    expect(harness.isUnlocked).toBe(true);
    await page.evaluate(() => window.tearline!.lockVault());
    await page.locator('#events', { hasText: 'locked:user' }).waitFor();
    const wrong = await page.evaluate(() => window.tearline!.unlockVault({ passphrase: 'not the passphrase' }));
    expect(wrong).toMatchObject({ ok: false, error: { code: 'E_BAD_PASSPHRASE' } });
    const progress = await page.evaluate(async (passphrase) => {
      const seen: string[] = [];
      const off = window.tearline!.onEvent((event) => {
        if (event.type === 'progress') seen.push(`${event.operationId}/${event.channel}/${event.phase}`);
      });
      const result = await window.tearline!.unlockVault({ passphrase, operationId: 'unlock-1' });
      off();
      return { ok: result.ok, seen };
    }, PASSPHRASE);
    expect(progress.ok).toBe(true);
    expect(progress.seen).toContain('unlock-1/unlockVault/kdf');
    await page.locator('#events', { hasText: 'unlocked' }).waitFor();
    app.assertClean();
  });

  it('answers file dialogs with what the test chose, and records them', async () => {
    const target = path.join(harness.filesDir, 'backup.tearline');
    harness.dialogs.answer(target);
    harness.dialogs.cancelNext();
    const [saved, cancelled] = await app.page.evaluate(async () => [await window.tearline!.backupVault(), await window.tearline!.backupVault()]);
    expect(saved).toMatchObject({ ok: true, value: { path: target } });
    expect(statSync(target).size).toBeGreaterThan(0);
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'E_CANCELLED' } });
    expect(harness.dialogs.shown.map((d) => [d.spec.mode, d.chosen])).toEqual([
      ['save', target],
      ['save', undefined],
    ]);
    app.assertClean();
  });

  it('copies to an in-memory clipboard', async () => {
    const copied = await app.page.evaluate(() => window.tearline!.copyToClipboard({ text: 'age1example' }));
    expect(copied).toEqual({ ok: true, value: { clearsAfterSeconds: 30 } });
    expect(harness.clipboardText).toBe('age1example');
  });

  it('locks on idle after the delay set in settings, and the page hears why', async () => {
    expect(harness.isUnlocked).toBe(true);
    const updated = await app.page.evaluate(() => window.tearline!.updateSettings({ autoLockMinutes: 1 }));
    expect(updated).toMatchObject({ ok: true, value: { autoLockMinutes: 1 } });
    await app.page.locator('#events', { hasText: 'locked:idle' }).waitFor();
    expect(harness.isUnlocked).toBe(false);
    expect(harness.clipboardText).toBe('');
    app.assertClean();
  });

  it('catches a Content-Security-Policy violation in the page', async () => {
    await app.page.evaluate(() => {
      const img = document.createElement('img');
      img.alt = '';
      img.src = 'https://example.invalid/pixel.png';
      document.body.append(img);
    });
    await expect.poll(() => app.problems.join('\n')).toMatch(/CSP violation: img-src/);
    expect(() => app.assertClean()).toThrow(/CSP violation/);
  });
});
