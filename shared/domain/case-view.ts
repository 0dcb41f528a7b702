/**
 * A case is the fold of its entries. `foldCase` turns one case's entries (in log order) into
 * what the case page, the case list, `tearline case` and the reports show: the current value
 * of every field after amendments, what approves what, the follow-ups, the key dates, the
 * status, and a timeline. The view is plain data (no functions, no classes), so it crosses
 * IPC and `--json` unchanged.
 *
 * The fold never throws on odd input (an approval whose target has not been imported yet,
 * an entry of another case): it records the oddity in `problems` and goes on, because an
 * officer must still be able to read the case.
 */
import { TearlineError } from '../errors';
import { applyChanges, isAmendable, type EntryBody } from './entries';
import { isRecord } from './case-bodies';
import { isUserKind, KIND_INFO, type EntryKind, type UserEntryKind } from './kinds';
import { clip, shortId, summarizeEntry } from './summary';

export type EntryOrigin = { kind: 'local' } | { kind: 'imported'; name: string; fingerprint: string };

/** The part of the entry header the fold reads (the vault's header has more). */
export interface FoldHeader {
  id: string;
  kind: string;
  policy: string;
  author: string;
  ts: string;
  caseId: string | null;
}

export interface FoldInput {
  /** The entry's index in this vault's log. */
  index: number;
  header: FoldHeader;
  /** The body as stored; fields withheld by redaction are absent. */
  body: Readonly<Record<string, unknown>>;
  /** Top-level fields withheld by redaction (imported entries only). */
  withheld: readonly string[];
  origin: EntryOrigin;
  /** The outcome of verification, when known. */
  verified?: boolean;
}

