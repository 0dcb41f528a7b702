/**
 * Reading a bundle in any of its forms (docs/bundle-format.md, section 2) down to the
 * payload and its signature, with the checks that come before the signature: size
 * limits, form, transport (armor, age) and framing; and the BLAKE2b-512 of B that the
 * signature signs, computed as it is read.
 *
 * Nothing here holds a whole bundle in memory unless it came as bytes or text: a file is
 * read piece by piece, and an age file is decrypted piece by piece, once to check it and
 * again, later, to read its entries (the plaintext never reaches the disk, and is never
 * whole in memory). Both passes are authenticated under one secret key and must give the
 * same tag (crypto/same-reading.ts), so a file changed between the two passes is caught.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { fromUtf8, utf8 } from '../../../shared/bytes';
import { TearlineError } from '../../../shared/errors';
import { dearmor } from '../../../shared/codec/armor';
import { ARMOR_LABEL, SIGNATURE_SUFFIX, type BundleForm, type BundleLimits } from '../../../shared/bundle/format';
import { entryValueIndex, FrameParser, hasBundleMagic, type FrameHandlers, type FrameSummary } from '../../../shared/bundle/framing';
import { AgeDecryptor, ageDearmor, type AgeIdentityInput, type AgePayload } from '../formats/age';
import { startHashWorker, type BackgroundHasher, type HashName } from '../crypto/hash-worker';
import { createBlake2b, createMovableBlake2b, type StreamHasher } from '../crypto/hash';
import { READING_TAG_BYTES, SameReading } from '../crypto/same-reading';
import { PREHASH_BYTES } from '../formats/minisign';
import { SEGMENT_BYTES, type Segment, type SegmentJob } from './segments';
import { CHUNK_BYTES, checkAbort, tick, type BundlePhase, type RunOptions } from './progress';
import { fileReadError } from '../files/whole-file';

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
  /** What the first pass found: HEAD's bytes (not parsed), the number of entries, where B ends. */
  frame: { head: Uint8Array; entryCount: number; payloadEnd: number };
  /** BLAKE2b-512 of B, as read in the first pass. */
  digest: Uint8Array;
  signatureText: string;
  /** A new pass over the payload (B, or B ‖ SIG), piece by piece. */
  pass(options?: RunOptions): AsyncGenerator<Uint8Array>;
  /** Whether a second pass reads bytes already in memory (then it need not be checked again). */
  inMemory: boolean;
  /**
   * Otherwise, what shows that a later pass read the bytes of B that the first did (the
   * first's tag is in it); whoever verifies the bundle disposes of it.
   */
  sameReading?: SameReading;
  /**
   * With `segments` asked for (LoadOptions) and the bundle a large binary file: its entries
   * in segments, each authenticated alone by the first pass (bundle/segments.ts). The
   * second reading then reads these segments, not `pass`, and `sameReading` holds their
   * tags instead of B's.
   */
  segments?: Segment[];
  /** With `segments`: the bundle file they are read from. */
  file?: string;
  /**
   * With `segments` and an age file: where its payload's chunks lie, and their key (a copy,
   * which releaseLoaded wipes, as verification does), to open the chunks of each segment.
   */
  agePayload?: AgePayload;
  /**
   * For a large bundle, the worker started for the first pass (which hashed what was read
   * once it was ready, or none of it if it became ready only after), kept for the second;
   * whoever verifies the bundle closes it.
   */
  hasher?: BackgroundHasher;
}

/**
 * Below this size the bundle worker costs more than it saves: it takes ~60 ms to start (its
 * WebAssembly build, for the entries, another ~40), and its code runs cold for the first
 * thousands of entries. Measured on the 2-core build
 * machine, each check in a new process, one thread against two: 26 MB 1.18 s against 1.44
 * s, 45 MB 1.89 s against 1.86 s, 185 MB 6.0 s against 4.4 s.
 */
export const BACKGROUND_HASH_MIN_BYTES = 48 * 1024 * 1024;

