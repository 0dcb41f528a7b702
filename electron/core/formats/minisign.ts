/**
 * minisign public keys and signatures, byte for byte as the stock `minisign` tool reads
 * and writes them (github.com/jedisct1/minisign), so that a bundle can be checked with
 * `minisign -V` and a key made by `minisign -G` can be trusted here.
 *
 * Public key file:   "untrusted comment: <text>\n" base64("Ed" ‖ keyId[8] ‖ pk[32]) "\n"
 * Signature file:    "untrusted comment: <text>\n"
 *                    base64(alg[2] ‖ keyId[8] ‖ sig[64]) "\n"
 *                    "trusted comment: <text>\n"
 *                    base64(globalSig[64]) "\n"
 *
 * `alg` is "ED" (Ed25519 over BLAKE2b-512 of the file, what we write) or the legacy "Ed"
 * (Ed25519 over the file itself, written by `minisign -l`; verified, never written). The
 * global signature is Ed25519 over sig ‖ the trusted comment's bytes, so the trusted
 * comment cannot be altered without the secret key.
 *
 * Key id: minisign itself picks 8 random bytes. Our workstations use the first 8 bytes of
 * BLAKE2b-256(pk) instead, so that a workstation's key id follows from its public key and
 * needs no separate storage; a stock minisign key keeps the id it was made with, and
 * verification compares whatever id the trusted key carries.
 */
import { TearlineError } from '../../../shared/errors';
import { lfLineEnds } from '../../../shared/codec/line-ends';
import { equalBytes, fromBase64, fromUtf8, toBase64, toHex, utf8, concatBytes } from '../../../shared/bytes';
import { sodium } from '../crypto/sodium';
import { blake2b, createBlake2b } from '../crypto/hash';

export const MINISIGN_UNTRUSTED_PREFIX = 'untrusted comment: ';
export const MINISIGN_TRUSTED_PREFIX = 'trusted comment: ';
export const MINISIGN_KEY_ID_BYTES = 8;
/** Stock minisign reads the untrusted comment line into 1024 bytes and the trusted one into 8192. */
export const MINISIGN_UNTRUSTED_COMMENT_MAX_BYTES = 1000;
export const MINISIGN_TRUSTED_COMMENT_MAX_BYTES = 8000;

const ALG_PUBLIC_KEY = 'Ed';
const ALG_PREHASHED = 'ED';
const ALG_LEGACY = 'Ed';
/** What an `ED` signature signs: BLAKE2b-512 of the message. */
export const PREHASH_BYTES = 64;
const SIG_BYTES = 64;
const PK_BYTES = 32;

export type MinisignAlgorithm = 'ED' | 'Ed';

export interface MinisignPublicKey {
  keyId: Uint8Array;
  publicKey: Uint8Array;
  untrustedComment: string;
}

export interface MinisignSignature {
  algorithm: MinisignAlgorithm;
  keyId: Uint8Array;
  signature: Uint8Array;
  untrustedComment: string;
  trustedComment: string;
  globalSignature: Uint8Array;
}

export interface MinisignHasher {
  update(chunk: Uint8Array): MinisignHasher;
  /** The 64-byte BLAKE2b-512 prehash; the hasher cannot be used afterwards. */
  digest(): Uint8Array;
}

function malformed(message: string, at?: string): TearlineError {
  return new TearlineError('E_MALFORMED', message, at === undefined ? undefined : { at });
}

function badSignature(message: string): TearlineError {
  return new TearlineError('E_BAD_SIGNATURE', message);
}

/** Our workstations' key id: the first 8 bytes of BLAKE2b-256 of the Ed25519 public key. */
export function minisignKeyId(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== PK_BYTES) throw new Error('minisignKeyId: public key must be 32 bytes');
  return blake2b(publicKey, 32).slice(0, MINISIGN_KEY_ID_BYTES);
}

/** The key id as minisign prints it: the 8 bytes read as a little-endian number, in upper-case hex. */
export function formatMinisignKeyId(keyId: Uint8Array): string {
  if (keyId.length !== MINISIGN_KEY_ID_BYTES) throw new Error('formatMinisignKeyId: key id must be 8 bytes');
  return toHex(keyId.slice().reverse()).toUpperCase();
}

/** A comment as stock minisign can carry it: one line of UTF-8, no CR, LF or NUL, bounded. */
function checkComment(comment: string, maxBytes: number, what: string, code: 'E_MALFORMED' | 'E_USAGE'): void {
  if (typeof comment !== 'string') throw new TearlineError(code, `${what} must be text`);
  if (/[\r\n\0]/.test(comment)) throw new TearlineError(code, `${what} must be one line without CR, LF or NUL`);
  if (utf8(comment).length > maxBytes) throw new TearlineError(code, `${what} is longer than ${maxBytes} bytes`);
}

