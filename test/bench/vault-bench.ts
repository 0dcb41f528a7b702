/**
 * Vault benchmark for one size, run in its own process so that its peak RSS is its own:
 *   tsx test/bench/vault-bench.ts 100000
 * Prints one JSON object. Entries are realistic case.opened bodies of about 1 KB. The
 * bulk append (batches of 10k) runs here; the session (unlock, list, search, integrity
 * check) in a child process, with its own peak RSS; above 10k, the whole size appended in
 * one batch in another.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { benchProcessArgs } from './scripts';
import { BENCH_PASSPHRASE, caseOpenedBody, median, peakRssMB, settleDisk } from './common';
import { performance } from 'node:perf_hooks';
import { Vault, type Progress } from '../../electron/core/vault/vault';
import { verifyVault } from '../../electron/core/log/integrity';

const size = Number(process.argv[2] ?? '10000');
const PASS = BENCH_PASSPHRASE;
const BATCH = 10_000;
const body = caseOpenedBody;

function time(fn: () => unknown, runs = 15): number {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

/** Unlock, list, search and the integrity check, as an officer's session would run them. */
async function session(file: string): Promise<Record<string, number>> {
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
  const n = opened.size;
  const listMs = time(() => opened.list({ limit: 100, order: 'desc' }));
  const listKindMs = time(() => opened.list({ kind: 'case.opened', limit: 100 }));
  const searchMs = time(() => opened.list({ search: 'convoy harbour', limit: 100 }));
  const searchRareMs = time(() => opened.list({ search: `number ${n - 6},`, limit: 100 }));
  const t1 = performance.now();
  const report = verifyVault(opened);
  const verifyMs = performance.now() - t1;
  if (!report.ok) throw new Error(`benchmark vault failed verification: ${JSON.stringify(report.problems.slice(0, 3))}`);
  opened.close();
  return {
    unlockMs: Math.round(unlockMs),
    unlockKdfMs: Math.round(kdfMs),
    unlockBeyondKdfMs: Math.round(unlockMs - kdfMs),
    listLatestMs: +listMs.toFixed(2),
    listByKindMs: +listKindMs.toFixed(2),
    searchCommonMs: +searchMs.toFixed(2),
    searchRareMs: +searchRareMs.toFixed(2),
    verifyMs: Math.round(verifyMs),
    peakRssAfterUnlockMB: unlockPeakRssMB,
    sessionPeakRssMB: peakRssMB(),
  };
}

/**
 * The wording: `count` entries appended in one batch, in a process of its own. Its
 * peak RSS holds the caller's `count` drafts as well (about 1.5 KB each on the heap), so
 * it is reported apart from the bulk append's.
 */
async function oneBatch(count: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tearline-bench-'));
  try {
    const vault = await Vault.create(path.join(dir, 'one-batch.tearline'), PASS, { kdf: 'interactive' });
    const drafts = Array.from({ length: count }, (_, k) => ({ kind: 'case.opened', body: body(k) }));
    const t = performance.now();
    vault.append(drafts);
    const ms = performance.now() - t;
    // The append is timed until it is durable; closing then copies the WAL into the
    // database file (the vault defers that copy past the answer), timed apart.
    const t2 = performance.now();
    vault.close();
    const closeMs = performance.now() - t2;
    return {
      oneBatchEntries: count,
      oneBatchEntriesPerSecond: Math.round(count / (ms / 1000)),
      oneBatchCloseMs: Math.round(closeMs),
      oneBatchPeakRssMB: peakRssMB(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--session') {
  process.stdout.write(JSON.stringify(await session(process.argv[3]!)) + '\n');
} else if (process.argv[2] === '--one-batch') {
  process.stdout.write(JSON.stringify(await oneBatch(Number(process.argv[3]))) + '\n');
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'tearline-bench-'));
  const file = path.join(dir, 'bench.tearline');
  try {
    const vault = await Vault.create(file, PASS, { kdf: 'interactive' });
    let appendMs = 0;
    let firstBatchRate = 0;
    const wall = performance.now();
    for (let done = 0; done < size; done += BATCH) {
      const drafts = Array.from({ length: Math.min(BATCH, size - done) }, (_, k) => ({ kind: 'case.opened', body: body(done + k) }));
      const t = performance.now();
      vault.append(drafts);
      const ms = performance.now() - t;
      if (done === 0) firstBatchRate = drafts.length / (ms / 1000);
      appendMs += ms;
      // As between two requests to the core process: the vault copies the WAL into the
      // database file once an append has answered (Vault.checkpointSoon).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    vault.close();
    // Everything, the drafts and the copies of the WAL included.
    const appendWallMs = performance.now() - wall;
    const appendPeakRssMB = peakRssMB();
    settleDisk();
    // The session runs in a process of its own, as the app's core process would: this
    // one's heap is sized by the bulk load, which no officer's session starts with.
    const out = execFileSync(process.execPath, benchProcessArgs('vault-bench', ['--session', file]), { encoding: 'utf8' });
    const measured = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
    if (size > BATCH) settleDisk();
    const single =
      size > BATCH
        ? (JSON.parse(execFileSync(process.execPath, benchProcessArgs('vault-bench', ['--one-batch', String(size)]), { encoding: 'utf8' }).trim().split('\n').pop()!) as Record<string, number>)
        : {};
    process.stdout.write(
      JSON.stringify({
        entries: size,
        entryBytesApprox: JSON.stringify(body(1)).length,
        appendEntriesPerSecond: Math.round(size / (appendMs / 1000)),
        appendWithCheckpointsEntriesPerSecond: Math.round(size / (appendWallMs / 1000)),
        appendFirstBatchEntriesPerSecond: Math.round(firstBatchRate),
        batchSize: BATCH,
        ...measured,
        ...single,
        appendPeakRssMB,
        peakRssMB: Math.max(appendPeakRssMB, measured.sessionPeakRssMB!),
      }) + '\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
