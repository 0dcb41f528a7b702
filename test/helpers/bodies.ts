/** Bodies shared by the core tests: the issue's own case.opened, with realistic text. */
export const OPENED = {
  threatType: 'intentional-killing',
  targetKind: 'person',
  intendedVictim: { description: 'A journalist living in the capital', usPerson: 'unknown' },
  summary: 'A plan to kill a journalist next week',
  warningText: 'Your life is in danger: avoid your usual routes.',
  marking: 'TLP:AMBER',
  sourceProtection: { notes: 'HUMINT source ZEBRA-7, handled by station' },
};

export function waiverBody(caseId: string, extra: Record<string, unknown> = {}) {
  return {
    caseId,
    reasons: ['endangers-sources'],
    justification: 'Warning now would expose the only source.',
    requestedBy: 'Officer A. Smith',
    approvedBy: 'Director B. Jones',
    ...extra,
  };
}