export interface HashWorkerOption {
  /**
   * A bundle of at least this many bytes is hashed on a worker thread (default
   * BACKGROUND_HASH_MIN_BYTES), from where this one had got to when the worker was ready.
   */
  hashWorkerFrom?: number;
  /**
   * Cut a large binary bundle file into segments that the second reading splits between
   * this thread and the worker (bundle/segments.ts): for a verification that needs nothing
   * of each entry beyond the verdict (no vault to compare with, nothing to store).
   */
  segments?: boolean;
  /** Tests: the size of the second reading's segments (default SEGMENT_BYTES). */
  segmentBytes?: number;
  /**
   * The share of entry batches checked on that worker, from 0 to 1; by default it follows
   * the two threads' speeds (bundle/entry-batches.ts). Tests set it to 0 or 1.
   */
  workerChecks?: number;
}

export interface LoadOptions extends RunOptions, HashWorkerOption {
  limits: BundleLimits;
  /** Age identities to decrypt with; without any, an encrypted bundle is E_NOT_FOR_US. */
  identities?: AgeIdentityInput[];
  /**
   * The bundle's worker, already starting (startHashWorkerFor), instead of one started
   * here: the loaded bundle's from then on, and ended by any failure to load it.
   */
  starting?: Promise<BackgroundHasher | undefined>;
}

/** The worker for a bundle of `bytes`, starting, if it is large enough for one (`hashWorkerFrom`); one that cannot start is none. */
export function startHashWorkerFor(bytes: number, options: HashWorkerOption): Promise<BackgroundHasher | undefined> | undefined {
  return bytes >= (options.hashWorkerFrom ?? BACKGROUND_HASH_MIN_BYTES) ? startHashWorker().catch(() => undefined) : undefined;
}

/** Ends a worker that was starting for a bundle not loaded after all. */
export function closeStarting(starting: Promise<BackgroundHasher | undefined> | undefined): void {
  void starting?.then((worker) => worker?.close());
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
  return fileReadError(`cannot read ${file}`, error);
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

/** Where the next piece of a reading may be written, if anywhere (BackgroundHasher.room). */
type Room = (length: number) => Uint8Array | undefined;

/**
 * Pieces of a file, read with one reusable buffer, or where `room` says (each piece is
 * valid until the next).
 */
async function* fileChunks(file: string, size: number, phase: BundlePhase, options: RunOptions, room?: Room): AsyncGenerator<Uint8Array> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw ioError(file, error);
  }
  try {
    // (Made only when a piece has no room elsewhere.)
    let buffer: Uint8Array | undefined;
    for (let at = 0; at < size; ) {
      const want = Math.min(CHUNK_BYTES, size - at);
      const into = room?.(want) ?? (buffer ??= new Uint8Array(Math.max(1, Math.min(CHUNK_BYTES, size))));
      let n: number;
      try {
        n = readSync(fd, into, 0, want, at);
      } catch (error) {
        throw ioError(file, error);
      }
      if (n === 0) throw new TearlineError('E_IO', `cannot read ${file}: it became shorter while it was read`);
      at += n;
      yield into.subarray(0, n);
      options.onProgress?.(at, size, phase);
      await tick(options.signal);
    }
    // A file that grew while it was read is not the file that was measured.
    if (statSync(file).size !== size) throw new TearlineError('E_IO', `cannot read ${file}: it changed while it was read`);
  } finally {
    closeSync(fd);
  }
}

async function* memoryChunks(bytes: Uint8Array, phase: BundlePhase, options: RunOptions): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
    const end = Math.min(bytes.length, at + CHUNK_BYTES);
    yield bytes.subarray(at, end);
    options.onProgress?.(end, bytes.length, phase);
    await tick(options.signal);
  }
}

/** Decrypts binary age piece by piece; the plaintext is authentic only once the pass has ended. */
async function* decrypting(
  ciphertext: AsyncGenerator<Uint8Array>,
  identities: AgeIdentityInput[],
  limits: BundleLimits,
  onPayload?: (payload: AgePayload) => void,
  room?: Room,
): AsyncGenerator<Uint8Array> {
  if (identities.length === 0) {
    throw new TearlineError('E_NOT_FOR_US', 'the bundle is encrypted, and no identity to decrypt it was given (use --vault or --identity)');
  }
  const decryptor = new AgeDecryptor(identities, { keepPayload: onPayload !== undefined });
  let total = 0;
  const out = (plain: Uint8Array): Uint8Array => {
    total += plain.length;
    if (total > limits.maxBytes) throw tooLarge(total, limits.maxBytes, 'the decrypted bundle');
    return plain;
  };
  for await (const piece of ciphertext) {
    const plain = decryptor.push(piece, room);
    if (plain.length > 0) yield out(plain);
  }
  const last = decryptor.finish();
  if (onPayload) onPayload(decryptor.payload());
  if (last.length > 0) yield out(last);
}

