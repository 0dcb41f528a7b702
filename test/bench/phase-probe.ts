/**
 * A profiling aid, not part of `npm run bench`: one phase of the vault benchmark on a vault
 * file that is kept between runs, with the memory figures after it, so that a phase can be
 * profiled on its own (node --cpu-prof on an esbuild bundle of this file).
 *   tsx test/bench/phase-probe.ts FILE create [N]   (creates FILE, or appends N entries to it)
 *   tsx test/bench/phase-probe.ts FILE unlock
 *   tsx test/bench/phase-probe.ts FILE verify
 * Run with --expose-gc to see the heap after a collection as well.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Vault } from '../../electron/core/vault/vault';
import { verifyVault } from '../../electron/core/log/integrity';
import { BENCH_PASSPHRASE, caseOpenedBody, mainThreadCpuMs, peakRssMB } from './common';
const file = process.argv[2]!; const mode = process.argv[3]!;
const body = caseOpenedBody;
const rss = peakRssMB;
const mem = () => { const m = process.memoryUsage(); const g = globalThis as { gc?: () => void }; const before = Math.round(m.heapUsed/1e6); g.gc?.(); const a = process.memoryUsage(); return { rss: Math.round(m.rss/1e6), heapTotal: Math.round(m.heapTotal/1e6), heap: before, heapAfterGc: Math.round(a.heapUsed/1e6), ext: Math.round(a.external/1e6), ab: Math.round(a.arrayBuffers/1e6) }; };
if (mode === 'create') {
  const v = existsSync(file) ? await Vault.open(file, BENCH_PASSPHRASE) : await Vault.create(file, BENCH_PASSPHRASE, { kdf: 'interactive' });
  const n = Number(process.argv[4] ?? 100000);
  for (let done = 0; done < n; done += 10000) {
    const drafts = Array.from({ length: 10000 }, (_, k) => ({ kind: 'case.opened', body: body(done + k) }));
    const c0 = process.cpuUsage(); const m0 = mainThreadCpuMs();
    const t = performance.now(); v.append(drafts); const wall = performance.now() - t;
    const c1 = process.cpuUsage(c0); const m1 = mainThreadCpuMs();
    console.log('batch', done, Math.round(10000 / (wall / 1000)), '/s', 'cpu µs/entry: process', Math.round((c1.user + c1.system) / 10000), 'main', m0 === undefined || m1 === undefined ? '?' : Math.round(((m1 - m0) * 1000) / 10000), 'rss', rss(), JSON.stringify(mem()));
  }
  v.close(); console.log('after append maxRSS', rss());
} else {
  const t = performance.now(); const c0 = process.cpuUsage();
  let kdfEnd = 0;
  const v = await Vault.open(file, BENCH_PASSPHRASE, { onProgress: (p) => { if (p.phase === 'kdf' && p.done === 1) kdfEnd = performance.now(); } });
  console.log('beyond kdf ms', Math.round(performance.now() - kdfEnd));
  const c1 = process.cpuUsage(c0);
  console.log('unlock ms', Math.round(performance.now() - t), 'cpu ms', Math.round((c1.user + c1.system) / 1000), 'maxRSS', rss(), JSON.stringify(mem()));
  if (mode === 'verify') { const t1 = performance.now(); const r = verifyVault(v); console.log('verify', r.ok, Math.round(performance.now() - t1), 'maxRSS', rss(), JSON.stringify(mem())); }
  v.close();
}
