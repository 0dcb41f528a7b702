/**
 * age v1 encryption to X25519 recipients (c2sp.org/age), interoperable with the stock
 * `age` and `age-keygen` tools: we encrypt to `age1...` recipients and decrypt with
 * `AGE-SECRET-KEY-1...` identities, binary or armored.
 *
 *   header  = version line, one X25519 stanza per recipient, "--- " HMAC
 *   payload = nonce[16] ‖ STREAM(ChaCha20-Poly1305, 64 KiB chunks)
 *
 *   wrap key     = HKDF-SHA-256(X25519(eph, R), salt = share ‖ R, "age-encryption.org/v1/X25519")
 *   HMAC key     = HKDF-SHA-256(file key, salt = "", "header")
 *   payload key  = HKDF-SHA-256(file key, salt = nonce, "payload")
 *   chunk nonce  = 11-byte big-endian counter ‖ 0x01 for the last chunk, 0x00 before it
 *
 * Failures, by code: E_MALFORMED for anything that does not parse (header, stanza
 * arguments, armor), E_NOT_FOR_US when no stanza opens with the identities given,
 * E_DECRYPT for a wrong header MAC and for any payload that is not exactly a valid STREAM
 * (bad tag, truncated, extended, empty last chunk after data).
 *
 * Everything here is synchronous and needs `await loadSodium()` to have resolved.
 * Streaming decryption (`AgeDecryptor`, `ageDecryptStream`) releases each chunk once its
 * own tag holds; the whole payload is authentic only when `finish()` returns, so callers
 * must not act on the plaintext before then.
 */
import { TearlineError } from '../../../shared/errors';
import { concatBytes, equalBytes, utf8 } from '../../../shared/bytes';
import { bech32Decode, bech32Encode } from '../../../shared/codec/bech32';
import { fromBase64Raw, toBase64Raw } from '../../../shared/codec/base64-raw';
import { ageArmor, ageDearmor, isAgeArmored } from '../../../shared/codec/age-armor';
import { sodium } from '../crypto/sodium';
import { chachaIetfDecryptUncheckedInto, chachaIetfOpenInto, chachaIetfSealInto } from '../crypto/aead';
import { hkdfSha256, hmacSha256 } from './hkdf';
import {
  type AgeStanza,
  AGE_MAX_HEADER_BYTES,
  encodeAgeHeaderMacInput,
  encodeAgeMacLine,
  findAgeHeaderEnd,
  parseAgeHeader,
  startsWithAgeVersionPrefix,
} from './age-header';

export const AGE_RECIPIENT_HRP = 'age';
export const AGE_IDENTITY_HRP = 'AGE-SECRET-KEY-';
export const AGE_CHUNK_SIZE = 64 * 1024;

const X25519_STANZA_TYPE = 'X25519';
const X25519_LABEL = utf8('age-encryption.org/v1/X25519');
const HEADER_LABEL = utf8('header');
const PAYLOAD_LABEL = utf8('payload');
const FILE_KEY_BYTES = 16;
const NONCE_BYTES = 16;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const ENCRYPTED_CHUNK_SIZE = AGE_CHUNK_SIZE + TAG_BYTES;
const ZERO_NONCE = new Uint8Array(12);
const VERSION_PREFIX = 'age-encryption.org/';

/** An identity: `AGE-SECRET-KEY-1...` text, or the raw 32-byte X25519 secret. */
export type AgeIdentityInput = string | Uint8Array;

function malformed(message: string): TearlineError {
  return new TearlineError('E_MALFORMED', message);
}

function decryptError(message: string): TearlineError {
  return new TearlineError('E_DECRYPT', message);
}

// ---------------------------------------------------------------------------------------
// Keys

export function encodeAgeRecipient(publicKey: Uint8Array): string {
  if (publicKey.length !== KEY_BYTES) throw new Error('an X25519 recipient is 32 bytes');
  return bech32Encode(AGE_RECIPIENT_HRP, publicKey);
}

/** Parses `age1...` (lower case, as age writes and requires); E_MALFORMED otherwise. */
export function parseAgeRecipient(text: string): Uint8Array {
  let decoded;
  try {
    decoded = bech32Decode(text);
  } catch {
    throw malformed('invalid age recipient: not a valid bech32 string');
  }
  if (decoded.hrp !== AGE_RECIPIENT_HRP) throw malformed('invalid age recipient: it must start with "age1"');
  if (decoded.data.length !== KEY_BYTES) throw malformed('invalid age recipient: wrong key length');
  return decoded.data;
}

