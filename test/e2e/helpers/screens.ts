/**
 * A tour of every screen of the application, on a workstation with realistic records: the
 * gate (create, unlock, a wrong passphrase), the cases, the guided flow and its checks, a
 * case page, export, import with a verification report, keys, audit, reports and settings.
 * The accessibility sweep (screens.test.ts) and the screenshots (scripts/screenshots.ts)
 * both take it, so that what the README shows is what axe-core checked.
 */
import path from 'node:path';
import type { Harness } from '../harness/server';
import type { AppPage } from './browser';
import { createVault, exportCasesToFile, importFile, seedCases, seedOtherStationCase, TEST_PASSPHRASE, trustEachOther } from './seed';
import { alertText, createVaultViaUi, form, goTo, heading, mainNavigation, unlockViaUi } from './ui';

export interface Stop {
  /** A file-safe name: docs/screenshots/NAME-light.png. */
  name: string;
  /** What the screen shows, for people. */
  title: string;
}

export type Visit = (stop: Stop) => Promise<void>;

export const MAIN_NAME = 'Port Halden station';
export const OTHER_NAME = 'Headquarters desk';

/**
 * Walks the screens in `app` (a page on `main`, a harness without a vault yet), calling
 * `visit` on each once it is ready. `other` is a second workstation that sends bundles.
 */
export async function tourScreens(app: AppPage, main: Harness, other: Harness, visit: Visit): Promise<void> {
  const { page } = app;

  // ---------------------------------------------------------------- the gate
  await heading(page, 'Create this workstation’s vault').waitFor();
  const create = page.getByRole('main');
  await create.getByLabel('Workstation name').fill(MAIN_NAME);
  await create.getByLabel('Passphrase', { exact: true }).fill(TEST_PASSPHRASE);
  await visit({ name: 'create-vault', title: 'Creating the vault, with the passphrase strength meter' });
  await createVaultViaUi(page, MAIN_NAME, TEST_PASSPHRASE);

  // ---------------------------------------------------------------- records to show
  const otherReady = createVault(other, OTHER_NAME);
  const cases = await seedCases(main);
  await otherReady;
  await trustEachOther(main, MAIN_NAME, other, OTHER_NAME);
  const sent = await seedOtherStationCase(other);
  const firstBundle = path.join(other.filesDir, 'castrel-1.tlb');
  await exportCasesToFile(other, [sent], firstBundle, [MAIN_NAME]);
  await importFile(main, firstBundle);
  // A later bundle from the same workstation, to show its verification report.
  await other.value('appendEntries', {
    entries: [{ kind: 'note', body: { caseId: sent, text: 'The delegation’s security officer confirmed receipt of the warning request.', writtenBy: 'Officer F. Haddad' } }],
  });
  const secondBundle = path.join(other.filesDir, 'castrel-2.tlb');
  await exportCasesToFile(other, [sent], secondBundle, [MAIN_NAME]);
  await page.reload();
  await mainNavigation(page).waitFor();

  // ---------------------------------------------------------------- cases
  await goTo(page, '#/cases', 'Cases');
  await page.getByRole('list', { name: 'Cases found' }).getByRole('listitem').nth(5).waitFor();
  await visit({ name: 'cases', title: 'The cases: counts at a glance, search, filters and sort' });

  await goTo(page, '#/cases/new', 'New case');
  await visit({ name: 'new-case', title: 'A new case: the threat, first step of the guided flow' });
  const threat = form(page, 'Step 1: The threat');
  await threat.getByRole('button', { name: 'Open the case' }).click();
  await alertText(threat, 'This cannot be saved yet');
  await visit({ name: 'new-case-errors', title: 'An incomplete threat: every missing field named' });

  await goTo(page, `#/cases/${cases.awaiting}/step/decision`, 'Bomb threat against the Arden Bridge');
  await form(page, /Step 3: Decision/).waitFor();
  await visit({ name: 'step-decision', title: 'The decision to warn or to waive' });

  await goTo(page, `#/cases/${cases.waiverPending}/step/waiver`, 'Kidnap plan against aid workers near Sorrel Pass');
  await form(page, /Step 4: Waiver/).waitFor();
  await visit({ name: 'step-waiver', title: 'A waiver: the policy’s reasons in full, justification and approving officer' });

  await goTo(page, `#/cases/${cases.warned}`, 'Plot against a visiting journalist in Port Halden');
  await page.getByRole('region', { name: 'Timeline' }).waitFor();
  await visit({ name: 'case-warned', title: 'A case page: a delivered warning, sensitive fields masked, the timeline' });

  await goTo(page, `#/cases/${cases.waived}`, 'Threat to a liaison officer’s family in Velmora');
  await page.getByRole('article', { name: 'Waiver' }).waitFor();
  await visit({ name: 'case-waived', title: 'A case page: an approved waiver' });

  await goTo(page, `#/cases/${sent}`, 'Threat against a trade delegation in Castrel');
  await page.getByRole('region', { name: 'Timeline' }).getByText(`Imported from ${OTHER_NAME}`).first().waitFor();
  await visit({ name: 'case-imported', title: 'A case imported from another workstation' });

  // ---------------------------------------------------------------- exchange
  await goTo(page, `#/export?case=${cases.warned}`, 'Export');
  await page.getByRole('group', { name: 'Trusted workstations' }).getByLabel(OTHER_NAME).check();
  await page.getByRole('region', { name: '4. What will leave' }).getByText(/sensitive fields? withheld/).waitFor();
  await visit({ name: 'export', title: 'Export: what leaves, for whom, and what stays behind' });

  await goTo(page, '#/import', 'Import');
  await visit({ name: 'import', title: 'Import: open a bundle file or paste armored text' });
  main.dialogs.answer(secondBundle);
  await page.getByRole('button', { name: 'Open a bundle file…' }).click();
  await page.getByRole('region', { name: 'Verification report' }).getByText(/^Valid: /).waitFor();
  await visit({ name: 'import-report', title: 'The verification report of a bundle, before it is accepted' });
  await page.getByRole('button', { name: 'Reject' }).click();

  // ---------------------------------------------------------------- the rest
  await goTo(page, '#/keys', 'Keys');
  await page.getByRole('region', { name: 'Trusted workstations' }).getByRole('rowheader', { name: OTHER_NAME }).waitFor();
  await page.getByRole('img', { name: 'QR code of this workstation’s key card' }).waitFor();
  await visit({ name: 'keys', title: 'Keys: this workstation’s key card, trusted workstations, fork evidence' });

  await goTo(page, '#/audit', 'Audit');
  await page.getByRole('button', { name: 'Check the whole vault' }).click();
  await page.getByText('The vault is intact.').waitFor();
  await visit({ name: 'audit', title: 'Audit: the vault’s own record and its integrity check' });

  await goTo(page, '#/reports', 'Reports');
  await page.getByRole('heading', { name: /^Duty to warn: summary for/ }).waitFor();
  await visit({ name: 'reports', title: 'Reports: a printable summary of a period' });

  await goTo(page, '#/settings', 'Settings');
  await visit({ name: 'settings', title: 'Settings: auto-lock, clipboard, passphrase, backup' });

  // ---------------------------------------------------------------- locked
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await heading(page, 'Unlock Tearline').waitFor();
  await visit({ name: 'unlock', title: 'Unlocking the vault' });
  await unlockViaUi(page, 'not the right passphrase');
  await alertText(page, 'That passphrase is not right');
  await visit({ name: 'unlock-wrong-passphrase', title: 'A wrong passphrase' });
  await unlockViaUi(page, TEST_PASSPHRASE);
  await mainNavigation(page).waitFor();
}
