/**
 * One-line summaries (timelines, lists, `tearline list`) and the text a search matches.
 * Neither ever reads a sensitive field: what is above the tearline stays out of lists,
 * search indexes and anything else that is shown without being asked for.
 */
import { isRecord } from './case-bodies';
import { sensitiveFieldSet } from './entries';
import { isEntryKind, KIND_INFO } from './kinds';
import { DEFAULT_POLICY, getPolicy, itemLabel, POLICY_LISTS, policyLabel, type Policy, type PolicyItem, type PolicyList } from './policy';

/** The part of an entry header that summaries and search need. */
export interface SummaryHeader {
  id?: string;
  kind: string;
  policy?: string;
  caseId?: string | null;
}

function policyOf(header: SummaryHeader): Policy {
  if (header.policy === undefined) return DEFAULT_POLICY;
  try {
    return getPolicy(header.policy);
  } catch {
    return DEFAULT_POLICY;
  }
}

/** The first line of a text, whitespace collapsed, cut to `max` characters. */
export function clip(value: unknown, max = 80): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Every entry indexed is summarised, and its text may run to thousands of characters of
  // which at most `max` are kept. Collapsing a prefix gives a prefix of the collapsed whole
  // (a run cut at the end still collapses to one space), so when a prefix already yields
  // more than `max` characters, the result is the same as from the whole text.
  const bound = 4 * max + 16;
  if (value.length > bound) {
    const head = oneLine(value.slice(0, bound));
    if (head.length > max) return head.slice(0, max - 1).trimEnd() + '…';
  }
  const line = oneLine(value);
  if (line === '') return undefined;
  return line.length > max ? line.slice(0, max - 1).trimEnd() + '…' : line;
}

/** Whitespace other than a lone space: only a text that has some needs the replace, which costs a match per space. */
const NEEDS_COLLAPSE = /[^\S ]|\s\s/;

function oneLine(text: string): string {
  return (NEEDS_COLLAPSE.test(text) ? text.replace(/\s+/g, ' ') : text).trim();
}

export function shortId(id: unknown): string {
  return typeof id === 'string' ? id.slice(0, 8) : '?';
}

const WITHHELD = '(withheld)';

/**
 * A one-line human summary of an entry, e.g. `Waiver requested by J. Doe, approved by
 * R. Roe: No reasonable way to warn`. Fields withheld by redaction read "(withheld)".
 */