export function encodeAgeIdentity(secretKey: Uint8Array): string {
  if (secretKey.length !== KEY_BYTES) throw new Error('an X25519 identity is 32 bytes');
  return bech32Encode(AGE_IDENTITY_HRP, secretKey);
}

/** Parses `AGE-SECRET-KEY-1...` (upper case, as age writes and requires); E_MALFORMED otherwise. */
export function parseAgeIdentity(text: string): Uint8Array {
  let decoded;
  try {
    decoded = bech32Decode(text);
  } catch {
    throw malformed('invalid age identity: not a valid bech32 string');
  }
  if (decoded.hrp !== AGE_IDENTITY_HRP) throw malformed('invalid age identity: it must start with "AGE-SECRET-KEY-1"');
  if (decoded.data.length !== KEY_BYTES) throw malformed('invalid age identity: wrong key length');
  return decoded.data;
}

function identitySecret(identity: AgeIdentityInput): Uint8Array {
  if (typeof identity === 'string') return parseAgeIdentity(identity);
  if (identity.length !== KEY_BYTES) throw new Error('an X25519 identity is 32 bytes');
  return identity;
}

/** The `age1...` recipient of an identity. */
export function ageRecipientOf(identity: AgeIdentityInput): string {
  return encodeAgeRecipient(sodium().crypto_scalarmult_base(identitySecret(identity)));
}

export function generateAgeIdentity(): { identity: string; recipient: string } {
  const secret = sodium().randombytes_buf(KEY_BYTES);
  try {
    return { identity: encodeAgeIdentity(secret), recipient: ageRecipientOf(secret) };
  } finally {
    sodium().memzero(secret);
  }
}

/**
 * Reads an identity file as `age-keygen` writes it: `#` comment lines, blank lines, and
 * one `AGE-SECRET-KEY-1...` per line (LF or CRLF). Any other line, including plugin
 * identities we cannot use, is E_MALFORMED, as is a file with no identity.
 */
export function parseAgeIdentityFile(text: string): string[] {
  const identities: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line === '' || line.startsWith('#')) continue;
    try {
      parseAgeIdentity(line);
    } catch {
      throw new TearlineError('E_MALFORMED', `identity file line ${i + 1} is not an age X25519 identity`, {
        at: `line ${i + 1}`,
      });
    }
    identities.push(line);
  }
  if (identities.length === 0) throw malformed('the identity file holds no identity');
  return identities;
}

/** The text `age-keygen` writes: created time, public key, secret key. */
export function formatAgeIdentityFile(identity: string, created: Date = new Date()): string {
  const stamp = created.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `# created: ${stamp}\n# public key: ${ageRecipientOf(identity)}\n${identity}\n`;
}

// ---------------------------------------------------------------------------------------
// Sniffing

/** True for a binary age file (any version line) or age's ASCII armor. */
export function isAgeFile(bytes: Uint8Array): boolean {
  return startsWithAgeVersionPrefix(bytes) || isAgeArmored(bytes);
}

export { isAgeArmored, ageArmor, ageDearmor };

// ---------------------------------------------------------------------------------------
// Header: wrapping and unwrapping the file key

function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array | null {
  try {
    // libsodium refuses (throws) when the result is all zeros: a low-order point.
    return sodium().crypto_scalarmult(scalar, point);
  } catch {
    return null;
  }
}

function wrapFileKey(fileKey: Uint8Array, recipient: Uint8Array): AgeStanza {
  const s = sodium();
  const ephemeral = s.randombytes_buf(KEY_BYTES);
  const share = s.crypto_scalarmult_base(ephemeral);
  const shared = x25519(ephemeral, recipient);
  s.memzero(ephemeral);
  if (shared === null) throw malformed('invalid age recipient: a low-order point');
  const wrapKey = hkdfSha256(shared, concatBytes(share, recipient), X25519_LABEL);
  const body = s.crypto_aead_chacha20poly1305_ietf_encrypt(fileKey, null, null, ZERO_NONCE, wrapKey);
  s.memzero(shared);
  s.memzero(wrapKey);
  return { type: X25519_STANZA_TYPE, args: [toBase64Raw(share)], body };
}

