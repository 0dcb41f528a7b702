/**
 * The case view: status through a full warned case and a full waived case, amendments
 * (latest wins, history kept), approvals, follow-ups and overdue, escalations, imported and
 * redacted entries, the dashboard counts, and that sensitive fields never reach summaries
 * or search text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CASE_STATUSES,
  CASE_STATUS_INFO,
  DEFAULT_POLICY,
  EXAMPLE_WAIVE_DECISION,
  USER_ENTRY_KINDS,
  caseCounts,
  caseIdOf,
  checkAmendment,
  exampleBody,
  findRecord,
  foldCase,
  foldCases,
  isOverdue,
  overdueFollowUps,
  searchText,
  substitute,
  summarizeEntry,
  validateBody,
  type CaseView,
  type EntryKind,
  type EntryOrigin,
  type FoldInput,
  type UserEntryKind,
} from '../../shared/domain';

const LOCAL_KEY = Buffer.alloc(32, 1).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 2).toString('base64');
const HQ: EntryOrigin = { kind: 'imported', name: 'Headquarters', fingerprint: 'HQ-FP-01' };

interface AddOptions {
  origin?: EntryOrigin;
  withheld?: string[];
  verified?: boolean;
  author?: string;
  /** Store the entry without validating it (as if it came from an older or hostile writer). */
  raw?: boolean;
}

/** A stand-in for the vault's log: ids, timestamps and indexes, each body validated as the core would. */
class Log {
  readonly entries: FoldInput[] = [];
  private clock = Date.parse('2025-03-10T09:00:00.000Z');
  private next = 1;

  add(kind: EntryKind, body: Record<string, unknown>, options: AddOptions = {}): string {
    if (!options.raw) validateBody(kind, body, DEFAULT_POLICY, { withheld: options.withheld ?? [] });
    const n = this.next++;
    const id = `01957a00-${n.toString(16).padStart(4, '0')}-7000-8000-${n.toString(16).padStart(12, '0')}`;
    this.clock += 3_600_000;
    const entry: FoldInput = {
      index: this.entries.length,
      header: {
        id,
        kind,
        policy: 'icd-191-2015',
        author: options.author ?? LOCAL_KEY,
        ts: new Date(this.clock).toISOString(),
        caseId: caseIdOf(kind, id, body),
      },
      body,
      withheld: options.withheld ?? [],
      origin: options.origin ?? { kind: 'local' },
    };
    if (options.verified !== undefined) entry.verified = options.verified;
    this.entries.push(entry);
    return id;
  }

  /** Adds an example body of a kind for a case, with overrides. */
  example(kind: UserEntryKind, caseId: string, overrides: Record<string, unknown> = {}, options: AddOptions = {}): string {
    const body: Record<string, unknown> = { ...(exampleBody(kind, { caseId }) as Record<string, unknown>), ...overrides };
    // An override of undefined removes the example's field.
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    return this.add(kind, body, options);
  }

  /** Writes an amendment the way the core does: checked against the target's current values. */
  amend(caseId: string, target: string, changes: Record<string, unknown>, reason: string, extra: Record<string, unknown> = {}): string {
    const view = this.view(caseId);
    const record = findRecord(view, target);
    if (!record) throw new Error(`no record ${target}`);
    const body = { caseId, target, changes, reason, amendedBy: 'Officer A. Novak', ...extra };
    checkAmendment(body, { id: record.id, kind: record.kind, caseId, body: record.body, withheld: record.withheld });
    return this.add('amendment', body);
  }

  view(caseId: string): CaseView {
    return foldCase(this.entries.filter((e) => (e.header.kind === 'case.opened' ? e.header.id : e.header.caseId) === caseId));
  }
}

function openCase(log: Log): string {
  return log.add('case.opened', exampleBody('case.opened') as Record<string, unknown>);
}

