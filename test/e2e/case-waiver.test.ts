/**
 * A case from the threat to a waiver of the duty to warn, approved by a senior officer:
 * the waiver step offers the policy's reasons in their full wording and refuses a waiver
 * without a justification; the approval then makes the case "waived". Real browser, real vault.
 */
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../shared/domain';
import { startHarness, type Harness } from './harness/server';
import { expectAccessible, launchBrowser, openApp, type AppPage } from './helpers/browser';
import { createVault } from './helpers/seed';
import { alertText, approveViaUi, assessViaUi, decideViaUi, field, form, heading, mainNavigation, openCaseViaUi, waiveViaUi } from './helpers/ui';

const THREAT = {
  title: 'Threat to a liaison officer’s family',
  victim: 'The spouse and two children of a liaison officer posted to Velmora.',
  summary: 'A criminal group plans to abduct the family of a liaison officer.',
  warningText: 'Members of your family may be at risk of abduction in Velmora.',
  sourceNotes: 'One of three people present when the plan was discussed.',
};
const JUSTIFICATION = 'Only three people knew of the plan; a warning would expose the source. The host service protects the family instead.';

let browser: Browser;
let harness: Harness;
let app: AppPage;
let caseId = '';

beforeAll(async () => {
  [browser, harness] = await Promise.all([launchBrowser(), startHarness()]);
  await createVault(harness, 'Velmora station');
  app = await openApp(browser, harness);
  await mainNavigation(app.page).waitFor();
});

afterEach(() => app.assertClean());

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('a case to an approved waiver', () => {
  it('opens, assesses and decides to waive', async () => {
    const { page } = app;
    caseId = await openCaseViaUi(page, THREAT);
    await assessViaUi(page);
    await decideViaUi(page, 'waive');
    expect(await harness.value('getCase', { caseId })).toMatchObject({ status: 'waiver-pending', decision: 'waive' });
  });

  it('offers every waiver reason of the policy in its full wording, and refuses a waiver without justification', async () => {
    const { page } = app;
    await expectAccessible(app, 'waiver step');
    const step = form(page, /Step 4: Waiver/);
    const reasons = step.getByRole('group', { name: /^Waiver reasons/ }).getByRole('checkbox');
    expect(await reasons.count()).toBe(DEFAULT_POLICY.waiverReasons.length);
    for (const reason of DEFAULT_POLICY.waiverReasons) {
      await step.getByText(reason.text, { exact: true }).waitFor();
    }
    await step.getByRole('button', { name: 'Save the waiver' }).click();
    const problems = await alertText(step, 'This cannot be saved yet');
    for (const name of ['Waiver reasons', 'Justification', 'Requested by', 'Approved by']) expect(problems).toContain(name);
    await expectAccessible(app, 'waiver step, with errors');
    expect((await harness.value('getCase', { caseId })).waivers).toHaveLength(0);
  });

  it('records the waiver, which then awaits approval', async () => {
    const { page } = app;
    await waiveViaUi(page, JUSTIFICATION);
    const view = await harness.value('getCase', { caseId });
    expect(view.status).toBe('awaiting-approval');
    expect(view.waiver?.body).toMatchObject({ reasons: ['endangers-sources'], justification: JUSTIFICATION, approvedBy: 'Deputy Director D. Mensah' });
    await expectAccessible(app, 'approval step');
    await page.getByRole('region', { name: 'The waiver to approve' }).getByText(JUSTIFICATION).waitFor();
  });

  it('approves the waiver: the case is waived', async () => {
    const { page } = app;
    const step = form(page, /Step 5: Approval/);
    expect(await step.getByLabel(field('Approving officer')).inputValue()).toBe('Deputy Director D. Mensah');
    await approveViaUi(page);
    await page.waitForURL(new RegExp(`#/cases/${caseId}(/step/(follow-up|closure))?$`));
    const view = await harness.value('getCase', { caseId });
    expect(view.status).toBe('waived');
    expect(view.outcome).toBe('waived');
    expect(view.waivers[0]?.approval).toBe('approved');
  });

  it('shows the approved waiver on the case page', async () => {
    const { page } = app;
    await page.evaluate((id) => {
      window.location.hash = `#/cases/${id}`;
    }, caseId);
    await heading(page, THREAT.title).waitFor();
    const waiver = page.getByRole('article', { name: 'Waiver' });
    await waiver.getByText(/^Approved: approved by Deputy Director D\. Mensah/).waitFor();
    await waiver.getByText(JUSTIFICATION).waitFor();
    await expectAccessible(app, 'case page, waived');
  });
});
