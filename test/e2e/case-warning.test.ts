/**
 * A case from the threat to a delivered, acknowledged warning, through the guided flow in
 * the directive's order, then corrected (an amendment, never an edit) and closed; all in a
 * real browser, every entry written to and read back from the real vault.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView } from '../../shared/domain';
import { startHarness, type Harness } from './harness/server';
import { expectAccessible, launchBrowser, openApp, type AppPage } from './helpers/browser';
import { createVault } from './helpers/seed';
import {
  acknowledgeViaUi,
  alertText,
  assessViaUi,
  decideViaUi,
  deliverViaUi,
  field,
  form,
  heading,
  mainNavigation,
  openCaseViaUi,
} from './helpers/ui';

const THREAT = {
  title: 'Plot against a visiting journalist',
  victim: 'Investigative journalist visiting Port Halden; travels with a fixer.',
  summary: 'Two men have been hired to kill a visiting journalist before she leaves Port Halden.',
  warningText: 'You are in danger while you remain in Port Halden. Leave the city as soon as possible.',
  sourceNotes: 'Single human source inside the network: do not describe the corroboration.',
};

let browser: Browser;
let harness: Harness;
let app: AppPage;
let caseId = '';

async function caseView(): Promise<CaseView> {
  return harness.value('getCase', { caseId });
}

beforeAll(async () => {
  [browser, harness] = await Promise.all([launchBrowser(), startHarness()]);
  await createVault(harness, 'Port Halden station');
  app = await openApp(browser, harness);
  await mainNavigation(app.page).waitFor();
});

afterEach(() => app.assertClean());

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('a case to a delivered warning', () => {
  it('refuses an incomplete threat, naming every missing field', async () => {
    const { page } = app;
    await mainNavigation(page).getByRole('link', { name: 'New case' }).click();
    await heading(page, 'New case').waitFor();
    await expectAccessible(app, 'new case');
    const step = form(page, 'Step 1: The threat');
    await step.getByRole('button', { name: 'Open the case' }).click();
    const summary = await alertText(step, 'This cannot be saved yet');
    for (const name of ['Threat type', 'Target', 'Summary', 'Marking']) expect(summary).toContain(name);
    await expectAccessible(app, 'new case, with errors');
    expect((await harness.value('listCases', {})).total).toBe(0);
  });

  it('opens, assesses and decides to warn, one step at a time', async () => {
    const { page } = app;
    caseId = await openCaseViaUi(page, THREAT);
    expect((await caseView()).status).toBe('open');
    await expectAccessible(app, 'assessment step');
    await assessViaUi(page);
    await expectAccessible(app, 'decision step');
    await decideViaUi(page, 'warn');
    const view = await caseView();
    expect(view).toMatchObject({ status: 'warning-pending', decision: 'warn', title: THREAT.title });
  });

  it('records the delivery with the warning text carried over, then the acknowledgement', async () => {
    const { page } = app;
    await expectAccessible(app, 'delivery step');
    const delivery = form(page, /Step 6: Delivery/);
    expect(await delivery.getByLabel(field('Warning text given')).inputValue()).toBe(THREAT.warningText);
    await deliverViaUi(page, 'The newspaper’s security adviser');
    await expectAccessible(app, 'acknowledgement and follow-ups step');
    await acknowledgeViaUi(page, 'She leaves on the evening ferry.');
    await form(page, /Step 8: Closure/).waitFor();
    const view = await caseView();
    expect(view.status).toBe('warned');
    expect(view.deliveries).toHaveLength(1);
    expect(view.deliveries[0]?.body).toMatchObject({
      channel: 'via-protectors',
      recipient: 'The newspaper’s security adviser',
      warningText: THREAT.warningText,
      acknowledged: true,
      recipientResponse: 'She leaves on the evening ferry.',
    });
  });

  it('shows the case with its timeline, sensitive fields masked until revealed', async () => {
    const { page } = app;
    await page.getByRole('link', { name: 'Back to the case page' }).click();
    await heading(page, THREAT.title).waitFor();
    const threat = page.getByRole('article', { name: 'Threat' });
    await threat.getByText(THREAT.summary).waitFor();
    expect(await threat.getByText(THREAT.sourceNotes).count()).toBe(0);
    await expectAccessible(app, 'case page');
    await threat.getByRole('button', { name: 'Reveal source protection' }).click();
    await threat.getByText(THREAT.sourceNotes).waitFor();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    for (const label of ['Case opened', 'Assessment', 'Decision', 'Warning delivered', 'Amendment']) {
      expect(await timeline.getByText(label, { exact: true }).count(), label).toBeGreaterThan(0);
    }
  });

  it('amends a field with a reason: the case shows the correction, the original entry stays', async () => {
    const { page } = app;
    const threat = page.getByRole('article', { name: 'Threat' });
    await threat.getByRole('button', { name: 'Amend a field of the threat' }).click();
    const amend = page.getByRole('form').filter({ has: page.getByLabel('Field to correct') });
    await amend.getByLabel('Field to correct').selectOption({ label: 'Summary' });
    const corrected = 'Two men have been hired to kill a visiting journalist before she leaves Port Halden on 13 March.';
    await amend.getByLabel(field('New value: Summary')).fill(corrected);
    await amend.getByRole('button', { name: 'Save the amendment' }).click();
    await alertText(amend, 'Reason');
    await expectAccessible(app, 'amend form, with errors');
    await amend.getByLabel('Reason for the correction').fill('The departure date was misread from the report.');
    await amend.getByRole('button', { name: 'Save the amendment' }).click();
    await threat.getByText(corrected).waitFor();
    await threat.getByText('Corrected 1 time').waitFor();
    const view = await caseView();
    expect(view.opening?.body.summary).toBe(corrected);
    const amendments = view.timeline.filter((t) => t.kind === 'amendment');
    expect(amendments.length).toBeGreaterThanOrEqual(2); // the acknowledgement, and this correction
    const original = await harness.value('getEntry', { id: caseId });
    expect(original.body.summary).toBe(THREAT.summary);
  });

  it('closes the case', async () => {
    const { page } = app;
    await page.getByRole('navigation', { name: 'Case actions' }).getByRole('link', { name: 'Next step: Closure' }).click();
    const closure = form(page, /Step 8: Closure/);
    await closure.getByLabel(field('Closed by')).fill('Chief C. Laurent');
    await closure.getByRole('button', { name: 'Close the case' }).click();
    await heading(page, THREAT.title).waitFor();
    await page.getByRole('article', { name: 'Closure' }).waitFor();
    expect((await caseView()).status).toBe('closed');
    await expectAccessible(app, 'closed case page');
  });

  it('lists the case with its status', async () => {
    const { page } = app;
    await mainNavigation(page).getByRole('link', { name: 'Cases' }).click();
    await heading(page, 'Cases').waitFor();
    const row = page.getByRole('list', { name: 'Cases found' }).getByRole('listitem').filter({ hasText: THREAT.title });
    await row.waitFor();
    expect(await row.innerText()).toContain('Closed');
    await expectAccessible(app, 'cases');
  });
});