describe('a full case to a delivered warning', () => {
  it('goes open → assessed → warning-pending → warned → closed, with its dates and follow-ups', () => {
    const log = new Log();
    const caseId = openCase(log);
    let view = log.view(caseId);
    expect(view.caseId).toBe(caseId);
    expect(view.status).toBe('open');
    expect(view.title).toBe('Plot against a visiting journalist in Port Halden');
    expect(view.threatType).toBe('intentional-killing');
    expect(view.marking).toBe('TLP:AMBER');
    expect(view.dates.openedAt).toBe(log.entries[0]!.header.ts);

    log.example('case.assessed', caseId);
    view = log.view(caseId);
    expect(view.status).toBe('assessed');
    expect(view.assessment?.body.confidence).toBe(75);

    const decision = log.example('decision', caseId);
    expect(log.view(caseId).status).toBe('warning-pending');
    expect(log.view(caseId).decision).toBe('warn');

    log.example('approval', caseId, { target: decision, comment: undefined, approvedBy: 'Chief C. Laurent', role: 'Chief of Station' });
    view = log.view(caseId);
    expect(view.status).toBe('warning-pending');
    expect(view.currentDecision?.approvals).toHaveLength(1);
    expect(view.currentDecision?.approval).toBe('approved');

    log.example('delivery', caseId);
    view = log.view(caseId);
    expect(view.status).toBe('warned');
    expect(view.outcome).toBe('warned');
    expect(view.dates.firstDeliveredAt).toBe('2025-03-11T15:40:00.000Z');
    expect(view.deliveries[0]?.body.acknowledged).toBe(true);

    const followUp = log.example('follow-up', caseId);
    view = log.view(caseId);
    expect(view.followUps[0]).toMatchObject({ id: followUp, dueDate: '2025-03-15', done: false });
    expect(overdueFollowUps(view, new Date('2025-03-15T23:59:59Z'))).toHaveLength(0);
    expect(overdueFollowUps(view, new Date('2025-03-16T00:00:00Z'))).toHaveLength(1);
    expect(caseCounts([view], Date.parse('2025-03-20T00:00:00Z')).overdueFollowUps).toBe(1);

    const done = log.example('follow-up', caseId, {
      status: 'done',
      completes: followUp,
      outcome: 'She left on the evening ferry.',
      dueDate: undefined,
    });
    view = log.view(caseId);
    expect(view.followUps[0]).toMatchObject({ done: true, completedBy: done });
    expect(overdueFollowUps(view, new Date('2025-04-01T00:00:00Z'))).toHaveLength(0);

    log.example('closure', caseId);
    view = log.view(caseId);
    expect(view.status).toBe('closed');
    expect(view.outcome).toBe('warned');
    expect(view.dates.closedAt).toBe(log.entries.at(-1)!.header.ts);
    expect(view.dates.decidedAt).toBe(log.entries[2]!.header.ts);
    expect(view.problems).toEqual([]);
    expect(view.timeline.map((t) => t.kind)).toEqual([
      'case.opened',
      'case.assessed',
      'decision',
      'approval',
      'delivery',
      'follow-up',
      'follow-up',
      'closure',
    ]);
    for (const item of view.timeline) {
      expect(item.summary).not.toContain('\n');
      expect(item.summary.length).toBeLessThan(200);
      expect(item.author).toBe(LOCAL_KEY);
    }
    expect(view.timeline[4]!.summary).toBe(
      'Warning delivered through those who protect the intended victim, to The newspaper’s security adviser, for Ms Ellery by Officer E. Varga, acknowledged',
    );
  });
});

