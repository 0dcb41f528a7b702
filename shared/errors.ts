/**
 * The one list of error codes. The command line prints them as `CODE: message`, the IPC
 * layer returns them as `{ ok: false, error: { code, message } }`, and the UI explains
 * them: they are a stable contract, so codes are only ever added, never renamed.
 */
export const ERROR_CODES = {
  // Usage (exit 2)
  E_USAGE: { exit: 2, summary: 'the command was used wrongly' },
  // Passphrase and lock state (exit 3)
  E_BAD_PASSPHRASE: { exit: 3, summary: 'the passphrase is wrong' },
  E_LOCKED: { exit: 3, summary: 'the vault is locked' },
  // Verification and integrity failures (exit 1)
  E_INTEGRITY: { exit: 1, summary: 'the vault failed its integrity check' },
  E_MALFORMED: { exit: 1, summary: 'the bundle is not well formed' },
  E_TOO_LARGE: { exit: 1, summary: 'the bundle exceeds a size limit' },
  E_BAD_SIGNATURE: { exit: 1, summary: 'a signature does not verify' },
  E_UNTRUSTED_SIGNER: { exit: 1, summary: 'the signer is not a trusted workstation' },
  E_REVOKED_SIGNER: { exit: 1, summary: 'the signer’s key has been revoked' },
  E_BAD_PROOF: { exit: 1, summary: 'a hash or Merkle proof does not verify' },
  E_FORK: { exit: 1, summary: 'the signer has shown two inconsistent histories' },
  E_ROLLBACK: { exit: 1, summary: 'the bundle is older than what this vault already holds' },
  E_NOT_FOR_US: { exit: 1, summary: 'the bundle is encrypted to someone else' },
  E_DECRYPT: { exit: 1, summary: 'the bundle could not be decrypted' },
  // Other errors (exit 4)
  E_INVALID_ENTRY: { exit: 4, summary: 'an entry does not match its schema or policy' },
  E_NOT_FOUND: { exit: 4, summary: 'no such entry, case or key' },
  E_VAULT_EXISTS: { exit: 4, summary: 'a vault already exists at that path' },
  E_NO_VAULT: { exit: 4, summary: 'there is no vault at that path' },
  E_VAULT_BUSY: { exit: 4, summary: 'the vault is in use by another process' },
  E_VAULT_FORMAT: { exit: 4, summary: 'the vault file is of an unknown or unsupported format' },
  E_KDF_TOO_WEAK: { exit: 4, summary: 'the vault’s key-derivation parameters are below the floor' },
  E_IO: { exit: 4, summary: 'a file could not be read or written' },
  E_DISK_FULL: { exit: 4, summary: 'the disk is full' },
  E_CANCELLED: { exit: 4, summary: 'the operation was cancelled' },
  E_INTERNAL: { exit: 4, summary: 'an unexpected internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

/** An expected failure, carrying a stable code and a one-line message for a person. */
export class TearlineError extends Error {
  readonly code: ErrorCode;
  /** Where the problem is, when there is one place: a field path, an entry index. */
  readonly at: string | undefined;
  /**
   * The command line's exit status, where it is not the code's own: a bundle that fails
   * verification exits 1 whatever its first problem (an invalid entry added by hand is 4).
   */
  readonly exit: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { at?: string; cause?: unknown; exit?: number }) {
    // One line, always: the message is printed after the code on stderr.
    super(message.replace(/\s*\n\s*/g, ' '), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TearlineError';
    this.code = code;
    this.at = options?.at;
    this.exit = options?.exit;
  }

  /** `E_CODE: message`, the form the command line prints. */
  toLine(): string {
    return `${this.code}: ${this.message}`;
  }
}

export function exitCodeFor(code: ErrorCode): number {
  return ERROR_CODES[code].exit;
}

/** The serialisable form used by IPC results and `--json` output. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  at?: string;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof TearlineError) {
    return error.at === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, at: error.at };
  }
  return { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