interface X25519Stanza {
  share: Uint8Array;
  body: Uint8Array;
}

/**
 * Checks every stanza as the specification requires of an X25519 identity: well-formed
 * X25519 stanzas (two arguments, a canonical 32-byte share, a 32-byte body), and no
 * scrypt stanza mixed with anything else. Unknown types are ignored.
 */
function x25519Stanzas(stanzas: AgeStanza[]): X25519Stanza[] {
  const out: X25519Stanza[] = [];
  for (const stanza of stanzas) {
    if (stanza.type === 'scrypt' && stanzas.length !== 1) {
      throw malformed('invalid age header: a passphrase stanza must be the only stanza');
    }
    if (stanza.type !== X25519_STANZA_TYPE) continue;
    if (stanza.args.length !== 1) throw malformed('invalid age header: an X25519 stanza takes exactly one argument');
    let share: Uint8Array;
    try {
      share = fromBase64Raw(stanza.args[0]!);
    } catch {
      throw malformed('invalid age header: the X25519 share is not canonical base64');
    }
    if (share.length !== KEY_BYTES) throw malformed('invalid age header: the X25519 share is not 32 bytes');
    if (stanza.body.length !== FILE_KEY_BYTES + TAG_BYTES) {
      throw malformed('invalid age header: the X25519 stanza body is not 32 bytes');
    }
    out.push({ share, body: stanza.body });
  }
  return out;
}

/** ChaCha20-Poly1305 with the all-zero nonce; null when the tag does not verify. */
function openOrNull(body: Uint8Array, key: Uint8Array): Uint8Array | null {
  try {
    return sodium().crypto_aead_chacha20poly1305_ietf_decrypt(null, body, null, ZERO_NONCE, key);
  } catch {
    return null;
  }
}

function unwrapFileKey(stanzas: AgeStanza[], identities: AgeIdentityInput[]): Uint8Array {
  const s = sodium();
  const candidates = x25519Stanzas(stanzas);
  const secrets = identities.map(identitySecret);
  for (const secret of secrets) {
    const ourPoint = s.crypto_scalarmult_base(secret);
    for (const { share, body } of candidates) {
      const shared = x25519(secret, share);
      if (shared === null) throw malformed('invalid age header: an X25519 share is a low-order point');
      const wrapKey = hkdfSha256(shared, concatBytes(share, ourPoint), X25519_LABEL);
      s.memzero(shared);
      const fileKey = openOrNull(body, wrapKey);
      s.memzero(wrapKey);
      if (fileKey !== null) return fileKey;
    }
  }
  throw new TearlineError('E_NOT_FOR_US', 'the file is not encrypted to any of our age identities');
}

function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Uint8Array {
  const key = hkdfSha256(fileKey, new Uint8Array(0), HEADER_LABEL);
  try {
    return hmacSha256(key, macInput);
  } finally {
    sodium().memzero(key);
  }
}

function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdfSha256(fileKey, nonce, PAYLOAD_LABEL);
}