// ---------------------------------------------------------------------------------------
// Public keys

export function encodeMinisignPublicKey(key: {
  publicKey: Uint8Array;
  keyId?: Uint8Array;
  untrustedComment?: string;
}): string {
  if (key.publicKey.length !== PK_BYTES) throw new Error('encodeMinisignPublicKey: public key must be 32 bytes');
  const keyId = key.keyId ?? minisignKeyId(key.publicKey);
  if (keyId.length !== MINISIGN_KEY_ID_BYTES) throw new Error('encodeMinisignPublicKey: key id must be 8 bytes');
  const comment = key.untrustedComment ?? `minisign public key ${formatMinisignKeyId(keyId)}`;
  checkComment(comment, MINISIGN_UNTRUSTED_COMMENT_MAX_BYTES, 'the untrusted comment', 'E_USAGE');
  return `${MINISIGN_UNTRUSTED_PREFIX}${comment}\n${encodeMinisignPublicKeyBase64({ publicKey: key.publicKey, keyId })}\n`;
}

/** The bare base64 form that `minisign -P` takes on the command line. */
export function encodeMinisignPublicKeyBase64(key: { publicKey: Uint8Array; keyId?: Uint8Array }): string {
  const keyId = key.keyId ?? minisignKeyId(key.publicKey);
  if (key.publicKey.length !== PK_BYTES || keyId.length !== MINISIGN_KEY_ID_BYTES) {
    throw new Error('encodeMinisignPublicKeyBase64: bad key or key id length');
  }
  return toBase64(concatBytes(utf8(ALG_PUBLIC_KEY), keyId, key.publicKey));
}

export function parseMinisignPublicKeyBase64(text: string): { keyId: Uint8Array; publicKey: Uint8Array } {
  let raw: Uint8Array;
  try {
    raw = fromBase64(text);
  } catch {
    throw malformed('minisign public key: not canonical base64');
  }
  if (raw.length !== 2 + MINISIGN_KEY_ID_BYTES + PK_BYTES) throw malformed('minisign public key: wrong length');
  if (raw[0] !== ALG_PUBLIC_KEY.charCodeAt(0) || raw[1] !== ALG_PUBLIC_KEY.charCodeAt(1)) {
    throw malformed('minisign public key: unsupported algorithm');
  }
  return { keyId: raw.slice(2, 10), publicKey: raw.slice(10) };
}

/** Strict: exactly the two LF-terminated lines that `minisign -G` writes (or all CR LF). */
export function parseMinisignPublicKey(text: string): MinisignPublicKey {
  const lines = splitLines(text, 2, 'minisign public key');
  const commentLine = lines[0]!;
  if (!commentLine.startsWith(MINISIGN_UNTRUSTED_PREFIX)) {
    throw malformed(`minisign public key: the first line must start with "${MINISIGN_UNTRUSTED_PREFIX}"`, 'line 1');
  }
  const untrustedComment = commentLine.slice(MINISIGN_UNTRUSTED_PREFIX.length);
  checkComment(untrustedComment, MINISIGN_UNTRUSTED_COMMENT_MAX_BYTES, 'minisign public key: the untrusted comment', 'E_MALFORMED');
  return { ...parseMinisignPublicKeyBase64(lines[1]!), untrustedComment };
}

/**
 * Splits text into exactly `count` lines, each ending in LF, refusing NUL, a stray CR and
 * anything after. Lines that all end in CR LF (a file that went through Windows) are read
 * as LF, as stock minisign reads them; a mix of the two is refused, as in armor.
 */
function splitLines(text: string, count: number, what: string): string[] {
  if (typeof text !== 'string') throw malformed(`${what}: not text`);
  const lf = lfLineEnds(text);
  if (lf === undefined) throw malformed(`${what}: mixed line ends`);
  text = lf;
  if (!text.endsWith('\n')) throw malformed(`${what}: the last line must end with a line feed`);
  if (/[\r\0]/.test(text)) throw malformed(`${what}: carriage return or NUL`);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length !== count) throw malformed(`${what}: expected ${count} lines, found ${lines.length}`);
  return lines;
}

// ---------------------------------------------------------------------------------------
// Hashing and signing

export function createMinisignHasher(): MinisignHasher {
  // BLAKE2b from crypto/hash.ts (libsodium's native build where it loaded), which itself
  // refuses to be used after its digest.
  return createBlake2b(PREHASH_BYTES);
}

