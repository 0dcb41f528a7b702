/**
 * Worker threads that run libsodium with an instance of their own: the key derivation
 * (whose WebAssembly memory is freed when the worker ends) and the bulk decryption that
 * runs beside the main thread's work. (The bundle worker, which runs the core's own
 * checks, is bundled instead: workers/bundle-worker.ts.)
 *
 * A worker's code is plain CommonJS given as text, so it needs no build step of its own:
 * the same code runs from the TypeScript sources (tests), the bundled CLI and the
 * packaged app's core process. It is handed the absolute paths of the same libsodium builds
 * the rest of the core uses: `workerData.libsodium` (the raw WebAssembly module,
 * `libsodium-sumo`), `workerData.wrappers` (`libsodium-wrappers-sumo`), and
 * `workerData.sodiumNative` (libsodium's native build, `sodium-native`), which is null where
 * the starting thread itself uses WebAssembly (native-sodium.ts: it did not load, or
 * TEARLINE_SODIUM=wasm), and `workerData.nativeFromBytes`, the sizes from which the native
 * build is the faster. A worker that is given the native path and cannot load it there
 * uses WebAssembly: the results are the same.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { nativeSodium, NATIVE_FROM_BYTES } from './native-sodium';

const requireCjs = createRequire(typeof __filename === 'string' ? __filename : `${process.cwd()}/package.json`);

/**
 * In the packaged app the modules sit in app.asar, which a worker thread may not be able
 * to read (and native code cannot be loaded from inside an archive at all);
 * electron-builder.yml unpacks them, and sodium-native's own dependencies, next to the
 * archive, and the worker is given that plain path.
 */
export function modulePath(name: 'libsodium-sumo' | 'libsodium-wrappers-sumo' | 'sodium-native'): string {
  const file = requireCjs.resolve(name);
  const unpacked = file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
  return unpacked !== file && existsSync(unpacked) ? unpacked : file;
}

/**
 * What every worker's source starts with: `parentPort`, `workerData`, and `native`, the
 * native build where it was given and loads here, else null (the worker uses WebAssembly).
 */
const PRELUDE = `
const { parentPort, workerData } = require('node:worker_threads');
let native = null;
if (workerData.sodiumNative) {
  try {
    native = require(workerData.sodiumNative);
  } catch {
    native = null;
  }
}
`;

/** Starts a worker running `source` after PRELUDE, with the libsodium paths added to `data`. */
export function startSodiumWorker(source: string, data: Record<string, unknown> = {}): Worker {
  return new Worker(PRELUDE + source, {
    eval: true,
    // Plain CommonJS needs none of the parent's flags: no loader hooks (tsx in tests and
    // benches would load itself again in every worker), no inspector.
    execArgv: [],
    workerData: {
      ...data,
      libsodium: modulePath('libsodium-sumo'),
      wrappers: modulePath('libsodium-wrappers-sumo'),
      sodiumNative: nativeSodium() ? modulePath('sodium-native') : null,
      nativeFromBytes: NATIVE_FROM_BYTES,
    },
    // A cap on the worker's own heap, which stays small (libsodium's memory is WebAssembly
    // or native memory, outside it); generous, since a worker that runs out stops its job.
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
}