/** Writes chunk `counter`'s 12-byte STREAM nonce into `nonce` (reused from chunk to chunk). */
function chunkNonce(nonce: Uint8Array, counter: number, last: boolean): Uint8Array {
  if (!Number.isSafeInteger(counter) || counter < 0) throw decryptError('the payload has too many chunks');
  const view = new DataView(nonce.buffer, nonce.byteOffset, 12);
  view.setUint32(0, 0, false);
  view.setUint32(3, Math.floor(counter / 2 ** 32), false);
  view.setUint32(7, counter >>> 0, false);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/**
 * How many chunks a STREAM seals or opens once `available` bytes are buffered or given: every
 * complete one that some later byte shows is not the last.
 */
function chunksBefore(available: number, chunkBytes: number): number {
  return available > 0 ? Math.floor((available - 1) / chunkBytes) : 0;
}

// ---------------------------------------------------------------------------------------
// Encryption

/**
 * Streaming encryption: `push` plaintext in pieces of any size, then `finish`; each call
 * returns the ciphertext bytes ready so far (the header comes out with the first call).
 * Holds at most one chunk of plaintext: a full chunk is sealed as "not last" only once a
 * byte after it is known to exist, and the last chunk is empty only for empty input.
 */
export class AgeEncryptor {
  private readonly key: Uint8Array;
  private pendingHeader: Uint8Array | null;
  private readonly pending = new Uint8Array(AGE_CHUNK_SIZE);
  private pendingLength = 0;
  private counter = 0;
  private finished = false;
  private readonly chunkNonce = new Uint8Array(12);

  constructor(recipients: string[]) {
    if (!Array.isArray(recipients) || recipients.length === 0) {
      throw new TearlineError('E_USAGE', 'age encryption needs at least one recipient');
    }
    const points = recipients.map(parseAgeRecipient);
    const s = sodium();
    const fileKey = s.randombytes_buf(FILE_KEY_BYTES);
    try {
      const stanzas = points.map((p) => wrapFileKey(fileKey, p));
      const macInput = encodeAgeHeaderMacInput(stanzas);
      const nonce = s.randombytes_buf(NONCE_BYTES);
      this.pendingHeader = concatBytes(macInput, encodeAgeMacLine(headerMac(fileKey, macInput)), nonce);
      this.key = payloadKey(fileKey, nonce);
    } finally {
      s.memzero(fileKey);
    }
  }

  push(plaintext: Uint8Array): Uint8Array {
    if (this.finished) throw new Error('AgeEncryptor used after finish()');
    // The output of this call, sized first, so that each chunk is sealed straight into it.
    const header = this.pendingHeader?.length ?? 0;
    const sealed = chunksBefore(this.pendingLength + plaintext.length, AGE_CHUNK_SIZE);
    const out = new Uint8Array(header + sealed * ENCRYPTED_CHUNK_SIZE);
    let at = this.takeHeader(out);
    let input = plaintext;
    if (this.pendingLength > 0 && input.length > 0) {
      const fill = input.subarray(0, AGE_CHUNK_SIZE - this.pendingLength);
      this.pending.set(fill, this.pendingLength);
      this.pendingLength += fill.length;
      input = input.subarray(fill.length);
      if (this.pendingLength === AGE_CHUNK_SIZE && input.length > 0) {
        at = this.sealInto(out, at, this.pending, false);
        this.pendingLength = 0;
      }
    }
    while (input.length > AGE_CHUNK_SIZE) {
      at = this.sealInto(out, at, input.subarray(0, AGE_CHUNK_SIZE), false);
      input = input.subarray(AGE_CHUNK_SIZE);
    }
    if (input.length > 0) {
      this.pending.set(input, this.pendingLength);
      this.pendingLength += input.length;
    }
    if (at !== out.length) throw new Error('AgeEncryptor: the output was sized wrongly');
    return out;
  }

  finish(): Uint8Array {
    if (this.finished) throw new Error('AgeEncryptor used after finish()');
    const out = new Uint8Array((this.pendingHeader?.length ?? 0) + this.pendingLength + TAG_BYTES);
    const at = this.takeHeader(out);
    this.sealInto(out, at, this.pending.subarray(0, this.pendingLength), true);
    this.finished = true;
    sodium().memzero(this.key);
    sodium().memzero(this.pending);
    return out;
  }

  /** Writes the header, if not yet given out, at the start of `out`; returns where it ends. */
  private takeHeader(out: Uint8Array): number {
    if (this.pendingHeader === null) return 0;
    out.set(this.pendingHeader);
    const length = this.pendingHeader.length;
    this.pendingHeader = null;
    return length;
  }

  /** Seals the chunk into `out` at `at`; returns where its ciphertext ends. */
  private sealInto(out: Uint8Array, at: number, chunk: Uint8Array, last: boolean): number {
    const end = at + chunk.length + TAG_BYTES;
    chachaIetfSealInto(out.subarray(at, end), chunk, chunkNonce(this.chunkNonce, this.counter++, last), this.key);
    return end;
  }
}

export interface AgeEncryptOptions {
  /** Return age's ASCII armor (as UTF-8 bytes of the text) instead of the binary file. */
  armor?: boolean;
}

/** Encrypts a whole plaintext (or a sequence of pieces) in memory. */
export function ageEncrypt(
  plaintext: Uint8Array | Iterable<Uint8Array>,
  recipients: string[],
  options: AgeEncryptOptions = {},
): Uint8Array {
  const encryptor = new AgeEncryptor(recipients);
  const out: Uint8Array[] = [];
  if (plaintext instanceof Uint8Array) out.push(encryptor.push(plaintext));
  else for (const piece of plaintext) out.push(encryptor.push(piece));
  out.push(encryptor.finish());
  const binary = concatBytes(...out);
  return options.armor ? utf8(ageArmor(binary)) : binary;
}

/** Encrypts a stream of plaintext pieces into a stream of binary age output. */
export async function* ageEncryptStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  recipients: string[],
): AsyncGenerator<Uint8Array> {
  const encryptor = new AgeEncryptor(recipients);
  for await (const piece of source) {
    const out = encryptor.push(piece);
    if (out.length > 0) yield out;
  }
  yield encryptor.finish();
}