describe('a full case to an approved waiver', () => {
  it('goes waiver-pending → awaiting-approval → (rejected) → awaiting-approval → waived → closed', () => {
    const log = new Log();
    const caseId = openCase(log);
    log.example('case.assessed', caseId);
    log.add('decision', substitute(EXAMPLE_WAIVE_DECISION, { caseId }) as Record<string, unknown>);
    let view = log.view(caseId);
    expect(view.status).toBe('waiver-pending');
    expect(view.decision).toBe('waive');

    const first = log.example('waiver', caseId);
    view = log.view(caseId);
    expect(view.status).toBe('awaiting-approval');
    expect(view.statusReason).toContain('Deputy Director D. Mensah');

    log.example('approval', caseId, { target: first, verdict: 'rejected', comment: 'Justify why the host service cannot be told.' });
    view = log.view(caseId);
    expect(view.status).toBe('waiver-pending');
    expect(view.waiver?.approval).toBe('rejected');

    const second = log.example('waiver', caseId, {
      reasons: ['endangers-sources', 'liaison-restriction'],
      justification: 'The host service is the liaison partner; telling anyone else would expose its source.',
    });
    view = log.view(caseId);
    expect(view.status).toBe('awaiting-approval');
    expect(view.waiver?.id).toBe(second);
    expect(view.waivers).toHaveLength(2);

    // The requester cannot approve their own waiver.
    log.example('approval', caseId, { target: second, approvedBy: 'officer a. novak ', role: 'Case officer' });
    view = log.view(caseId);
    expect(view.status).toBe('awaiting-approval');
    expect(view.waiver?.approvals[0]?.counted).toBe(false);
    expect(view.problems.join(' ')).toMatch(/requested the waiver; it does not count/);

    // The senior officer's approval arrives from headquarters in a bundle.
    log.example('approval', caseId, { target: second }, { origin: HQ, author: OTHER_KEY, verified: true });
    view = log.view(caseId);
    expect(view.status).toBe('waived');
    expect(view.outcome).toBe('waived');
    expect(view.dates.waivedAt).toBe(log.entries.at(-1)!.header.ts);
    expect(view.importedFrom).toEqual([{ name: 'Headquarters', fingerprint: 'HQ-FP-01' }]);
    expect(view.timeline.at(-1)).toMatchObject({ origin: HQ, author: OTHER_KEY, verified: true });
    expect(view.approvals).toHaveLength(3);
    expect(view.waiver?.approvals.map((a) => a.verdict)).toEqual(['approved', 'approved']);

    log.example('closure', caseId, { reason: 'waiver-approved' });
    view = log.view(caseId);
    expect(view.status).toBe('closed');
    expect(view.outcome).toBe('waived');
    expect(view.timeline.at(-1)!.summary).toBe('Case closed by Chief C. Laurent: Waiver approved, no further action');
    const counts = caseCounts([view], Date.now());
    expect(counts).toMatchObject({ total: 1, open: 0, closed: 1, waived: 1, warned: 0 });
  });
});

describe('status rules', () => {
  it('puts an unresolved escalation first, and returns to the case’s state once resolved', () => {
    const log = new Log();
    const caseId = openCase(log);
    log.example('decision', caseId);
    const escalation = log.example('escalation', caseId);
    expect(log.view(caseId).status).toBe('escalated');
    log.example('resolution', caseId, { resolves: escalation });
    const view = log.view(caseId);
    expect(view.status).toBe('warning-pending');
    expect(view.escalations[0]!.resolvedBy).toBe(log.entries.at(-1)!.header.id);
  });

  it('lets a rejected decision fall, and infers the decision from a delivery when there is none', () => {
    const log = new Log();
    const caseId = openCase(log);
    log.example('case.assessed', caseId);
    const decision = log.example('decision', caseId);
    log.example('approval', caseId, { target: decision, verdict: 'rejected', comment: 'Not yet: confirm the location first.' });
    expect(log.view(caseId).status).toBe('assessed');
    expect(log.view(caseId).currentDecision).toBeNull();

    const other = new Log();
    const otherCase = openCase(other);
    other.example('delivery', otherCase);
    const view = other.view(otherCase);
    expect(view.status).toBe('warned');
    expect(view.statusReason).toContain('inferred');
  });

  it('documents every status', () => {
    for (const status of CASE_STATUSES) expect(CASE_STATUS_INFO[status].description.length).toBeGreaterThan(10);
  });
});

