/**
 * XChaCha20-Poly1305 opening on a second thread, for the unlock's index blocks.
 *
 * Decrypting the blocks (about 125 MB at 100k entries) was the largest cost of an unlock
 * left on the main thread; there it could only follow the reading, decoding and indexing
 * of the blocks. The worker opens block n + 1 while the main thread indexes block n. The
 * decryption is libsodium's, as on the main thread (its native build where the main thread
 * uses it, native-sodium.ts, else WebAssembly), on a copy of the index key that the worker
 * holds and wipes when it is closed.
 */
import type { Worker } from 'node:worker_threads';
import { bulkOpener, type Sealed } from './aead';
import { startSodiumWorker } from './sodium-worker';

export interface ParallelOpener {
  /**
   * Opens what `read` gives with the key; undefined when it does not open. Never rejects:
   * if the worker stops, what it had not answered is read again and opened on this thread.
   * The ciphertext is handed to the worker, not copied: do not use it afterwards.
   */
  open(read: () => Sealed, associatedData: Uint8Array): Promise<Uint8Array | undefined>;
  /** Gives a plaintext's memory back for the next one, once it is used and wiped. */
  recycle(plain: Uint8Array): void;
  /** Wipes the key (in the worker, or here) and ends the worker. */
  close(): Promise<void>;
}

const WORKER_SOURCE = `
// Plaintext buffers given back by the main thread (wiped there), reused for the next:
// a hundred megabytes of fresh buffers would only keep its garbage collector busy.
const pool = [];
const plainBuffer = (length) => {
  const reused = pool.pop();
  return reused && reused.byteLength >= length ? reused : new ArrayBuffer(length);
};

// libsodium's native build decrypts from the received ciphertext straight into the
// plaintext buffer that is sent back.
function nativeBackend() {
  const key = new Uint8Array(32);
  return {
    setKey(given) {
      key.set(given);
    },
    open(c, nonce, ad) {
      const length = c.length - 16;
      const plain = plainBuffer(length);
      try {
        native.crypto_aead_xchacha20poly1305_ietf_decrypt(new Uint8Array(plain, 0, length), null, c, ad, nonce, key);
        return plain;
      } catch {
        new Uint8Array(plain, 0, length).fill(0);
        if (pool.length < 8) pool.push(plain);
        return null;
      }
    },
    end() {
      native.sodium_memzero(key);
    },
  };
}

// The WebAssembly build: buffers allocated once in its memory, the key copied there.
function wasmBackend(lib) {
  const keyPtr = lib._malloc(32);
  const noncePtr = lib._malloc(24);
  const lenPtr = lib._malloc(8);
  const adPtr = lib._malloc(256);
  let capacity = 0, inPtr = 0, outPtr = 0;
  return {
    setKey(given) {
      lib.HEAPU8.set(given, keyPtr);
    },
    open(c, nonce, ad) {
      if (c.length > capacity) {
        if (capacity) { lib.HEAPU8.fill(0, outPtr, outPtr + capacity); lib._free(inPtr); lib._free(outPtr); }
        capacity = Math.max(c.length, capacity * 2);
        inPtr = lib._malloc(capacity);
        outPtr = lib._malloc(capacity);
      }
      lib.HEAPU8.set(c, inPtr);
      lib.HEAPU8.set(ad, adPtr);
      lib.HEAPU8.set(nonce, noncePtr);
      const rc = lib._crypto_aead_xchacha20poly1305_ietf_decrypt(outPtr, lenPtr, 0, inPtr, c.length, 0, adPtr, ad.length, 0, noncePtr, keyPtr);
      if (rc !== 0) return null;
      const length = c.length - 16;
      const plain = plainBuffer(length);
      new Uint8Array(plain).set(lib.HEAPU8.subarray(outPtr, outPtr + length));
      lib.HEAPU8.fill(0, outPtr, outPtr + length);
      return plain;
    },
    end() {
      lib.HEAPU8.fill(0, keyPtr, keyPtr + 32);
      if (capacity) lib.HEAPU8.fill(0, outPtr, outPtr + capacity);
    },
  };
}

function serve(backend) {
  parentPort.on('message', (m) => {
    if (m.type === 'key') {
      backend.setKey(m.key);
      m.key.fill(0);
    } else if (m.type === 'open') {
      const c = new Uint8Array(m.ct);
      let plain = null, length = 0;
      // The same limits on both builds (the WebAssembly one has 256 bytes for the data).
      if (c.length >= 16 && m.nonce.length === 24 && m.ad.length <= 256) {
        plain = backend.open(c, m.nonce, m.ad);
        if (plain) length = c.length - 16;
      }
      parentPort.postMessage({ type: 'opened', id: m.id, plain, length }, plain ? [plain] : []);
    } else if (m.type === 'recycle') {
      if (pool.length < 8) pool.push(m.buffer);
    } else if (m.type === 'end') {
      backend.end();
      parentPort.postMessage({ type: 'ended' });
    }
  });
  parentPort.postMessage({ type: 'ready' });
}

if (native) {
  serve(nativeBackend());
} else {
  const lib = require(workerData.libsodium);
  lib.ready.then(() => {
    if (lib._sodium_init() < 0) throw new Error('libsodium did not initialise');
    serve(wasmBackend(lib));
  }).catch((error) => parentPort.postMessage({ type: 'failed', error: String(error && error.message || error) }));
}
`;

