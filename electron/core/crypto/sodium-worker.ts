/**
 * Worker threads that run libsodium with an instance of their own: the key derivation
 * (whose WebAssembly memory is freed when the worker ends) and the bulk decryption and
 * hashing that run beside the main thread's work.
 *
 * A worker's code is plain CommonJS given as text, so it needs no build step of its own:
 * the same code runs from the TypeScript sources (tests), the bundled CLI and the
 * packaged app's core process. It is handed the absolute path of the same libsodium build
 * the rest of the core uses, as `workerData.libsodium` (the raw module, `libsodium-sumo`)
 * and `workerData.wrappers` (`libsodium-wrappers-sumo`).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const requireCjs = createRequire(typeof __filename === 'string' ? __filename : `${process.cwd()}/package.json`);

/**
 * In the packaged app the modules sit in app.asar, which a worker thread may not be able
 * to read; electron-builder.yml unpacks them next to the archive, and the worker is given
 * that plain path.
 */
export function modulePath(name: 'libsodium-sumo' | 'libsodium-wrappers-sumo'): string {
  const file = requireCjs.resolve(name);
  const unpacked = file.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
  return unpacked !== file && existsSync(unpacked) ? unpacked : file;
}

/** Starts a worker running `source`, with the libsodium paths added to `data`. */
export function startSodiumWorker(source: string, data: Record<string, unknown> = {}): Worker {
  return new Worker(source, {
    eval: true,
    // Plain CommonJS needs none of the parent's flags: no loader hooks (tsx in tests and
    // benches would load itself again in every worker), no inspector.
    execArgv: [],
    workerData: { ...data, libsodium: modulePath('libsodium-sumo'), wrappers: modulePath('libsodium-wrappers-sumo') },
    // A cap on the worker's own heap, which stays small (libsodium's memory is WebAssembly
    // memory, outside it); generous, since a worker that runs out stops its job.
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
}
