/**
 * `npm run bench`: prints one JSON document of measurements. Each vault size runs in its
 * own process so peak RSS figures are not mixed up. Targets are in the issues; they are
 * reported here, never asserted in tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function child(script: string, args: string[]): unknown {
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const sizes = (process.env.TEARLINE_BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const result: Record<string, unknown> = {
  machine: { node: process.version, platform: process.platform, arch: process.arch },
  vault: sizes.map((n) => child('test/bench/vault-bench.ts', [String(n)])),
};
if (existsSync('test/bench/bundle-bench.ts') && process.env.TEARLINE_BENCH_BUNDLES !== '0') {
  const { benchBundles } = (await import('./bundle-bench')) as { benchBundles: () => Promise<Record<string, unknown>> };
  result.bundles = await benchBundles();
}
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
