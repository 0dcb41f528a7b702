/**
 * The gate of the application in a real browser against a real vault: creating a vault,
 * locking and unlocking it, a wrong passphrase, and auto-lock after the idle delay set in
 * Settings. Every screen passes axe-core with no serious or critical finding.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness/server';
import { expectAccessible, launchBrowser, openApp, type AppPage } from './helpers/browser';
import { TEST_PASSPHRASE } from './helpers/seed';
import { alertText, createVaultViaUi, field, form, goTo, heading, lockViaUi, mainNavigation, unlockViaUi } from './helpers/ui';

// An auto-lock "minute" of the harness lasts this long: the setting's minimum is one minute.
const MINUTE_MS = 1500;

let browser: Browser;
let harness: Harness;
let app: AppPage;

beforeAll(async () => {
  [browser, harness] = await Promise.all([launchBrowser(), startHarness({ autoLockMinuteMs: MINUTE_MS })]);
  app = await openApp(browser, harness);
});

afterEach(() => app.assertClean());

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('the vault in the browser', () => {
  it('refuses an incomplete new vault, naming each field at fault', async () => {
    const { page } = app;
    await heading(page, 'Create this workstation’s vault').waitFor();
    await expectAccessible(app, 'create a vault');
    const create = page.getByRole('main');
    await create.getByLabel('Passphrase', { exact: true }).fill('short');
    await create.getByRole('button', { name: 'Create the vault' }).click();
    await create.getByText('Give the vault a name.').waitFor();
    await create.getByText('Use at least 8 characters.').first().waitFor();
    expect(await create.getByLabel('Workstation name').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(app, 'create a vault, with errors');
    expect(existsSync(harness.vaultPath)).toBe(false);
  });

  it('creates a vault and opens on the cases', async () => {
    const { page } = app;
    await createVaultViaUi(page, 'Port Halden station', TEST_PASSPHRASE);
    await heading(page, 'Cases').waitFor();
    expect(harness.isUnlocked).toBe(true);
    expect(existsSync(harness.vaultPath)).toBe(true);
    const status = await harness.value('vaultStatus');
    expect(status).toMatchObject({ state: 'unlocked', vault: { name: 'Port Halden station', kdf: { opslimit: 2 } } });
    await expectAccessible(app, 'cases (empty vault)');
  });

  it('locks from the lock button, and refuses a wrong passphrase with a clear message', async () => {
    const { page } = app;
    await lockViaUi(page);
    expect(harness.isUnlocked).toBe(false);
    await page.getByText('The vault was locked.').waitFor();
    await expectAccessible(app, 'unlock');
    await unlockViaUi(page, 'not the passphrase at all');
    const message = await alertText(page, 'passphrase');
    expect(message).toContain('That passphrase is not right.');
    expect(message).toContain('E_BAD_PASSPHRASE');
    const input = page.getByLabel('Passphrase', { exact: true });
    expect(await input.inputValue()).toBe('');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(harness.isUnlocked).toBe(false);
    await expectAccessible(app, 'unlock, wrong passphrase');
  });

  it('unlocks with the right passphrase', async () => {
    const { page } = app;
    await unlockViaUi(page, TEST_PASSPHRASE);
    await mainNavigation(page).waitFor();
    await heading(page, 'Cases').waitFor();
    expect(harness.isUnlocked).toBe(true);
  });

  it('keeps what was typed a moment before the system slept, and gives it back after the unlock', async () => {
    const { page } = app;
    await mainNavigation(page).getByRole('link', { name: 'New case' }).click();
    await heading(page, 'New case').waitFor();
    const step = form(page, 'Step 1: The threat');
    // Typed, and the system sleeps at once: well within the form's 800 ms before it saves
    // its draft, and the main process does not wait for the renderer before it locks.
    const before = harness.answered.length;
    await step.getByLabel(field('Title')).fill('Typed just before the laptop lid closed');
    const since = () => harness.answered.slice(before);
    // The core has the change (staged at once, each keystroke's call answered)...
    await expect.poll(since, { interval: 5, timeout: 700 }).toContain('stageDraft');
    // ...and the form's own save has not come yet: only staging can keep it.
    expect(since()).not.toContain('saveDraft');
    const calls = harness.events.length;
    harness.lock('suspend');
    await heading(page, 'Unlock Tearline').waitFor();
    expect(harness.events.slice(calls)).toContainEqual({ type: 'locked', reason: 'suspend' });
    expect(harness.isUnlocked).toBe(false);
    await unlockViaUi(page, TEST_PASSPHRASE);
    await mainNavigation(page).waitFor();
    const drafts = await harness.value('listDrafts');
    expect(drafts).toHaveLength(1);
    expect(JSON.stringify(drafts[0]!.data)).toContain('Typed just before the laptop lid closed');
    await mainNavigation(page).getByRole('link', { name: 'New case' }).click();
    await heading(page, 'New case').waitFor();
    await page.getByText(/Your unsaved draft from .* was restored\./).waitFor();
    expect(await form(page, 'Step 1: The threat').getByLabel(field('Title')).inputValue()).toBe('Typed just before the laptop lid closed');
    // Discarded, it is gone from the core's drafts too.
    await page.getByRole('button', { name: 'Discard the draft' }).click();
    await expect.poll(async () => (await harness.value('listDrafts')).length).toBe(0);
    await goTo(page, '#/cases', 'Cases');
  });

  it('locks itself after the idle delay set in Settings, and returns to the unlock screen', async () => {
    const { page } = app;
    await goTo(page, '#/settings', 'Settings');
    await expectAccessible(app, 'settings');
    const delays = form(page, 'Locking and clipboard');
    await delays.getByLabel('Lock the vault after this many minutes without activity').fill('1');
    await delays.getByRole('button', { name: 'Save the settings' }).click();
    await delays.getByText('Settings saved.').waitFor();
    expect(await harness.value('getSettings')).toMatchObject({ autoLockMinutes: 1 });
    // No input from here on: the vault locks itself and the app says why.
    await heading(page, 'Unlock Tearline').waitFor({ timeout: 20 * MINUTE_MS });
    await page.getByText('The vault locked itself after a period without activity.').waitFor();
    expect(harness.isUnlocked).toBe(false);
    expect(harness.events).toContainEqual({ type: 'locked', reason: 'idle' });
    await expectAccessible(app, 'unlock after auto-lock');
    // Nothing of the records survives the lock in the page.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    // Back in where the officer was, with a delay that will not lock the vault under the next step.
    await harness.value('updateSettings', { autoLockMinutes: 10 });
    await unlockViaUi(page, TEST_PASSPHRASE);
    await heading(page, 'Settings').waitFor();
    expect(harness.isUnlocked).toBe(true);
  });
});