describe('amendments in the fold', () => {
  it('applies them in log order, latest wins, and keeps the history', () => {
    const log = new Log();
    const caseId = openCase(log);
    const original = (exampleBody('case.opened') as Record<string, unknown>).summary;
    const a1 = log.amend(caseId, caseId, { summary: 'First correction.', confidence: 60 }, 'Typo in the summary.');
    const a2 = log.amend(caseId, caseId, { summary: 'Second correction.' }, 'Summary rewritten after review.', { amendedBy: 'Chief C. Laurent' });
    const view = log.view(caseId);
    const opening = view.opening!;
    expect(opening.body.summary).toBe('Second correction.');
    expect(opening.body.confidence).toBe(60);
    expect(opening.original.summary).toBe(original);
    expect(view.summary).toBe('Second correction.');
    expect(opening.amendedFields.sort()).toEqual(['confidence', 'summary']);
    expect(opening.amendments.map((a) => [a.id, a.reason, a.amendedBy, a.fields])).toEqual([
      [a1, 'Typo in the summary.', 'Officer A. Novak', ['summary', 'confidence']],
      [a2, 'Summary rewritten after review.', 'Chief C. Laurent', ['summary']],
    ]);
    expect(opening.amendments[1]!.ts).toBe(log.entries.at(-1)!.header.ts);
    expect(view.amendments.every((a) => a.applied && a.targetKind === 'case.opened')).toBe(true);
    expect(view.timeline[0]!.amendedBy).toEqual([a1, a2]);
    expect(view.timeline[0]!.summary).toContain('Plot against a visiting journalist');
  });

  it('changes the status and the dates when a decision or a delivery is corrected', () => {
    const log = new Log();
    const caseId = openCase(log);
    const decision = log.example('decision', caseId);
    const delivery = log.example('delivery', caseId);
    log.amend(caseId, delivery, { deliveredAt: '2025-03-11T09:00:00Z' }, 'Time taken from the cable, not the note.');
    expect(log.view(caseId).dates.firstDeliveredAt).toBe('2025-03-11T09:00:00.000Z');

    const other = new Log();
    const otherCase = openCase(other);
    const d = other.example('decision', otherCase);
    expect(other.view(otherCase).status).toBe('warning-pending');
    other.amend(otherCase, d, { decision: 'waive' }, 'Recorded the wrong option.');
    expect(other.view(otherCase).status).toBe('waiver-pending');
    expect(log.view(caseId).currentDecision!.id).toBe(decision);
  });

  it('applies sensitive changes, and refuses an invalid amendment before it is written', () => {
    const log = new Log();
    const caseId = openCase(log);
    log.amend(caseId, caseId, {}, 'Originator may now be named.', {
      sensitiveChanges: { sourceProtection: { notes: 'Updated notes.', originator: 'Service GREEN' } },
    });
    expect(log.view(caseId).opening!.body.sourceProtection).toEqual({ notes: 'Updated notes.', originator: 'Service GREEN' });
    expect(() => log.amend(caseId, caseId, { marking: null }, 'Remove the marking.')).toThrow(/amendment\.changes\.marking: required/);
    expect(() => log.amend(caseId, caseId, { caseId: '01957a00-0000-7000-8000-000000000000' }, 'Move it.')).toThrow(/another case/);
  });

  it('ignores, with a problem, amendments it cannot apply', () => {
    const log = new Log();
    const caseId = openCase(log);
    const waiver = log.example('waiver', caseId);
    const approval = log.example('approval', caseId, { target: waiver });
    log.add('amendment', { caseId, target: approval, changes: { verdict: 'rejected' }, reason: 'Hostile.' }, { raw: true });
    log.add('amendment', { caseId, target: '01957a00-ffff-7000-8000-00000000ffff', changes: { summary: 'x' }, reason: 'Lost.' });
    const view = log.view(caseId);
    expect(view.waiver!.approval).toBe('approved');
    expect(view.amendments.map((a) => a.applied)).toEqual([false, false]);
    expect(view.problems).toHaveLength(2);
    expect(view.problems[0]).toMatch(/cannot be amended/);
    expect(view.problems[1]).toMatch(/not in this case/);
  });
});

