/**
 * Reading a bundle in any of its forms (docs/bundle-format.md, section 2) down to the
 * payload and its signature, with the checks that come before the signature: size
 * limits, form, transport (armor, age) and framing.
 *
 * The payload is held in memory as raw bytes (at most the size limit); nothing in it is
 * decoded here. An age file is decrypted as it is read, into one buffer, so that neither
 * the ciphertext nor any plaintext ever sits on disk or twice in memory.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { fromUtf8, utf8 } from '../../../shared/bytes';
import { TearlineError } from '../../../shared/errors';
import { dearmor } from '../../../shared/codec/armor';
import { ARMOR_LABEL, SIGNATURE_SUFFIX, type BundleForm, type BundleLimits } from '../../../shared/bundle/format';
import { hasBundleMagic, scanBundle, type BundleLayout } from '../../../shared/bundle/framing';
import { AgeDecryptor, ageDearmor, type AgeIdentityInput } from '../formats/age';
import { CHUNK_BYTES, checkAbort, tick, type RunOptions } from './progress';

export interface BundleSource {
  /** The bundle file. */
  path?: string;
  /** Or its bytes (pasted text, a file read by the caller). */
  bytes?: Uint8Array;
  /** The detached signature of the `detached` form: its text, or its file (default `<path>.minisig`). */
  signatureText?: string;
  signaturePath?: string;
}

export interface LoadedBundle {
  form: BundleForm;
  encrypted: boolean;
  /** The size of the input as read. */
  inputBytes: number;
  /** B, or B ‖ SIG. */
  payload: Uint8Array;
  layout: BundleLayout;
  signatureText: string;
}

export interface LoadOptions extends RunOptions {
  limits: BundleLimits;
  /** Age identities to decrypt with; without any, an encrypted bundle is E_NOT_FOR_US. */
  identities?: AgeIdentityInput[];
}

const AGE_PREFIX = utf8('age-encryption.org/');
const AGE_ARMOR_PREFIX = utf8('-----BEGIN AGE ENCRYPTED FILE-----');
const ARMOR_PREFIX = utf8(`-----BEGIN ${ARMOR_LABEL}-----`);

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

export type SniffedForm = 'age' | 'age-armored' | 'armored' | 'binary';

/** The form from the first bytes, in the order the format gives; undefined for none. */
export function sniffForm(first: Uint8Array): SniffedForm | undefined {
  if (startsWith(first, AGE_PREFIX)) return 'age';
  if (startsWith(first, AGE_ARMOR_PREFIX)) return 'age-armored';
  if (startsWith(first, ARMOR_PREFIX)) return 'armored';
  if (hasBundleMagic(first)) return 'binary';
  return undefined;
}

function ioError(file: string, error: unknown): TearlineError {
  const code = (error as { code?: string }).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
  return new TearlineError('E_IO', `cannot read ${file}: ${reason}`, { cause: error });
}

function tooLarge(bytes: number, limit: number, what: string): TearlineError {
  return new TearlineError('E_TOO_LARGE', `${what} is ${bytes} bytes, over the limit of ${limit} (see --max-size)`);
}

