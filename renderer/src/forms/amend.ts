/**
 * Building an amendment: the corrected fields of an earlier entry, with the reason. Nothing
 * is edited in place; the amendment is a new entry, and the case shows the latest values.
 * Sensitive fields go in `sensitiveChanges` (so that exports withhold them like the fields
 * they correct), the others in `changes`; the amended entry must still be valid, which the
 * domain's own check decides before anything is sent.
 */
import {
  bodyProblems,
  isEntryKind,
  sensitiveFieldSet,
  validateAmendment,
  type AmendmentTargetOptions,
} from '../../../shared/domain';
import { TearlineError } from '../../../shared/errors';

export interface AmendTarget {
  id: string;
  kind: string;
  caseId: string;
  /** The target's current body (earlier amendments applied). */
  body: Readonly<Record<string, unknown>>;
  withheld?: readonly string[];
}

export interface AmendInput {
  /** Field name → new value; null removes an optional field. */
  changes: Readonly<Record<string, unknown>>;
  reason: string;
  amendedBy?: string;
}

export interface BuiltAmendment {
  body: Record<string, unknown>;
  /** Problems in plain words, each naming the field; empty when the amendment can be written. */
  problems: { at: string; message: string }[];
}

export function buildAmendment(target: AmendTarget, input: AmendInput): BuiltAmendment {
  const sensitive = isEntryKind(target.kind) ? sensitiveFieldSet(target.kind) : new Set<string>();
  const changes: Record<string, unknown> = {};
  const sensitiveChanges: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input.changes)) {
    if (sensitive.has(name)) sensitiveChanges[name] = value;
    else changes[name] = value;
  }
  const body: Record<string, unknown> = { caseId: target.caseId, target: target.id, reason: input.reason.trim() };
  if (Object.keys(changes).length > 0) body.changes = changes;
  if (Object.keys(sensitiveChanges).length > 0) body.sensitiveChanges = sensitiveChanges;
  const by = input.amendedBy?.trim();
  if (by) body.amendedBy = by;
  if (!body.reason) delete body.reason;

  const problems = bodyProblems('amendment', body).map((p) => ({ at: p.at, message: p.message }));
  if (problems.length === 0) {
    try {
      const options: AmendmentTargetOptions = {};
      if (target.withheld) options.withheld = target.withheld;
      if (Object.keys(sensitiveChanges).length > 0) options.sensitiveChanges = sensitiveChanges;
      validateAmendment(target.kind, target.body, Object.keys(changes).length > 0 ? changes : undefined, undefined, options);
    } catch (error) {
      if (!(error instanceof TearlineError)) throw error;
      problems.push({ at: error.at ?? '', message: error.message.replace(/^amendment\.?/, '').replace(/^[\w.]*: /, '') });
    }
  }
  return { body, problems };
}
