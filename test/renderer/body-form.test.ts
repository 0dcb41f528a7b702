import { describe, expect, it } from 'vitest';
import { describeFields, EXAMPLE_CASE_ID, exampleBody, USER_ENTRY_KINDS, type UserEntryKind } from '../../shared/domain';
import {
  bodyToValues,
  checkForm,
  emptyValues,
  fieldForProblem,
  getAt,
  setAt,
  valuesToBody,
} from '../../renderer/src/forms/body-form';

/** Dates with an offset name the same instant however the offset is written. */
function sameInstants(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && /T\d\d:\d\d/.test(a)) return Date.parse(a) === Date.parse(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameInstants(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.join() === kb.join() && ka.every((k) => sameInstants((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

describe('entry forms', () => {
  it('give back every example body, through the inputs and back (amendment aside: its changes are a map)', () => {
    for (const kind of USER_ENTRY_KINDS.filter((k): k is Exclude<UserEntryKind, 'amendment'> => k !== 'amendment')) {
      const fields = describeFields(kind);
      const body = exampleBody(kind) as Record<string, unknown>;
      const values = bodyToValues(fields, body);
      const back = valuesToBody(fields, values);
      expect(sameInstants(back, body), kind).toBe(true);
      const { problems } = checkForm(kind, fields, values);
      expect(problems, kind).toEqual([]);
    }
  });

  it('refuse an empty waiver naming every missing field in the officer’s words', () => {
    const fields = describeFields('waiver');
    const { problems, body } = checkForm('waiver', fields, emptyValues(fields), { caseId: EXAMPLE_CASE_ID });
    expect(body).toEqual({ caseId: EXAMPLE_CASE_ID, reasons: [] });
    const lines = problems.map((p) => p.line);
    expect(lines).toContain('Waiver reasons: choose at least one waiver reason');
    expect(lines).toContain('Justification: required');
    expect(lines).toContain('Requested by: required');
    expect(lines).toContain('Approved by: required');
    expect(problems.every((p) => p.path !== '')).toBe(true);
  });

  it('name a missing field inside a group by its place', () => {
    const fields = describeFields('case.opened');
    let values = bodyToValues(fields, exampleBody('case.opened') as Record<string, unknown>);
    values = setAt(values, 'intendedVictim.usPerson', '');
    expect(getAt(values, 'intendedVictim.usPerson')).toBe('');
    const { problems } = checkForm('case.opened', fields, values);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('intendedVictim.usPerson');
    expect(problems[0]!.line).toBe('Intended victim › U.S. person: required');
  });

  it('turn inputs into the body’s types, and leave empty optional inputs out', () => {
    const fields = describeFields('case.assessed');
    const values = {
      ...emptyValues(fields),
      credible: 'yes',
      credibilityReason: '  Two reports agree.\n',
      specific: { timing: 'yes', location: 'no', perpetrators: 'no' },
      confidence: '80',
      thresholdMet: 'yes',
      assessedBy: ' Officer B ',
      notes: '   ',
    };
    expect(valuesToBody(fields, values)).toEqual({
      credible: true,
      credibilityReason: '  Two reports agree.',
      specific: { timing: true, location: false, perpetrators: false },
      confidence: 80,
      thresholdMet: true,
      assessedBy: 'Officer B',
    });
    const bad = checkForm('case.assessed', fields, { ...values, confidence: '80.5' }, { caseId: EXAMPLE_CASE_ID });
    expect(bad.problems.map((p) => p.line)).toEqual(['Confidence: expected a whole number']);
    const rule = checkForm('case.assessed', fields, { ...values, credible: 'no' }, { caseId: EXAMPLE_CASE_ID });
    expect(rule.problems.map((p) => p.path)).toEqual(['thresholdMet']);
  });

  it('send a local date and time with its offset, and lists one item a line', () => {
    const fields = describeFields('case.opened');
    const base = bodyToValues(fields, exampleBody('case.opened') as Record<string, unknown>);
    const body = valuesToBody(fields, { ...base, receivedAt: '2025-03-10T09:15', caveats: 'NOFORN\n\n REL TO GBR \n' });
    expect(body.receivedAt).toMatch(/^2025-03-10T09:15:00[+-]\d\d:\d\d$/);
    expect(new Date(body.receivedAt as string).getHours()).toBe(9);
    expect(body.caveats).toEqual(['NOFORN', 'REL TO GBR']);
  });

  it('place a problem on a list item at its list', () => {
    const fields = describeFields('waiver');
    expect(fieldForProblem(fields, 'reasons.1')?.path).toBe('reasons');
    expect(fieldForProblem(fields, 'nothing')).toBeUndefined();
    const values = { ...emptyValues(fields), reasons: ['no-means', 'no-means'], justification: 'x', requestedBy: 'A', approvedBy: 'B' };
    const { problems } = checkForm('waiver', fields, values, { caseId: EXAMPLE_CASE_ID });
    expect(problems.map((p) => p.line)).toEqual(['Waiver reasons (item 2): "no-means" is listed twice']);
  });
});