/** A worker with libsodium loaded, waiting for its key. */
export interface OpenerWorker {
  /** The opener for `key` (copied: the caller may wipe its own). */
  withKey(key: Uint8Array): ParallelOpener;
  /** Ends the worker unused. */
  discard(): Promise<void>;
}

/**
 * Starts the worker, so that libsodium loads in it while the key is still being derived.
 * Undefined where no worker can start or libsodium cannot load in it: then
 * `parallelOpener(undefined, key)` opens on this thread.
 */
export async function startOpenerWorker(): Promise<OpenerWorker | undefined> {
  let worker: Worker;
  try {
    worker = startSodiumWorker(WORKER_SOURCE);
  } catch {
    return undefined;
  }
  const pending = new Map<number, { read: () => Sealed; ad: Uint8Array; done: (plain: Uint8Array | undefined) => void }>();
  let local: ParallelOpener | undefined;
  let key: Uint8Array | undefined;
  const fallback = (): ParallelOpener => (local ??= localOpener(key!));
  let ended: (() => void) | undefined;
  let alive = true;
  const ready = new Promise<boolean>((resolve) => {
    worker.on('message', (m: { type: string; id?: number; plain?: ArrayBuffer | null; length?: number }) => {
      if (m.type === 'ready') resolve(true);
      else if (m.type === 'failed') resolve(false);
      else if (m.type === 'opened') {
        pending.get(m.id!)?.done(m.plain ? new Uint8Array(m.plain, 0, m.length) : undefined);
        pending.delete(m.id!);
      } else if (m.type === 'ended') ended?.();
    });
    const fail = (): void => {
      alive = false;
      resolve(false);
      // What the worker had not answered is opened here: a stopped worker is not a bad block.
      for (const p of pending.values()) void fallback().open(p.read, p.ad).then(p.done);
      pending.clear();
      ended?.();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
  });
  if (!(await ready)) {
    await worker.terminate();
    return undefined;
  }
  let next = 0;
  let closed = false;
  const close = async (): Promise<void> => {
    // Called by the opener when the unlock is done, and again on the unlock's error path.
    if (closed) return;
    closed = true;
    if (alive) {
      await new Promise<void>((resolve) => {
        ended = resolve;
        worker.postMessage({ type: 'end' });
      });
    }
    await worker.terminate();
    await local?.close();
  };
  return {
    discard: close,
    withKey(given) {
      key = new Uint8Array(given);
      // Moved, not copied, to the worker, which wipes it once it is in libsodium's memory.
      const moved = new Uint8Array(given);
      worker.postMessage({ type: 'key', key: moved }, [moved.buffer]);
      return {
        open(read, associatedData) {
          if (!alive) return fallback().open(read, associatedData);
          const id = next++;
          const { nonce, ciphertext } = read();
          // SQLite's rows own their whole buffer, which moves to the worker without a copy.
          const owned = ciphertext.byteOffset === 0 && ciphertext.byteLength === ciphertext.buffer.byteLength && ciphertext.buffer instanceof ArrayBuffer;
          const buffer = owned ? (ciphertext.buffer as ArrayBuffer) : ciphertext.slice().buffer;
          return new Promise((resolve) => {
            pending.set(id, { read, ad: associatedData, done: resolve });
            worker.postMessage({ type: 'open', id, ct: buffer, nonce: new Uint8Array(nonce), ad: new Uint8Array(associatedData) }, [buffer]);
          });
        },
        recycle(plain) {
          if (alive && plain.buffer instanceof ArrayBuffer) worker.postMessage({ type: 'recycle', buffer: plain.buffer }, [plain.buffer]);
        },
        async close() {
          await close();
          key?.fill(0);
        },
      };
    },
  };
}

/** The worker's opener for `key`, or one on this thread where there is no worker. */
export function parallelOpener(worker: OpenerWorker | undefined, key: Uint8Array): ParallelOpener {
  return worker ? worker.withKey(key) : localOpener(key);
}

function localOpener(key: Uint8Array): ParallelOpener {
  const opener = bulkOpener(key);
  return {
    open: (read, ad) => Promise.resolve(opener.open(read(), ad)),
    recycle: () => undefined,
    close: () => {
      opener.dispose();
      return Promise.resolve();
    },
  };
}
