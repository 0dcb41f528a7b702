import { describe, expect, it } from 'vitest';
import { findRecord } from '../../shared/domain';
import { buildAmendment } from '../../renderer/src/forms/amend';
import { flowSteps, nextStep } from '../../renderer/src/forms/flow';
import { CaseLog } from './helpers/case-log';

describe('the guided flow', () => {
  it('follows a case to a delivered warning, step by step', () => {
    const log = new CaseLog();
    expect(nextStep(null)).toBe('threat');
    const caseId = log.example('case.opened', null);
    expect(nextStep(log.view(caseId))).toBe('assessment');
    log.example('case.assessed', caseId);
    expect(nextStep(log.view(caseId))).toBe('decision');
    log.example('decision', caseId);
    expect(nextStep(log.view(caseId))).toBe('delivery');
    const steps = flowSteps(log.view(caseId));
    expect(steps.find((s) => s.id === 'waiver')!.state).toBe('not-needed');
    expect(steps.find((s) => s.id === 'delivery')!.state).toBe('current');
    // Delivered without an acknowledgement yet: the acknowledgement and follow-ups come next.
    log.example('delivery', caseId, { acknowledged: undefined, recipientResponse: undefined });
    expect(nextStep(log.view(caseId))).toBe('follow-up');
    log.example('follow-up', caseId);
    expect(nextStep(log.view(caseId))).toBe('closure');
    log.example('closure', caseId);
    expect(nextStep(log.view(caseId))).toBeNull();
    expect(flowSteps(log.view(caseId)).filter((s) => s.state === 'done').map((s) => s.id)).toEqual([
      'threat',
      'assessment',
      'decision',
      'delivery',
      'follow-up',
      'closure',
    ]);
  });

  it('takes the waiver branch to its approval', () => {
    const log = new CaseLog();
    const caseId = log.example('case.opened', null);
    log.example('case.assessed', caseId);
    log.waive(caseId);
    expect(nextStep(log.view(caseId))).toBe('waiver');
    const waiver = log.example('waiver', caseId);
    expect(nextStep(log.view(caseId))).toBe('approval');
    expect(flowSteps(log.view(caseId)).find((s) => s.id === 'delivery')!.state).toBe('not-needed');
    log.example('approval', caseId, { target: waiver });
    expect(log.view(caseId).status).toBe('waived');
    expect(nextStep(log.view(caseId))).toBe('follow-up');
  });
});

describe('amendments', () => {
  const log = new CaseLog();
  const caseId = log.example('case.opened', null);
  const view = log.view(caseId);
  const opening = findRecord(view, caseId)!;
  const target = { id: caseId, kind: 'case.opened', caseId, body: opening.body as Record<string, unknown> };

  it('put ordinary fields in changes and sensitive ones apart', () => {
    const plain = buildAmendment(target, { changes: { title: 'A corrected title' }, reason: 'Typo', amendedBy: 'Officer B' });
    expect(plain.problems).toEqual([]);
    expect(plain.body).toEqual({ caseId, target: caseId, reason: 'Typo', amendedBy: 'Officer B', changes: { title: 'A corrected title' } });
    const sensitive = buildAmendment(target, { changes: { sourceProtection: { notes: 'Corrected notes' } }, reason: 'More precise' });
    expect(sensitive.problems).toEqual([]);
    expect(sensitive.body.sensitiveChanges).toEqual({ sourceProtection: { notes: 'Corrected notes' } });
    expect(sensitive.body.changes).toBeUndefined();
  });

  it('refuse a change without a reason, a change that changes nothing, and one that breaks the entry', () => {
    expect(buildAmendment(target, { changes: { title: 'New' }, reason: '  ' }).problems).toEqual([{ at: 'reason', message: 'required' }]);
    const same = buildAmendment(target, { changes: { title: target.body.title }, reason: 'x' });
    expect(same.problems[0]!.message).toMatch(/changes nothing/);
    const broken = buildAmendment(target, { changes: { marking: 'TLP:PURPLE' }, reason: 'x' });
    expect(broken.problems[0]!.at).toBe('changes.marking');
    expect(broken.problems[0]!.message).toMatch(/not a marking/);
    const removed = buildAmendment(target, { changes: { summary: null }, reason: 'x' });
    expect(removed.problems[0]!.message).toMatch(/required/);
  });
});
