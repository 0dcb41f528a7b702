/**
 * The guided flow, one step at a time in the directive's order. Each step writes its entry
 * when it is complete and valid, then the flow moves to the step the case needs next; the
 * officer may stop at any step and take it up again from the case page. Unfinished steps
 * are kept as encrypted drafts.
 */
import { useMemo, useState } from 'react';
import { describeFields, DEFAULT_POLICY, KIND_INFO, policyLabel, shortId, type CaseView } from '../../../shared/domain';
import { call } from '../api/client';
import { useAppend, useCase } from '../api/queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { RecordFields } from '../components/FieldValue';
import { MarkingBadge, StatusBadge } from '../components/StatusBadge';
import { buildAmendment } from '../forms/amend';
import { bodyToValues, type FormValues } from '../forms/body-form';
import { EntryForm } from '../forms/EntryForm';
import type { EntryChoice } from '../forms/FieldInput';
import { flowSteps, nextStep, STEP_DEFS, type StepId } from '../forms/flow';
import { formatDateTime, nowLocalInput } from '../lib/format';
import { navigate } from '../router';

const SUBMIT_LABELS: Record<StepId, string> = {
  threat: 'Open the case',
  assessment: 'Save the assessment',
  decision: 'Save the decision',
  waiver: 'Save the waiver',
  approval: 'Save the approval',
  delivery: 'Save the delivery',
  'follow-up': 'Save the follow-up',
  closure: 'Close the case',
};

export function CaseFlow({ caseId, step }: { caseId: string | null; step?: StepId }) {
  if (caseId === null) return <NewCase />;
  return <CaseStep caseId={caseId} step={step ?? 'assessment'} />;
}

function Stepper({ view, current }: { view: CaseView | null; current: StepId }) {
  const steps = flowSteps(view);
  return (
    <ol className="stepper" aria-label="Steps of the case">
      {steps.map((s, i) => {
        const here = s.id === current;
        const stateText = here ? 'this step' : s.state === 'done' ? 'done' : s.state === 'not-needed' ? 'not needed' : s.state === 'current' ? 'next' : 'to do';
        const link = view && !here && s.state !== 'not-needed' && s.id !== 'threat';
        return (
          <li key={s.id} className={`step step-${s.state}${here ? ' step-here' : ''}`} aria-current={here ? 'step' : undefined}>
            <span className="step-number" aria-hidden="true">
              {s.state === 'done' ? '✓' : i + 1}
            </span>
            {link ? <a href={`#/cases/${view.caseId}/step/${s.id}`}>{s.title}</a> : <span>{s.title}</span>}
            <span className="step-state">({stateText})</span>
          </li>
        );
      })}
    </ol>
  );
}

function NewCase() {
  const append = useAppend();
  return (
    <section className="screen flow" aria-labelledby="flow-title">
      <h1 id="flow-title">New case</h1>
      <Stepper view={null} current="threat" />
      <h2 id="step-title">Step 1: {STEP_DEFS.threat.title}</h2>
      <p className="lead">{STEP_DEFS.threat.intro}</p>
      <EntryForm
        kind="case.opened"
        formId="threat"
        labelledBy="step-title"
        draftKey="new-case"
        submitLabel="Open the case"
        onCancel={() => navigate({ name: 'cases' })}
        cancelLabel="Back to the cases"
        onSubmit={async (body) => {
          const [written] = await append([{ kind: 'case.opened', body }]);
          if (written) navigate({ name: 'case-step', caseId: written.id, step: 'assessment' });
        }}
      />
    </section>
  );
}

/** The choices for the entry-id fields of a step, from the case's own entries. */
function entryChoices(view: CaseView): Record<string, EntryChoice[]> {
  const label = (kind: string, id: string, ts: string, text: string) => `${KIND_INFO[kind as keyof typeof KIND_INFO]?.title ?? kind} of ${formatDateTime(ts)} (${shortId(id)})${text ? `: ${text}` : ''}`;
  const waivers = view.waivers.map((w) => ({ value: w.id, label: label('waiver', w.id, w.ts, `approver ${String(w.body.approvedBy ?? '?')}`) }));
  const decisions = view.decisions.map((d) => ({ value: d.id, label: label('decision', d.id, d.ts, String(d.body.decision ?? '')) }));
  const deliveries = view.deliveries.map((d) => ({ value: d.id, label: label('delivery', d.id, d.ts, String(d.body.recipient ?? '')) }));
  return {
    target: [...waivers.reverse(), ...decisions.reverse(), ...deliveries.reverse()],
    completes: view.followUps.filter((f) => !f.done).map((f) => ({ value: f.id, label: label('follow-up', f.id, f.ts, String(f.body.action ?? '')) })),
    resolves: view.escalations.filter((e) => e.resolvedBy === null).map((e) => ({ value: e.id, label: label('escalation', e.id, e.ts, String(e.body.issue ?? '').slice(0, 60)) })),
    subject: view.timeline.filter((t) => t.kind !== 'amendment').map((t) => ({ value: t.id, label: `${t.label} of ${formatDateTime(t.ts)} (${shortId(t.id)})` })),
  };
}

