/**
 * One realistic, valid body per user kind (policy icd-191-2015), for the CLI tests, the
 * benchmarks, the UI tests and the documentation. The people and places are fictitious.
 *
 * Bodies refer to other entries through placeholders: EXAMPLE_CASE_ID (the case: the id of
 * its `case.opened` entry) and EXAMPLE_TARGET_ID (what an approval approves, a waiver; what
 * a resolution resolves, an escalation). `exampleBody` substitutes real ids.
 */
import type { EntryBody } from './entries';
import type { UserEntryKind } from './kinds';

/** A valid UUIDv7 that stands for the case id until a real one is substituted. */
export const EXAMPLE_CASE_ID = '01900000-0000-7000-8000-00000000ca5e';
/** A valid UUIDv7 that stands for the id of the waiver an approval approves, or the escalation a resolution resolves. */
export const EXAMPLE_TARGET_ID = '01900000-0000-7000-8000-0000000a7a7e';

/** The `case.opened` body that issue 2 requires to be accepted, exactly. */
export const ISSUE_CASE_OPENED_BODY = {
  threatType: 'intentional-killing',
  targetKind: 'person',
  intendedVictim: { description: '...', usPerson: 'unknown' },
  summary: '...',
  warningText: '...',
  marking: 'TLP:AMBER',
  sourceProtection: { notes: '...' },
} as const;

type Examples = { readonly [K in UserEntryKind]: EntryBody<K> };

