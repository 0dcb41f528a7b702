/**
 * Records written straight through the harness (the same calls the page makes), for
 * screens that need a populated vault: the screenshots, the accessibility sweep, and the
 * exchange between two workstations. The flows themselves are tested through the UI.
 */
import { exampleBody, EXAMPLE_WAIVE_DECISION, substitute } from '../../../shared/domain/examples';
import type { Harness } from '../harness/server';

export const TEST_PASSPHRASE = 'correct horse battery staple';

/** Creates this workstation's vault (interactive Argon2id, left unlocked). */
export async function createVault(harness: Harness, name: string, passphrase = TEST_PASSPHRASE): Promise<void> {
  await harness.value('createVault', { name, passphrase, kdf: 'interactive' });
}

type Body = Record<string, unknown>;

async function append(harness: Harness, kind: string, body: Body): Promise<string> {
  const [appended] = await harness.value('appendEntries', { entries: [{ kind: kind as never, body: body as never }] });
  if (!appended) throw new Error(`appendEntries returned nothing for ${kind}`);
  return appended.id;
}

/** The example case with some fields changed; a field changed to undefined is left out. */
async function openCase(harness: Harness, changes: Body): Promise<string> {
  const body: Body = { ...exampleBody('case.opened'), ...changes };
  for (const [key, value] of Object.entries(body)) if (value === undefined) delete body[key];
  return append(harness, 'case.opened', body);
}

function bodyFor(kind: Parameters<typeof exampleBody>[0], caseId: string, changes: Body = {}, targetId?: string): Body {
  return { ...exampleBody(kind, { caseId, ...(targetId ? { targetId } : {}) }), ...changes };
}

export interface SeededCases {
  /** Warned, the warning delivered and acknowledged, a follow-up open. */
  warned: string;
  /** Waived for source protection, the waiver approved. */
  waived: string;
  /** Assessed, awaiting a decision. */
  awaiting: string;
  /** Just opened. */
  opened: string;
  /** Decided to waive; the waiver itself not yet written. */
  waiverPending: string;
}

/** Four cases, one at each stage of the directive's process. */
export async function seedCases(harness: Harness): Promise<SeededCases> {
  const warned = await openCase(harness, {});
  await append(harness, 'case.assessed', bodyFor('case.assessed', warned));
  await append(harness, 'decision', bodyFor('decision', warned));
  await append(harness, 'delivery', bodyFor('delivery', warned));
  await append(harness, 'follow-up', bodyFor('follow-up', warned));
  await append(harness, 'note', bodyFor('note', warned));

  const waived = await openCase(harness, {
    title: 'Threat to a liaison officer’s family in Velmora',
    threatType: 'kidnapping',
    targetKind: 'group',
    intendedVictim: { description: 'The spouse and two children of a liaison officer posted to Velmora.', usPerson: 'unknown', location: 'Velmora, residential district' },
    specifics: { timing: 'Within the coming month.', perpetrators: 'A criminal group with ties to the port authority.' },
    summary: 'A criminal group linked to the port authority plans to abduct the family of a liaison officer to force the release of seized cargo.',
    warningText: 'We have information that members of your family may be at risk of abduction in Velmora in the coming weeks.',
    marking: 'TLP:RED',
    caveats: undefined,
  });
  await append(harness, 'case.assessed', bodyFor('case.assessed', waived, { specific: { timing: true, location: false, perpetrators: true }, confidence: 60 }));
  await append(harness, 'decision', substitute({ ...EXAMPLE_WAIVE_DECISION }, { caseId: waived }) as Body);
  const waiver = await append(harness, 'waiver', bodyFor('waiver', waived));
  await append(harness, 'approval', bodyFor('approval', waived, {}, waiver));

  const awaiting = await openCase(harness, {
    title: 'Bomb threat against the Arden Bridge',
    threatType: 'serious-bodily-harm',
    targetKind: 'structure',
    intendedVictim: { description: 'Commuters on the Arden Bridge during the morning rush hour.', usPerson: 'unknown', location: 'Arden Bridge, northern approach' },
    specifics: { location: 'The northern approach of the bridge.' },
    summary: 'An anonymous caller described an explosive device to be placed on the northern approach of the Arden Bridge; the details match an earlier plot.',
    warningText: 'There is a threat of an explosive attack on the northern approach of the Arden Bridge. Avoid the area and alert the bridge authority.',
    marking: 'TLP:AMBER+STRICT',
    confidence: 45,
  });
  await append(harness, 'case.assessed', bodyFor('case.assessed', awaiting, { specific: { timing: false, location: true, perpetrators: false }, confidence: 50 }));

  const opened = await openCase(harness, {
    title: 'Reported contract on a trade unionist in Castrel',
    threatType: 'intentional-killing',
    intendedVictim: { description: 'A regional trade union leader organising dock workers in Castrel.', usPerson: 'no' },
    specifics: undefined,
    summary: 'A single report says a contract has been offered on a trade union leader in Castrel; no timing or perpetrators yet.',
    warningText: 'We have information that your life may be in danger. Please take precautions and contact the local police.',
    sourceProtection: undefined,
    marking: 'TLP:GREEN',
    confidence: 30,
  });
  const waiverPending = await openCase(harness, {
    title: 'Kidnap plan against aid workers near Sorrel Pass',
    threatType: 'kidnapping',
    targetKind: 'group',
    intendedVictim: { description: 'A team of four aid workers running a clinic near Sorrel Pass.', usPerson: 'yes', location: 'Sorrel Pass clinic' },
    specifics: { timing: 'During the next supply convoy.', location: 'The road between the clinic and the pass.' },
    summary: 'An armed group plans to take the clinic’s staff hostage during the next supply convoy.',
    warningText: 'There is a threat to kidnap staff travelling with the next supply convoy to Sorrel Pass.',
    marking: 'TLP:AMBER',
    caveats: undefined,
  });
  await append(harness, 'case.assessed', bodyFor('case.assessed', waiverPending, { confidence: 65 }));
  await append(harness, 'decision', substitute({ ...EXAMPLE_WAIVE_DECISION, rationale: 'The organisation was warned by its own security adviser last week.' }, { caseId: waiverPending }) as Body);
  return { warned, waived, awaiting, opened, waiverPending };
}

