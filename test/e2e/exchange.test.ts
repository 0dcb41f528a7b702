/**
 * Two workstations, two vaults, two harnesses, one browser: they trust each other's key
 * cards (one from a file, one pasted), the first exports a case encrypted to the second,
 * and the second verifies it, reads the report and imports it. A bundle changed after it
 * was signed is refused with a reason an officer can read, and nothing of it is stored.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness/server';
import { expectAccessible, launchBrowser, openApp, type AppPage } from './helpers/browser';
import { createVault, seedCases, type SeededCases } from './helpers/seed';
import { alertText, goTo, heading, mainNavigation } from './helpers/ui';

const A_NAME = 'Port Halden station';
const B_NAME = 'Headquarters desk';

let browser: Browser;
let a: Harness;
let b: Harness;
let appA: AppPage;
let appB: AppPage;
let cases: SeededCases;
let bundlePath = '';

beforeAll(async () => {
  [browser, a, b] = await Promise.all([launchBrowser(), startHarness(), startHarness()]);
  await Promise.all([createVault(a, A_NAME), createVault(b, B_NAME)]);
  cases = await seedCases(a);
  [appA, appB] = await Promise.all([openApp(browser, a), openApp(browser, b)]);
  await Promise.all([mainNavigation(appA.page).waitFor(), mainNavigation(appB.page).waitFor()]);
});

afterEach(() => {
  const failures: string[] = [];
  for (const app of [appA, appB]) {
    try {
      app.assertClean();
    } catch (error) {
      failures.push(`${app === appA ? A_NAME : B_NAME}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([a?.close(), b?.close()]);
});

/** The twelve fingerprint words a Keys screen shows in the given region. */
async function fingerprintWords(app: AppPage, region: string): Promise<string[]> {
  return app.page.getByRole('region', { name: region }).getByRole('list', { name: /as words$/ }).first().getByRole('listitem').allInnerTexts();
}

async function trust(app: AppPage, name: string, expectedWords: string[]): Promise<void> {
  const { page } = app;
  const confirm = page.getByRole('form', { name: /^Key card of “/ });
  await confirm.waitFor();
  // The officer compares the words on both screens before trusting.
  expect(await confirm.getByRole('list', { name: /as words$/ }).getByRole('listitem').allInnerTexts()).toEqual(expectedWords);
  await confirm.getByLabel('Name to trust it under').fill(name);
  await confirm.getByRole('button', { name: 'Trust this workstation' }).click();
  await alertText(confirm, 'Fingerprint compared');
  await confirm.getByLabel('I compared the fingerprint with the other workstation, and it is the same').check();
  await confirm.getByRole('button', { name: 'Trust this workstation' }).click();
  await page.getByText(`${name} is now trusted.`).waitFor();
  await page.getByRole('region', { name: 'Trusted workstations' }).getByRole('rowheader', { name }).waitFor();
}

async function openBundleFile(file: string): Promise<void> {
  const { page } = appB;
  await goTo(page, '#/import', 'Import');
  b.dialogs.answer(file);
  await page.getByRole('button', { name: 'Open a bundle file…' }).click();
  await page.getByRole('region', { name: 'Verification report' }).waitFor();
}

function report() {
  return appB.page.getByRole('region', { name: 'Verification report' });
}