export const CASE_STATUSES = [
  'open',
  'assessed',
  'warning-pending',
  'waiver-pending',
  'awaiting-approval',
  'warned',
  'waived',
  'escalated',
  'closed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/**
 * The status rules, applied in this order (the first that holds wins):
 * 1. `closed`: the case has a closure entry. Nothing reopens a closed case.
 * 2. `escalated`: an escalation has no resolution yet; the disagreement blocks the case.
 * 3. The current decision is the latest decision entry that has not been rejected by an
 *    approval. Without one, it is inferred: `warn` if a warning was delivered, `waive` if a
 *    waiver was recorded.
 *    - warn: `warned` once at least one delivery is recorded, else `warning-pending`.
 *    - waive: with the latest waiver approved by an approval entry, `waived`; with no
 *      verdict on it yet, `awaiting-approval`; with no waiver, or the latest one rejected,
 *      `waiver-pending` (a waiver must be recorded).
 * 4. No decision: `assessed` if the case has an assessment, else `open`.
 * An approval counts only if it is given by someone other than the officer who requested
 * the waiver; approvals of decisions and deliveries are shown, and a rejected decision
 * does not stand, but they do not otherwise change the status.
 */
export const CASE_STATUS_INFO: Readonly<Record<CaseStatus, { label: string; description: string }>> = {
  open: { label: 'Open', description: 'Opened; not yet assessed and no decision yet.' },
  assessed: { label: 'Assessed', description: 'Assessed; awaiting the decision to warn or to waive.' },
  'warning-pending': { label: 'Warning pending', description: 'Decided to warn; no delivery recorded yet.' },
  'waiver-pending': {
    label: 'Waiver pending',
    description: 'Decided to waive, but no waiver is recorded yet, or the last one was rejected.',
  },
  'awaiting-approval': { label: 'Awaiting approval', description: 'A waiver is recorded and awaits the verdict of a senior officer.' },
  warned: { label: 'Warned', description: 'The warning has been delivered.' },
  waived: { label: 'Waived', description: 'The duty to warn was waived, and the waiver approved.' },
  escalated: { label: 'Escalated', description: 'A disagreement was escalated and is not resolved yet.' },
  closed: { label: 'Closed', description: 'The case is closed.' },
};

/** Where an entry came from and what is known of it: shared by every record of the view. */
export interface EntryRef {
  id: string;
  index: number;
  kind: EntryKind;
  ts: string;
  author: string;
  policy: string;
  origin: EntryOrigin;
  verified?: boolean;
  /** Fields still withheld (redacted on import and not supplied since by an amendment). */
  withheld: string[];
}

export interface AmendmentRecord extends Omit<EntryRef, 'kind'> {
  kind: 'amendment';
  target: string;
  targetKind: EntryKind | null;
  /** The fields it changes (names only; the values are in the target record). */
  fields: string[];
  reason: string | null;
  amendedBy: string | null;
  /** False when it could not be applied (see the case's problems) or its changes are withheld. */
  applied: boolean;
}

export interface ApprovalRecord extends Omit<EntryRef, 'kind'> {
  kind: 'approval';
  target: string;
  verdict: 'approved' | 'rejected' | null;
  approvedBy: string | null;
  role: string | null;
  comment: string | null;
  /** Whether it counts towards the status (see the status rules). */
  counted: boolean;
}

export type ApprovalState = 'none' | 'approved' | 'rejected';

/** An entry of the case with its current values: `body` has every amendment applied, latest winning. */
export interface CaseRecord<K extends UserEntryKind = UserEntryKind> extends EntryRef {
  kind: K;
  body: Partial<EntryBody<K>>;
  /** The body as first recorded. */
  original: Partial<EntryBody<K>>;
  /** The amendments applied to it, in log order. */
  amendments: AmendmentRecord[];
  /** The fields changed by amendments. */
  amendedFields: string[];
  /** Approvals that name this entry, in log order. */
  approvals: ApprovalRecord[];
  /** The latest counted verdict on this entry. */
  approval: ApprovalState;
}

export interface FollowUpRecord extends CaseRecord<'follow-up'> {
  dueDate: string | null;
  done: boolean;
  /** The later follow-up that reported this one done, if any. */
  completedBy: string | null;
}

export interface EscalationRecord extends CaseRecord<'escalation'> {
  /** The resolution that answered it, if any. */
  resolvedBy: string | null;
}

export interface TimelineItem {
  id: string;
  index: number;
  kind: EntryKind;
  /** The kind's label (e.g. "Waiver"). */
  label: string;
  ts: string;
  author: string;
  origin: EntryOrigin;
  verified?: boolean;
  /** One line, from the entry as recorded (amendments appear as their own items). */
  summary: string;
  withheld: string[];
  /** Ids of the amendments that later corrected this entry. */
  amendedBy: string[];
}

export interface CaseDates {
  openedAt: string | null;
  assessedAt: string | null;
  decidedAt: string | null;
  waivedAt: string | null;
  /** The earliest `deliveredAt` of the deliveries, in UTC. */
  firstDeliveredAt: string | null;
  closedAt: string | null;
  lastActivityAt: string | null;
}

export interface CaseView {
  caseId: string;
  policy: string | null;
  title: string;
  summary: string | null;
  status: CaseStatus;
  /** One line saying why the case has its status. */
  statusReason: string;
  /** What was done about the threat, whether or not the case is closed. */
  outcome: 'warned' | 'waived' | null;
  decision: 'warn' | 'waive' | null;
  threatType: string | null;
  targetKind: string | null;
  marking: string | null;
  opening: CaseRecord<'case.opened'> | null;
  assessment: CaseRecord<'case.assessed'> | null;
  assessments: CaseRecord<'case.assessed'>[];
  /** The decision in force (see the status rules). */
  currentDecision: CaseRecord<'decision'> | null;
  decisions: CaseRecord<'decision'>[];
  waiver: CaseRecord<'waiver'> | null;
  waivers: CaseRecord<'waiver'>[];
  deliveries: CaseRecord<'delivery'>[];
  approvals: ApprovalRecord[];
  notes: CaseRecord<'note'>[];
  followUps: FollowUpRecord[];
  escalations: EscalationRecord[];
  resolutions: CaseRecord<'resolution'>[];
  closure: CaseRecord<'closure'> | null;
  amendments: AmendmentRecord[];
  dates: CaseDates;
  /** The workstations some of its entries were imported from. */
  importedFrom: { name: string; fingerprint: string }[];
  /** Whether any field of any entry is withheld. */
  hasWithheld: boolean;
  /** How many entries failed verification. */
  unverified: number;
  entryCount: number;
  timeline: TimelineItem[];
  /** Inconsistencies found while folding, in plain words. */
  problems: string[];
}

type AnyRecord = CaseRecord<UserEntryKind>;

/** Folds the entries of one case, given in log order (they are sorted by index regardless). */
export function foldCase(entries: readonly FoldInput[]): CaseView {
  const problems: string[] = [];
  const sorted = [...entries].sort((a, b) => a.index - b.index);
  const opening = sorted.find((e) => e.header.kind === 'case.opened');
  const caseId = opening?.header.id ?? sorted.find((e) => e.header.caseId)?.header.caseId ?? '';
  if (!caseId) throw new TearlineError('E_NOT_FOUND', 'no entries of a case to show');

  const seen = new Set<string>();
  const mine: FoldInput[] = [];
  for (const entry of sorted) {
    const { id, kind } = entry.header;
    if (seen.has(id)) {
      problems.push(`entry ${shortId(id)} appears twice; the second copy is ignored`);
      continue;
    }
    seen.add(id);
    if (!isUserKind(kind)) {
      problems.push(`entry ${shortId(id)} (${kind}) is not part of a case and is ignored`);
      continue;
    }
    const entryCase = kind === 'case.opened' ? id : entry.header.caseId;
    if (entryCase !== caseId) {
      problems.push(`entry ${shortId(id)} belongs to case ${shortId(entryCase)} and is ignored`);
      continue;
    }
    if (kind === 'case.opened' && entry !== opening) {
      problems.push(`entry ${shortId(id)} opens the case a second time and is ignored`);
      continue;
    }
    mine.push(entry);
  }

  const records = new Map<string, AnyRecord>();
  const amendmentInputs: FoldInput[] = [];
  for (const entry of mine) {
    if (entry.header.kind === 'amendment') amendmentInputs.push(entry);
    else records.set(entry.header.id, makeRecord(entry));
  }

  const amendments = amendmentInputs.map((entry) => applyAmendment(entry, records, problems));
  const approvals = attachApprovals(records, problems);

  const all = [...records.values()];
  const ofKind = <K extends UserEntryKind>(kind: K) => all.filter((r): r is CaseRecord<K> => r.kind === kind);

  const openingRecord = ofKind('case.opened')[0] ?? null;
  const assessments = ofKind('case.assessed');
  const decisions = ofKind('decision');
  const waivers = ofKind('waiver');
  const deliveries = ofKind('delivery');
  const resolutions = ofKind('resolution');
  const closures = ofKind('closure');
  if (closures.length > 1) problems.push('the case was closed more than once; the first closure counts');
  const closure = closures[0] ?? null;

  const followUps = linkFollowUps(ofKind('follow-up'), problems);
  const escalations: EscalationRecord[] = ofKind('escalation').map((e) => ({ ...e, resolvedBy: null }));
  for (const resolution of resolutions) {
    const target = escalations.find((e) => e.id === resolution.body.resolves);
    if (!target) problems.push(`resolution ${shortId(resolution.id)} resolves ${shortId(resolution.body.resolves)}, which is not an escalation of this case`);
    else if (target.resolvedBy === null) target.resolvedBy = resolution.id;
  }

  const currentDecision = [...decisions].reverse().find((d) => d.approval !== 'rejected') ?? null;
  const decision: 'warn' | 'waive' | null =
    currentDecision?.body.decision ?? (deliveries.length > 0 ? 'warn' : waivers.length > 0 ? 'waive' : null);
  const waiver = waivers[waivers.length - 1] ?? null;
  const openEscalation = escalations.find((e) => e.resolvedBy === null) ?? null;

  const { status, statusReason } = statusOf({
    closure,
    openEscalation,
    decision,
    inferred: currentDecision === null,
    waiver,
    deliveries,
    assessed: assessments.length > 0,
  });

  const outcome: CaseView['outcome'] =
    deliveries.length > 0 ? 'warned' : decision === 'waive' && waiver?.approval === 'approved' ? 'waived' : null;

  const body = openingRecord?.body;
  const title = clip(body?.title, 120) ?? clip(body?.summary, 80) ?? `Case ${shortId(caseId)}`;
  const timestamps = mine.map((e) => e.header.ts).sort();
  const waiverApproval = waiver?.approvals.filter((a) => a.counted && a.verdict === 'approved').at(-1);

  const amendedBy = new Map<string, string[]>();
  for (const a of amendments) amendedBy.set(a.target, [...(amendedBy.get(a.target) ?? []), a.id]);

  const imported = new Map<string, { name: string; fingerprint: string }>();
  for (const e of mine) {
    if (e.origin.kind === 'imported') imported.set(e.origin.fingerprint, { name: e.origin.name, fingerprint: e.origin.fingerprint });
  }

  return {
    caseId,
    policy: opening?.header.policy ?? mine[0]?.header.policy ?? null,
    title,
    summary: typeof body?.summary === 'string' ? body.summary : null,
    status,
    statusReason,
    outcome,
    decision,
    threatType: body?.threatType ?? null,
    targetKind: body?.targetKind ?? null,
    marking: body?.marking ?? null,
    opening: openingRecord,
    assessment: assessments.at(-1) ?? null,
    assessments,
    currentDecision,
    decisions,
    waiver,
    waivers,
    deliveries,
    approvals,
    notes: ofKind('note'),
    followUps,
    escalations,
    resolutions,
    closure,
    amendments,
    dates: {
      openedAt: openingRecord?.ts ?? timestamps[0] ?? null,
      assessedAt: assessments.at(-1)?.ts ?? null,
      decidedAt: currentDecision?.ts ?? null,
      waivedAt: outcome === 'waived' ? (waiverApproval?.ts ?? null) : null,
      firstDeliveredAt: earliest(deliveries.map((d) => d.body.deliveredAt)),
      closedAt: closure?.ts ?? null,
      lastActivityAt: timestamps.at(-1) ?? null,
    },
    importedFrom: [...imported.values()],
    hasWithheld: mine.some((e) => e.withheld.length > 0),
    unverified: mine.filter((e) => e.verified === false).length,
    entryCount: mine.length,
    timeline: mine.map((e) => {
      const item: TimelineItem = {
        id: e.header.id,
        index: e.index,
        kind: e.header.kind as EntryKind,
        label: KIND_INFO[e.header.kind as EntryKind].title,
        ts: e.header.ts,
        author: e.header.author,
        origin: e.origin,
        summary: summarizeEntry(e.header, e.body),
        withheld: [...e.withheld],
        amendedBy: amendedBy.get(e.header.id) ?? [],
      };
      if (e.verified !== undefined) item.verified = e.verified;
      return item;
    }),
    problems,
  };
}

/** Folds any mix of entries into one view per case (system entries are left out), in order of each case's first entry. */
export function foldCases(entries: readonly FoldInput[]): CaseView[] {
  const byCase = new Map<string, FoldInput[]>();
  for (const entry of entries) {
    if (!isUserKind(entry.header.kind)) continue;
    const caseId = entry.header.kind === 'case.opened' ? entry.header.id : entry.header.caseId;
    if (!caseId) continue;
    let list = byCase.get(caseId);
    if (!list) byCase.set(caseId, (list = []));
    list.push(entry);
  }
  return [...byCase.values()].map(foldCase);
}

/**
 * The record of an entry of the case, with its current (amended) body; null for an id that
 * is not an entry of the case, and for approvals and amendments, which are not amendable.
 * The core uses it to check a new amendment against the target's current values.
 */
export function findRecord(view: CaseView, id: string): CaseRecord | null {
  const lists: readonly (readonly CaseRecord[])[] = [
    view.opening ? [view.opening] : [],
    view.assessments,
    view.decisions,
    view.waivers,
    view.deliveries,
    view.notes,
    view.followUps,
    view.escalations,
    view.resolutions,
    view.closure ? [view.closure] : [],
  ];
  for (const list of lists) {
    const found = list.find((r) => r.id === id);
    if (found) return found;
  }
  return null;
}

function ref(entry: FoldInput): EntryRef {
  const r: EntryRef = {
    id: entry.header.id,
    index: entry.index,
    kind: entry.header.kind as EntryKind,
    ts: entry.header.ts,
    author: entry.header.author,
    policy: entry.header.policy,
    origin: entry.origin,
    withheld: [...entry.withheld],
  };
  if (entry.verified !== undefined) r.verified = entry.verified;
  return r;
}

function makeRecord(entry: FoldInput): AnyRecord {
  return {
    ...ref(entry),
    kind: entry.header.kind as UserEntryKind,
    body: { ...entry.body },
    original: entry.body,
    amendments: [],
    amendedFields: [],
    approvals: [],
    approval: 'none',
  } as AnyRecord;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function applyAmendment(entry: FoldInput, records: Map<string, AnyRecord>, problems: string[]): AmendmentRecord {
  const b = entry.body;
  const target = str(b.target) ?? '';
  const changes = { ...(isRecord(b.changes) ? b.changes : {}), ...(isRecord(b.sensitiveChanges) ? b.sensitiveChanges : {}) };
  const record = records.get(target);
  const amendment: AmendmentRecord = {
    ...ref(entry),
    kind: 'amendment',
    target,
    targetKind: record?.kind ?? null,
    fields: Object.keys(changes),
    reason: str(b.reason),
    amendedBy: str(b.amendedBy),
    applied: false,
  };
  const who = `amendment ${shortId(entry.header.id)}`;
  if (!record) {
    problems.push(`${who} corrects entry ${shortId(target)}, which is not in this case (yet)`);
  } else if (!isAmendable(record.kind)) {
    problems.push(`${who} corrects a ${record.kind} entry, which cannot be amended; it is ignored`);
  } else if (Object.keys(changes).length === 0) {
    // Withheld by redaction: the correction exists, its values are not known here.
  } else {
    if ('caseId' in changes) {
      problems.push(`${who} tries to move entry ${shortId(target)} to another case; that change is ignored`);
      delete changes.caseId;
    }
    record.body = applyChanges(record.body, changes) as typeof record.body;
    record.amendments.push(amendment);
    for (const field of Object.keys(changes)) if (!record.amendedFields.includes(field)) record.amendedFields.push(field);
    record.withheld = record.withheld.filter((f) => !(f in changes));
    amendment.applied = true;
  }
  return amendment;
}

function sameName(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();
}

function attachApprovals(records: Map<string, AnyRecord>, problems: string[]): ApprovalRecord[] {
  const out: ApprovalRecord[] = [];
  for (const record of records.values()) {
    if (record.kind !== 'approval') continue;
    const b = record.body as Partial<EntryBody<'approval'>>;
    const verdict = b.verdict === 'approved' || b.verdict === 'rejected' ? b.verdict : null;
    const { id, index, ts, author, policy, origin, verified, withheld } = record;
    const approval: ApprovalRecord = {
      id,
      index,
      kind: 'approval',
      ts,
      author,
      policy,
      origin,
      withheld,
      target: str(b.target) ?? '',
      verdict,
      approvedBy: str(b.approvedBy),
      role: str(b.role),
      comment: str(b.comment),
      counted: false,
    };
    if (verified !== undefined) approval.verified = verified;
    out.push(approval);

    const target = records.get(approval.target);
    const who = `approval ${shortId(record.id)}`;
    if (!target) {
      problems.push(`${who} names entry ${shortId(approval.target)}, which is not in this case (yet)`);
      continue;
    }
    if (target.kind === 'approval') {
      problems.push(`${who} approves another approval; it is ignored`);
      continue;
    }
    target.approvals.push(approval);
    if (verdict === null) continue;
    if (target.kind === 'waiver') {
      const w = target.body as Partial<EntryBody<'waiver'>>;
      if (sameName(approval.approvedBy, w.requestedBy)) {
        problems.push(`${who} is given by ${approval.approvedBy}, who requested the waiver; it does not count`);
        continue;
      }
      if (approval.approvedBy !== null && typeof w.approvedBy === 'string' && !sameName(approval.approvedBy, w.approvedBy)) {
        problems.push(`${who} is given by ${approval.approvedBy}, but the waiver names ${w.approvedBy} as its approver`);
      }
    }
    approval.counted = true;
    target.approval = verdict;
  }
  return out;
}

function linkFollowUps(list: CaseRecord<'follow-up'>[], problems: string[]): FollowUpRecord[] {
  const out: FollowUpRecord[] = list.map((f) => ({
    ...f,
    dueDate: str(f.body.dueDate),
    done: f.body.status === 'done',
    completedBy: null,
  }));
  for (const f of out) {
    const completes = f.body.completes;
    if (completes === undefined) continue;
    const target = out.find((t) => t.id === completes);
    if (!target) problems.push(`follow-up ${shortId(f.id)} completes ${shortId(completes)}, which is not a follow-up of this case`);
    else if (target.completedBy === null) {
      target.done = true;
      target.completedBy = f.id;
    }
  }
  return out;
}

function earliest(values: readonly unknown[]): string | null {
  let best: number | null = null;
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const t = Date.parse(v);
    if (Number.isFinite(t) && (best === null || t < best)) best = t;
  }
  return best === null ? null : new Date(best).toISOString();
}

function statusOf(s: {
  closure: CaseRecord<'closure'> | null;
  openEscalation: EscalationRecord | null;
  decision: 'warn' | 'waive' | null;
  inferred: boolean;
  waiver: CaseRecord<'waiver'> | null;
  deliveries: CaseRecord<'delivery'>[];
  assessed: boolean;
}): { status: CaseStatus; statusReason: string } {
  if (s.closure) {
    const by = str(s.closure.body.closedBy);
    return { status: 'closed', statusReason: `closed on ${s.closure.ts.slice(0, 10)}${by ? ` by ${by}` : ''}` };
  }
  if (s.openEscalation) {
    const to = str(s.openEscalation.body.escalatedTo);
    return { status: 'escalated', statusReason: `escalated${to ? ` to ${to}` : ''} on ${s.openEscalation.ts.slice(0, 10)}; not resolved yet` };
  }
  const how = s.inferred ? ' (no decision entry; inferred)' : '';
  if (s.decision === 'warn') {
    if (s.deliveries.length > 0) {
      const n = s.deliveries.length;
      return { status: 'warned', statusReason: `warning delivered (${n} deliver${n === 1 ? 'y' : 'ies'})${how}` };
    }
    return { status: 'warning-pending', statusReason: 'decided to warn; no delivery recorded yet' };
  }
  if (s.decision === 'waive') {
    const w = s.waiver;
    if (!w) return { status: 'waiver-pending', statusReason: 'decided to waive; the waiver is not recorded yet' };
    if (w.approval === 'approved') return { status: 'waived', statusReason: `waiver approved${how}` };
    if (w.approval === 'rejected') return { status: 'waiver-pending', statusReason: 'the waiver was rejected; a new decision or waiver is needed' };
    const approver = str(w.body.approvedBy);
    return { status: 'awaiting-approval', statusReason: `the waiver awaits approval${approver ? ` by ${approver}` : ''}` };
  }
  if (s.assessed) return { status: 'assessed', statusReason: 'assessed; no decision yet' };
  return { status: 'open', statusReason: 'not yet assessed' };
}

// ---------------------------------------------------------------------------------------
// Follow-ups and the dashboard

const DAY_MS = 86_400_000;

/** A follow-up is overdue from 00:00 UTC on the day after its due date, until it is done. */
export function isOverdue(followUp: Pick<FollowUpRecord, 'dueDate' | 'done'>, now: Date | number): boolean {
  if (followUp.done || followUp.dueDate === null) return false;
  const due = Date.parse(`${followUp.dueDate}T00:00:00Z`);
  return Number.isFinite(due) && +now >= due + DAY_MS;
}

/** The overdue follow-ups of a case; none once the case is closed. */
export function overdueFollowUps(view: CaseView, now: Date | number): FollowUpRecord[] {
  if (view.status === 'closed') return [];
  return view.followUps.filter((f) => isOverdue(f, now));
}

export interface CaseCounts {
  total: number;
  /** Cases not closed. */
  open: number;
  /** Cases with no decision yet (status open or assessed). */
  awaitingDecision: number;
  awaitingApproval: number;
  warningPending: number;
  /** Cases in which a warning was delivered, closed or not. */
  warned: number;
  /** Cases in which the duty to warn was waived with an approved waiver, closed or not. */
  waived: number;
  escalated: number;
  closed: number;
  /** Overdue follow-ups across cases that are not closed. */
  overdueFollowUps: number;
  casesWithOverdueFollowUps: number;
  byStatus: Record<CaseStatus, number>;
}

/** What the counts need to know of one case. */
export interface CaseTally {
  status: CaseStatus;
  outcome: CaseView['outcome'];
  /** Its overdue follow-ups (none for a closed case). */
  overdueFollowUps: number;
}

/** The counts the dashboard shows at a glance. */
export function caseCounts(views: readonly CaseView[], now: Date | number): CaseCounts {
  return countCases(views.map((v) => ({ status: v.status, outcome: v.outcome, overdueFollowUps: overdueFollowUps(v, now).length })));
}

/** The same counts from a tally of each case (the case list keeps rows, not whole views). */
export function countCases(cases: readonly CaseTally[]): CaseCounts {
  const byStatus = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as Record<CaseStatus, number>;
  let warned = 0;
  let waived = 0;
  let overdue = 0;
  let casesWithOverdue = 0;
  for (const c of cases) {
    byStatus[c.status]++;
    if (c.outcome === 'warned') warned++;
    if (c.outcome === 'waived') waived++;
    const n = c.status === 'closed' ? 0 : c.overdueFollowUps;
    overdue += n;
    if (n > 0) casesWithOverdue++;
  }
  return {
    total: cases.length,
    open: cases.length - byStatus.closed,
    awaitingDecision: byStatus.open + byStatus.assessed,
    awaitingApproval: byStatus['awaiting-approval'],
    warningPending: byStatus['warning-pending'],
    warned,
    waived,
    escalated: byStatus.escalated,
    closed: byStatus.closed,
    overdueFollowUps: overdue,
    casesWithOverdueFollowUps: casesWithOverdue,
    byStatus,
  };
}
