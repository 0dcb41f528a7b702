/**
 * The guided flow of a case, in the directive's order: the threat, its assessment, the
 * decision to warn or to waive, then the waiver and its approval or the delivery of the
 * warning, then the acknowledgement and follow-ups, then closure. A case may stop at any
 * step and be taken up again later; where it stands is read from its folded view.
 */
import type { CaseView, UserEntryKind } from '../../../shared/domain';

export type StepId = 'threat' | 'assessment' | 'decision' | 'waiver' | 'approval' | 'delivery' | 'follow-up' | 'closure';

export interface StepDef {
  id: StepId;
  /** The entry kind the step records. */
  kind: UserEntryKind;
  title: string;
  /** What the step asks of the officer, in one sentence. */
  intro: string;
}

export const STEP_DEFS: Record<StepId, StepDef> = {
  threat: {
    id: 'threat',
    kind: 'case.opened',
    title: 'The threat',
    intro: 'Record the threat: its type, what is targeted, the intended victim, what is known of the timing, the location and the perpetrators, and the sanitized warning text.',
  },
  assessment: {
    id: 'assessment',
    kind: 'case.assessed',
    title: 'Assessment',
    intro: 'Assess the threat: is it credible, which specifics are known, how confident is the assessment, and is the threshold for a duty to warn met?',
  },
  decision: {
    id: 'decision',
    kind: 'decision',
    title: 'Decision',
    intro: 'Decide whether to warn the intended victim or to waive the duty to warn, and say why.',
  },
  waiver: {
    id: 'waiver',
    kind: 'waiver',
    title: 'Waiver',
    intro: 'A waiver needs one or more reasons that the policy lists, a written justification, and the senior officer who approves it.',
  },
  approval: {
    id: 'approval',
    kind: 'approval',
    title: 'Approval',
    intro: 'A senior officer other than the one who requested the waiver approves or rejects it.',
  },
  delivery: {
    id: 'delivery',
    kind: 'delivery',
    title: 'Delivery',
    intro: 'Record how the warning was given: the channel, the recipient, who gave it and when, by what means, the exact text, and the cable reference.',
  },
  'follow-up': {
    id: 'follow-up',
    kind: 'follow-up',
    title: 'Acknowledgement and follow-ups',
    intro: 'Record whether the warning was acknowledged and how the recipient responded, and anything still to do or check.',
  },
  closure: {
    id: 'closure',
    kind: 'closure',
    title: 'Closure',
    intro: 'Close the case when nothing more is to be done, with the reason.',
  },
};

export type StepState = 'done' | 'current' | 'todo' | 'not-needed';

export interface FlowStep extends StepDef {
  state: StepState;
}

/** The step a case needs next; null for a closed case. */
export function nextStep(view: CaseView | null): StepId | null {
  if (!view) return 'threat';
  switch (view.status) {
    case 'open':
      return 'assessment';
    case 'assessed':
      return 'decision';
    case 'warning-pending':
      return 'delivery';
    case 'waiver-pending':
      return 'waiver';
    case 'awaiting-approval':
      return 'approval';
    case 'warned':
    case 'waived':
      return view.followUps.length > 0 || acknowledged(view) ? 'closure' : 'follow-up';
    case 'escalated':
      return null;
    case 'closed':
      return null;
  }
}

function acknowledged(view: CaseView): boolean {
  return view.deliveries.some((d) => d.body.acknowledged !== undefined);
}

/** The branch a case takes after the decision. */
export function branchOf(view: CaseView | null): 'warn' | 'waive' | null {
  return view?.decision ?? null;
}

/** The steps of a case's flow with their state, the branch not taken marked not needed. */
export function flowSteps(view: CaseView | null): FlowStep[] {
  const branch = branchOf(view);
  const order: StepId[] = ['threat', 'assessment', 'decision', 'waiver', 'approval', 'delivery', 'follow-up', 'closure'];
  const next = nextStep(view);
  const done = (id: StepId): boolean => {
    if (!view) return false;
    switch (id) {
      case 'threat':
        return view.opening !== null;
      case 'assessment':
        return view.assessments.length > 0;
      case 'decision':
        return view.currentDecision !== null || view.decision !== null;
      case 'waiver':
        return view.waiver !== null && view.waiver.approval !== 'rejected';
      case 'approval':
        return view.waiver?.approval === 'approved';
      case 'delivery':
        return view.deliveries.length > 0;
      case 'follow-up':
        return view.followUps.length > 0 || acknowledged(view);
      case 'closure':
        return view.closure !== null;
    }
  };
  return order.map((id) => {
    let state: StepState;
    if (done(id)) state = 'done';
    else if (id === next) state = 'current';
    else if ((branch === 'warn' && (id === 'waiver' || id === 'approval')) || (branch === 'waive' && id === 'delivery')) state = 'not-needed';
    else state = 'todo';
    return { ...STEP_DEFS[id], state };
  });
}

export function isStepId(value: string): value is StepId {
  return Object.prototype.hasOwnProperty.call(STEP_DEFS, value);
}