export function summarizeEntry(header: SummaryHeader, body: unknown): string {
  const b: Record<string, unknown> = isRecord(body) ? body : {};
  const policy = policyOf(header);
  const label = (list: PolicyList, code: unknown) => (typeof code === 'string' ? policyLabel(policy, list, code) : WITHHELD);
  const s = (value: unknown, max = 80) => clip(value, max) ?? WITHHELD;
  const by = (value: unknown) => (typeof value === 'string' ? ` by ${clip(value, 60)}` : '');

  switch (header.kind) {
    case 'case.opened': {
      const what = typeof b.threatType === 'string' ? label('threatTypes', b.threatType) : 'Threat';
      const target = typeof b.targetKind === 'string' ? ` against a ${label('targetKinds', b.targetKind).toLowerCase()}` : '';
      return `Case opened: ${what}${target}: ${clip(b.title, 80) ?? s(b.summary)}`;
    }
    case 'case.assessed': {
      const credible = b.credible === true ? 'credible' : b.credible === false ? 'not credible' : 'credibility withheld';
      const known = isRecord(b.specific)
        ? (['timing', 'location', 'perpetrators'] as const).filter((k) => (b.specific as Record<string, unknown>)[k] === true)
        : [];
      const specifics = isRecord(b.specific) ? (known.length ? `known: ${known.join(', ')}` : 'no specifics known') : '';
      const confidence = typeof b.confidence === 'number' ? `confidence ${b.confidence}` : '';
      const threshold = b.thresholdMet === true ? 'threshold met' : b.thresholdMet === false ? 'threshold not met' : '';
      return `Assessed${by(b.assessedBy)}: ${[credible, specifics, confidence, threshold].filter(Boolean).join(', ')}`;
    }
    case 'decision': {
      const decision = b.decision === 'warn' ? 'warn' : b.decision === 'waive' ? 'waive the duty to warn' : WITHHELD;
      return `Decision${by(b.decidedBy)}: ${decision}${typeof b.rationale === 'string' ? ` (${clip(b.rationale, 60)})` : ''}`;
    }
    case 'waiver': {
      const reasons = Array.isArray(b.reasons) ? b.reasons.map((r) => label('waiverReasons', r)).join('; ') : WITHHELD;
      const approved = typeof b.approvedBy === 'string' ? `, approved by ${clip(b.approvedBy, 60)}` : '';
      return `Waiver requested${by(b.requestedBy)}${approved}: ${reasons}`;
    }
    case 'approval': {
      const verdict = b.verdict === 'approved' ? 'Approved' : b.verdict === 'rejected' ? 'Rejected' : 'Verdict withheld on';
      const role = typeof b.role === 'string' ? ` (${clip(b.role, 40)})` : '';
      return `${verdict} entry ${shortId(b.target)}${by(b.approvedBy)}${role}${b.verdict === 'rejected' && b.comment ? `: ${s(b.comment, 60)}` : ''}`;
    }
    case 'delivery': {
      const channel = typeof b.channel === 'string' ? label('deliveryChannels', b.channel).toLowerCase() : 'a withheld channel';
      const ack = b.acknowledged === true ? ', acknowledged' : b.acknowledged === false ? ', not acknowledged' : '';
      return `Warning delivered ${channel}, to ${s(b.recipient, 50)}${by(b.deliveredBy)}${ack}`;
    }
    case 'note':
      return `Note${by(b.writtenBy)}: ${s(b.text)}`;
    case 'follow-up': {
      if (b.status === 'done') return `Follow-up done${by(b.assignedTo)}: ${clip(b.outcome, 80) ?? s(b.action)}`;
      const due = typeof b.dueDate === 'string' ? ` due ${b.dueDate}` : '';
      return `Follow-up${due}: ${s(b.action)}`;
    }
    case 'escalation':
      return `Escalated to ${s(b.escalatedTo, 50)}${by(b.raisedBy)}: ${s(b.issue, 60)}`;
    case 'resolution':
      return `Escalation ${shortId(b.resolves)} resolved${by(b.decidedBy)}: ${s(b.outcome, 60)}`;
    case 'closure':
      return `Case closed${by(b.closedBy)}: ${label('closureReasons', b.reason)}`;
    case 'amendment': {
      const fields = [
        ...(isRecord(b.changes) ? Object.keys(b.changes) : []),
        ...(isRecord(b.sensitiveChanges) ? Object.keys(b.sensitiveChanges) : []),
      ];
      const what = fields.length ? fields.join(', ') : WITHHELD;
      return `Amended ${what} of entry ${shortId(b.target)}${by(b.amendedBy)}: ${s(b.reason, 60)}`;
    }
    case 'vault.created':
      return `Vault created for workstation ${s(b.workstationName, 60)}`;
    case 'passphrase.changed':
      return 'Passphrase changed';
    case 'key.trusted':
      return `Key trusted: ${s(b.name, 60)} (${s(b.fingerprint, 40)})`;
    case 'key.revoked':
      return `Key revoked: ${clip(b.name, 60) ?? s(b.fingerprint, 40)}: ${s(b.reason, 60)}`;
    case 'bundle.exported': {
      const recipients = Array.isArray(b.recipients)
        ? b.recipients.length === 0
          ? 'not encrypted'
          : `to ${b.recipients.map((r) => (isRecord(r) ? (clip(r.name, 40) ?? clip(r.fingerprint, 40) ?? 'a recipient') : '?')).join(', ')}`
        : WITHHELD;
      return `Bundle exported: ${count(b.entryCount)}, ${recipients}`;
    }
    case 'bundle.imported': {
      const signer = isRecord(b.signer) ? (clip(b.signer.name, 40) ?? clip(b.signer.fingerprint, 40)) : undefined;
      return `Bundle imported from ${signer ?? WITHHELD}: ${count(b.entryCount)} (${s(b.verdict, 60)})`;
    }
    case 'backup.created':
      return `Backup created${isRecord(b.checkpoint) && typeof b.checkpoint.size === 'number' ? ` (${count(b.checkpoint.size)})` : ''}`;
    case 'fork.detected': {
      const signer = isRecord(b.signer) ? (clip(b.signer.name, 40) ?? clip(b.signer.fingerprint, 40)) : undefined;
      return `Fork detected: ${signer ?? WITHHELD} showed two inconsistent histories; its bundle was refused`;
    }
    default:
      return `Entry of unknown kind ${header.kind}`;
  }
}

function count(n: unknown): string {
  return typeof n === 'number' ? `${n} entr${n === 1 ? 'y' : 'ies'}` : 'entries';
}

/**
 * The lowercase text a search should match: the kind, the ids, every piece of text in the
 * non-sensitive fields (names, free text, references, codes and the policy's labels for
 * them). Fields are separated by newlines so that a phrase never matches across two fields.
 */
export function searchText(header: SummaryHeader, body: unknown): string {
  const parts: string[] = [header.kind];
  if (isEntryKind(header.kind)) parts.push(KIND_INFO[header.kind].title);
  if (header.id) parts.push(header.id);
  if (header.caseId) parts.push(header.caseId);
  if (isRecord(body)) {
    const hidden = isEntryKind(header.kind) ? sensitiveFieldSet(header.kind) : new Set(Object.keys(body));
    const labels = labelIndex(policyOf(header));
    // Keys in sorted order at every level, as in the stored canonical JSON: the text must be
    // the same whether it is built from a body as written or from the decrypted record,
    // because the unlock's sealed index blocks are checked against the entries.
    for (const key of Object.keys(body).sort()) {
      if (!hidden.has(key)) collectText(body[key], parts, labels);
    }
  }
  return parts.join('\n').toLowerCase();
}

function collectText(value: unknown, out: string[], labels: ReadonlyMap<string, string>): void {
  if (typeof value === 'string') {
    out.push(value);
    const label = labels.get(value);
    if (label !== undefined && label !== value) out.push(label);
  } else if (Array.isArray(value)) {
    for (const item of value) collectText(item, out, labels);
  } else if (isRecord(value)) {
    for (const key of Object.keys(value).sort()) collectText(value[key], out, labels);
  }
}

const labelIndexes = new WeakMap<Policy, ReadonlyMap<string, string>>();

/** Every code of the policy mapped to its label, so that "kidnapping" finds `kidnapping` and "liaison" finds `via-liaison`. */
function labelIndex(policy: Policy): ReadonlyMap<string, string> {
  let index = labelIndexes.get(policy);
  if (!index) {
    const map = new Map<string, string>();
    for (const list of POLICY_LISTS) {
      for (const item of policy[list] as readonly PolicyItem[]) map.set(item.code, itemLabel(item));
    }
    index = map;
    labelIndexes.set(policy, index);
  }
  return index;
}