/** A case as another workstation would hold it, to send in a bundle. */
export async function seedOtherStationCase(harness: Harness): Promise<string> {
  const caseId = await openCase(harness, {
    title: 'Threat against a trade delegation in Castrel',
    threatType: 'serious-bodily-harm',
    targetKind: 'group',
    intendedVictim: { description: 'A foreign trade delegation of twelve, staying at the Grand Castrel.', usPerson: 'no', location: 'Grand Castrel hotel' },
    specifics: { timing: 'On the evening of the closing banquet.', perpetrators: 'A local extremist cell.' },
    summary: 'An extremist cell intends to attack the delegation at its closing banquet.',
    warningText: 'There is a threat of violence against your delegation at the closing banquet. Please review your security arrangements.',
    marking: 'TLP:GREEN',
    caveats: undefined,
    openedBy: 'Officer F. Haddad',
  });
  await append(harness, 'case.assessed', bodyFor('case.assessed', caseId, { assessedBy: 'Analyst G. Ruiz' }));
  await append(harness, 'decision', bodyFor('decision', caseId, { decidedBy: 'Head of Desk H. Varga' }));
  return caseId;
}

/** Each workstation trusts the other's key card (as an officer does on the Keys screen). */
export async function trustEachOther(first: Harness, firstName: string, second: Harness, secondName: string): Promise<void> {
  const [firstCard, secondCard] = await Promise.all([first.value('keyCard'), second.value('keyCard')]);
  await first.value('trustAdd', { name: secondName, card: secondCard, verifiedBy: 'Officer A. Novak' });
  await second.value('trustAdd', { name: firstName, card: firstCard, verifiedBy: 'Officer F. Haddad' });
}

/** Exports cases to a bundle file in the sender's files folder, as the Export screen does. */
export async function exportCasesToFile(sender: Harness, cases: string[], file: string, to: string[] = []): Promise<void> {
  sender.dialogs.answer(file);
  await sender.value('exportBundle', { selection: { cases }, to });
}

/** Verifies and accepts a bundle file, as the Import screen does. */
export async function importFile(receiver: Harness, file: string): Promise<void> {
  receiver.dialogs.answer(file);
  const inspection = await receiver.value('inspectBundleFile', {});
  if (!inspection.pendingId) throw new Error(`the bundle did not verify: ${JSON.stringify(inspection.verdict.problems)}`);
  const result = await receiver.value('acceptBundle', { pendingId: inspection.pendingId });
  if (!result.accepted) throw new Error('the bundle was not accepted');
}