/** What a step's form starts with, from what the case already says. */
function initialValues(step: StepId, view: CaseView): FormValues | undefined {
  const opening = (view.opening?.body ?? {}) as Record<string, unknown>;
  switch (step) {
    case 'delivery':
      return {
        ...bodyToValues(describeFields('delivery'), typeof opening.warningText === 'string' ? { warningText: opening.warningText } : {}),
        deliveredAt: nowLocalInput(),
      };
    case 'approval': {
      const w = view.waiver;
      return w ? { target: w.id, approvedBy: typeof w.body.approvedBy === 'string' ? w.body.approvedBy : '', verdict: '' } : undefined;
    }
    case 'closure':
      return { reason: view.outcome === 'warned' ? 'warning-delivered' : view.outcome === 'waived' ? 'waiver-approved' : '' };
    default:
      return undefined;
  }
}

function CaseStep({ caseId, step }: { caseId: string; step: StepId }) {
  const query = useCase(caseId);
  const append = useAppend();
  const view = query.data;
  const def = STEP_DEFS[step];
  const choices = useMemo(() => (view ? entryChoices(view) : {}), [view]);
  const index = (['threat', 'assessment', 'decision', 'waiver', 'approval', 'delivery', 'follow-up', 'closure'] as StepId[]).indexOf(step) + 1;

  const afterSave = async () => {
    const fresh = await call('getCase', { caseId });
    const next = nextStep(fresh);
    if (next && next !== step && next !== 'threat') navigate({ name: 'case-step', caseId, step: next });
    else navigate({ name: 'case', caseId });
  };

  return (
    <section className="screen flow" aria-labelledby="flow-title">
      <h1 id="flow-title">{view ? view.title : 'Case'}</h1>
      <ErrorMessage error={query.error} title="The case could not be read." />
      {view ? (
        <>
          <p className="case-line">
            <StatusBadge status={view.status} /> <MarkingBadge marking={view.marking} /> <span>{view.statusReason}</span> ·{' '}
            <a href={`#/cases/${caseId}`}>Back to the case page</a>
          </p>
          <Stepper view={view} current={step} />
          <h2 id="step-title">
            Step {index}: {def.title}
          </h2>
          <p className="lead">{def.intro}</p>
          {step === 'threat' ? (
            <p>
              The threat is recorded. To correct it, amend it from the <a href={`#/cases/${caseId}`}>case page</a>.
            </p>
          ) : view.opening === null || view.opening.origin.kind === 'imported' ? (
            <p>
              This case was opened on another workstation: its steps are recorded there. <a href={`#/cases/${caseId}`}>Back to the case page</a>.
            </p>
          ) : (
            <>
              <StepContext step={step} view={view} />
              {step === 'follow-up' ? <Acknowledgement view={view} onSaved={afterSave} /> : null}
              {step === 'follow-up' ? <h3 id="followup-title">Add a follow-up</h3> : null}
              <EntryForm
                key={`${caseId}-${step}`}
                kind={def.kind}
                formId={`step-${step}`}
                labelledBy={step === 'follow-up' ? 'followup-title' : 'step-title'}
                fixed={{ caseId }}
                initial={initialValues(step, view)}
                entryChoices={choices}
                draftKey={`case.${caseId}.${step}`}
                submitLabel={SUBMIT_LABELS[step]}
                onCancel={() => navigate({ name: 'case', caseId })}
                cancelLabel="Not now: back to the case"
                onSubmit={async (body) => {
                  await append([{ kind: def.kind, body }], caseId);
                  await afterSave();
                }}
              />
            </>
          )}
        </>
      ) : query.isPending ? (
        <p aria-busy="true">Loading the case…</p>
      ) : null}
    </section>
  );
}

