/**
 * The bodies of the entries officers write. A body's top-level fields are the unit of
 * redaction in an exported bundle, so everything sensitive (sources, methods, restricted
 * notes) is its own top-level field, marked `sensitive`, and nothing else is.
 */
import { z } from 'zod';
import {
  bool,
  choice,
  entryId,
  field,
  fieldMap,
  group,
  integer,
  isoDate,
  isoDateTime,
  line,
  list,
  policyCode,
  sha256Hex,
  text,
} from './fields';
import type { Policy } from './policy';
import { KIND_INFO, type UserEntryKind } from './kinds';

/** Reports a problem that a single field's schema cannot see (a rule across fields). */
export type Report = (path: (string | number)[], message: string) => void;

/**
 * A rule across fields, run after the fields themselves are valid. `withheld` names fields
 * that a redacted import does not carry: a rule that depends on one of them is skipped.
 */
export type CrossCheck = (body: Record<string, unknown>, report: Report, withheld: ReadonlySet<string>) => void;

export interface KindDef<S extends z.ZodObject = z.ZodObject> {
  object: S;
  check?: CrossCheck;
}

function def<S extends z.ZodObject>(kind: UserEntryKind, object: S, check?: CrossCheck): KindDef<S> {
  const described = object.meta({ ...KIND_INFO[kind] });
  return check ? { object: described, check } : { object: described };
}

const caseId = () =>
  field('Case', 'The id of the case this entry belongs to: the id of its "case opened" entry.', entryId());

const officer = (title: string, description: string) => field(title, description, line(200));
const optionalOfficer = (title: string, description: string) => field(title, description, line(200), { optional: true });

function sourceProtection() {
  return field(
    'Source protection',
    'Above the tearline: what must be protected (sources, methods, the originating service and its restrictions). Never shown in search results, masked on screen until revealed, and left out of exported bundles unless explicitly included.',
    group({
      notes: field('Notes', 'What a reader must know to protect the sources and methods behind this information.', text()),
      originator: field(
        'Originator',
        'The service or liaison partner the information came from, if it may be recorded here.',
        line(),
        { optional: true },
      ),
      restrictions: field(
        'Restrictions',
        'Conditions the originator set on the use of the information (for example a third-party rule).',
        text(4000),
        { optional: true },
      ),
    }),
    { optional: true, sensitive: true },
  );
}

