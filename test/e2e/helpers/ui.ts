/**
 * The officer's actions, as a person does them: by the labels, roles and names on the
 * screen (renderer/README.md lists the screens). No test reaches into the DOM's structure,
 * so these also check that every control is reachable by its accessible name.
 */
import type { Locator, Page } from 'playwright-core';

type Name = string | RegExp;

/** A form field's accessible name: its title, with " (optional)" after it when it may be left out. */
export function field(title: string): RegExp {
  return new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(optional\\))?$`);
}

/** The screen's main heading. */
export function heading(page: Page, name: Name): Locator {
  return page.getByRole('heading', { level: 1, name });
}

export function form(page: Page, name: Name): Locator {
  return page.getByRole('form', { name });
}

/** Picks one radio of a labelled group (a fieldset and its legend). */
export async function choose(scope: Locator | Page, group: Name, option: Name): Promise<void> {
  await scope.getByRole('group', { name: group }).getByRole('radio', { name: option }).check();
}

/** Goes to a screen by its address, as a link would. */
export async function goTo(page: Page, hash: string, title: Name): Promise<void> {
  await page.evaluate((h) => {
    window.location.hash = h;
  }, hash);
  await heading(page, title).waitFor();
}

/** The alert the screen shows (role alert), once it has appeared, as text. */
export async function alertText(scope: Locator | Page, containing: Name): Promise<string> {
  const alert = scope.getByRole('alert').filter({ hasText: containing }).first();
  await alert.waitFor();
  return (await alert.innerText()).trim();
}

// ------------------------------------------------------------------ vault

export async function createVaultViaUi(page: Page, name: string, passphrase: string): Promise<void> {
  await heading(page, 'Create this workstation’s vault').waitFor();
  await page.getByLabel('Workstation name').fill(name);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Type the passphrase again').fill(passphrase);
  // The fastest Argon2id level the app offers: the tests create many vaults.
  await choose(page, 'Key strength', /^Fast/);
  await page.getByRole('button', { name: 'Create the vault' }).click();
  await mainNavigation(page).waitFor();
}

export async function unlockViaUi(page: Page, passphrase: string): Promise<void> {
  await heading(page, 'Unlock Tearline').waitFor();
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Unlock', exact: true }).click();
}

export function mainNavigation(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Main' });
}

export async function lockViaUi(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await heading(page, 'Unlock Tearline').waitFor();
}

// ------------------------------------------------------------------ the case flow

/** The case id in the address (#/cases/ID or #/cases/ID/step/STEP). */
export async function caseIdInAddress(page: Page): Promise<string> {
  await page.waitForURL(/#\/cases\/[0-9a-f-]{36}/);
  const match = /#\/cases\/([0-9a-f-]{36})/.exec(page.url());
  if (!match?.[1]) throw new Error(`no case id in ${page.url()}`);
  return match[1];
}

export interface ThreatDetails {
  title: string;
  victim: string;
  summary: string;
  warningText: string;
  sourceNotes: string;
}

/** Step 1, from "New case" in the navigation; returns the new case's id. */
export async function openCaseViaUi(page: Page, threat: ThreatDetails): Promise<string> {
  await mainNavigation(page).getByRole('link', { name: 'New case' }).click();
  await heading(page, 'New case').waitFor();
  const step = form(page, 'Step 1: The threat');
  await step.getByLabel(field('Title')).fill(threat.title);
  await choose(step, /^Threat type/, /^Intentional killing/);
  await choose(step, /^Target/, /^Person/);
  const victim = step.getByRole('group', { name: /^Intended victim/ });
  await victim.getByLabel(field('Description')).fill(threat.victim);
  await choose(victim, /^U\.S\. person/, /^Not a U\.S\. person/);
  await victim.getByLabel(field('Location')).fill('Hotel Meridian, Port Halden');
  const specifics = step.getByRole('group', { name: /^Specifics/ });
  await specifics.getByLabel(field('Timing')).fill('Before 14 March.');
  await specifics.getByLabel(field('Location')).fill('Between the hotel and the harbour office.');
  await specifics.getByLabel(field('Perpetrators')).fill('Two men hired by a smuggling network.');
  await step.getByLabel(field('Summary')).fill(threat.summary);
  await step.getByLabel(field('Warning text')).fill(threat.warningText);
  await choose(step, /^Marking/, /^TLP:AMBER(?!\+)/);
  await step.getByRole('group', { name: /^Source protection/ }).getByLabel(field('Notes')).fill(threat.sourceNotes);
  await step.getByRole('button', { name: 'Open the case' }).click();
  await form(page, /Step 2: Assessment/).waitFor();
  return caseIdInAddress(page);
}

export async function assessViaUi(page: Page): Promise<void> {
  const step = form(page, /Step 2: Assessment/);
  await choose(step, /^Credible/, 'Yes');
  await step.getByLabel(field('Why (credibility)')).fill('Two independent reports agree on the timing and the network.');
  const known = step.getByRole('group', { name: /^Specifics known/ });
  await choose(known, /^Timing known/, 'Yes');
  await choose(known, /^Location known/, 'Yes');
  await choose(known, /^Perpetrators known/, 'No');
  await step.getByLabel(field('Confidence')).fill('75');
  await choose(step, /^Threshold met/, 'Yes');
  await step.getByLabel(field('Assessed by')).fill('Analyst B. Okafor');
  await step.getByRole('button', { name: 'Save the assessment' }).click();
  await form(page, /Step 3: Decision/).waitFor();
}

export async function decideViaUi(page: Page, decision: 'warn' | 'waive'): Promise<void> {
  const step = form(page, /Step 3: Decision/);
  await choose(step, /^Decision/, decision === 'warn' ? /^Warn$/ : /^Waive the duty to warn/);
  await step.getByLabel(field('Rationale')).fill(decision === 'warn' ? 'Credible, specific threat; warning exposes nothing.' : 'A warning would expose the only source.');
  await step.getByLabel(field('Decided by')).fill('Chief C. Laurent');
  await step.getByRole('button', { name: 'Save the decision' }).click();
  await form(page, decision === 'warn' ? /Step 6: Delivery/ : /Step 4: Waiver/).waitFor();
}

export async function deliverViaUi(page: Page, recipient: string): Promise<void> {
  const step = form(page, /Step 6: Delivery/);
  await choose(step, /^Channel/, /^Through those who protect the intended victim/);
  await step.getByLabel(field('Recipient')).fill(recipient);
  await step.getByLabel(field('Delivered by')).fill('Officer E. Varga');
  await step.getByLabel(field('Means')).fill('In person, then read back by telephone');
  await step.getByLabel(field('Cable reference')).fill('PHN-2025-0311-04');
  await step.getByRole('button', { name: 'Save the delivery' }).click();
  await heading(page, /./).waitFor();
  await page.getByRole('heading', { name: /Step 7: Acknowledgement/ }).waitFor();
}

export async function acknowledgeViaUi(page: Page, response: string): Promise<void> {
  const ack = form(page, /^Acknowledgement of the warning/);
  await choose(ack, /^Acknowledged/, 'Yes');
  await ack.getByLabel(field('Recipient’s response')).fill(response);
  await ack.getByRole('button', { name: 'Record the acknowledgement' }).click();
}

export async function waiveViaUi(page: Page, justification: string): Promise<void> {
  const step = form(page, /Step 4: Waiver/);
  const reasons = step.getByRole('group', { name: /^Waiver reasons/ });
  await reasons.getByRole('checkbox', { name: /unduly endanger U\.S\. Government personnel, sources, methods/ }).check();
  await step.getByLabel(field('Justification')).fill(justification);
  await step.getByLabel(field('Requested by')).fill('Officer A. Novak');
  await step.getByLabel(field('Approved by')).fill('Deputy Director D. Mensah');
  await step.getByLabel(field('Review date')).fill('2025-04-10');
  await step.getByRole('button', { name: 'Save the waiver' }).click();
  await form(page, /Step 5: Approval/).waitFor();
}

export async function approveViaUi(page: Page): Promise<void> {
  const step = form(page, /Step 5: Approval/);
  await choose(step, /^Verdict/, 'Approved');
  await step.getByLabel(field('Role')).fill('Deputy Director for Operations');
  await step.getByRole('button', { name: 'Save the approval' }).click();
}
