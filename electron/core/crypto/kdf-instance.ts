/**
 * Argon2id in a worker thread with a libsodium instance of its own, ended after each
 * derivation.
 *
 * Argon2id makes libsodium's WebAssembly memory grow to the memory limit of the vault's
 * KDF (256 MiB by default, 1 GiB for "sensitive"), and WebAssembly memory never shrinks.
 * Run in the shared instance, one unlock would leave the core process holding that much
 * for as long as it runs, on top of the index; a second instance in this thread is not
 * freed either (libsodium's loader keeps it reachable). Ending a worker frees its whole
 * heap, memory and all. It also keeps the thread that owns the vault responsive while
 * the KDF runs.
 *
 * Where libsodium's native build loads (native-sodium.ts), the worker runs its Argon2id
 * instead, the same function with the same output about three times as fast; it maps
 * its memory for the call and unmaps it after, and the worker still ends after each
 * derivation, so nothing of it stays in the core process either way.
 */
import { startSodiumWorker } from './sodium-worker';

const WORKER_SOURCE = `
if (native) {
  const { length, passphrase, salt, opslimit, memlimit } = workerData;
  let key = new Uint8Array(length);
  try {
    native.crypto_pwhash(key, passphrase, salt, opslimit, memlimit, native.crypto_pwhash_ALG_ARGON2ID13);
  } catch {
    // Refused parameters or no memory: null, as from the WebAssembly build below.
    key.fill(0);
    key = null;
  }
  native.sodium_memzero(passphrase);
  parentPort.postMessage(key, key ? [key.buffer] : []);
} else {
  const lib = require(workerData.libsodium);
  lib.ready.then(() => {
    if (lib._sodium_init() < 0) throw new Error('libsodium did not initialise');
    const { length, passphrase, salt, opslimit, memlimit } = workerData;
    const out = lib._malloc(length);
    const pass = lib._malloc(Math.max(1, passphrase.length));
    const saltPtr = lib._malloc(salt.length);
    lib.HEAPU8.set(passphrase, pass);
    lib.HEAPU8.set(salt, saltPtr);
    passphrase.fill(0);
    const rc = lib._crypto_pwhash(out, length, 0, pass, passphrase.length, 0, saltPtr, opslimit, 0, memlimit, lib._crypto_pwhash_alg_argon2id13());
    const key = rc === 0 ? lib.HEAPU8.slice(out, out + length) : null;
    lib.HEAPU8.fill(0, out, out + length);
    lib.HEAPU8.fill(0, pass, pass + passphrase.length);
    parentPort.postMessage(key, key ? [key.buffer] : []);
  }).catch((error) => parentPort.postMessage({ error: String(error && error.message || error) }));
}
`;

/** Argon2id13 → `length` bytes; undefined if libsodium refuses the parameters (out of memory). */
export async function argon2idInWorker(length: number, passphrase: Uint8Array, salt: Uint8Array, opslimit: number, memlimit: number): Promise<Uint8Array | undefined> {
  // A copy of the passphrase goes to the worker, which wipes it once it is in libsodium's
  // WebAssembly memory, or once the native build has used it.
  const worker = startSodiumWorker(WORKER_SOURCE, { length, passphrase: new Uint8Array(passphrase), salt, opslimit, memlimit });
  try {
    const reply = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the key derivation stopped (exit ${code})`)));
    });
    if (reply instanceof Uint8Array) return reply;
    if (reply === null) return undefined;
    throw new Error(`the key derivation failed: ${(reply as { error?: string }).error ?? 'no result'}`);
  } finally {
    await worker.terminate();
  }
}

