/**
 * Streaming hashes computed on a second thread, with libsodium loaded there.
 *
 * Checking a bundle of 100k entries hashes its 185 MB with BLAKE2b twice (the digest the
 * signature signs, then the same digest again over the second reading, see
 * bundle/input.ts), and an import also takes its SHA-256. On the main thread those
 * passes cost as much as checking all the entries; here they run beside the entry checks
 * and the reading. The hashes are libsodium's own, as on the main thread (its native
 * build where the main thread uses it, native-sodium.ts, else WebAssembly): the worker
 * only changes where they run.
 *
 * The worker is plain JavaScript given as text, so that it needs no build step of its own
 * (the CLI and the utility process are esbuild bundles, tests run from TypeScript). Where
 * a worker cannot start or libsodium cannot load in it, `startHashWorker` gives undefined
 * and the caller hashes on its own thread.
 */
import type { Worker } from 'node:worker_threads';
import { startSodiumWorker } from './sodium-worker';

export type HashName = 'blake2b-512' | 'sha256';

export interface BackgroundHasher {
  /** Starts new hashes (the worker is used for one stream after another). */
  begin(names: HashName[]): void;
  /** Copies the bytes (the caller may reuse its buffer at once). */
  update(bytes: Uint8Array): void;
  /** Resolves once no more than the allowed amount of data is waiting to be hashed. */
  settle(): Promise<void>;
  /**
   * SHA-256 leaves and field commitments of ENTRY values laid out in `bytes` (see
   * `describeEntry`): per entry, H(0x00 ‖ header), then each field's commitment.
   */
  hashEntries(bytes: Uint8Array, desc: Int32Array): Promise<Uint8Array>;
  /** The digests of what was given since `begin`, in the order of its names. */
  finish(): Promise<Uint8Array[]>;
  /** Ends the worker. */
  close(): void;
}

const BLOCK = 1024 * 1024;
/** Data sent but not yet hashed, at most: what the reader may run ahead of the worker. */
const MAX_IN_FLIGHT = 8;

