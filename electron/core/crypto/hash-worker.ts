/**
 * A second thread for a large bundle's verification (workers/bundle-worker.ts), with
 * libsodium loaded there.
 *
 * Checking a bundle of 100k entries hashes its 185 MB with BLAKE2b once (the digest the
 * signature signs; begun on the verifying thread while this one starts, and handed over,
 * see bundle/input.ts), an import also takes its SHA-256, and every entry's leaf and field
 * commitments are SHA-256 over some 1.3 KB. Here those hashes run beside the reading and the
 * entry checks; and a share of the batches of entries is checked here, so that both threads
 * have the same work (bundle/entry-batches.ts). The hashes are libsodium's own, and the
 * checks the verifying thread's own code: the worker changes where they run, not what they
 * give.
 *
 * The worker is bundled by the build (dist/workers/bundle-worker.cjs; the tests' global
 * setup builds it). Where it is missing or cannot start (or, without the native build,
 * cannot load libsodium), `startHashWorker` gives undefined and the caller hashes and
 * checks on its own thread. With the native build the worker is ready for the first
 * reading before its WebAssembly build has loaded; should that then fail (the same
 * libsodium this thread loaded: a damaged installation), the check ends with an error.
 */
import { Worker } from 'node:worker_threads';
import { TearlineError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { sodiumBackend } from './native-sodium';
import { workerFile } from '../workers/worker-file';
import {
  BUNDLE_PROTOCOL,
  type BundleWorkerData,
  type CheckContext,
  type EntryOutcome,
  type FromBundleWorker,
  type HashName,
  type SegmentJob,
  type SegmentResult,
  type ToBundleWorker,
} from '../workers/bundle-protocol';

export type { CheckContext, EntryOutcome, HashName } from '../workers/bundle-protocol';

export interface BackgroundHasher {
  /**
   * Starts new hashes (the worker is used for one stream after another). A hash begun on
   * this thread goes on there from its carried state (`resume`, by name's place): a
   * BLAKE2b-512 (crypto/hash.ts), or a reading's Poly1305 ('poly1305', crypto/same-reading.ts,
   * whose digest is the reading's tag; or 'poly1305-segments', see `cut`, whose digest is the
   * segments' tags one after another). The states are moved, not copied: this thread's
   * arrays are left empty, and wiped if they cannot be sent.
   */
  begin(names: HashName[], resume?: (Uint8Array | null)[]): void;
  /**
   * Takes the next bytes of the stream: those written where `room` said, in order, as they
   * lie; any others as a copy (the caller may reuse its buffer at once).
   */
  update(bytes: Uint8Array): void;
  /**
   * Where the next `length` bytes of the stream may be written (or undefined): in the block
   * that goes to the worker next, so that neither thread copies them. The room is the
   * caller's until its next call of `room`, of `update` with other bytes, or of `finish`,
   * any of which may move the block there.
   */
  room(length: number): Uint8Array | undefined;
  /** Resolves once no more than the allowed amount of data is waiting to be hashed. */
  settle(): Promise<void>;
  /**
   * SHA-256 leaves and field commitments of ENTRY values laid out in `bytes` (see
   * crypto/entry-hasher.ts): per entry, H(0x00 ‖ header), then each field's commitment.
   */
  hashEntries(bytes: Uint8Array, desc: Int32Array): Promise<Uint8Array>;
  /** The same, with the worker's time on it (milliseconds). */
  hashBatch(bytes: Uint8Array, desc: Int32Array): Promise<{ hashes: Uint8Array; hashMs: number }>;
  /**
   * The same hashes, and each entry checked there as `checkEntry` checks it; `spans` gives
   * each entry's ENTRY value as (start, length) in `bytes`. With the worker's time on each.
   */
  checkEntries(
    bytes: Uint8Array,
    desc: Int32Array,
    spans: Int32Array,
    context: CheckContext,
  ): Promise<{ hashes: Uint8Array; outcomes: EntryOutcome[]; hashMs: number; checkMs: number }>;
  /** The worker's time so far on the streams given with `update` (milliseconds). */
  readonly streamMs: number;
  /**
   * Has the worker take segments of a bundle file in turn with this thread (bundle/segments.ts)
   * until `claim` runs past the last; each of its results goes to `onResult`. Resolves once it
   * takes no more, with the error it stopped on, if any. `keys` are transferred.
   */
  checkSegments(job: SegmentJob, keys: Uint8Array, claim: Int32Array, onResult: (result: SegmentResult) => void, ageKey?: Uint8Array): Promise<ErrorInfo | undefined>;
  /**
   * With 'poly1305-segments' begun: the bytes given so far end a segment, and the next
   * segment's reading begins under `key` (transferred, and wiped there once used).
   */
  cut(key: Uint8Array): void;
  /** The digests of what was given since `begin`, in the order of its names. */
  finish(): Promise<Uint8Array[]>;
  /** Ends the worker. */
  close(): void;
}

const BLOCK = 1024 * 1024;
/** Data sent but not yet hashed, at most: what the reader may run ahead of the worker. */
const MAX_IN_FLIGHT = 8;

/** A hashing worker, ready, or undefined where none can run (then the caller hashes and checks on its own thread). */
export async function startHashWorker(): Promise<BackgroundHasher | undefined> {
  const file = workerFile('bundle-worker');
  if (!file) return undefined;
  let worker: Worker;
  try {
    const data: BundleWorkerData = { sodium: sodiumBackend().backend };
    worker = new Worker(file, {
      workerData: data,
      // No loader hooks (tsx in tests and benches would load itself again), no inspector.
      // No heap cap of its own either: an entry that this thread could check must not be
      // refused there for memory (a verdict never depends on the thread that checks).
      execArgv: [],
    });
  } catch {
    return undefined;
  }
  worker.unref();
  const started = await new Promise<boolean>((resolve) => {
    worker.once('message', (m: FromBundleWorker) => resolve(m.type === 'ready' && m.protocol === BUNDLE_PROTOCOL));
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  if (!started) {
    void worker.terminate();
    return undefined;
  }
  return new WorkerHasher(worker);
}

class WorkerHasher implements BackgroundHasher {
  // Blocks move to the worker and back (transferred, not shared: the native BLAKE2b refuses
  // shared memory, so the worker would have to copy every block out of it first).
  private readonly free: ArrayBuffer[] = [];
  private current: Uint8Array | undefined;
  private used = 0;
  // Cuts in the block being filled: they go with it, as its bytes may still be read here.
  private cuts: { at: number; key: Uint8Array }[] = [];
  private inFlight = 0;
  private failure: Error | undefined;
  private waiting: (() => void)[] = [];
  private result: ((digests: Uint8Array[]) => void) | undefined;
  private closed = false;
  private nextId = 0;
  private holds = 0;
  // Whole microseconds: a field that first holds a small integer and later a fraction
  // changes this object's hidden class, and in about half the runs the engine then threw
  // away the first reading's compiled loop over and over (some 130 times a verification).
  private streamMicros = 0;
  private readonly pendingEntries = new Map<number, (answer: FromBundleWorker | undefined) => void>();
  private segmentResult: ((result: SegmentResult) => void) | undefined;
  private segmentsDone: ((error: ErrorInfo | undefined) => void) | undefined;

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromBundleWorker) => {
      if (m.type === 'done') {
        this.streamMicros += Math.round(m.ms * 1000);
        this.inFlight--;
        this.free.push(m.buffer);
        this.wake();
      } else if (m.type === 'hashed' || m.type === 'checked') {
        this.pendingEntries.get(m.id)?.(m);
        this.pendingEntries.delete(m.id);
      } else if (m.type === 'segment') {
        this.segmentResult?.(m.result);
      } else if (m.type === 'segments-done') {
        this.endSegments(m.error);
      } else if (m.type === 'digests') {
        this.result?.(m.digests.map((d) => new Uint8Array(d)));
      } else if (m.type === 'failed') {
        // It said it was ready for the stream hashes before its WebAssembly build had loaded.
        fail(new Error(m.message));
      }
    });
    const fail = (error: Error): void => {
      this.failure ??= workerFailure(error);
      this.wipeCuts();
      this.wake();
      this.result?.([]);
      for (const resolve of this.pendingEntries.values()) resolve(undefined);
      this.pendingEntries.clear();
      this.endSegments(toErrorInfo(this.failure));
    };
    worker.on('error', fail);
    worker.on('exit', () => {
      if (!this.closed) fail(new Error('the hashing worker stopped'));
    });
  }

  get streamMs(): number {
    return this.streamMicros / 1000;
  }

  update(bytes: Uint8Array): void {
    if (this.current && bytes.buffer === this.current.buffer && bytes.byteOffset === this.used) {
      // Written in place (room): it goes with the block, which is sent by a later call, as
      // these bytes may still be read here (a full block waits for it too).
      this.used += bytes.length;
      return;
    }
    // Bytes of the block elsewhere than where the stream has got to: copying them would be
    // wrong, and sending the block when full would take it from under its reader.
    if (this.current && bytes.buffer === this.current.buffer) throw new Error('BackgroundHasher: bytes written in place must be given in order');
    let at = 0;
    while (at < bytes.length) {
      if (this.current && this.used === BLOCK) this.send();
      this.current ??= this.takeBlock();
      const take = Math.min(bytes.length - at, BLOCK - this.used);
      this.current.set(bytes.subarray(at, at + take), this.used);
      this.used += take;
      at += take;
    }
    // Copied: nothing here reads the block any more (unless nothing was: then it waits).
    if (bytes.length > 0 && this.used === BLOCK) this.send();
  }

  room(length: number): Uint8Array | undefined {
    if (this.failure || length <= 0 || length > BLOCK) return undefined;
    if (this.current && BLOCK - this.used < length) this.send();
    this.current ??= this.takeBlock();
    return this.current.subarray(this.used, this.used + length);
  }

  private takeBlock(): Uint8Array {
    this.used = 0;
    return new Uint8Array(this.free.pop() ?? new ArrayBuffer(BLOCK));
  }

  async settle(): Promise<void> {
    while (this.inFlight > MAX_IN_FLIGHT && !this.failure) await this.held(new Promise<void>((resolve) => this.waiting.push(resolve)));
    if (this.failure) throw this.failure;
  }

  begin(names: HashName[], resume?: (Uint8Array | null)[]): void {
    // Transferred (movable), so that no copy of a state (a reading's holds its key) stays here.
    const sent = (resume ?? []).map((state) => (state === null ? null : movable(state)));
    const states = sent.filter((state): state is Uint8Array => state !== null);
    this.post({ type: 'begin', names, ...(resume ? { resume: sent } : {}) }, states);
  }

  cut(key: Uint8Array): void {
    const own = movable(key);
    // The bytes before the cut are in the block being filled: the cut goes with it.
    if (!this.failure && this.current && this.used > 0) this.cuts.push({ at: this.used, key: own });
    else this.post({ type: 'cut', key: own }, [own]);
  }

  async hashEntries(bytes: Uint8Array, desc: Int32Array): Promise<Uint8Array> {
    return (await this.hashBatch(bytes, desc)).hashes;
  }

  async hashBatch(bytes: Uint8Array, desc: Int32Array): Promise<{ hashes: Uint8Array; hashMs: number }> {
    const answer = await this.ask((id) => ({ type: 'entries', id, bytes, desc }));
    if (answer.type !== 'hashed') throw new Error('the hashing worker answered out of turn');
    return { hashes: answer.hashes, hashMs: answer.hashMs };
  }

  async checkEntries(
    bytes: Uint8Array,
    desc: Int32Array,
    spans: Int32Array,
    context: CheckContext,
  ): Promise<{ hashes: Uint8Array; outcomes: EntryOutcome[]; hashMs: number; checkMs: number }> {
    const answer = await this.ask((id) => ({ type: 'check', id, bytes, desc, spans, context }));
    if (answer.type !== 'checked') throw new Error('the hashing worker answered out of turn');
    return { hashes: answer.hashes, outcomes: answer.outcomes, hashMs: answer.hashMs, checkMs: answer.checkMs };
  }

  /**
   * Waits on the worker with it ref'd. It is unref'd when idle, so that a hasher left
   * open does not keep a process alive; but while something waits on it, its answer (or
   * its 'error', if it dies) may be the only thing left to happen, and an unref'd worker
   * let the process end there, a verification half done and exit status 0.
   */
  private async held<T>(wait: Promise<T>): Promise<T> {
    if (this.holds++ === 0) this.worker.ref();
    try {
      return await wait;
    } finally {
      if (--this.holds === 0) this.worker.unref();
    }
  }

  private async ask(message: (id: number) => ToBundleWorker): Promise<FromBundleWorker> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const answer = await this.held(
      new Promise<FromBundleWorker | undefined>((resolve) => {
        this.pendingEntries.set(id, resolve);
        this.worker.postMessage(message(id));
      }),
    );
    if (!answer) throw this.failure ?? new Error('the hashing worker stopped');
    return answer;
  }

  async checkSegments(job: SegmentJob, keys: Uint8Array, claim: Int32Array, onResult: (result: SegmentResult) => void, ageKey?: Uint8Array): Promise<ErrorInfo | undefined> {
    const sent = [movable(keys), ...(ageKey ? [movable(ageKey)] : [])];
    const wipe = (): void => sent.forEach((k) => k.fill(0));
    if (this.failure || this.segmentsDone) {
      wipe();
      // (One reading in segments at a time: a second would take the first one's answers.)
      return toErrorInfo(this.failure ?? new Error('the worker is already reading segments'));
    }
    return this.held(
      new Promise<ErrorInfo | undefined>((resolve) => {
        this.segmentResult = onResult;
        this.segmentsDone = resolve;
        try {
          this.post({ type: 'segments', job, keys: sent[0]!, claim, ...(sent[1] ? { ageKey: sent[1] } : {}) }, sent);
        } catch (error) {
          this.endSegments(toErrorInfo(error));
        }
      }),
    );
  }

  private endSegments(error: ErrorInfo | undefined): void {
    const done = this.segmentsDone;
    this.segmentsDone = undefined;
    this.segmentResult = undefined;
    done?.(error);
  }

  async finish(): Promise<Uint8Array[]> {
    // A worker that has already stopped would never answer.
    if (this.failure) throw this.failure;
    if (this.current && this.used > 0) this.send();
    const digests = await this.held(
      new Promise<Uint8Array[]>((resolve) => {
        this.result = resolve;
        this.worker.postMessage({ type: 'finish' });
      }),
    );
    this.result = undefined;
    if (this.failure) throw this.failure;
    return digests;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failure ??= new Error('the hashing worker was closed');
    this.wipeCuts();
    this.wake();
    this.result?.([]);
    for (const resolve of this.pendingEntries.values()) resolve(undefined);
    this.pendingEntries.clear();
    this.endSegments(toErrorInfo(this.failure));
    void this.worker.terminate();
  }

  private send(): void {
    const buffer = this.current!.buffer as ArrayBuffer;
    const cuts = this.cuts;
    const length = this.used;
    this.current = undefined;
    this.used = 0;
    this.cuts = [];
    // A worker that has stopped takes nothing (a message to it is lost, not refused): the
    // keys are wiped here, and the reading ends with the failure at its next settle().
    if (this.failure) {
      for (const c of cuts) c.key.fill(0);
      return;
    }
    this.post({ type: 'update', buffer, length, ...(cuts.length > 0 ? { cuts } : {}) }, cuts.map((c) => c.key), [buffer]);
    this.inFlight++;
  }

  /**
   * Posts `message` with `secrets` (states and keys, whole buffers: see movable) moved to
   * the worker, and `buffers` too. Secrets that cannot go, or whose worker has stopped, are
   * wiped here, so that no copy of one is left behind either way.
   */
  private post(message: ToBundleWorker, secrets: Uint8Array[], buffers: ArrayBuffer[] = []): void {
    try {
      if (this.failure) throw this.failure;
      this.worker.postMessage(message, [...buffers, ...secrets.map((secret) => secret.buffer as ArrayBuffer)]);
    } catch (error) {
      for (const secret of secrets) secret.fill(0);
      throw error;
    }
  }

  private wipeCuts(): void {
    for (const c of this.cuts) c.key.fill(0);
    this.cuts = [];
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/**
 * A state or key to transfer to the worker, so that no copy of it stays here. A transfer
 * takes the whole buffer: one that is part of a larger buffer goes as a copy of its own,
 * and is wiped here.
 */
function movable(secret: Uint8Array): Uint8Array {
  if (secret.byteOffset === 0 && secret.byteLength === secret.buffer.byteLength) return secret;
  const copy = secret.slice();
  secret.fill(0);
  return copy;
}

/**
 * Why the worker stopped, as the verification reports it. Out of memory, it was checking
 * an entry that takes more memory to read than this process has (the worker has the same
 * limit as this thread): the bundle is refused as too large, as it would be here.
 */
function workerFailure(error: Error): Error {
  if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new TearlineError('E_TOO_LARGE', 'an entry takes more memory to check than this verifier allows', { cause: error });
  }
  return new TearlineError('E_INTERNAL', `the bundle worker stopped: ${error.message}`, { cause: error });
}
