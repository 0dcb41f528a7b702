/**
 * The one place libsodium is loaded. Its WebAssembly module initialises asynchronously,
 * once per process; after `loadSodium()` has resolved, every call is synchronous, which
 * is what lets the vault run its transactions without awaiting in the middle of them.
 */
import { createRequire } from 'node:module';
import type * as Sodium from 'libsodium-wrappers-sumo';

export type SodiumApi = typeof Sodium;

// The package's ESM build has shipped with broken relative imports before; the CommonJS
// build is the one that has always loaded, in Node and in Electron's utility process.
const requireCjs = createRequire(__filename_or_url());

let instance: SodiumApi | undefined;
let loading: Promise<SodiumApi> | undefined;

export function loadSodium(): Promise<SodiumApi> {
  if (instance) return Promise.resolve(instance);
  loading ??= (async () => {
    const lib = requireCjs('libsodium-wrappers-sumo') as SodiumApi;
    await lib.ready;
    zeroOnFree(lib);
    instance = lib;
    return lib;
  })();
  return loading;
}

/** The loaded library; throws if `loadSodium()` has not resolved yet (a programming error). */
export function sodium(): SodiumApi {
  if (!instance) throw new Error('libsodium used before loadSodium() resolved');
  return instance;
}

type Heap = { _malloc(n: number): number; _free(p: number): void; HEAPU8: Uint8Array };

/**
 * The wrappers copy every argument of a call into libsodium's memory, keys included, and
 * free the copies without zeroing them, where they stay until the memory is reused: after
 * a lock, the records key was still there. Every allocation is zeroed when it is freed.
 */
function zeroOnFree(lib: SodiumApi): void {
  const heap = (lib as unknown as { libsodium?: Heap }).libsodium;
  if (!heap || typeof heap._malloc !== 'function' || typeof heap._free !== 'function') return;
  const malloc = heap._malloc.bind(heap);
  const free = heap._free.bind(heap);
  const sizes = new Map<number, number>();
  heap._malloc = (n: number): number => {
    const p = malloc(n);
    if (p) sizes.set(p, n);
    return p;
  };
  heap._free = (p: number): void => {
    const n = sizes.get(p);
    if (n !== undefined) {
      // HEAPU8 is read now: the memory may have grown, and moved, since the allocation.
      heap.HEAPU8.fill(0, p, p + n);
      sizes.delete(p);
    }
    free(p);
  };
}

function __filename_or_url(): string {
  // Bundled to CommonJS by esbuild (CLI, utility process) there is a __filename; run as
  // ESM under Vitest or tsx there is not, and the working directory is the project root.
  return typeof __filename === 'string' ? __filename : `${process.cwd()}/package.json`;
}