const WORKER_SOURCE = `
// libsodium's native build reads the data where it is, except that its BLAKE2b refuses
// shared memory: blocks that arrive in a SharedArrayBuffer are copied to a buffer first.
function nativeBackend() {
  const copy = new Uint8Array(${BLOCK});
  let input = new Uint8Array(64 * 1024);
  return {
    sha256Init() {
      const state = new Uint8Array(native.crypto_hash_sha256_STATEBYTES);
      native.crypto_hash_sha256_init(state);
      return state;
    },
    sha256Update: (state, bytes) => native.crypto_hash_sha256_update(state, bytes),
    sha256Final(state) {
      const out = new Uint8Array(32);
      native.crypto_hash_sha256_final(state, out);
      return out;
    },
    blakeInit() {
      const state = new Uint8Array(native.crypto_generichash_STATEBYTES);
      native.crypto_generichash_init(state, null, 64);
      return state;
    },
    blakeUpdate(state, bytes) {
      if (!(bytes.buffer instanceof SharedArrayBuffer)) return native.crypto_generichash_update(state, bytes);
      for (let at = 0; at < bytes.length; at += copy.length) {
        const piece = bytes.subarray(at, at + copy.length);
        copy.set(piece);
        native.crypto_generichash_update(state, copy.subarray(0, piece.length));
      }
    },
    blakeFinal(state) {
      const out = new Uint8Array(64);
      native.crypto_generichash_final(state, out);
      return out;
    },
    // SHA-256 of the concatenated [bytes, from, to] parts (length bytes), written to result at r.
    shaInto(parts, length, result, r) {
      if (length > input.length) input = new Uint8Array(Math.max(length, input.length * 2));
      let at = 0;
      for (const [bytes, from, to] of parts) {
        input.set(bytes.subarray(from, to), at);
        at += to - from;
      }
      native.crypto_hash_sha256(result.subarray(r, r + 32), input.subarray(0, length));
    },
  };
}

// The WebAssembly build: the wrapper's streaming functions, and the raw SHA-256 on one
// buffer allocated in its memory.
function wasmBackend(sodium) {
  const lib = sodium.libsodium;
  let capacity = 0;
  let input = 0;
  const out = lib._malloc(32);
  return {
    sha256Init: () => sodium.crypto_hash_sha256_init(),
    sha256Update: (state, bytes) => sodium.crypto_hash_sha256_update(state, bytes),
    sha256Final: (state) => sodium.crypto_hash_sha256_final(state),
    blakeInit: () => sodium.crypto_generichash_init(null, 64),
    blakeUpdate: (state, bytes) => sodium.crypto_generichash_update(state, bytes),
    blakeFinal: (state) => sodium.crypto_generichash_final(state, 64),
    shaInto(parts, length, result, r) {
      if (length > capacity) {
        if (capacity) lib._free(input);
        capacity = Math.max(length, 64 * 1024, capacity * 2);
        input = lib._malloc(capacity);
      }
      const heap = lib.HEAPU8;
      let at = input;
      for (const [bytes, from, to] of parts) {
        heap.set(bytes.subarray(from, to), at);
        at += to - from;
      }
      if (lib._crypto_hash_sha256(out, input, length, 0) !== 0) throw new Error('sha256 failed');
      result.set(lib.HEAPU8.subarray(out, out + 32), r);
    },
  };
}

// streams: the BLAKE2b and SHA-256 of the data; small: the SHA-256 of an entry's pieces.
function serve(h, small) {
  const sha = (parts, result, r) => {
    let length = 0;
    for (const [, from, to] of parts) length += to - from;
    (length >= workerData.nativeFromBytes.sha256 ? h : small).shaInto(parts, length, result, r);
  };
  let states = [];
  parentPort.on('message', (m) => {
    if (m.type === 'begin') {
      states = m.names.map((name) => ({ name, state: name === 'sha256' ? h.sha256Init() : h.blakeInit() }));
    } else if (m.type === 'update') {
      const bytes = new Uint8Array(m.buffer, 0, m.length);
      for (const s of states) {
        if (s.name === 'sha256') h.sha256Update(s.state, bytes);
        else h.blakeUpdate(s.state, bytes);
      }
      parentPort.postMessage({ type: 'done', buffer: m.buffer });
    } else if (m.type === 'entries') {
      parentPort.postMessage({ type: 'hashed', id: m.id, hashes: hashEntries(m.bytes, m.desc) });
    } else if (m.type === 'finish') {
      const digests = states.map((s) => (s.name === 'sha256' ? h.sha256Final(s.state) : h.blakeFinal(s.state)));
      states = [];
      parentPort.postMessage({ type: 'digests', digests });
    }
  });
  const DOMAIN = new TextEncoder().encode('tearline/field/v1\\u0000');
  const ZERO = new Uint8Array(1);
  const len = new Uint8Array(4);
  // desc, per entry: header start, header length, field count, then per field: salt start,
  // name start, name length, value start, value length. Out: the leaf, then each field's
  // commitment, 32 bytes each, in that order.
  function hashEntries(bytes, desc) {
    let count = 0;
    for (let d = 0; d < desc.length; ) {
      const fields = desc[d + 2];
      count += 1 + fields;
      d += 3 + 5 * fields;
    }
    const result = new Uint8Array(count * 32);
    let r = 0;
    for (let d = 0; d < desc.length; ) {
      const hs = desc[d], hl = desc[d + 1], fields = desc[d + 2];
      d += 3;
      sha([[ZERO, 0, 1], [bytes, hs, hs + hl]], result, r);
      r += 32;
      for (let f = 0; f < fields; f++, d += 5) {
        const salt = desc[d], ns = desc[d + 1], nl = desc[d + 2], vs = desc[d + 3], vl = desc[d + 4];
        len[0] = nl >>> 24; len[1] = (nl >>> 16) & 255; len[2] = (nl >>> 8) & 255; len[3] = nl & 255;
        sha([[DOMAIN, 0, DOMAIN.length], [bytes, salt, salt + 32], [len, 0, 4], [bytes, ns, ns + nl], [bytes, vs, vs + vl]], result, r);
        r += 32;
      }
    }
    return result;
  }
  parentPort.postMessage({ type: 'ready' });
}

// The WebAssembly build is loaded either way: it is the faster one for an entry's short
// pieces (native-sodium.ts, NATIVE_FROM_BYTES), the native one for the streams.
const sodium = require(workerData.wrappers);
sodium.ready.then(() => {
  const wasm = wasmBackend(sodium);
  serve(native ? nativeBackend() : wasm, wasm);
}, (error) => parentPort.postMessage({ type: 'failed', message: String(error) }));
`;

