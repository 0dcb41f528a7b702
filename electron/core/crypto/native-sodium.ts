/**
 * libsodium's native build, for the primitives the core runs most.
 *
 * All of the core's cryptography is libsodium's. It comes in two builds of the same
 * library: libsodium.js (`libsodium-wrappers-sumo`, WebAssembly; sodium.ts), which loads
 * everywhere and covers every primitive, and `sodium-native` (libsodium compiled for the
 * machine, behind N-API), which this module loads when it can. The hot primitives use the
 * native build when it is there: XChaCha20-Poly1305 (entries, index blocks, the vault's
 * records), ChaCha20-Poly1305-IETF (age's payload), SHA-256 (field commitments, leaves,
 * bundle hashes), BLAKE2b (minisign's prehash, digests) and Argon2id. Why: on large inputs
 * the native build runs the same code 1.3 (SHA-256) to 4 (XChaCha20-Poly1305) times as
 * fast, and Argon2id three times (vector instructions, and no copying of every argument
 * into and out of WebAssembly memory). On small inputs it is slower: see NATIVE_FROM_BYTES.
 * The outputs are byte for byte the same (test/crypto/sodium-backends.test.ts checks both
 * builds on random inputs; the known-answer tests run on both). Key pairs, signatures,
 * X25519 and HMAC stay on the WebAssembly build.
 *
 * The fallback: a native module can be missing where WebAssembly cannot (a platform with no
 * prebuilt binary, a packaged app whose unpacked files are incomplete). Any failure to load
 * it, or a self-check that does not give the published digest, means WebAssembly for the
 * whole process; worker threads follow the thread that starts them (sodium-worker.ts).
 *
 * `TEARLINE_SODIUM=wasm` forces the WebAssembly build (the tests run both);
 * `TEARLINE_SODIUM=native` requires the native one (its absence is then an error rather than
 * a silent fallback). Unset, or any other value: native if it loads, else WebAssembly.
 * Read once per process, at the first use.
 */
import { createRequire } from 'node:module';
import type * as SodiumNative from 'sodium-native';

export type NativeSodium = typeof SodiumNative;
export type SodiumBackend = 'native' | 'wasm';

const requireCjs = createRequire(typeof __filename === 'string' ? __filename : `${process.cwd()}/package.json`);

/** SHA-256("abc"), FIPS 180-2: a binary that does not give it is not used. */
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

let state: { lib: NativeSodium | undefined; backend: SodiumBackend; reason: string } | undefined;

function load(): NonNullable<typeof state> {
  const wanted = process.env.TEARLINE_SODIUM;
  if (wanted === 'wasm') return { lib: undefined, backend: 'wasm', reason: 'TEARLINE_SODIUM=wasm' };
  let lib: NativeSodium;
  try {
    lib = requireCjs('sodium-native') as NativeSodium;
    const digest = new Uint8Array(32);
    lib.crypto_hash_sha256(digest, new TextEncoder().encode('abc'));
    if (Buffer.from(digest).toString('hex') !== ABC_SHA256) throw new Error('its SHA-256 self-check failed');
  } catch (error) {
    const reason = `sodium-native did not load: ${error instanceof Error ? error.message : String(error)}`;
    if (wanted === 'native') throw new Error(`TEARLINE_SODIUM=native, but ${reason}`, { cause: error });
    return { lib: undefined, backend: 'wasm', reason };
  }
  return { lib, backend: 'native', reason: 'sodium-native loaded' };
}

/** The native build, or undefined where the WebAssembly one is to be used. */
export function nativeSodium(): NativeSodium | undefined {
  state ??= load();
  return state.lib;
}

/**
 * The smallest input, in bytes, for which the native build is used (where it loaded). A call
 * into it costs about a microsecond more than a call into WebAssembly's raw exports (N-API,
 * the checks of sodium-native's JavaScript layer), which outweighs its faster code on short
 * inputs. Measured on the 2-core build machine, microseconds a call, WebAssembly (raw
 * exports) / native:
 *
 *   XChaCha20-Poly1305 seal   32 B 1.5 / 2.6   200 B 3.2 / 3.5   1 KiB 6.7 / 4.7   64 KiB 240 / 68
 *   XChaCha20-Poly1305 open   32 B 1.3 / 1.9   200 B 1.9 / 2.3   1 KiB 4.6 / 2.6   64 KiB 226 / 55
 *   SHA-256                   32 B 0.6 / 0.9   220 B 1.8 / 1.8   1 KiB 6.9 / 5.6   1 MiB 6530 / 4920
 *   BLAKE2b-512                                220 B 0.7 / 1.2   1 KiB 2.4 / 2.1   1 MiB 2340 / 1230
 *
 * So a field commitment or a Merkle node is hashed in WebAssembly, an entry of a kilobyte
 * is sealed natively. Streams (BLAKE2b and SHA-256 of a bundle, age's 64 KiB chunks) and
 * the index blocks are native throughout.
 */
export const NATIVE_FROM_BYTES = { aead: 512, sha256: 512, blake2b: 1024 } as const;

/** The native build if it loaded and `length` bytes are enough for it to be the faster one. */
export function nativeFor(primitive: keyof typeof NATIVE_FROM_BYTES, length: number): NativeSodium | undefined {
  state ??= load();
  return state.lib && length >= NATIVE_FROM_BYTES[primitive] ? state.lib : undefined;
}

/** Which build the hot primitives use in this process, and why. */
export function sodiumBackend(): { backend: SodiumBackend; reason: string } {
  state ??= load();
  return { backend: state.backend, reason: state.reason };
}

/**
 * `bytes`, or a copy of them where they live in a SharedArrayBuffer: sodium-native's
 * BLAKE2b functions refuse shared memory.
 */
export function unshared(bytes: Uint8Array): Uint8Array {
  return bytes.buffer instanceof SharedArrayBuffer ? new Uint8Array(bytes) : bytes;
}

/** Above this, a scratch buffer is given back after use instead of kept. */
const LARGE_SCRATCH = 1024 * 1024;

/**
 * A reusable buffer for the native build's inputs and outputs: it grows to the largest
 * request (and gives back one that an unusually large input grew), so the hot loops do
 * not allocate per call. Whoever writes a secret into it wipes that range after use.
 */
export class ScratchBuffer {
  private bytes = new Uint8Array(0);
  constructor(private readonly minimum: number) {}

  /** A buffer of at least `length` bytes (its contents are whatever was left: zeros). */
  reserve(length: number): Uint8Array {
    if (length > this.bytes.length) {
      this.bytes.fill(0);
      this.bytes = new Uint8Array(Math.max(length, this.minimum, this.bytes.length * 2));
    }
    return this.bytes;
  }

  /** Gives back a buffer that one unusually large input grew, so it is not held for good. */
  trim(): void {
    if (this.bytes.length > LARGE_SCRATCH) this.release();
  }

  release(): void {
    this.bytes.fill(0);
    this.bytes = new Uint8Array(0);
  }
}