/**
 * Reads a bundle: size, form, transport, framing, and the digest of B. Throws E_IO,
 * E_TOO_LARGE, E_MALFORMED, E_NOT_FOR_US or E_DECRYPT.
 */
export async function loadBundle(source: BundleSource, options: LoadOptions): Promise<LoadedBundle> {
  try {
    return await firstReading(source, options);
  } catch (error) {
    // (A worker given already starting ends with a failure before the reading, too.)
    closeStarting(options.starting);
    throw error;
  }
}

async function firstReading(source: BundleSource, options: LoadOptions): Promise<LoadedBundle> {
  const { limits } = options;
  checkAbort(options.signal);
  let inputBytes: number;
  let first: Uint8Array;
  if (source.bytes !== undefined) {
    inputBytes = source.bytes.length;
    if (inputBytes > limits.maxBytes) throw tooLarge(inputBytes, limits.maxBytes, 'the bundle');
    first = source.bytes.subarray(0, 64);
  } else if (source.path !== undefined) {
    try {
      const stat = statSync(source.path);
      if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: stat.isDirectory() ? 'EISDIR' : 'EINVAL' });
      inputBytes = stat.size;
    } catch (error) {
      throw ioError(source.path, error);
    }
    if (inputBytes > limits.maxBytes) throw tooLarge(inputBytes, limits.maxBytes, 'the bundle');
    first = readHead(source.path, 64);
  } else {
    throw new TearlineError('E_USAGE', 'no bundle given');
  }

  const sniffed = sniffForm(first);
  if (sniffed === undefined) {
    throw new TearlineError('E_MALFORMED', 'not a Tearline bundle: neither the binary form, the armored form, nor age', { at: 'byte 0' });
  }

  // A way to read the payload, as often as needed.
  const path = source.path;
  // `room`: in the first reading, where the worker's next block has room for B's next bytes.
  let pass: (o: RunOptions, phase: BundlePhase, onPayload?: (payload: AgePayload) => void, room?: Room) => AsyncGenerator<Uint8Array>;
  let inMemory = false;
  let encrypted = false;
  const identities = options.identities ?? [];
  if (sniffed === 'age') {
    encrypted = true;
    const bytes = source.bytes;
    pass = (o, phase, onPayload, room) =>
      decrypting(bytes ? memoryChunks(bytes, phase, o) : fileChunks(path!, inputBytes, phase, o), identities, limits, onPayload, room);
  } else if (sniffed === 'age-armored') {
    encrypted = true;
    const ciphertext = ageDearmor(source.bytes ?? readWhole(path!));
    pass = (o, phase, _onPayload, room) => decrypting(memoryChunks(ciphertext, phase, o), identities, limits, undefined, room);
  } else if (sniffed === 'armored') {
    const text = source.bytes ?? readWhole(path!);
    // Any byte over 0x7f is refused by the armor's own rules; latin1 maps bytes to code points 1:1.
    const payload = dearmor(Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('latin1'), ARMOR_LABEL);
    if (payload.length > limits.maxBytes) throw tooLarge(payload.length, limits.maxBytes, 'the decoded bundle');
    inMemory = true;
    pass = (o, phase) => memoryChunks(payload, phase, o);
  } else if (source.bytes !== undefined) {
    const bytes = source.bytes;
    inMemory = true;
    pass = (o, phase) => memoryChunks(bytes, phase, o);
  } else {
    pass = (o, phase, _onPayload, room) => fileChunks(path!, inputBytes, phase, o, room);
  }

  // The first pass: framing and the digest of B; HEAD and the signature record kept as bytes.
  // A large bundle is hashed on a second thread while this one reads (and decrypts). That
  // thread takes some 60 ms to start: meanwhile this one reads and hashes, and hands the
  // BLAKE2b over, state and all, once the worker is ready. (Only with libsodium's native
  // build, whose state can move; with the WebAssembly build this one waits for the worker.)
  // (A worker that cannot start is no worker, never a failure of the reading.)
  const starting = options.starting ?? startHashWorkerFor(inputBytes, options);
  let arrived: BackgroundHasher | undefined;
  let hasArrived = false;
  void starting?.then((worker) => {
    arrived = worker;
    hasArrived = true;
  });
  let head: Uint8Array | undefined;
  let signatureRecord: Uint8Array | undefined;
  let background: BackgroundHasher | undefined;
  // A pass that reads the file again is shown to read the same bytes (crypto/same-reading.ts).
  const sameReading = inMemory ? undefined : new SameReading();
  // With segments, an age file's payload key, kept from the first reading for the second.
  let agePayload: AgePayload | undefined;
  try {
    let movable = starting ? createMovableBlake2b(PREHASH_BYTES) : undefined;
    if (starting && !movable) {
      background = await starting;
      background?.begin(['blake2b-512']);
    }
    let here: StreamHasher | undefined = background ? undefined : (movable ?? createBlake2b(PREHASH_BYTES));
    // In segments: no reading until HEAD has ended (the second reading starts after it),
    // then one per segment, cut at the first entry boundary past each segment's size.
    // (An age file is read again by its chunks: only one read from a file, sniffed as binary age.)
    const segmented = options.segments === true && starting !== undefined && !inMemory && path !== undefined && source.bytes === undefined && sniffed !== 'age-armored';
    const segments: Segment[] = [];
    const segmentBytes = options.segmentBytes ?? SEGMENT_BYTES;
    let highestIndex = -1;
    let reading = segmented ? undefined : sameReading?.reading();
    // Set when the reading's tag goes on in the worker too (an encrypted bundle, see below).
    let readingMoved = false;
    const parser = new FrameParser(limits, {
      signed: (bytes) => {
        if (!readingMoved) reading?.update(bytes);
        if (background) background.update(bytes);
        else here!.update(bytes);
      },
      head: (value) => {
        head = value.slice();
        return segmented;
      },
      signature: (value) => {
        signatureRecord = value.slice();
      },
      entry: segmented
        ? (value, start) => {
            highestIndex = Math.max(highestIndex, entryValueIndex(value));
            return start + value.length - segments[segments.length - 1]!.start >= segmentBytes;
          }
        : undefined,
      cut: (offset) => {
        const last = segments[segments.length - 1];
        if (last) last.end = offset;
        segments.push({ start: offset, end: -1, previousIndex: highestIndex });
        // The segments' readings go on in the worker once it has taken them over (see below).
        if (readingMoved) {
          background!.cut(sameReading!.segmentKey(segments.length - 1));
        } else {
          if (last) sameReading!.firstSegmentRead(reading!.end());
          reading = sameReading!.reading(segments.length - 1);
        }
      },
    });
    const keepPayload = segmented && encrypted ? (payload: AgePayload) => void (agePayload = payload) : undefined;
    // B's bytes are read (or decrypted) straight into the worker's blocks once it hashes them.
    const room: Room = (length) => background?.room(length);
    for await (const chunk of pass(options, encrypted ? 'decrypt' : 'read', keepPayload, room)) {
      parser.push(chunk);
      if (movable && hasArrived && arrived) {
        background = arrived;
        // Decrypting keeps this thread the busier one: an encrypted bundle's reading tag
        // goes on in the worker as well (a plain one's stays, the worker being the busier).
        // In segments, the segment being read goes over, and the worker begins each later
        // one when it is cut (there is none yet while HEAD is read).
        readingMoved = encrypted && (segmented || reading?.carry !== undefined);
        const moving = readingMoved ? [segmented ? 'poly1305-segments' : 'poly1305'] as HashName[] : [];
        const carried = readingMoved ? [reading ? reading.carry!() : null] : [];
        background.begin(['blake2b-512', ...moving], [movable.carry(), ...carried]);
        here = undefined;
        movable = undefined;
      }
      await background?.settle();
    }
    const summary = parser.finish();
    if (segmented) {
      segments[segments.length - 1]!.end = summary.payloadEnd;
      if (!readingMoved) sameReading!.firstSegmentRead(reading!.end());
    }
    const digests = background ? await background.finish() : [here!.digest()];
    if (segmented && readingMoved) {
      const tags = digests[1]!;
      for (let at = 0; at < tags.length; at += READING_TAG_BYTES) sameReading!.firstSegmentRead(tags.subarray(at, at + READING_TAG_BYTES));
    }
    const digest = digests[0]!;
    // A worker that became ready only after the first pass still serves the second.
    background ??= await starting;
    if (reading && !segmented) sameReading!.firstRead(readingMoved ? digests[1]! : reading.end());
    const loaded = finishLoad(source, limits, { sniffed, encrypted, inputBytes, head: head!, summary, digest, signatureRecord, inMemory, sameReading, pass, background });
    if (!segmented) return loaded;
    if (encrypted && !agePayload) throw new TearlineError('E_INTERNAL', 'the age payload of a bundle read in segments was not kept');
    return { ...loaded, segments, file: path, ...(agePayload ? { agePayload } : {}) };
  } catch (error) {
    agePayload?.key.fill(0);
    background?.close();
    closeStarting(starting);
    sameReading?.dispose();
    throw error;
  }
}