/** BLAKE2b-512 of a whole message, the input that an `ED` signature signs. */
export function minisignPrehash(message: Uint8Array): Uint8Array {
  return blake2b(message, PREHASH_BYTES);
}

export interface SignMinisignOptions {
  /** libsodium's 64-byte Ed25519 secret key (seed ‖ public key). */
  secretKey: Uint8Array;
  keyId: Uint8Array;
  /** The 64-byte BLAKE2b-512 of the file, from createMinisignHasher(); or pass `message`. */
  prehash?: Uint8Array;
  message?: Uint8Array;
  trustedComment: string;
  untrustedComment?: string;
}

export const MINISIGN_DEFAULT_UNTRUSTED_COMMENT = 'signature from minisign secret key';

/** Signs with algorithm `ED` and returns the four-line `.minisig` text. */
export function signMinisign(options: SignMinisignOptions): string {
  const s = sodium();
  const { secretKey, keyId, trustedComment } = options;
  const untrustedComment = options.untrustedComment ?? MINISIGN_DEFAULT_UNTRUSTED_COMMENT;
  if (secretKey.length !== 64) throw new Error('signMinisign: secret key must be 64 bytes');
  if (keyId.length !== MINISIGN_KEY_ID_BYTES) throw new Error('signMinisign: key id must be 8 bytes');
  checkComment(trustedComment, MINISIGN_TRUSTED_COMMENT_MAX_BYTES, 'the trusted comment', 'E_USAGE');
  checkComment(untrustedComment, MINISIGN_UNTRUSTED_COMMENT_MAX_BYTES, 'the untrusted comment', 'E_USAGE');
  const prehash = resolvePrehash(options.prehash, options.message);

  const signature = s.crypto_sign_detached(prehash, secretKey);
  const globalSignature = s.crypto_sign_detached(concatBytes(signature, utf8(trustedComment)), secretKey);
  // As minisign does: check the result with the public half, which catches a secret key
  // whose two halves do not belong together before a bad signature leaves the machine.
  const publicKey = secretKey.subarray(32);
  if (
    !s.crypto_sign_verify_detached(signature, prehash, publicKey) ||
    !s.crypto_sign_verify_detached(globalSignature, concatBytes(signature, utf8(trustedComment)), publicKey)
  ) {
    throw new TearlineError('E_INTERNAL', 'the signing key does not match its public half');
  }
  return formatMinisignSignature({
    algorithm: ALG_PREHASHED,
    keyId,
    signature,
    untrustedComment,
    trustedComment,
    globalSignature,
  });
}

function resolvePrehash(prehash: Uint8Array | undefined, message: Uint8Array | undefined): Uint8Array {
  if ((prehash === undefined) === (message === undefined)) {
    throw new Error('give exactly one of prehash and message');
  }
  if (prehash !== undefined) {
    if (prehash.length !== PREHASH_BYTES) throw new Error('the prehash must be 64 bytes (BLAKE2b-512)');
    return prehash;
  }
  return minisignPrehash(message!);
}

export function formatMinisignSignature(sig: MinisignSignature): string {
  if (sig.keyId.length !== MINISIGN_KEY_ID_BYTES || sig.signature.length !== SIG_BYTES || sig.globalSignature.length !== SIG_BYTES) {
    throw new Error('formatMinisignSignature: bad field length');
  }
  return (
    `${MINISIGN_UNTRUSTED_PREFIX}${sig.untrustedComment}\n` +
    `${toBase64(concatBytes(utf8(sig.algorithm), sig.keyId, sig.signature))}\n` +
    `${MINISIGN_TRUSTED_PREFIX}${sig.trustedComment}\n` +
    `${toBase64(sig.globalSignature)}\n`
  );
}

// ---------------------------------------------------------------------------------------
// Parsing and verification

