/**
 * XChaCha20-Poly1305 opening on a second thread, for the unlock's index blocks.
 *
 * Decrypting the blocks (about 125 MB at 100k entries) was the largest cost of an unlock
 * left on the main thread; there it could only follow the reading, decoding and indexing
 * of the blocks. The worker opens block n + 1 while the main thread indexes block n. The
 * decryption is libsodium's, as on the main thread, on a copy of the index key that the
 * worker holds in its own libsodium memory and wipes when it is closed.
 */
import type { Worker } from 'node:worker_threads';
import { bulkOpener, NONCE_BYTES, type Sealed } from './aead';
import { startSodiumWorker } from './sodium-worker';

export interface ParallelOpener {
  /**
   * Opens with the key; undefined when the ciphertext does not open. Never rejects: if the
   * worker stops, what it had not answered is opened on this thread instead.
   */
  open(sealed: Sealed, associatedData: Uint8Array): Promise<Uint8Array | undefined>;
  /** Wipes the key (in the worker, or here) and ends the worker. */
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const lib = require(workerData.libsodium);
lib.ready.then(() => {
  if (lib._sodium_init() < 0) throw new Error('libsodium did not initialise');
  const keyPtr = lib._malloc(32);
  const noncePtr = lib._malloc(24);
  const lenPtr = lib._malloc(8);
  const adPtr = lib._malloc(256);
  let capacity = 0, inPtr = 0, outPtr = 0;
  parentPort.on('message', (m) => {
    if (m.type === 'key') {
      lib.HEAPU8.set(m.key, keyPtr);
      m.key.fill(0);
    } else if (m.type === 'open') {
      const c = new Uint8Array(m.ct);
      let plain = null;
      if (c.length >= 16 && m.nonce.length === 24 && m.ad.length <= 256) {
        if (c.length > capacity) {
          if (capacity) { lib.HEAPU8.fill(0, outPtr, outPtr + capacity); lib._free(inPtr); lib._free(outPtr); }
          capacity = Math.max(c.length, capacity * 2);
          inPtr = lib._malloc(capacity);
          outPtr = lib._malloc(capacity);
        }
        lib.HEAPU8.set(c, inPtr);
        lib.HEAPU8.set(m.ad, adPtr);
        lib.HEAPU8.set(m.nonce, noncePtr);
        const rc = lib._crypto_aead_xchacha20poly1305_ietf_decrypt(outPtr, lenPtr, 0, inPtr, c.length, 0, adPtr, m.ad.length, 0, noncePtr, keyPtr);
        if (rc === 0) {
          plain = lib.HEAPU8.slice(outPtr, outPtr + c.length - 16);
          lib.HEAPU8.fill(0, outPtr, outPtr + c.length - 16);
        }
      }
      parentPort.postMessage({ type: 'opened', id: m.id, plain }, plain ? [plain.buffer] : []);
    } else if (m.type === 'end') {
      lib.HEAPU8.fill(0, keyPtr, keyPtr + 32);
      if (capacity) lib.HEAPU8.fill(0, outPtr, outPtr + capacity);
      parentPort.postMessage({ type: 'ended' });
    }
  });
  parentPort.postMessage({ type: 'ready' });
}).catch((error) => parentPort.postMessage({ type: 'failed', error: String(error && error.message || error) }));
`;

/**
 * A worker opener for `key` (copied: the caller may wipe its own). Where no worker can
 * start or libsodium cannot load in it, the same opening runs on this thread.
 */
export async function startParallelOpener(key: Uint8Array): Promise<ParallelOpener> {
  let worker: Worker;
  try {
    worker = startSodiumWorker(WORKER_SOURCE);
  } catch {
    return localOpener(key);
  }
  const pending = new Map<number, { sealed: Sealed; ad: Uint8Array; done: (plain: Uint8Array | undefined) => void }>();
  let local: ParallelOpener | undefined;
  const fallback = (): ParallelOpener => (local ??= localOpener(key));
  let ended: (() => void) | undefined;
  let alive = true;
  const ready = new Promise<boolean>((resolve) => {
    worker.on('message', (m: { type: string; id?: number; plain?: Uint8Array | null }) => {
      if (m.type === 'ready') resolve(true);
      else if (m.type === 'failed') resolve(false);
      else if (m.type === 'opened') {
        pending.get(m.id!)?.done(m.plain ?? undefined);
        pending.delete(m.id!);
      } else if (m.type === 'ended') ended?.();
    });
    const fail = (): void => {
      alive = false;
      resolve(false);
      // What the worker had not answered is opened here: a stopped worker is not a bad block.
      for (const p of pending.values()) void fallback().open(p.sealed, p.ad).then(p.done);
      pending.clear();
      ended?.();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
  });
  if (!(await ready)) {
    await worker.terminate();
    return localOpener(key);
  }
  // Moved, not copied, to the worker, which wipes it once it is in libsodium's memory.
  const keyCopy = new Uint8Array(key);
  worker.postMessage({ type: 'key', key: keyCopy }, [keyCopy.buffer]);
  let next = 0;
  return {
    open(sealed, associatedData) {
      if (!alive) return fallback().open(sealed, associatedData);
      const id = next++;
      // A copy goes to the worker; the original stays here in case the worker stops.
      const buffer = sealed.ciphertext.slice().buffer;
      return new Promise((resolve) => {
        pending.set(id, { sealed, ad: associatedData, done: resolve });
        worker.postMessage({ type: 'open', id, ct: buffer, nonce: new Uint8Array(sealed.nonce), ad: new Uint8Array(associatedData) }, [buffer]);
      });
    },
    async close() {
      if (alive) {
        await new Promise<void>((resolve) => {
          ended = resolve;
          worker.postMessage({ type: 'end' });
        });
      }
      await worker.terminate();
      await local?.close();
    },
  };
}

function localOpener(key: Uint8Array): ParallelOpener {
  const opener = bulkOpener(key);
  return {
    open: (sealed, ad) => Promise.resolve(sealed.nonce.length === NONCE_BYTES ? opener.open(sealed, ad) : undefined),
    close: () => {
      opener.dispose();
      return Promise.resolve();
    },
  };
}