describe('imported, redacted and odd entries', () => {
  it('shows withheld fields and imported origins, and supplies a field later', () => {
    const log = new Log();
    const opened = exampleBody('case.opened') as Record<string, unknown>;
    delete opened.sourceProtection;
    delete opened.summary;
    const caseId = log.add('case.opened', opened, { origin: HQ, withheld: ['sourceProtection', 'summary'], author: OTHER_KEY });
    let view = log.view(caseId);
    expect(view.hasWithheld).toBe(true);
    expect(view.opening!.withheld).toEqual(['sourceProtection', 'summary']);
    expect(view.summary).toBeNull();
    expect(view.timeline[0]!.origin).toEqual(HQ);
    expect(view.timeline[0]!.withheld).toEqual(['sourceProtection', 'summary']);

    log.amend(caseId, caseId, { summary: 'Summary supplied by the station.' }, 'HQ withheld it.');
    view = log.view(caseId);
    expect(view.opening!.withheld).toEqual(['sourceProtection']);
    expect(view.summary).toBe('Summary supplied by the station.');
  });

  it('sorts by index, ignores duplicates, other cases and system entries', () => {
    const log = new Log();
    const caseId = openCase(log);
    const other = openCase(log);
    log.example('note', caseId);
    log.example('note', other);
    log.add('key.revoked', { fingerprint: 'abcd', reason: 'Lost.' });
    const entries = [...log.entries].reverse();
    entries.push(log.entries[2]!);
    const view = foldCase(entries);
    expect(view.caseId).toBe(caseId);
    expect(view.notes).toHaveLength(1);
    expect(view.timeline.map((t) => t.index)).toEqual([0, 2]);
    expect(view.problems).toHaveLength(4);

    const views = foldCases(log.entries);
    expect(views.map((v) => v.caseId)).toEqual([caseId, other]);
    expect(views.map((v) => v.problems)).toEqual([[], []]);
  });

  it('is plain data that survives JSON and structured clone', () => {
    const log = new Log();
    const caseId = openCase(log);
    log.example('decision', caseId);
    log.example('delivery', caseId);
    log.example('follow-up', caseId);
    const view = log.view(caseId);
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    expect(structuredClone(view)).toEqual(view);
  });
});

describe('dashboard counts', () => {
  it('counts open, awaiting decision, warned, waived and overdue follow-ups', () => {
    const log = new Log();
    const open = openCase(log);
    const assessed = openCase(log);
    log.example('case.assessed', assessed);
    const warned = openCase(log);
    log.example('decision', warned);
    log.example('delivery', warned);
    log.example('follow-up', warned);
    log.example('follow-up', warned, { dueDate: '2025-03-12', action: 'Check again.' });
    const waived = openCase(log);
    log.add('decision', substitute(EXAMPLE_WAIVE_DECISION, { caseId: waived }) as Record<string, unknown>);
    const w = log.example('waiver', waived);
    log.example('approval', waived, { target: w });
    const closedWithOverdue = openCase(log);
    log.example('follow-up', closedWithOverdue);
    log.example('closure', closedWithOverdue, { reason: 'duplicate' });

    const views = foldCases(log.entries);
    expect(views.map((v) => v.status)).toEqual(['open', 'assessed', 'warned', 'waived', 'closed']);
    expect(views[0]!.caseId).toBe(open);
    expect(caseCounts(views, new Date('2025-03-14T12:00:00Z'))).toMatchObject({
      total: 5,
      open: 4,
      awaitingDecision: 2,
      warned: 1,
      waived: 1,
      closed: 1,
      overdueFollowUps: 1,
      casesWithOverdueFollowUps: 1,
    });
    const later = caseCounts(views, new Date('2025-04-01T00:00:00Z'));
    expect(later.overdueFollowUps).toBe(2);
    expect(later.byStatus).toMatchObject({ open: 1, assessed: 1, warned: 1, waived: 1, closed: 1, escalated: 0 });
    expect(isOverdue({ dueDate: null, done: false }, Date.now())).toBe(false);
  });
});

