/**
 * The verification report in plain words: what each error code means for the officer,
 * what the relation to earlier bundles means, and a one-sentence headline for the verdict.
 * The core's own messages are kept and shown beside these: they carry the specifics.
 */
import type { ErrorCode } from '../../../shared/errors';
import type { Relation } from '../../../shared/bundle/format';
import type { Verdict } from '../../../shared/bundle/verdict';

/** What a code means, and what to do about it. */
export const CODE_EXPLANATIONS: Partial<Record<ErrorCode, string>> = {
  E_MALFORMED: 'The file or text is not a complete Tearline bundle: it may be cut short, mixed with other text, or not a bundle at all. Ask for it again.',
  E_TOO_LARGE: 'The bundle is larger than this workstation accepts. It was not read further.',
  E_BAD_SIGNATURE: 'The signature does not match the contents: the bundle was changed after it was signed, or damaged on the way. Do not trust it.',
  E_UNTRUSTED_SIGNER: 'The bundle is signed by a workstation that is not among your trusted keys. Add its key card (and compare its fingerprint) before importing.',
  E_REVOKED_SIGNER: 'The bundle is signed by a key that was revoked. Bundles from that key are no longer accepted.',
  E_BAD_PROOF: 'A hash or proof does not check out: an entry was changed, removed or put out of order, or the sender’s history cannot be shown to follow what you already hold.',
  E_INVALID_ENTRY: 'An entry in the bundle does not match the rules for its kind or policy.',
  E_FORK: 'The sender has signed two different histories of the same log. This can mean a copied vault used in two places, or tampering. The evidence is kept; talk to the sender’s security officer.',
  E_ROLLBACK: 'The bundle is older than what you already hold from the sender. An old bundle cannot replace a newer history.',
  E_NOT_FOR_US: 'The bundle is encrypted to another workstation, not to this one. It cannot be read here.',
  E_DECRYPT: 'The bundle could not be decrypted: it is damaged, or was not encrypted to this workstation.',
  E_IO: 'The file could not be read.',
  E_CANCELLED: 'The operation was cancelled. Nothing was changed.',
};

export function explainCode(code: ErrorCode): string | undefined {
  return CODE_EXPLANATIONS[code];
}

export const RELATION_TEXT: Record<Relation, { title: string; text: string; alarm: boolean }> = {
  'first-contact': {
    title: 'First bundle from this log',
    text: 'Nothing was held from the sender’s log before: this bundle starts the record of its history.',
    alarm: false,
  },
  extends: {
    title: 'Extends what you hold',
    text: 'The bundle proves that the sender’s log only grew since the last bundle you accepted from it: nothing was rewritten.',
    alarm: false,
  },
  'already-known': {
    title: 'Already known',
    text: 'You already hold this point of the sender’s history.',
    alarm: false,
  },
  fork: {
    title: 'Two histories (fork)',
    text: 'The sender has shown you two histories that cannot both be true. The bundle is refused and both signed checkpoints are kept as evidence.',
    alarm: true,
  },
  rollback: {
    title: 'Older than what you hold',
    text: 'The bundle shows an earlier state of the sender’s log than one you already accepted. It is refused.',
    alarm: true,
  },
  unproven: {
    title: 'Not proven to follow what you hold',
    text: 'The bundle does not prove that it extends the history you already hold from the sender. Ask the sender to export again.',
    alarm: true,
  },
  'not-checked': {
    title: 'Not checked',
    text: 'The history could not be compared, because an earlier check failed.',
    alarm: false,
  },
};

export const SIGNER_STATUS_TEXT = {
  trusted: 'Trusted: the key is among your trusted workstations.',
  revoked: 'Revoked: this key was trusted once and has been revoked.',
  unknown: 'Unknown: this key is not among your trusted workstations.',
} as const;

export const FORM_TEXT: Record<string, string> = {
  detached: 'bundle file with a separate signature file',
  'single-file': 'single-file bundle',
  armored: 'armored text',
  age: 'encrypted bundle',
  'age-armored': 'encrypted armored text',
};

/** The report's headline: valid and from whom, or refused and why. */
export function verdictHeadline(v: Verdict): string {
  const who = v.signer.name ?? v.sender ?? 'an unknown workstation';
  if (v.valid) {
    const n = v.entries.count;
    return `Valid: ${n} entr${n === 1 ? 'y' : 'ies'} signed by ${who}${v.signer.status === 'trusted' ? ', a trusted workstation' : ''}.`;
  }
  const n = v.problemCount;
  return `Refused: ${n} problem${n === 1 ? '' : 's'} found. Nothing will be imported.`;
}

/** Whether the import may be accepted: valid, and bringing something new. */
export function canAccept(v: Verdict): boolean {
  return v.valid && v.problemCount === 0;
}