// ---------------------------------------------------------------------------------------
// Decryption

/**
 * Where a decrypted age file's payload lies, and the key that opens its chunks, so that
 * they can be read again out of order (a bundle's second reading in segments,
 * bundle/segments.ts). `key` is the payload key: whoever holds this wipes it.
 */
export interface AgePayload {
  /** The offset of the first chunk in the file (after the header and the nonce). */
  start: number;
  /** The payload's plaintext length. */
  plaintextBytes: number;
  key: Uint8Array;
}

/**
 * Decrypts chunk `index` of a payload (`sealed`: its ciphertext and tag, read from
 * `payload.start + index * AGE_SEALED_CHUNK_BYTES`) into `out`, exactly its plaintext's
 * length, WITHOUT checking its tag (the last chunk is known by the plaintext length, as
 * its nonce says). Only for a chunk whose plaintext is shown by other means to be what was
 * opened, tag checked, before (see chachaIetfDecryptUncheckedInto).
 */
export function decryptAgeChunkUnchecked(out: Uint8Array, sealed: Uint8Array, index: number, payload: Pick<AgePayload, 'plaintextBytes' | 'key'>): void {
  const last = index === Math.max(0, Math.ceil(payload.plaintextBytes / AGE_CHUNK_SIZE) - 1);
  chachaIetfDecryptUncheckedInto(out, sealed.subarray(0, sealed.length - TAG_BYTES), chunkNonce(new Uint8Array(12), index, last), payload.key);
}

/** The number of bytes a payload chunk takes in the file, its tag included. */
export const AGE_SEALED_CHUNK_BYTES = ENCRYPTED_CHUNK_SIZE;

/**
 * Streaming decryption of a binary age file: `push` ciphertext in pieces of any size and
 * get back the plaintext of every chunk that has been authenticated; `finish` checks that
 * the file ended exactly after a valid last chunk. After any failure the decryptor
 * refuses further use. See the module note on releasing plaintext early.
 */
export class AgeDecryptor {
  private readonly identities: AgeIdentityInput[];
  private state: 'header' | 'nonce' | 'payload' | 'done' | 'failed' = 'header';
  // Header bytes as they arrive, in a buffer that grows by doubling, and where the scan
  // for the MAC line resumes: feeding the header a byte at a time stays linear.
  private head: Uint8Array | null = new Uint8Array(1024);
  private headLength = 0;
  private scanFrom = 0;
  private fileKey: Uint8Array | null = null;
  private readonly nonce = new Uint8Array(NONCE_BYTES);
  private nonceLength = 0;
  private key: Uint8Array | null = null;
  // At most one encrypted chunk, held until a later byte shows whether it is the last.
  private readonly pending = new Uint8Array(ENCRYPTED_CHUNK_SIZE);
  private pendingLength = 0;
  private counter = 0;
  private readonly chunkNonce = new Uint8Array(12);

  // With `keepPayload`: where the payload starts, its plaintext so far, and a copy of its key.
  private readonly keep: { start: number; plaintextBytes: number; key: Uint8Array | null } | undefined;

  /**
   * `keepPayload`: keep what `payload()` gives once the file has been decrypted whole (a
   * copy of the payload key, which the caller then holds and wipes).
   */
  constructor(identities: AgeIdentityInput[], options: { keepPayload?: boolean } = {}) {
    this.keep = options.keepPayload ? { start: -1, plaintextBytes: 0, key: null } : undefined;
    if (!Array.isArray(identities) || identities.length === 0) {
      throw new TearlineError('E_USAGE', 'age decryption needs at least one identity');
    }
    // Parsed up front so that a bad identity is reported as such, not as "not for us".
    identities.forEach(identitySecret);
    this.identities = identities;
  }