describe('export from one workstation, import into another', () => {
  it('trusts the other workstation from its key card file, after comparing the fingerprint words', async () => {
    await goTo(appA.page, '#/keys', 'Keys');
    await expectAccessible(appA, 'keys');
    const cardFile = path.join(a.filesDir, 'port-halden.json');
    a.dialogs.answer(cardFile);
    await appA.page.getByRole('button', { name: 'Save the key card to a file…' }).click();
    await appA.page.getByText(`Key card saved to ${cardFile}.`).waitFor();
    const wordsA = await fingerprintWords(appA, 'This workstation’s key card');
    expect(wordsA).toHaveLength(12);

    await goTo(appB.page, '#/keys', 'Keys');
    b.dialogs.answer(cardFile);
    await appB.page.getByRole('button', { name: 'Open a key card file…' }).click();
    await trust(appB, A_NAME, wordsA);
    await expectAccessible(appB, 'keys, one trusted workstation');
    const listing = await b.value('trustList');
    expect(listing.keys.map((k) => [k.name, k.status])).toEqual([[A_NAME, 'trusted']]);
  });

  it('trusts the other way from a pasted key card', async () => {
    await appB.page.getByRole('button', { name: 'Copy the key card' }).click();
    await expect.poll(() => b.clipboardText).toContain('"ageRecipient"');
    const wordsB = await fingerprintWords(appB, 'This workstation’s key card');
    await appA.page.getByLabel('Or paste a key card').fill(b.clipboardText);
    await appA.page.getByRole('button', { name: 'Read the pasted key card' }).click();
    await trust(appA, B_NAME, wordsB);
  });

  it('exports a case encrypted to the other workstation, showing what leaves and what stays behind', async () => {
    const { page } = appA;
    await goTo(page, `#/export?case=${cases.warned}`, 'Export');
    const preview = page.getByRole('region', { name: '4. What will leave' });
    await preview.getByText(/^6 entries from 1 case\. 2 sensitive fields withheld\./).waitFor();
    await preview.getByText(/Withheld: Source protection \(sensitive\)/).waitFor();
    await page.getByRole('group', { name: 'Trusted workstations' }).getByLabel(B_NAME).check();
    await expectAccessible(appA, 'export');
    bundlePath = path.join(a.filesDir, 'to-headquarters.tlb');
    a.dialogs.answer(bundlePath);
    await page.getByRole('button', { name: 'Save the bundle to a file…' }).click();
    const saved = page.getByRole('status').filter({ hasText: 'Bundle saved' });
    await saved.waitFor();
    expect(await saved.innerText()).toContain(`Encrypted to ${B_NAME}.`);
    expect(readFileSync(bundlePath).subarray(0, 19).toString('latin1')).toBe('age-encryption.org/');
    const audit = await a.value('listEntries', { kind: 'bundle.exported' });
    expect(audit.total).toBe(1);
  });

  it('verifies the bundle, shows the report, and stores nothing until the officer accepts', async () => {
    await openBundleFile(bundlePath);
    const verdict = report();
    await verdict.getByText(`Valid: 6 entries signed by ${A_NAME}, a trusted workstation.`).waitFor();
    await verdict.getByText('First bundle from this log.').waitFor();
    await verdict.getByText('None: every check passed.').waitFor();
    const text = await verdict.innerText();
    expect(text).toContain('Trusted: the key is among your trusted workstations.');
    expect(text).toMatch(/Signature\s+Valid/);
    expect(text).toContain('was encrypted to this workstation');
    expect(text).toMatch(/Withheld fields: .*sourceProtection in 1 entry/);
    await expectAccessible(appB, 'import, verification report');
    expect((await b.value('listCases', {})).total).toBe(0);

    await verdict.getByRole('button', { name: 'Accept and import' }).click();
    await verdict.getByText('Imported.').waitFor();
    const imported = await b.value('listCases', {});
    expect(imported.items.map((c) => c.caseId)).toEqual([cases.warned]);
    expect((await b.value('listEntries', { kind: 'bundle.imported' })).total).toBe(1);
    await expectAccessible(appB, 'import, accepted');
  });

  it('shows the imported case with its origin, the sensitive field withheld', async () => {
    const { page } = appB;
    await report().getByRole('link', { name: /^Case / }).click();
    await heading(page, 'Plot against a visiting journalist in Port Halden').waitFor();
    const facts = await page.getByRole('definition').allInnerTexts();
    expect(facts).toContain(A_NAME);
    await page.getByRole('region', { name: 'Timeline' }).getByText(`Imported from ${A_NAME}`).first().waitFor();
    const threat = page.getByRole('article', { name: 'Threat' });
    expect(await threat.getByRole('button', { name: 'Reveal source protection' }).count()).toBe(0);
    expect(await threat.innerText()).toMatch(/Source protection[\s\S]*withheld/i);
    await expectAccessible(appB, 'imported case page');
  });

  it('refuses a bundle changed after it was signed, in words an officer can act on', async () => {
    const { page } = appA;
    await goTo(page, '#/keys', 'Keys');
    await goTo(page, `#/export?case=${cases.warned}`, 'Export');
    await page.getByRole('region', { name: '4. What will leave' }).getByText(/^6 entries from 1 case/).waitFor();
    const signedPath = path.join(a.filesDir, 'signed-only.tlb');
    a.dialogs.answer(signedPath);
    await page.getByRole('button', { name: 'Save the bundle to a file…' }).click();
    await page.getByRole('status').filter({ hasText: 'Not encrypted: signed only.' }).waitFor();

    // On the way, someone changes one letter of a disclosed field (same length, framing intact).
    const bytes = readFileSync(signedPath);
    const at = bytes.indexOf('Port Halden');
    expect(at).toBeGreaterThan(0);
    bytes.write('Port Holden', at, 'latin1');
    const tamperedPath = path.join(b.filesDir, 'tampered.tlb');
    writeFileSync(tamperedPath, bytes);
    const before = await b.value('listEntries', {});

    await openBundleFile(tamperedPath);
    const verdict = report();
    await verdict.getByText(/^Refused: \d+ problems? found\. Nothing will be imported\.$/).waitFor();
    const text = await verdict.innerText();
    expect(text).toMatch(/Signature\s+Does not verify/);
    expect(text).toContain('The signature does not match the contents: the bundle was changed after it was signed, or damaged on the way. Do not trust it.');
    expect(text).toContain('Code: E_BAD_SIGNATURE');
    expect(await verdict.getByRole('button', { name: 'Accept and import' }).isDisabled()).toBe(true);
    await expectAccessible(appB, 'import, refused bundle');
    await verdict.getByRole('button', { name: 'Reject' }).click();
    await verdict.getByText('Rejected. Nothing was stored.').waitFor();
    const after = await b.value('listEntries', {});
    expect(after.total).toBe(before.total);
  });
});
