/** What the benchmark scripts share: the passphrase, the entry texts and bodies, the peak RSS, and the main thread's CPU time. */
import { readFileSync } from 'node:fs';
export const BENCH_PASSPHRASE = 'benchmark passphrase';

const WORDS = 'threat route convoy embassy market bridge harbour station courier meeting warning assessment'.split(' ');

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
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