function readHead(file: string, length: number): Uint8Array {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const out = new Uint8Array(length);
    const n = readSync(fd, out, 0, length, 0);
    return out.subarray(0, n);
  } catch (error) {
    throw ioError(file, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readWhole(file: string): Uint8Array {
  try {
    const buffer = readFileSync(file);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw ioError(file, error);
  }
}

/** Decrypts binary age, from a file read piece by piece or from memory, into one buffer. */
async function decryptAge(
  input: { file: string; size: number } | { bytes: Uint8Array },
  options: LoadOptions,
): Promise<Uint8Array> {
  const identities = options.identities ?? [];
  if (identities.length === 0) {
    throw new TearlineError('E_NOT_FOR_US', 'the bundle is encrypted, and no identity to decrypt it was given (use --vault or --identity)');
  }
  const total = 'bytes' in input ? input.bytes.length : input.size;
  // The plaintext is shorter than the ciphertext: one buffer of that size holds it.
  const out = new Uint8Array(total);
  let written = 0;
  const take = (plain: Uint8Array): void => {
    if (written + plain.length > out.length || written + plain.length > options.limits.maxBytes) {
      throw tooLarge(written + plain.length, options.limits.maxBytes, 'the decrypted bundle');
    }
    out.set(plain, written);
    written += plain.length;
  };
  const decryptor = new AgeDecryptor(identities);
  let fd: number | undefined;
  try {
    if ('file' in input) {
      try {
        fd = openSync(input.file, 'r');
      } catch (error) {
        throw ioError(input.file, error);
      }
    }
    const piece = 'file' in input ? new Uint8Array(Math.min(CHUNK_BYTES, Math.max(total, 1))) : undefined;
    for (let at = 0; at < total; ) {
      let chunk: Uint8Array;
      if ('bytes' in input) chunk = input.bytes.subarray(at, Math.min(total, at + CHUNK_BYTES));
      else {
        const n = readSync(fd!, piece!, 0, Math.min(piece!.length, total - at), at);
        if (n === 0) throw new TearlineError('E_IO', `cannot read ${input.file}: it changed while it was read`);
        chunk = piece!.subarray(0, n);
      }
      at += chunk.length;
      take(decryptor.push(chunk));
      options.onProgress?.(at, total, 'decrypt');
      await tick(options.signal);
    }
    take(decryptor.finish());
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return out.subarray(0, written);
}

/**
 * Reads a bundle down to its payload and signature: size, form, transport and framing.
 * Throws E_IO, E_TOO_LARGE, E_MALFORMED, E_NOT_FOR_US or E_DECRYPT.
 */
export async function loadBundle(source: BundleSource, options: LoadOptions): Promise<LoadedBundle> {
  const { limits } = options;
  checkAbort(options.signal);
  let inputBytes: number;
  let first: Uint8Array;
  if (source.bytes !== undefined) {
    inputBytes = source.bytes.length;
    if (inputBytes > limits.maxBytes) throw tooLarge(inputBytes, limits.maxBytes, 'the bundle');
    first = source.bytes.subarray(0, 64);
  } else if (source.path !== undefined) {
    let size: number;
    try {
      const stat = statSync(source.path);
      if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: stat.isDirectory() ? 'EISDIR' : 'EINVAL' });
      size = stat.size;
    } catch (error) {
      throw ioError(source.path, error);
    }
    inputBytes = size;
    if (size > limits.maxBytes) throw tooLarge(size, limits.maxBytes, 'the bundle');
    first = readHead(source.path, 64);
  } else {
    throw new TearlineError('E_USAGE', 'no bundle given');
  }

  const sniffed = sniffForm(first);
  if (sniffed === undefined) {
    throw new TearlineError('E_MALFORMED', 'not a Tearline bundle: neither the binary form, the armored form, nor age', { at: 'byte 0' });
  }
  options.onProgress?.(0, inputBytes, 'read');

  let payload: Uint8Array;
  let encrypted = false;
  if (sniffed === 'age') {
    encrypted = true;
    payload = await decryptAge(source.bytes !== undefined ? { bytes: source.bytes } : { file: source.path!, size: inputBytes }, options);
  } else if (sniffed === 'age-armored') {
    encrypted = true;
    const bytes = source.bytes ?? readWhole(source.path!);
    payload = await decryptAge({ bytes: ageDearmor(bytes) }, options);
  } else if (sniffed === 'armored') {
    const bytes = source.bytes ?? readWhole(source.path!);
    // Any byte over 0x7f is refused by the armor's own rules; latin1 maps bytes to code points 1:1.
    payload = dearmor(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), ARMOR_LABEL);
  } else {
    payload = source.bytes ?? readWhole(source.path!);
  }
  if (payload.length > limits.maxBytes) throw tooLarge(payload.length, limits.maxBytes, 'the decoded bundle');
  options.onProgress?.(inputBytes, inputBytes, 'read');

  const layout = scanBundle(payload, limits);
  let signatureText: string;
  let form: BundleForm;
  if (layout.signature) {
    try {
      signatureText = fromUtf8(payload.subarray(layout.signature.start, layout.signature.end));
    } catch {
      throw new TearlineError('E_MALFORMED', 'the signature record is not UTF-8 text', { at: 'signature' });
    }
    form = sniffed === 'binary' ? 'single-file' : sniffed;
  } else {
    if (sniffed !== 'binary') {
      throw new TearlineError('E_MALFORMED', `a ${sniffed === 'armored' ? 'armored' : 'encrypted'} bundle must carry its signature (SIG record), and this one does not`);
    }
    form = 'detached';
    signatureText = readDetachedSignature(source, limits);
  }
  return { form, encrypted, inputBytes, payload, layout, signatureText };
}

function readDetachedSignature(source: BundleSource, limits: BundleLimits): string {
  if (source.signatureText !== undefined) {
    if (utf8(source.signatureText).length > limits.maxSignatureBytes) throw tooLarge(utf8(source.signatureText).length, limits.maxSignatureBytes, 'the signature');
    return source.signatureText;
  }
  const file = source.signaturePath ?? (source.path !== undefined ? source.path + SIGNATURE_SUFFIX : undefined);
  if (file === undefined || (source.signaturePath === undefined && !existsSync(file))) {
    throw new TearlineError(
      'E_MALFORMED',
      `the bundle has no signature: it is the detached form, and ${file ?? 'its .minisig file'} is missing (keep FILE.minisig next to FILE)`,
      { at: 'signature' },
    );
  }
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw ioError(file, error);
  }
  if (size > limits.maxSignatureBytes) throw tooLarge(size, limits.maxSignatureBytes, 'the signature file');
  try {
    return fromUtf8(readWhole(file));
  } catch (error) {
    if (error instanceof TearlineError) throw error;
    throw new TearlineError('E_MALFORMED', `${file} is not UTF-8 text`, { at: 'signature' });
  }
}