  /**
   * `room`, if given, may say where the plaintext of this call is to be written (it is
   * asked for its length, and may answer undefined: a new array then).
   */
  push(ciphertext: Uint8Array, room?: (length: number) => Uint8Array | undefined): Uint8Array {
    return this.guard(() => {
      let pieces = [ciphertext];
      if (this.state === 'header') {
        const rest = this.readHeader(ciphertext);
        if (rest === null) return new Uint8Array(0);
        pieces = rest;
      }
      const payload: Uint8Array[] = [];
      let given = 0;
      for (let data of pieces) {
        if (this.state === 'nonce') data = this.readNonce(data);
        if (this.state === 'payload' && data.length > 0) {
          payload.push(data);
          given += data.length;
        }
      }
      // The plaintext of this call, sized first, so that each chunk opens straight into it.
      const length = chunksBefore(this.pendingLength + given, ENCRYPTED_CHUNK_SIZE) * AGE_CHUNK_SIZE;
      const out = (length > 0 ? room?.(length) : undefined) ?? new Uint8Array(length);
      if (out.length !== length) throw new Error('AgeDecryptor: the room given is not the size asked for');
      let at = 0;
      try {
        for (const data of payload) at = this.readPayload(data, out, at);
      } catch (error) {
        out.fill(0);
        throw error;
      }
      if (at !== out.length) throw new Error('AgeDecryptor: the output was sized wrongly');
      if (this.keep) this.keep.plaintextBytes += out.length;
      return out;
    });
  }

  /** With `keepPayload`, once finish() has returned: the payload, its key a copy for the caller to wipe. */
  payload(): AgePayload {
    if (!this.keep || this.state !== 'done' || !this.keep.key) throw new Error('AgeDecryptor: no payload kept');
    const { start, plaintextBytes, key } = this.keep;
    this.keep.key = null;
    return { start, plaintextBytes, key };
  }

  finish(): Uint8Array {
    return this.guard(() => {
      if (this.state === 'header') {
        parseAgeHeader(this.head!.subarray(0, this.headLength)); // says precisely what is missing
        throw malformed('invalid age header: the header ends before its MAC line');
      }
      if (this.state === 'nonce') throw decryptError('the age payload is truncated: no complete nonce');
      const rest = this.pending.subarray(0, this.pendingLength);
      if (rest.length === 0) throw decryptError('the age payload is truncated: no last chunk');
      if (rest.length < TAG_BYTES) throw decryptError('the age payload is truncated: a chunk is shorter than its tag');
      if (rest.length === TAG_BYTES && this.counter > 0) {
        throw decryptError('the age payload ends with an empty chunk after data');
      }
      const out = new Uint8Array(rest.length - TAG_BYTES);
      this.openInto(rest, true, out, 0);
      if (this.keep) {
        this.keep.plaintextBytes += out.length;
        this.keep.key = this.key!.slice();
      }
      this.state = 'done';
      this.wipe();
      return out;
    });
  }

  private guard<T>(step: () => T): T {
    if (this.state === 'failed') throw decryptError('the age decryption has already failed');
    if (this.state === 'done') throw new Error('AgeDecryptor used after finish()');
    try {
      return step();
    } catch (error) {
      this.state = 'failed';
      this.wipe();
      throw error;
    }
  }

  private wipe(): void {
    const s = sodium();
    if (this.fileKey !== null) s.memzero(this.fileKey);
    if (this.key !== null) s.memzero(this.key);
    s.memzero(this.pending);
    this.fileKey = null;
    this.key = null;
    this.head = null;
    this.pendingLength = 0;
  }

