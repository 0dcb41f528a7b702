// Builds the runnable artefacts. `--node` builds only what plain Node needs (the
// `tearline` command), which is what `npm ci` runs through `prepare`, so that
// `npx tearline` works straight after install without Electron or Vite. `--workers`
// builds only the core's worker threads (see below).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nodeOnly = process.argv.includes('--node');
const at = (p) => path.join(root, p);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

/** Entries that run in plain Node or in Electron's Node-side processes. */
const nodeEntries = [
  { in: 'electron/cli/main.ts', out: 'dist/cli.cjs' },
  { in: 'electron/host/core-process.ts', out: 'dist/electron/core-process.cjs' },
].filter((e) => existsSync(at(e.in)));

/**
 * Worker threads started by the core. In the packaged app a worker is read from outside
 * the asar archive (electron-builder.yml unpacks dist/workers), so it carries its pure
 * JavaScript dependencies with it and loads from node_modules only the libsodium builds,
 * which are unpacked too.
 */
const workerEntries = [
  { in: 'electron/core/workers/append-worker.ts', out: 'dist/workers/append-worker.cjs' },
  { in: 'electron/core/workers/bundle-worker.ts', out: 'dist/workers/bundle-worker.cjs' },
];
const workerExternals = ['libsodium-wrappers-sumo', 'libsodium-sumo', 'sodium-native'];

const buildWorkers = () =>
  Promise.all(workerEntries.map((e) => build({ ...common, entryPoints: [at(e.in)], outfile: at(e.out), external: workerExternals })));

// `--workers`: only the worker bundles, in place (the test setup's step: the tests run the
// core from its sources, but a worker thread can only start from a built file).
if (process.argv.includes('--workers')) {
  await buildWorkers();
  process.exit(0);
}

await rm(at('dist'), { recursive: true, force: true });
await Promise.all([
  ...nodeEntries.map((e) =>
    build({ ...common, entryPoints: [at(e.in)], outfile: at(e.out), packages: 'external' }),
  ),
  buildWorkers(),
]);

if (!nodeOnly) {
  const electronEntries = [
    { in: 'electron/main/main.ts', out: 'dist/electron/main.cjs', packages: 'external' },
    // A sandboxed preload can require only a few built-ins, so everything it uses is bundled in.
    { in: 'electron/preload/preload.ts', out: 'dist/electron/preload.cjs' },
  ].filter((e) => existsSync(at(e.in)));
  await Promise.all(
    electronEntries.map((e) =>
      build({
        ...common,
        entryPoints: [at(e.in)],
        outfile: at(e.out),
        external: ['electron'],
        ...(e.packages ? { packages: e.packages } : {}),
      }),
    ),
  );
  if (existsSync(at('renderer/vite.config.ts'))) {
    const { build: viteBuild } = await import('vite');
    await viteBuild({ configFile: at('renderer/vite.config.ts'), logLevel: 'warn' });
  }
}