describe('summaries and search', () => {
  it('summarizes every kind in one line and uses the policy’s labels', () => {
    const caseId = '01957a00-0001-7000-8000-000000000001';
    for (const kind of USER_ENTRY_KINDS) {
      const line = summarizeEntry({ kind, id: caseId, policy: 'icd-191-2015' }, exampleBody(kind, { caseId }));
      expect(line).not.toMatch(/\n/);
      expect(line.length).toBeGreaterThan(10);
      expect(line).not.toContain('(withheld)');
    }
    expect(summarizeEntry({ kind: 'waiver' }, exampleBody('waiver'))).toBe(
      'Waiver requested by Officer A. Novak, approved by Deputy Director D. Mensah: Would endanger sources or operations',
    );
    expect(summarizeEntry({ kind: 'case.opened' }, exampleBody('case.opened'))).toBe(
      'Case opened: Intentional killing against a person: Plot against a visiting journalist in Port Halden',
    );
    expect(summarizeEntry({ kind: 'note' }, { caseId })).toBe('Note: (withheld)');
  });

  it('matches names, free text and policy labels, lowercased', () => {
    const text = searchText({ kind: 'case.opened', id: 'ID-1' }, exampleBody('case.opened'));
    expect(text).toBe(text.toLowerCase());
    for (const needle of ['mara ellery', 'port halden', 'intentional killing', 'tlp:amber', 'officer a. novak', 'noforn', 'id-1']) {
      expect(text).toContain(needle);
    }
    expect(searchText({ kind: 'delivery' }, exampleBody('delivery'))).toContain('through those who protect the intended victim');
  });

  it('never lets a sensitive field reach search text or a summary', () => {
    const secret = fc.string({ minLength: 4, maxLength: 30 }).map((s) => `ZQXSECRET${s.replace(/\s/g, '_')}`);
    fc.assert(
      fc.property(secret, secret, secret, (a, b, c) => {
        const caseId = '01957a00-0001-7000-8000-000000000001';
        const bodies: [UserEntryKind, Record<string, unknown>][] = [
          ['case.opened', { ...ISSUE(), sourceProtection: { notes: a, originator: b, restrictions: c } }],
          ['case.assessed', { ...(exampleBody('case.assessed', { caseId }) as Record<string, unknown>), sourceProtection: { notes: a } }],
          ['waiver', { ...(exampleBody('waiver', { caseId }) as Record<string, unknown>), sourceProtection: { notes: b, originator: c } }],
          ['note', { ...(exampleBody('note', { caseId }) as Record<string, unknown>), restricted: `${a} ${b}` }],
          [
            'amendment',
            {
              caseId,
              target: caseId,
              sensitiveChanges: { sourceProtection: { notes: c, originator: a } },
              reason: 'Sources updated.',
            },
          ],
        ];
        for (const [kind, body] of bodies) {
          validateBody(kind, body);
          const header = { kind, id: caseId, caseId, policy: 'icd-191-2015' };
          const haystacks = [searchText(header, body), summarizeEntry(header, body).toLowerCase()];
          for (const hay of haystacks) {
            expect(hay).not.toContain('zqxsecret');
          }
        }
        // The same text in an ordinary field is found: the filter is by field, not by content.
        const visible = { ...(exampleBody('note', { caseId }) as Record<string, unknown>), text: a };
        expect(searchText({ kind: 'note' }, visible)).toContain(a.toLowerCase());
      }),
      { numRuns: 100 },
    );
  });
});

function ISSUE(): Record<string, unknown> {
  return exampleBody('case.opened') as Record<string, unknown>;
}