/** What the officer needs in view to take the step: the threat, the waiver to approve... */
function StepContext({ step, view }: { step: StepId; view: CaseView }) {
  const policy = DEFAULT_POLICY;
  if (step === 'approval' && view.waiver) {
    return (
      <section className="card context" aria-labelledby="ctx-title">
        <h3 id="ctx-title">The waiver to approve</h3>
        <RecordFields kind="waiver" body={view.waiver.body as Record<string, unknown>} withheld={view.waiver.withheld} />
        <p className="note">
          The approval counts only if it is given by someone other than the officer who requested the waiver
          {typeof view.waiver.body.requestedBy === 'string' ? ` (${view.waiver.body.requestedBy})` : ''}.
        </p>
      </section>
    );
  }
  if (step === 'decision' && view.assessment) {
    const a = view.assessment.body;
    return (
      <section className="card context" aria-labelledby="ctx-title">
        <h3 id="ctx-title">The assessment</h3>
        <p>
          {a.credible === true ? 'Credible' : a.credible === false ? 'Not credible' : 'Credibility not known'}; confidence {String(a.confidence ?? '—')}; threshold
          for a duty to warn {a.thresholdMet === true ? 'met' : a.thresholdMet === false ? 'not met' : 'not known'}.
        </p>
        {a.thresholdMet === false ? <p className="note">The threshold is not met: the case may be closed with that reason instead.</p> : null}
      </section>
    );
  }
  const o = view.opening?.body;
  if (!o) return null;
  return (
    <section className="card context" aria-labelledby="ctx-title">
      <h3 id="ctx-title">The threat</h3>
      <p>
        {typeof o.threatType === 'string' ? policyLabel(policy, 'threatTypes', o.threatType) : 'Threat'}
        {typeof o.targetKind === 'string' ? ` against a ${policyLabel(policy, 'targetKinds', o.targetKind).toLowerCase()}` : ''}
        {o.intendedVictim && typeof o.intendedVictim.description === 'string' ? `: ${o.intendedVictim.description}` : ''}
      </p>
      {typeof o.summary === 'string' ? <p className="pre">{o.summary}</p> : null}
    </section>
  );
}

/** The acknowledgement of a delivered warning, recorded as an amendment of the delivery. */
function Acknowledgement({ view, onSaved }: { view: CaseView; onSaved: () => Promise<void> }) {
  const append = useAppend();
  const delivery = [...view.deliveries].reverse().find((d) => d.body.acknowledged === undefined) ?? null;
  const [ack, setAck] = useState('');
  const [response, setResponse] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  if (!delivery) return null;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const changes: Record<string, unknown> = {};
    if (ack) changes.acknowledged = ack === 'yes';
    if (response.trim()) changes.recipientResponse = response.trim();
    if (Object.keys(changes).length === 0) {
      setProblems(['Acknowledged: say whether the recipient acknowledged the warning']);
      return;
    }
    const built = buildAmendment(
      { id: delivery.id, kind: 'delivery', caseId: view.caseId, body: delivery.body as Record<string, unknown>, withheld: delivery.withheld },
      { changes, reason: 'Acknowledgement of the warning recorded' },
    );
    setProblems(built.problems.map((p) => p.message));
    if (built.problems.length > 0) return;
    try {
      await append([{ kind: 'amendment', body: built.body }], view.caseId);
      await onSaved();
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <form className="card" aria-labelledby="ack-title" noValidate onSubmit={submit}>
      <h3 id="ack-title">Acknowledgement of the warning delivered on {formatDateTime(String(delivery.body.deliveredAt ?? delivery.ts))}</h3>
      {problems.length > 0 ? (
        <div className="message error" role="alert">
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <fieldset className="field radios">
        <legend>Acknowledged</legend>
        <p className="help">Whether the recipient acknowledged the warning.</p>
        {[
          ['yes', 'Yes'],
          ['no', 'No'],
        ].map(([v, l]) => (
          <div className="choice" key={v}>
            <input type="radio" id={`ack-${v}`} name="ack" value={v} checked={ack === v} onChange={() => setAck(v!)} />
            <label htmlFor={`ack-${v}`}>{l}</label>
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="ack-response">
          Recipient’s response <span className="optional">(optional)</span>
        </label>
        <textarea id="ack-response" rows={3} value={response} onChange={(e) => setResponse(e.target.value)} />
      </div>
      <ErrorMessage error={failure} title="The acknowledgement was not saved." />
      <div className="actions">
        <button type="submit" className="primary">
          Record the acknowledgement
        </button>
      </div>
    </form>
  );
}
