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

function __filename_or_url(): string {
  // Bundled to CommonJS by esbuild (CLI, utility process) there is a __filename; run as
  // ESM under Vitest or tsx there is not, and the working directory is the project root.
  return typeof __filename === 'string' ? __filename : `${process.cwd()}/package.json`;
}
