/**
 * Where the core's bundled worker threads are (scripts/build.mjs writes them to
 * dist/workers), found from wherever this code runs: the CLI bundle in dist/, the app's
 * core process in dist/electron/, or the sources under test. In the packaged app they are
 * read from outside the asar archive (electron-builder.yml unpacks dist/workers): a
 * worker thread cannot start from inside it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export type WorkerName = 'append-worker' | 'bundle-worker';

export function workerFile(name: WorkerName): string | undefined {
  const file = path.join('workers', `${name}.cjs`);
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (let up = 0; up < 5; up++, dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, file), path.join(dir, 'dist', file)]) {
      const unpacked = candidate.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
      if (existsSync(unpacked)) return unpacked;
    }
  }
  return undefined;
}
