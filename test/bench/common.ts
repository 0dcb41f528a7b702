/** What the benchmark scripts share: the passphrase, the entry texts and bodies, the peak RSS, and the main thread's CPU time. */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
export const BENCH_PASSPHRASE = 'benchmark passphrase';

const WORDS = 'threat route convoy embassy market bridge harbour station courier meeting warning assessment'.split(' ');

/** The median of some measurements: the middle one, or the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('the median of no measurements');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `prefix` and then words until the text is at least `length` characters; different for each i. */
export function benchText(i: number, prefix: string, length: number): string {
  let text = prefix;
  for (let k = 0; text.length < length; k++) text += WORDS[(i * 7 + k * 3) % WORDS.length] + ' ';
  return text.trim();
}

/** A realistic case.opened body of about 1 KB. */
export function caseOpenedBody(i: number) {
  return {
    threatType: i % 3 === 0 ? 'kidnapping' : 'intentional-killing',
    targetKind: 'person',
    intendedVictim: { description: `Intended victim number ${i}, a public official`, usPerson: 'unknown' },
    summary: benchText(i, `Case ${i}: `, 620 + `Case ${i}: `.length),
    warningText: 'Credible information indicates a plan to harm you. Change your routine and contact the police.',
    marking: 'TLP:AMBER',
    sourceProtection: { notes: `Source reporting ${i}, handle with care.` },
  };
}

/**
 * Writes out what earlier steps left in the page cache before a timed step starts: the
 * kernel writing back a previous step's hundreds of megabytes (a vault, its WAL) took CPU
 * and disk from the next one, whose figures then came out 15-25% lower than when run first.
 */
export function settleDisk(): void {
  spawnSync('sync', [], { stdio: 'ignore' });
}

/**
 * Reads files through once, so that the timed step after it reads them from memory, ours
 * and the stock tools' alike. This machine's memory manager (DAMON) evicts file pages a
 * few minutes old: stock `age -d` reading a file just evicted took 0.5 s instead of 0.2 s,
 * and which step met a cold file decided the ratio more than either program did.
 */
export function warmFiles(...files: string[]): void {
  const buffer = Buffer.alloc(1024 * 1024);
  for (const file of files) {
    const fd = openSync(file, 'r');
    try {
      while (readSync(fd, buffer, 0, buffer.length, null) > 0);
    } finally {
      closeSync(fd);
    }
  }
}

/** This process's peak RSS so far, in MB. */
export function peakRssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * CPU time of the main thread alone, in ms (Linux; undefined elsewhere). With the hashing
 * on a worker, process CPU counts both threads; on a machine that has a core free for the
 * worker, the main thread's time is what the wall-clock time follows.
 */
export function mainThreadCpuMs(): number | undefined {
  return taskCpuMs(process.pid);
}

function taskCpuMs(task: number | string): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * CPU time of every thread of this process (Linux), by thread id: read before and after a
 * step, it shows what a worker and the engine's own threads (the collector's helpers) took
 * beside the main thread, which process CPU lumps together.
 */
export function threadsCpuMs(): Map<string, number> | undefined {
  try {
    const out = new Map<string, number>();
    for (const task of readdirSync('/proc/self/task')) {
      const ms = taskCpuMs(task);
      if (ms !== undefined) out.set(task, ms);
    }
    return out;
  } catch {
    return undefined;
  }
}

/** The other threads' CPU time over a step (from `threadsCpuMs` before it), largest first; the main thread is left out. */
export function otherThreadsCpuMs(before: Map<string, number> | undefined): number[] | undefined {
  const after = threadsCpuMs();
  if (!before || !after) return undefined;
  const spent: number[] = [];
  for (const [task, ms] of after) {
    if (task === String(process.pid)) continue;
    const used = ms - (before.get(task) ?? 0);
    if (used > 0) spent.push(used);
  }
  return spent.sort((a, b) => b - a);
}
