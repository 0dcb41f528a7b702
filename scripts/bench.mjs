// `npm run bench`: builds the benchmark scripts the way the app's core is built (one
// esbuild bundle each, dependencies external) and runs them with plain Node. Run through
// tsx instead, every process would also carry the TypeScript loader (about 40 MB of RSS)
// that no shipped process has, and the peak RSS figures would be its as much as ours.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, '.cache', 'bench');
await build({
  entryPoints: ['run', 'vault-bench', 'bundle-bench'].map((name) => path.join(root, 'test', 'bench', `${name}.ts`)),
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
execFileSync(process.execPath, [path.join(out, 'run.mjs')], { stdio: 'inherit', cwd: root });
