/**
 * `npm run bench`: prints one JSON document of measurements. Each vault size runs in its
 * own process so peak RSS figures are not mixed up. Targets are in the issues; they are
 * reported here, never asserted in tests.
 */
import { execFileSync } from 'node:child_process';
import { benchProcessArgs } from './scripts';
import { settleDisk } from './common';

function child(script: 'vault-bench' | 'bundle-bench', args: string[]): unknown {
  settleDisk();
  const out = execFileSync(process.execPath, benchProcessArgs(script, args), { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const sizes = (process.env.TEARLINE_BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const result: Record<string, unknown> = {
  machine: { node: process.version, platform: process.platform, arch: process.arch },
  vault: sizes.map((n) => child('vault-bench', [String(n)])),
};
if (process.env.TEARLINE_BENCH_BUNDLES !== '0') result.bundles = child('bundle-bench', []);
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