/** A hashing worker, ready, or undefined where none can run. */
export async function startHashWorker(): Promise<BackgroundHasher | undefined> {
  let worker: Worker;
  try {
    worker = startSodiumWorker(WORKER_SOURCE);
  } catch {
    return undefined;
  }
  worker.unref();
  const started = await new Promise<boolean>((resolve) => {
    worker.once('message', (m: { type: string }) => resolve(m.type === 'ready'));
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
  // Shared memory: a block is handed to the worker and back without a copy.
  private readonly free: SharedArrayBuffer[] = [];
  private current: Uint8Array | undefined;
  private used = 0;
  private inFlight = 0;
  private failure: Error | undefined;
  private waiting: (() => void)[] = [];
  private result: ((digests: Uint8Array[]) => void) | undefined;
  private closed = false;
  private nextId = 0;
  private readonly pendingEntries = new Map<number, (hashes: Uint8Array | undefined) => void>();

  constructor(private readonly worker: Worker) {
    worker.on('message', (m: { type: string; buffer?: SharedArrayBuffer; digests?: Uint8Array[] }) => {
      if (m.type === 'done') {
        this.inFlight--;
        this.free.push(m.buffer!);
        this.wake();
      } else if (m.type === 'hashed') {
        const done = m as unknown as { id: number; hashes: Uint8Array };
        this.pendingEntries.get(done.id)?.(done.hashes);
        this.pendingEntries.delete(done.id);
      } else if (m.type === 'digests') {
        this.result?.(m.digests!.map((d) => new Uint8Array(d)));
      }
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      this.wake();
      this.result?.([]);
      for (const resolve of this.pendingEntries.values()) resolve(undefined);
      this.pendingEntries.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => {
      if (!this.closed) fail(new Error('the hashing worker stopped'));
    });
  }

  update(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      if (!this.current) {
        const reused = this.free.pop();
        this.current = new Uint8Array(reused ?? new SharedArrayBuffer(BLOCK));
        this.used = 0;
      }
      const take = Math.min(bytes.length - at, BLOCK - this.used);
      this.current.set(bytes.subarray(at, at + take), this.used);
      this.used += take;
      at += take;
      if (this.used === BLOCK) this.send();
    }
  }

  async settle(): Promise<void> {
    while (this.inFlight > MAX_IN_FLIGHT && !this.failure) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.failure) throw this.failure;
  }

  begin(names: HashName[]): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage({ type: 'begin', names });
  }

  async hashEntries(bytes: Uint8Array, desc: Int32Array): Promise<Uint8Array> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const hashes = await new Promise<Uint8Array | undefined>((resolve) => {
      this.pendingEntries.set(id, resolve);
      this.worker.postMessage({ type: 'entries', id, bytes, desc });
    });
    if (!hashes) throw this.failure ?? new Error('the hashing worker stopped');
    return hashes;
  }

  async finish(): Promise<Uint8Array[]> {
    if (this.used > 0) this.send();
    const digests = await new Promise<Uint8Array[]>((resolve) => {
      this.result = resolve;
      this.worker.postMessage({ type: 'finish' });
    });
    this.result = undefined;
    if (this.failure) throw this.failure;
    return digests;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.failure ??= new Error('the hashing worker was closed');
    this.wake();
    this.result?.([]);
    for (const resolve of this.pendingEntries.values()) resolve(undefined);
    this.pendingEntries.clear();
    void this.worker.terminate();
  }

  private send(): void {
    const buffer = this.current!.buffer;
    this.inFlight++;
    this.worker.postMessage({ type: 'update', buffer, length: this.used });
    this.current = undefined;
    this.used = 0;
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