export function caseBodyDefs(policy: Policy) {
  return {
    'case.opened': def(
      'case.opened', z.strictObject({
        title: field(
          'Title',
          'A short name for the case, used in lists and reports. Keep source details out of it.',
          line(120),
          { optional: true },
        ),
        threatType: field(
          'Threat type',
          'What the threat is: intentional killing, serious bodily harm or kidnapping.',
          policyCode(policy, 'threatTypes'),
        ),
        targetKind: field(
          'Target',
          'What is targeted: a person, a group, an institution, a place or a structure.',
          policyCode(policy, 'targetKinds'),
        ),
        intendedVictim: field(
          'Intended victim',
          'Who or what is threatened, as precisely as is known.',
          group({
            description: field(
              'Description',
              'Who the intended victim is: name or description, role, anything that identifies them to whoever must warn them.',
              text(4000),
            ),
            usPerson: field(
              'U.S. person',
              'Whether the intended victim is a U.S. person.',
              policyCode(policy, 'usPerson'),
            ),
            name: field('Name', 'The intended victim’s name, if known.', line(), { optional: true }),
            nationality: field('Nationality', 'The intended victim’s nationality, if known.', line(), { optional: true }),
            location: field('Location', 'Where the intended victim is, or will be when the threat is expected.', text(2000), {
              optional: true,
            }),
            protectors: field(
              'Protected by',
              'Who is responsible for the intended victim’s safety (a security detail, a host-nation service), if known.',
              text(2000),
              { optional: true },
            ),
          }),
        ),
        specifics: field(
          'Specifics',
          'What is known of the three specifics that make a threat actionable. Leave a specific out when nothing is known of it.',
          group({
            timing: field('Timing', 'When the threat is expected to be carried out.', text(4000), { optional: true }),
            location: field('Location', 'Where the threat is expected to be carried out.', text(4000), { optional: true }),
            perpetrators: field('Perpetrators', 'Who is expected to carry out the threat.', text(4000), { optional: true }),
          }),
          { optional: true },
        ),
        summary: field(
          'Summary',
          'The threat in a few sentences, as the officers handling the case need it. Put source and method details in Source protection, not here.',
          text(),
        ),
        credibility: field(
          'Credibility',
          'A first view of whether the threat is credible, and why. The formal judgement is the assessment.',
          group({
            credible: field('Credible', 'Whether the threat appears credible.', bool()),
            why: field('Why', 'What the judgement rests on, without naming sources.', text(4000)),
          }),
          { optional: true },
        ),
        confidence: field('Confidence', 'Confidence in the threat information, from 0 (none) to 100 (certain).', integer(0, 100), {
          optional: true,
        }),
        warningText: field(
          'Warning text',
          'The sanitized warning, worded so that it can be given to the intended victim or those who protect them: below the tearline, with no sources and no methods.',
          text(),
          { optional: true },
        ),
        marking: field(
          'Marking',
          'The Traffic Light Protocol (TLP 2.0) marking that governs who may see this case.',
          policyCode(policy, 'tlpMarkings'),
        ),
        caveats: field(
          'Caveats',
          'Further handling caveats, one per item (for example NOFORN, ORCON, REL TO ...).',
          list(line(100), 1, 20),
          { optional: true },
        ),
        receivedAt: field(
          'Information received',
          'When the threat information was received, if earlier than the opening of the case.',
          isoDateTime(),
          { optional: true },
        ),
        openedBy: optionalOfficer('Opened by', 'The officer who opens the case.'),
        sourceProtection: sourceProtection(),
      }),
    ),

    'case.assessed': def(
      'case.assessed', z.strictObject({
        caseId: caseId(),
        credible: field('Credible', 'Whether the threat is credible.', bool()),
        credibilityReason: field(
          'Why (credibility)',
          'Why the threat is, or is not, judged credible. Do not name sources here: use Source protection.',
          text(),
        ),
        specific: field(
          'Specifics known',
          'Which of the three specifics are known well enough to act on.',
          group({
            timing: field('Timing known', 'Whether it is known when the threat is to be carried out.', bool()),
            location: field('Location known', 'Whether it is known where the threat is to be carried out.', bool()),
            perpetrators: field('Perpetrators known', 'Whether it is known who is to carry out the threat.', bool()),
          }),
        ),
        confidence: field('Confidence', 'Confidence in the assessment, from 0 (none) to 100 (certain).', integer(0, 100)),
        thresholdMet: field(
          'Threshold met',
          'Whether the threat meets the threshold of the duty to warn: a credible and specific threat of intentional killing, serious bodily harm or kidnapping. It cannot be met by a threat judged not credible.',
          bool(),
        ),
        assessedBy: officer('Assessed by', 'The officer who makes the assessment.'),
        notes: field('Notes', 'Anything else the assessment should record.', text(), { optional: true }),
        sourceProtection: sourceProtection(),
      }),
      (body, report, withheld) => {
        if (!withheld.has('thresholdMet') && !withheld.has('credible') && body.thresholdMet === true && body.credible === false) {
          report(['thresholdMet'], 'cannot be true when the threat is judged not credible');
        }
      },
    ),

    decision: def(
      'decision', z.strictObject({
        caseId: caseId(),
        decision: field(
          'Decision',
          'warn: the intended victim will be warned. waive: the duty to warn is waived for a reason the policy lists (record the waiver next).',
          choice(['warn', 'waive'] as const, { warn: 'Warn', waive: 'Waive the duty to warn' }),
        ),
        rationale: field('Rationale', 'Why this decision was taken.', text()),
        decidedBy: officer('Decided by', 'The officer who takes the decision.'),
        role: field('Role', 'The deciding officer’s position.', line(), { optional: true }),
      }),
    ),

    waiver: def(
      'waiver', z.strictObject({
        caseId: caseId(),
        reasons: field(
          'Waiver reasons',
          'The reasons, from those the policy lists, for which the duty to warn is waived. At least one.',
          list(policyCode(policy, 'waiverReasons'), 1, 20, 'choose at least one waiver reason'),
        ),
        justification: field(
          'Justification',
          'The written justification of the waiver: why the reasons apply to this case. Required by the directive.',
          text(),
        ),
        requestedBy: officer('Requested by', 'The officer who requests the waiver.'),
        approvedBy: officer('Approved by', 'The senior officer who approved the waiver, by name. Required by the directive.'),
        approverRole: field('Approver’s role', 'The approving officer’s position.', line(), { optional: true }),
        reviewDate: field('Review date', 'When the waiver is to be reviewed (YYYY-MM-DD).', isoDate(), { optional: true }),
        sourceProtection: sourceProtection(),
      }),
      (body, report, withheld) => {
        if (withheld.has('reasons') || !Array.isArray(body.reasons)) return;
        const seen = new Set<unknown>();
        body.reasons.forEach((r, i) => {
          if (seen.has(r)) report(['reasons', i], `"${String(r)}" is listed twice`);
          seen.add(r);
        });
      },
    ),

    approval: def(
      'approval', z.strictObject({
        caseId: caseId(),
        target: field('Approved entry', 'The id of the entry approved or rejected: a waiver, a decision or a delivery.', entryId()),
        verdict: field(
          'Verdict',
          'approved or rejected.',
          choice(['approved', 'rejected'] as const, { approved: 'Approved', rejected: 'Rejected' }),
        ),
        approvedBy: officer('Approving officer', 'The officer who gives the verdict, by name.'),
        role: field('Role', 'The approving officer’s position (for a waiver: a senior officer).', line()),
        comment: field('Comment', 'Remarks; required when the verdict is rejected, to say why.', text(), { optional: true }),
      }),
      (body, report, withheld) => {
        if (!withheld.has('verdict') && !withheld.has('comment') && body.verdict === 'rejected' && body.comment === undefined) {
          report(['comment'], 'required when the verdict is rejected: say why');
        }
      },
    ),

    delivery: def(
      'delivery', z.strictObject({
        caseId: caseId(),
        channel: field(
          'Channel',
          'How the warning reached the intended victim.',
          policyCode(policy, 'deliveryChannels'),
        ),
        recipient: field(
          'Recipient',
          'Who received the warning: the intended victim, or the service or person who received it on their behalf.',
          text(2000),
        ),
        deliveredBy: officer('Delivered by', 'The officer (or the liaison officer) who gave the warning.'),
        deliveredAt: field('Delivered at', 'When the warning was given, with the time zone.', isoDateTime()),
        means: field('Means', 'How the warning was given: in person, by telephone, by letter, by cable...', line()),
        warningText: field(
          'Warning text given',
          'The exact text of the warning as it was given. Give either this or its hash.',
          text(),
          { optional: true },
        ),
        warningTextHash: field(
          'Warning text hash',
          'The SHA-256 of the exact warning text (UTF-8), in hexadecimal, when the text itself must not be kept here. Give either this or the text.',
          sha256Hex(),
          { optional: true },
        ),
        cableReference: field('Cable reference', 'The reference of the cable or message that carried or reported the warning.', line(), {
          optional: true,
        }),
        acknowledged: field(
          'Acknowledged',
          'Whether the recipient acknowledged the warning. Leave out while it is not known.',
          bool(),
          { optional: true },
        ),
        recipientResponse: field('Recipient’s response', 'What the recipient said or did on receiving the warning.', text(), {
          optional: true,
        }),
      }),
      (body, report, withheld) => {
        if (withheld.has('warningText') || withheld.has('warningTextHash')) return;
        const hasText = body.warningText !== undefined;
        const hasHash = body.warningTextHash !== undefined;
        if (!hasText && !hasHash) {
          report(['warningText'], 'required: give the exact warning text, or its SHA-256 in warningTextHash');
        } else if (hasText && hasHash) {
          report(['warningTextHash'], 'give either the warning text or its hash, not both');
        }
      },
    ),

    note: def(
      'note', z.strictObject({
        caseId: caseId(),
        text: field('Note', 'The note. Put anything about sources or methods in Restricted instead.', text()),
        writtenBy: optionalOfficer('Written by', 'The officer who writes the note.'),
        restricted: field(
          'Restricted',
          'Above the tearline: sources, methods or other details that must stay on this workstation. Never shown in search results, masked on screen, and left out of exports unless explicitly included.',
          text(),
          { optional: true, sensitive: true },
        ),
      }),
    ),

    'follow-up': def(
      'follow-up', z.strictObject({
        caseId: caseId(),
        action: field('Action', 'What is to be done or checked, e.g. "Confirm that the recipient acted on the warning".', text(4000)),
        status: field(
          'Status',
          'open: still to do. done: done (say what came of it in Outcome).',
          choice(['open', 'done'] as const, { open: 'To do', done: 'Done' }),
        ),
        dueDate: field('Due date', 'The day by which it must be done (YYYY-MM-DD). It is overdue from the next day.', isoDate(), {
          optional: true,
        }),
        assignedTo: optionalOfficer('Assigned to', 'The officer who is to do it.'),
        completes: field(
          'Completes',
          'The id of an earlier open follow-up that this entry reports as done.',
          entryId(),
          { optional: true },
        ),
        outcome: field('Outcome', 'What was found or done.', text(), { optional: true }),
      }),
      (body, report, withheld) => {
        if (!withheld.has('status') && body.completes !== undefined && body.status !== 'done') {
          report(['status'], 'must be "done" for a follow-up that completes an earlier one');
        }
      },
    ),

    escalation: def(
      'escalation', z.strictObject({
        caseId: caseId(),
        issue: field('Issue', 'What the elements disagree on, and what each proposes.', text()),
        raisedBy: officer('Raised by', 'The officer who escalates.'),
        escalatedTo: field('Escalated to', 'The authority asked to resolve the disagreement.', line()),
        elements: field('Elements involved', 'The elements or services that disagree, one per item.', list(line(), 1, 20), {
          optional: true,
        }),
        subject: field('Entry in dispute', 'The id of the entry the disagreement is about, if there is one.', entryId(), {
          optional: true,
        }),
      }),
    ),

    resolution: def(
      'resolution', z.strictObject({
        caseId: caseId(),
        resolves: field('Escalation', 'The id of the escalation this resolves.', entryId()),
        outcome: field('Outcome', 'What was decided, and what happens next.', text()),
        decidedBy: officer('Decided by', 'The officer or authority who resolved the escalation.'),
        role: field('Role', 'The deciding officer’s position.', line(), { optional: true }),
      }),
    ),

    closure: def(
      'closure', z.strictObject({
        caseId: caseId(),
        reason: field('Reason', 'Why the case is closed.', policyCode(policy, 'closureReasons')),
        closedBy: officer('Closed by', 'The officer who closes the case.'),
        comment: field('Comment', 'Anything the closure should record.', text(), { optional: true }),
      }),
    ),

    amendment: def(
      'amendment', z.strictObject({
        caseId: caseId(),
        target: field('Amended entry', 'The id of the entry whose fields this amendment corrects.', entryId()),
        changes: field(
          'Changes',
          'The corrected fields: each top-level field of the amended entry that changes, with its whole new value. null removes an optional field. Sensitive fields (source protection, restricted notes) go in Sensitive changes instead.',
          fieldMap(z.unknown()),
          { optional: true },
        ),
        sensitiveChanges: field(
          'Sensitive changes',
          'Corrected values of sensitive fields of the amended entry, kept apart so that they are withheld from exports like the fields they correct.',
          fieldMap(z.unknown()),
          { optional: true, sensitive: true },
        ),
        reason: field('Reason', 'Why the entry is corrected.', text(4000)),
        amendedBy: optionalOfficer('Amended by', 'The officer who makes the correction.'),
      }),
      (body, report, withheld) => {
        const changes = isRecord(body.changes) ? body.changes : {};
        const sensitive = isRecord(body.sensitiveChanges) ? body.sensitiveChanges : {};
        const count = Object.keys(changes).length + Object.keys(sensitive).length;
        if (count === 0 && !withheld.has('changes') && !withheld.has('sensitiveChanges')) {
          report(['changes'], 'required: name at least one field to correct');
        }
        for (const [map, name] of [
          [changes, 'changes'],
          [sensitive, 'sensitiveChanges'],
        ] as const) {
          if ('caseId' in map) report([name, 'caseId'], 'an entry cannot be moved to another case');
        }
        for (const key of Object.keys(sensitive)) {
          if (key in changes) report(['sensitiveChanges', key], 'is also in changes: give each field once');
        }
      },
    ),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
