/**
 * A stand-in for the vault's log for the renderer's tests: entries with ids, times and
 * indexes, each body validated as the core validates it, folded by the domain's own fold.
 */
import {
  caseIdOf,
  DEFAULT_POLICY,
  EXAMPLE_WAIVE_DECISION,
  exampleBody,
  foldCase,
  substitute,
  validateBody,
  type CaseView,
  type EntryKind,
  type EntryOrigin,
  type FoldInput,
  type UserEntryKind,
} from '../../../shared/domain';

export const LOCAL_KEY = Buffer.alloc(32, 1).toString('base64');

export class CaseLog {
  readonly entries: FoldInput[] = [];
  private next = 1;
  constructor(private clock = Date.parse('2025-03-10T09:00:00.000Z')) {}

  add(kind: EntryKind, body: Record<string, unknown>, options: { origin?: EntryOrigin; at?: string; withheld?: string[] } = {}): string {
    validateBody(kind, body, DEFAULT_POLICY, { withheld: options.withheld ?? [] });
    const n = this.next++;
    const id = `01957a00-${n.toString(16).padStart(4, '0')}-7000-8000-${n.toString(16).padStart(12, '0')}`;
    this.clock = options.at ? Date.parse(options.at) : this.clock + 3_600_000;
    this.entries.push({
      index: this.entries.length,
      header: { id, kind, policy: DEFAULT_POLICY.id, author: LOCAL_KEY, ts: new Date(this.clock).toISOString(), caseId: caseIdOf(kind, id, body) },
      body,
      withheld: options.withheld ?? [],
      origin: options.origin ?? { kind: 'local' },
      verified: true,
    });
    return id;
  }

  example(kind: UserEntryKind, caseId: string | null, overrides: Record<string, unknown> = {}, options: { origin?: EntryOrigin; at?: string } = {}): string {
    const body: Record<string, unknown> = { ...(exampleBody(kind, caseId ? { caseId } : {}) as Record<string, unknown>), ...overrides };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    return this.add(kind, body, options);
  }

  waive(caseId: string): string {
    return this.add('decision', substitute(EXAMPLE_WAIVE_DECISION, { caseId }) as Record<string, unknown>);
  }

  view(caseId: string): CaseView {
    return foldCase(this.entries.filter((e) => (e.header.kind === 'case.opened' ? e.header.id : e.header.caseId) === caseId));
  }
}

/** A case taken to a delivered warning: opened, assessed, decided, delivered. */
export function warnedCase(log: CaseLog, overrides: { opened?: Record<string, unknown>; deliveredAt?: string; channel?: string } = {}): string {
  const caseId = log.example('case.opened', null, overrides.opened ?? {});
  log.example('case.assessed', caseId);
  log.example('decision', caseId);
  log.example('delivery', caseId, {
    ...(overrides.deliveredAt ? { deliveredAt: overrides.deliveredAt } : {}),
    ...(overrides.channel ? { channel: overrides.channel } : {}),
  });
  return caseId;
}

/** A case taken to an approved waiver. */
export function waivedCase(log: CaseLog, opened: Record<string, unknown> = {}): string {
  const caseId = log.example('case.opened', null, opened);
  log.example('case.assessed', caseId);
  log.waive(caseId);
  const waiver = log.example('waiver', caseId);
  log.example('approval', caseId, { target: waiver });
  return caseId;
}
