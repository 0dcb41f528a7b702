/**
 * An error as the officer reads it: the core's one-line message (which names the field or
 * the entry at fault), preceded where it helps by what the code means in plain words.
 */
import { ERROR_CODES, isErrorCode, type ErrorCode } from '../../../shared/errors';
import { ApiError } from '../api/client';

const PLAIN: Partial<Record<ErrorCode, string>> = {
  E_BAD_PASSPHRASE: 'That passphrase is not right. Check Caps Lock and the keyboard layout, and try again.',
  E_LOCKED: 'The vault is locked. Unlock it to continue.',
  E_VAULT_BUSY: 'The vault is in use by another Tearline window or process. Close it and try again.',
  E_KDF_TOO_WEAK: 'This vault’s key settings are below the safe minimum, so it is refused.',
  E_VAULT_FORMAT: 'The vault file is of a format this version of Tearline cannot read.',
  E_DISK_FULL: 'The disk is full. Nothing was written; free some space and try again.',
  E_CANCELLED: 'Cancelled. Nothing was changed.',
  E_INTERNAL: 'Something went wrong inside Tearline. Nothing was written.',
};

export interface ErrorText {
  code: ErrorCode | null;
  /** The plain-words explanation, if there is one for the code. */
  plain: string | null;
  /** The specific message. */
  detail: string;
}

export function errorText(error: unknown): ErrorText {
  if (error instanceof ApiError) {
    const plain = PLAIN[error.code] ?? null;
    // Where the plain words say it all, the core's terse message adds nothing.
    const detail = error.code === 'E_BAD_PASSPHRASE' || error.code === 'E_CANCELLED' ? '' : capitalize(error.message);
    return { code: error.code, plain, detail };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: null, plain: null, detail: capitalize(message) };
}

export function codeSummary(code: string): string {
  return isErrorCode(code) ? ERROR_CODES[code].summary : code;
}

function capitalize(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}