export const EXAMPLE_BODIES: Examples = {
  'case.opened': {
    title: 'Plot against a visiting journalist in Port Halden',
    threatType: 'intentional-killing',
    targetKind: 'person',
    intendedVictim: {
      description: 'Investigative journalist working on a series about arms shipments through the port; travels with a fixer.',
      usPerson: 'no',
      name: 'Mara Ellery',
      nationality: 'Freedonian',
      location: 'Hotel Meridian, Port Halden, until 14 March',
      protectors: 'None known; the newspaper has a security adviser in the capital.',
    },
    specifics: {
      timing: 'Before she leaves Port Halden on 14 March.',
      location: 'Between the hotel and the harbour office.',
      perpetrators: 'Two men hired by a local smuggling network; names not known.',
    },
    summary:
      'A smuggling network has hired two men to kill a visiting journalist before she leaves Port Halden. The reporting is recent and corroborated in part.',
    credibility: { credible: true, why: 'Two independent reports agree on the timing and the network involved.' },
    confidence: 70,
    warningText:
      'We have information that you are in danger while you remain in Port Halden, in particular between your hotel and the harbour office. We urge you to leave the city as soon as possible and to vary your routes until you do.',
    marking: 'TLP:AMBER',
    caveats: ['NOFORN'],
    receivedAt: '2025-03-10T08:15:00Z',
    openedBy: 'Officer A. Novak',
    sourceProtection: {
      notes: 'Both reports come from a single sensitive human source network; do not describe the corroboration.',
      originator: 'Liaison service BLUE',
      restrictions: 'Third-party rule: no dissemination without the originator’s consent.',
    },
  },
  'case.assessed': {
    caseId: EXAMPLE_CASE_ID,
    credible: true,
    credibilityReason: 'Consistent reporting from two channels on timing, place and the network; the network has killed before.',
    specific: { timing: true, location: true, perpetrators: false },
    confidence: 75,
    thresholdMet: true,
    assessedBy: 'Analyst B. Okafor',
    notes: 'Perpetrators are known only as members of the network.',
  },
  decision: {
    caseId: EXAMPLE_CASE_ID,
    decision: 'warn',
    rationale: 'Credible and specific threat of killing; a warning can be given without exposing the source.',
    decidedBy: 'Chief C. Laurent',
    role: 'Chief of Station',
  },
  waiver: {
    caseId: EXAMPLE_CASE_ID,
    reasons: ['endangers-sources'],
    justification:
      'Only three people could know of the hiring; any warning would point to the source within days. A protective operation by the host service is under way instead.',
    requestedBy: 'Officer A. Novak',
    approvedBy: 'Deputy Director D. Mensah',
    approverRole: 'Deputy Director for Operations',
    reviewDate: '2025-04-10',
    sourceProtection: { notes: 'The source is one of three people present when the contract was discussed.' },
  },
  approval: {
    caseId: EXAMPLE_CASE_ID,
    target: EXAMPLE_TARGET_ID,
    verdict: 'approved',
    approvedBy: 'Deputy Director D. Mensah',
    role: 'Deputy Director for Operations',
    comment: 'Approved on condition that the host service’s protective operation is confirmed within 24 hours.',
  },
  delivery: {
    caseId: EXAMPLE_CASE_ID,
    channel: 'via-protectors',
    recipient: 'The newspaper’s security adviser, for Ms Ellery',
    deliveredBy: 'Officer E. Varga',
    deliveredAt: '2025-03-11T16:40:00+01:00',
    means: 'In person, then read back by telephone',
    warningText:
      'We have information that you are in danger while you remain in Port Halden, in particular between your hotel and the harbour office. We urge you to leave the city as soon as possible and to vary your routes until you do.',
    cableReference: 'PHN-2025-0311-04',
    acknowledged: true,
    recipientResponse: 'The adviser will arrange her departure on the evening ferry.',
  },
  note: {
    caseId: EXAMPLE_CASE_ID,
    text: 'The host service asked to be told if the warning is given, so that it can increase patrols near the harbour.',
    writtenBy: 'Officer A. Novak',
    restricted: 'The request came through the BLUE liaison channel.',
  },
  'follow-up': {
    caseId: EXAMPLE_CASE_ID,
    action: 'Confirm that Ms Ellery has left Port Halden.',
    status: 'open',
    dueDate: '2025-03-15',
    assignedTo: 'Officer E. Varga',
  },
  escalation: {
    caseId: EXAMPLE_CASE_ID,
    issue: 'The liaison desk holds that a warning would expose BLUE’s source; the station holds that the warning text exposes nothing.',
    raisedBy: 'Chief C. Laurent',
    escalatedTo: 'Deputy Director for Operations',
    elements: ['Port Halden station', 'Liaison desk'],
  },
  resolution: {
    caseId: EXAMPLE_CASE_ID,
    resolves: EXAMPLE_TARGET_ID,
    outcome: 'Warn, using the agreed text only, through the newspaper’s security adviser.',
    decidedBy: 'Deputy Director D. Mensah',
    role: 'Deputy Director for Operations',
  },
  closure: {
    caseId: EXAMPLE_CASE_ID,
    reason: 'warning-delivered',
    closedBy: 'Chief C. Laurent',
    comment: 'Ms Ellery left Port Halden on 11 March; no further reporting.',
  },
  amendment: {
    caseId: EXAMPLE_CASE_ID,
    // Corrects the case.opened entry, whose id is the case id.
    target: EXAMPLE_CASE_ID,
    changes: {
      specifics: {
        timing: 'Before she leaves Port Halden on 13 March (corrected date).',
        location: 'Between the hotel and the harbour office.',
        perpetrators: 'Two men hired by a local smuggling network; names not known.',
      },
    },
    reason: 'The departure date was misread from the report: 13 March, not 14.',
    amendedBy: 'Officer A. Novak',
  },
};

/** The other decision, for flows that end in a waiver. */
export const EXAMPLE_WAIVE_DECISION: EntryBody<'decision'> = {
  caseId: EXAMPLE_CASE_ID,
  decision: 'waive',
  rationale: 'Warning would expose the only source on the network; the host service will protect her instead.',
  decidedBy: 'Chief C. Laurent',
  role: 'Chief of Station',
};

export interface ExampleIds {
  /** Substituted for EXAMPLE_CASE_ID. */
  caseId?: string;
  /** Substituted for EXAMPLE_TARGET_ID. */
  targetId?: string;
}

/** A fresh copy of the example body of a kind, with the placeholders replaced. */
export function exampleBody<K extends UserEntryKind>(kind: K, ids: ExampleIds = {}): EntryBody<K> {
  return substitute(EXAMPLE_BODIES[kind], ids) as EntryBody<K>;
}

/** Replaces the placeholders anywhere in a (JSON) value; returns a fresh copy. */
export function substitute<T>(value: T, ids: ExampleIds): T {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => {
    if (v === EXAMPLE_CASE_ID && ids.caseId !== undefined) return ids.caseId;
    if (v === EXAMPLE_TARGET_ID && ids.targetId !== undefined) return ids.targetId;
    return v;
  }) as T;
}
