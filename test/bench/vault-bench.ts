/**
 * Vault benchmark for one size, run in its own process so that its peak RSS is its own:
 *   tsx test/bench/vault-bench.ts 100000
 * Prints one JSON object. Entries are realistic case.opened bodies of about 1 KB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Vault, type Progress } from '../../electron/core/vault/vault';
import { verifyVault } from '../../electron/core/log/integrity';

const size = Number(process.argv[2] ?? '10000');
const PASS = 'benchmark passphrase';
const BATCH = 10_000;
const words = 'threat route convoy embassy market bridge harbour station courier meeting warning assessment'.split(' ');

function body(i: number) {
  let text = '';
  for (let k = 0; text.length < 620; k++) text += words[(i * 7 + k * 3) % words.length] + ' ';
  return {
    threatType: i % 3 === 0 ? 'kidnapping' : 'intentional-killing',
    targetKind: 'person',
    intendedVictim: { description: `Intended victim number ${i}, a public official`, usPerson: 'unknown' },
    summary: `Case ${i}: ${text.trim()}`,
    warningText: 'Credible information indicates a plan to harm you. Change your routine and contact the police.',
    marking: 'TLP:AMBER',
    sourceProtection: { notes: `Source reporting ${i}, handle with care.` },
  };
}

function peakRssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown, runs = 15): number {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

const dir = mkdtempSync(path.join(tmpdir(), 'tearline-bench-'));
const file = path.join(dir, 'bench.tearline');
try {
  const vault = await Vault.create(file, PASS, { kdf: 'interactive' });
  let appendMs = 0;
  let firstBatchRate = 0;
  for (let done = 0; done < size; done += BATCH) {
    const drafts = Array.from({ length: Math.min(BATCH, size - done) }, (_, k) => ({ kind: 'case.opened', body: body(done + k) }));
    const t = performance.now();
    vault.append(drafts);
    const ms = performance.now() - t;
    if (done === 0) firstBatchRate = drafts.length / (ms / 1000);
    appendMs += ms;
  }
  vault.close();
  const appendPeakRssMB = peakRssMB();

  let kdfStart = 0;
  let kdfMs = 0;
  const t0 = performance.now();
  const opened = await Vault.open(file, PASS, {
    onProgress: (p: Progress) => {
      if (p.phase === 'kdf' && p.done === 0) kdfStart = performance.now();
      if (p.phase === 'kdf' && p.done === 1) kdfMs = performance.now() - kdfStart;
    },
  });
  const unlockMs = performance.now() - t0;
  const unlockPeakRssMB = peakRssMB();

  const listMs = time(() => opened.list({ limit: 100, order: 'desc' }));
  const listKindMs = time(() => opened.list({ kind: 'case.opened', limit: 100 }));
  const searchMs = time(() => opened.list({ search: 'convoy harbour', limit: 100 }));
  const searchRareMs = time(() => opened.list({ search: `number ${size - 5},`, limit: 100 }));
  const t1 = performance.now();
  const report = verifyVault(opened);
  const verifyMs = performance.now() - t1;
  if (!report.ok) throw new Error('benchmark vault failed verification');
  opened.close();

  process.stdout.write(
    JSON.stringify({
      entries: size,
      entryBytesApprox: JSON.stringify(body(1)).length,
      appendEntriesPerSecond: Math.round(size / (appendMs / 1000)),
      appendFirstBatchEntriesPerSecond: Math.round(firstBatchRate),
      batchSize: BATCH,
      unlockMs: Math.round(unlockMs),
      unlockKdfMs: Math.round(kdfMs),
      unlockBeyondKdfMs: Math.round(unlockMs - kdfMs),
      listLatestMs: +listMs.toFixed(2),
      listByKindMs: +listKindMs.toFixed(2),
      searchCommonMs: +searchMs.toFixed(2),
      searchRareMs: +searchRareMs.toFixed(2),
      verifyMs: Math.round(verifyMs),
      peakRssMB: peakRssMB(),
      // The process's peak so far, after each phase (it only ever rises).
      peakRssAfterAppendMB: appendPeakRssMB,
      peakRssAfterUnlockMB: unlockPeakRssMB,
    }) + '\n',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