interface FirstPass {
  sniffed: SniffedForm;
  encrypted: boolean;
  inputBytes: number;
  head: Uint8Array;
  summary: FrameSummary;
  digest: Uint8Array;
  signatureRecord: Uint8Array | undefined;
  inMemory: boolean;
  sameReading: SameReading | undefined;
  pass: (o: RunOptions, phase: BundlePhase) => AsyncGenerator<Uint8Array>;
  background: BackgroundHasher | undefined;
}

/** The signature (from the SIG record or the detached file) and the loaded bundle. */
function finishLoad(source: BundleSource, limits: BundleLimits, first: FirstPass): LoadedBundle {
  const { sniffed, encrypted, inputBytes, head, summary, digest, signatureRecord, inMemory, sameReading, pass, background } = first;
  let signatureText: string;
  let form: BundleForm;
  if (signatureRecord) {
    try {
      signatureText = fromUtf8(signatureRecord);
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
  return {
    form,
    encrypted,
    inputBytes,
    frame: { head, entryCount: summary.entryCount, payloadEnd: summary.payloadEnd },
    digest,
    signatureText,
    inMemory,
    pass: (o = {}) => pass(o, 'entries'),
    ...(sameReading ? { sameReading } : {}),
    ...(background ? { hasher: background } : {}),
  };
}

/** What both threads need to read a bundle loaded in segments again (bundle/segments.ts), checked against `checkpoint`. */
export function segmentJob(loaded: LoadedBundle, limits: BundleLimits, checkpoint: { size: number; root: string }): SegmentJob {
  if (!loaded.segments || loaded.file === undefined) throw new Error('the bundle was not loaded in segments');
  const age = loaded.agePayload;
  return {
    file: loaded.file,
    fileBytes: loaded.inputBytes,
    segments: loaded.segments,
    limits,
    checkpoint: { size: checkpoint.size, root: checkpoint.root },
    ...(age ? { age: { start: age.start, plaintextBytes: age.plaintextBytes } } : {}),
  };
}

/**
 * Ends what a loaded bundle holds beyond its bytes: its worker and its reading check.
 * Verification does (`verifyLoaded`); whoever stops before verifying must. Twice is harmless.
 */
export function releaseLoaded(loaded: LoadedBundle): void {
  loaded.agePayload?.key.fill(0);
  loaded.hasher?.close();
  loaded.sameReading?.dispose();
}

/** Framing handlers and a pass, for the second reading of a loaded bundle. */
export async function secondPass(
  loaded: LoadedBundle,
  limits: BundleLimits,
  handlers: FrameHandlers,
  options: RunOptions,
  afterChunk?: () => Promise<void>,
): Promise<void> {
  const parser = new FrameParser(limits, handlers);
  for await (const chunk of loaded.pass({ ...(options.signal ? { signal: options.signal } : {}) })) {
    parser.push(chunk);
    if (afterChunk) await afterChunk();
  }
  parser.finish();
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