/** Strict: exactly the four LF-terminated lines that minisign writes; E_MALFORMED otherwise. */
export function parseMinisignSignature(text: string): MinisignSignature {
  const what = 'minisign signature';
  const lines = splitLines(text, 4, what);
  const [untrustedLine, sigLine, trustedLine, globalLine] = lines as [string, string, string, string];

  if (!untrustedLine.startsWith(MINISIGN_UNTRUSTED_PREFIX)) {
    throw malformed(`${what}: the first line must start with "${MINISIGN_UNTRUSTED_PREFIX}"`, 'line 1');
  }
  const untrustedComment = untrustedLine.slice(MINISIGN_UNTRUSTED_PREFIX.length);
  checkComment(untrustedComment, MINISIGN_UNTRUSTED_COMMENT_MAX_BYTES, `${what}: the untrusted comment`, 'E_MALFORMED');

  const raw = decodeField(sigLine, 2 + MINISIGN_KEY_ID_BYTES + SIG_BYTES, `${what}: signature line`, 'line 2');
  const algorithm = String.fromCharCode(raw[0]!, raw[1]!);
  if (algorithm !== ALG_PREHASHED && algorithm !== ALG_LEGACY) {
    throw malformed(`${what}: unsupported algorithm`, 'line 2');
  }

  if (!trustedLine.startsWith(MINISIGN_TRUSTED_PREFIX)) {
    throw malformed(`${what}: the third line must start with "${MINISIGN_TRUSTED_PREFIX}"`, 'line 3');
  }
  const trustedComment = trustedLine.slice(MINISIGN_TRUSTED_PREFIX.length);
  checkComment(trustedComment, MINISIGN_TRUSTED_COMMENT_MAX_BYTES, `${what}: the trusted comment`, 'E_MALFORMED');

  const globalSignature = decodeField(globalLine, SIG_BYTES, `${what}: global signature line`, 'line 4');
  return {
    algorithm: algorithm as MinisignAlgorithm,
    keyId: raw.slice(2, 10),
    signature: raw.slice(10),
    untrustedComment,
    trustedComment,
    globalSignature,
  };
}

function decodeField(line: string, length: number, what: string, at: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = fromBase64(line);
  } catch {
    throw malformed(`${what}: not canonical base64`, at);
  }
  if (raw.length !== length) throw malformed(`${what}: wrong length`, at);
  return raw;
}

export interface VerifyMinisignOptions {
  /** The trusted key: parsed, or the text of a minisign public key file. */
  publicKey: MinisignPublicKey | { keyId: Uint8Array; publicKey: Uint8Array } | string;
  /** BLAKE2b-512 of the file, for streaming; a legacy `Ed` signature needs `message` instead. */
  prehash?: Uint8Array;
  message?: Uint8Array;
  signatureText: string;
  /** Accept legacy (non-prehashed) `Ed` signatures, as `minisign -V` does. Off unless asked for: a caller that forgets must not get the weaker form. */
  allowLegacy?: boolean;
}

export interface MinisignVerified {
  keyId: Uint8Array;
  algorithm: MinisignAlgorithm;
  trustedComment: string;
  untrustedComment: string;
}

/**
 * Verifies a `.minisig` text: framing (E_MALFORMED), then key id, signature and global
 * signature (E_BAD_SIGNATURE). Returns the trusted comment only once both signatures hold.
 */
export function verifyMinisign(options: VerifyMinisignOptions): MinisignVerified {
  const s = sodium();
  const key = typeof options.publicKey === 'string' ? parseMinisignPublicKey(options.publicKey) : options.publicKey;
  if (key.publicKey.length !== PK_BYTES || key.keyId.length !== MINISIGN_KEY_ID_BYTES) {
    throw new Error('verifyMinisign: bad public key or key id length');
  }
  const sig = parseMinisignSignature(options.signatureText);

  if (!equalBytes(sig.keyId, key.keyId)) {
    throw badSignature(
      `the signature was made with key ${formatMinisignKeyId(sig.keyId)}, not the trusted key ${formatMinisignKeyId(key.keyId)}`,
    );
  }

  let signed: Uint8Array;
  if (sig.algorithm === ALG_PREHASHED) {
    signed = resolvePrehash(options.prehash, options.message);
  } else {
    if (options.allowLegacy !== true) throw badSignature('legacy (non-prehashed) minisign signatures are not accepted here');
    if (options.message === undefined) {
      throw badSignature('a legacy (non-prehashed) minisign signature can only be checked against the whole file');
    }
    signed = options.message;
  }

  if (!s.crypto_sign_verify_detached(sig.signature, signed, key.publicKey)) {
    throw badSignature('the signature does not match the file');
  }
  const trusted = utf8(sig.trustedComment);
  if (!s.crypto_sign_verify_detached(sig.globalSignature, concatBytes(sig.signature, trusted), key.publicKey)) {
    throw badSignature('the trusted comment has been altered');
  }
  return {
    keyId: sig.keyId,
    algorithm: sig.algorithm,
    trustedComment: sig.trustedComment,
    untrustedComment: sig.untrustedComment,
  };
}

/** Decodes the UTF-8 of a minisign file read as bytes, strictly (E_MALFORMED on bad UTF-8). */
export function minisignTextFromBytes(bytes: Uint8Array): string {
  try {
    return fromUtf8(bytes);
  } catch {
    throw malformed('minisign file: not valid UTF-8');
  }
}