  /**
   * Collects header bytes; once the MAC line is in, parses, unwraps and authenticates the
   * header and returns the bytes after it (in up to two pieces, so that a large push is
   * never copied whole). Returns null while the header is incomplete.
   */
  private readHeader(data: Uint8Array): Uint8Array[] | null {
    // Only what can still belong to the header is copied in.
    const take = Math.min(data.length, AGE_MAX_HEADER_BYTES + 1 - this.headLength);
    let head = this.head!;
    if (this.headLength + take > head.length) {
      let size = head.length;
      while (size < this.headLength + take) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(head.subarray(0, this.headLength));
      head = this.head = grown;
    }
    head.set(data.subarray(0, take), this.headLength);
    const oldLength = this.headLength;
    this.headLength += take;
    const view = head.subarray(0, this.headLength);

    // Fail at once on something that is plainly not age, without waiting for 1 MiB.
    for (let i = oldLength; i < Math.min(this.headLength, VERSION_PREFIX.length); i++) {
      if (view[i] !== VERSION_PREFIX.charCodeAt(i)) throw malformed('invalid age header: not an age file');
    }
    const end = findAgeHeaderEnd(view, this.scanFrom);
    if (end < 0) {
      if (this.headLength > AGE_MAX_HEADER_BYTES) {
        parseAgeHeader(view);
        throw malformed('invalid age header: the header is too large');
      }
      this.scanFrom = view.lastIndexOf(0x0a) + 1;
      return null;
    }

    const header = parseAgeHeader(view.subarray(0, end));
    // The header is the file's first `end` bytes; the nonce follows it, then the chunks.
    if (this.keep) this.keep.start = end + NONCE_BYTES;
    this.fileKey = unwrapFileKey(header.stanzas, this.identities);
    if (!equalBytes(headerMac(this.fileKey, header.macInput), header.mac)) {
      throw decryptError('the age header MAC does not match: the header was altered');
    }
    this.state = 'nonce';
    this.head = null;
    return [view.subarray(end), data.subarray(take)];
  }

  private readNonce(data: Uint8Array): Uint8Array {
    const take = Math.min(NONCE_BYTES - this.nonceLength, data.length);
    this.nonce.set(data.subarray(0, take), this.nonceLength);
    this.nonceLength += take;
    if (this.nonceLength === NONCE_BYTES) {
      this.key = payloadKey(this.fileKey!, this.nonce);
      sodium().memzero(this.fileKey!);
      this.fileKey = null;
      this.state = 'payload';
    }
    return data.subarray(take);
  }

  /**
   * Opens every chunk known not to be the last (a chunk is last only if nothing follows
   * it) into `out` from `at`; returns where the plaintext written ends.
   */
  private readPayload(data: Uint8Array, out: Uint8Array, at: number): number {
    let rest = data;
    while (rest.length > 0) {
      if (this.pendingLength === ENCRYPTED_CHUNK_SIZE) {
        at = this.openInto(this.pending, false, out, at);
        this.pendingLength = 0;
      }
      if (this.pendingLength === 0 && rest.length > ENCRYPTED_CHUNK_SIZE) {
        at = this.openInto(rest.subarray(0, ENCRYPTED_CHUNK_SIZE), false, out, at);
        rest = rest.subarray(ENCRYPTED_CHUNK_SIZE);
        continue;
      }
      const take = Math.min(ENCRYPTED_CHUNK_SIZE - this.pendingLength, rest.length);
      this.pending.set(rest.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      rest = rest.subarray(take);
    }
    return at;
  }

  /** Opens the chunk into `out` at `at`; returns where its plaintext ends. */
  private openInto(chunk: Uint8Array, last: boolean, out: Uint8Array, at: number): number {
    const end = at + chunk.length - TAG_BYTES;
    if (!chachaIetfOpenInto(out.subarray(at, end), chunk, chunkNonce(this.chunkNonce, this.counter, last), this.key!)) {
      throw decryptError(`the age payload does not decrypt at chunk ${this.counter}`);
    }
    this.counter++;
    return end;
  }
}

/**
 * Decrypts a whole age file in memory, binary or armored (detected by its BEGIN line).
 */
export function ageDecrypt(bytes: Uint8Array, identities: AgeIdentityInput[]): Uint8Array {
  const binary = isAgeArmored(bytes) ? ageDearmor(bytes) : bytes;
  const decryptor = new AgeDecryptor(identities);
  const first = decryptor.push(binary);
  const last = decryptor.finish();
  return first.length === 0 ? last : concatBytes(first, last);
}

/** Decrypts a stream of binary age input; see the module note on releasing plaintext early. */
export async function* ageDecryptStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  identities: AgeIdentityInput[],
): AsyncGenerator<Uint8Array> {
  const decryptor = new AgeDecryptor(identities);
  for await (const piece of source) {
    const out = decryptor.push(piece);
    if (out.length > 0) yield out;
  }
  const last = decryptor.finish();
  if (last.length > 0) yield last;
}
