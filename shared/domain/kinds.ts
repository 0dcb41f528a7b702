/**
 * The entry kinds. User kinds are what officers record (CLI `add`, the UI's forms); system
 * kinds are written only by the core, so that the log is its own audit trail.
 */
import { TearlineError } from '../errors';

export const USER_ENTRY_KINDS = [
  'case.opened',
  'case.assessed',
  'decision',
  'waiver',
  'approval',
  'delivery',
  'note',
  'follow-up',
  'escalation',
  'resolution',
  'closure',
  'amendment',
] as const;

export const SYSTEM_ENTRY_KINDS = [
  'vault.created',
  'passphrase.changed',
  'key.trusted',
  'key.revoked',
  'bundle.exported',
  'bundle.imported',
  'backup.created',
  'fork.detected',
] as const;

export const ENTRY_KINDS = [...USER_ENTRY_KINDS, ...SYSTEM_ENTRY_KINDS] as const;

export type UserEntryKind = (typeof USER_ENTRY_KINDS)[number];
export type SystemEntryKind = (typeof SYSTEM_ENTRY_KINDS)[number];
export type EntryKind = UserEntryKind | SystemEntryKind;

const USER = new Set<string>(USER_ENTRY_KINDS);
const SYSTEM = new Set<string>(SYSTEM_ENTRY_KINDS);

export function isEntryKind(kind: unknown): kind is EntryKind {
  return typeof kind === 'string' && (USER.has(kind) || SYSTEM.has(kind));
}
export function isUserKind(kind: unknown): kind is UserEntryKind {
  return typeof kind === 'string' && USER.has(kind);
}
export function isSystemKind(kind: unknown): kind is SystemEntryKind {
  return typeof kind === 'string' && SYSTEM.has(kind);
}

/** Every user kind except `case.opened` refers to a case through `caseId` in its body. */
export function refersToCase(kind: EntryKind): boolean {
  return isUserKind(kind) && kind !== 'case.opened';
}

/** Throws E_INVALID_ENTRY for a string that is no entry kind. */
export function assertEntryKind(kind: string): EntryKind {
  if (!isEntryKind(kind)) {
    throw new TearlineError('E_INVALID_ENTRY', `unknown entry kind "${kind}" (known: ${USER_ENTRY_KINDS.join(', ')})`, { at: 'kind' });
  }
  return kind;
}

/** What `add` and the UI may write: user kinds only. System entries are the core's alone. */
export function assertUserKind(kind: string): UserEntryKind {
  const k = assertEntryKind(kind);
  if (!isUserKind(k)) {
    throw new TearlineError('E_INVALID_ENTRY', `${k} entries are written by Tearline itself and cannot be added by hand`, { at: 'kind' });
  }
  return k;
}

export interface KindInfo {
  /** A short label for lists and headings. */
  title: string;
  /** What the entry records, for officers; also the JSON Schema's description. */
  description: string;
}

export const KIND_INFO: Readonly<Record<EntryKind, KindInfo>> = {
  'case.opened': {
    title: 'Case opened',
    description:
      'Opens a case: a threat of intentional killing, serious bodily harm or kidnapping, who or what is targeted, what is known of it, the sanitized warning text and the handling marking. The case id is the id of this entry.',
  },
  'case.assessed': {
    title: 'Assessment',
    description:
      'Assesses the threat: whether it is credible and why, which specifics are known (timing, location, perpetrators), a confidence from 0 to 100, and whether the threshold for a duty to warn is met.',
  },
  decision: {
    title: 'Decision',
    description: 'The decision to warn the intended victim or to waive the duty to warn, with its rationale.',
  },
  waiver: {
    title: 'Waiver',
    description:
      'Waives the duty to warn for one or more of the reasons the policy lists, with a written justification and the senior officer who approved it.',
  },
  approval: {
    title: 'Approval',
    description: 'One officer approves (or rejects) another officer’s waiver, decision or warning release.',
  },
  delivery: {
    title: 'Warning delivered',
    description:
      'Records that a warning was given: through which channel, to whom, by whom, when and how, the exact text given (or its hash), and how it was received.',
  },
  note: { title: 'Note', description: 'A note on the case.' },
  'follow-up': {
    title: 'Follow-up',
    description: 'Something to do or check after the warning or waiver, with an optional due date; or the record that it was done.',
  },
  escalation: {
    title: 'Escalation',
    description: 'Refers a disagreement between elements (on credibility, on a waiver, on the channel...) to a higher authority.',
  },
  resolution: { title: 'Resolution', description: 'The outcome of an escalation.' },
  closure: { title: 'Case closed', description: 'Closes the case, with the reason.' },
  amendment: {
    title: 'Amendment',
    description:
      'Corrects fields of an earlier entry of the case, with the reason. The earlier entry is never changed: the case shows the latest values and the history of amendments.',
  },
  'vault.created': { title: 'Vault created', description: 'The first entry of a vault: the workstation and its keys.' },
  'passphrase.changed': { title: 'Passphrase changed', description: 'The vault passphrase was changed; records were not re-encrypted.' },
  'key.trusted': { title: 'Key trusted', description: 'Another workstation’s key was added to the trusted keys.' },
  'key.revoked': { title: 'Key revoked', description: 'A workstation’s key was revoked: its bundles are no longer accepted.' },
  'bundle.exported': { title: 'Bundle exported', description: 'Entries left this workstation in a signed bundle.' },
  'bundle.imported': { title: 'Bundle imported', description: 'Entries from another workstation were verified and accepted.' },
  'backup.created': { title: 'Backup created', description: 'A backup copy of the vault was written.' },
  'fork.detected': {
    title: 'Fork detected',
    description: 'A trusted workstation showed two histories that cannot both be true; its bundle was refused and both signed checkpoints are kept as evidence.',
  },
};
