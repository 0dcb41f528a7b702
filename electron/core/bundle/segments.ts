/**
 * The second reading of a large bundle file, split in segments that both threads take in
 * turn (docs/bundle-format.md, section 12): each reads its segments of the file itself,
 * authenticates them, frames, hashes and checks their entries, and gives back what the
 * verdict needs of each entry. Without it, this thread read and framed every entry and
 * handed the worker batches of them to hash or check, and those hand-overs (copies,
 * messages, answers) took about a tenth of the verification's CPU while each thread waited
 * on the other for part of the time.
 *
 * The first reading (bundle/input.ts) cuts B's entries into segments of about
 * SEGMENT_BYTES at entry boundaries, notes where each starts, how many entries and which
 * highest index come before it, and authenticates each under a key of its own
 * (crypto/same-reading.ts); a segment read again must give its first reading's tag, or the
 * bundle is refused. The checks of an entry are checkEntry's whichever thread runs them,
 * with the same inputs (its bytes, and the highest index before it), and the answers are
 * taken in bundle order, so the verdict does not depend on which thread checked what.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fromHex } from '../../../shared/bytes';
import { TearlineError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { checkEntry, type CheckedEntry, type EntryHashes } from '../../../shared/bundle/entry-check';
import { describeEntryValue, entryDescriptionLength, frameSegment, readEntryValue } from '../../../shared/bundle/framing';
import { InclusionVerifier } from '../../../shared/bundle/inclusion';
import { PREVIEW_LIMIT, type PreviewEntry } from '../../../shared/bundle/verdict';
import { summarizeEntry } from '../../../shared/domain';
import { sha256, sha256Parts } from '../crypto/hash';
import { READING_TAG_BYTES, segmentTag, type SameReading } from '../crypto/same-reading';
import { createEntryHasher, type EntryHasher } from '../crypto/entry-hasher';
import type { BackgroundHasher } from '../crypto/hash-worker';
import { tick, type RunOptions } from './progress';
import { fileReadError } from '../files/whole-file';
import { AGE_CHUNK_SIZE, AGE_SEALED_CHUNK_BYTES, decryptAgeChunkUnchecked } from '../formats/age';
import { SEGMENT_KEY_BYTES, type EntryOutcome, type Segment, type SegmentJob, type SegmentResult, type SegmentSummary } from '../workers/bundle-protocol';

export type { Segment, SegmentJob, SegmentResult, SegmentSummary };

/** About how much of B a segment holds: large enough that a segment's fixed costs vanish, small enough that both threads end together. */
export const SEGMENT_BYTES = 2 * 1024 * 1024;

/** A reader and checker of segments, one per thread, each with its own memory of proofs. */
export class SegmentChecker {
  readonly fd: number;
  private readonly inclusion: InclusionVerifier;
  private buffer = new Uint8Array(0);

  private sealed = new Uint8Array(0);

  /** `ageKey`: for an age file, its payload key (the caller keeps and wipes it). */
  constructor(
    private readonly job: SegmentJob,
    private readonly hashEntries: EntryHasher,
    private readonly ageKey?: Uint8Array,
  ) {
    if (job.age && !ageKey) throw new Error('an age file’s segments need its payload key');
    this.inclusion = new InclusionVerifier(sha256, job.checkpoint.size, fromHex(job.checkpoint.root));
    try {
      this.fd = openSync(job.file, 'r');
    } catch (error) {
      throw fileReadError(`cannot read ${job.file}`, error);
    }
  }

  /** Reads, authenticates (`key`, which is wiped) and checks segment `j`. */
  check(j: number, key: Uint8Array): SegmentResult {
    const segment = this.job.segments[j]!;
    let bytes: Uint8Array;
    let failure: ErrorInfo | undefined;
    try {
      bytes = this.job.age ? this.readAge(segment) : this.read(segment);
    } catch (error) {
      key.fill(0);
      // A chunk that no longer opens is a file changed since the first reading: the segment
      // is not what was read then (its tag cannot be), and the verification stops there.
      if (error instanceof TearlineError && error.code === 'E_DECRYPT') return { segment: j, summary: emptySummary(), tag: new Uint8Array(READING_TAG_BYTES), failure: toErrorInfo(error) };
      throw error;
    }
    const tag = segmentTag(key, bytes);
    let spans: number[];
    try {
      spans = frameSegment(bytes, this.job.limits, segment.start, j === this.job.segments.length - 1);
    } catch (error) {
      if (!(error instanceof TearlineError)) throw error;
      failure = toErrorInfo(error);
      spans = [];
    }
    return { segment: j, summary: this.checkSpans(bytes, spans, segment.previousIndex), tag, ...(failure ? { failure } : {}) };
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(segment: Segment): Uint8Array {
    const length = segment.end - segment.start;
    if (this.buffer.length < length) this.buffer = new Uint8Array(Math.max(length, this.buffer.length * 2));
    return this.readAt(this.buffer.subarray(0, length), segment.start);
  }

  /** Fills `into` from the file at `position`; fewer bytes where the file ends sooner. */
  private readAt(into: Uint8Array, position: number): Uint8Array {
    for (let at = 0; at < into.length; ) {
      let n: number;
      try {
        n = readSync(this.fd, into, at, into.length - at, position + at);
      } catch (error) {
        throw fileReadError(`cannot read ${this.job.file}`, error);
      }
      // A shorter file is a changed one: the reading check refuses it; what was read is checked.
      if (n === 0) return into.subarray(0, at);
      at += n;
    }
    return into;
  }

  /**
   * A segment of an age file's plaintext: the chunks that hold it, decrypted without their
   * tags (the segment's own tag shows that the plaintext is the first reading's, whose
   * chunks were all opened with theirs). A chunk cut short is E_DECRYPT.
   */
  private readAge(segment: Segment): Uint8Array {
    const { start, plaintextBytes } = this.job.age!;
    const first = Math.floor(segment.start / AGE_CHUNK_SIZE);
    const last = Math.floor((Math.max(segment.end, segment.start + 1) - 1) / AGE_CHUNK_SIZE);
    const plainStart = first * AGE_CHUNK_SIZE;
    const plainLength = Math.min(plaintextBytes, (last + 1) * AGE_CHUNK_SIZE) - plainStart;
    const chunks = last - first + 1;
    const sealedLength = plainLength + chunks * (AGE_SEALED_CHUNK_BYTES - AGE_CHUNK_SIZE);
    if (this.sealed.length < sealedLength) this.sealed = new Uint8Array(Math.max(sealedLength, this.sealed.length * 2));
    const sealed = this.readAt(this.sealed.subarray(0, sealedLength), start + first * AGE_SEALED_CHUNK_BYTES);
    if (this.buffer.length < plainLength) this.buffer = new Uint8Array(Math.max(plainLength, this.buffer.length * 2));
    const plain = this.buffer.subarray(0, plainLength);
    for (let k = 0, p = 0, c = 0; k < chunks; k++) {
      const length = Math.min(AGE_CHUNK_SIZE, plainLength - p);
      const chunk = sealed.subarray(c, c + length + (AGE_SEALED_CHUNK_BYTES - AGE_CHUNK_SIZE));
      if (chunk.length !== length + (AGE_SEALED_CHUNK_BYTES - AGE_CHUNK_SIZE)) {
        throw new TearlineError('E_DECRYPT', `the bundle changed while it was read: its age chunk ${first + k} is cut short`);
      }
      decryptAgeChunkUnchecked(plain.subarray(p, p + length), chunk, first + k, { plaintextBytes, key: this.ageKey! });
      p += length;
      c += chunk.length;
    }
    return plain.subarray(segment.start - plainStart, segment.end - plainStart);
  }

  /** Hashes and checks the entries at `spans` of `bytes`, in order. */
  private checkSpans(bytes: Uint8Array, spans: number[], previousIndex: number): SegmentSummary {
    let descLength = 0;
    for (let s = 0; s < spans.length; s += 2) descLength += entryDescriptionLength(bytes, spans[s]!);
    const desc = new Int32Array(descLength);
    let d = 0;
    for (let s = 0; s < spans.length; s += 2) d = describeEntryValue(bytes, spans[s]!, desc, d);
    const hashes = this.hashEntries(bytes, desc);
    const summary = emptySummary(spans.length / 2);
    const ids: string[] = [];
    const cases = new Set<string>();
    let e = 0;
    checkEach(bytes, spans, hashes, { size: this.job.checkpoint.size, inclusion: this.inclusion, previousIndex }, (index, checked) => {
      if (summary.firstIndex < 0) summary.firstIndex = index;
      summary.lastIndex = index;
      summary.indexes[e] = index;
      const entry = checked.entry;
      if (!entry) {
        summary.problems.push(checked.problems);
      } else {
        summary.valid[e] = 1;
        const { header, withheld } = entry;
        ids.push(header.id);
        summary.kinds[header.kind] = (summary.kinds[header.kind] ?? 0) + 1;
        for (const f of withheld) summary.withheld[f] = (summary.withheld[f] ?? 0) + 1;
        if (header.caseId !== null && !cases.has(header.caseId)) {
          cases.add(header.caseId);
          summary.cases.push(header.caseId);
        }
        if (summary.previews.length < PREVIEW_LIMIT) summary.previews.push(previewOf(entry, null));
      }
      e++;
    });
    summary.ids = ids.join(' ');
    return summary;
  }
}

const HASH = 32;

/**
 * The order in which the threads take the segments: first those that hold more than 1.5
 * times the typical (lower median) one, the largest first, then the rest in bundle order. A
 * segment is cut at the first entry boundary past its size, so one holding an entry larger
 * than a segment (an export's audit entry lists every entry it sent: 4.4 MB for 100k) is
 * checked by one thread alone; taken last, it kept the other thread waiting ~80 ms of a
 * 1.4 s verification. Any order gives the same verdict: the results are taken in bundle
 * order (verify.ts). Both threads compute it from the same segments.
 */
export function claimOrder(segments: readonly Segment[]): Int32Array {
  const length = (j: number): number => segments[j]!.end - segments[j]!.start;
  const sorted = segments.map((_, j) => length(j)).sort((a, b) => a - b);
  const typical = sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!;
  const large: number[] = [];
  const rest: number[] = [];
  for (let j = 0; j < segments.length; j++) (length(j) * 2 > typical * 3 ? large : rest).push(j);
  large.sort((a, b) => length(b) - length(a) || a - b);
  return Int32Array.from([...large, ...rest]);
}

/**
 * An empty list whose elements may be anything from the start. An empty literal starts as
 * a list of small integers, and the first id or preview pushed changed its hidden class
 * under the compiled loop, which the engine then threw away (twice a thread, every run).
 */
function emptyList<T>(): T[] {
  return [undefined as T].slice(0, 0);
}

/** A summary to fill for `count` entries. */
function emptySummary(count = 0): SegmentSummary {
  return {
    count,
    firstIndex: -1,
    lastIndex: -1,
    indexes: new Float64Array(count),
    valid: new Uint8Array(count),
    ids: '',
    problems: emptyList(),
    kinds: {},
    withheld: {},
    cases: emptyList(),
    previews: emptyList(),
  };
}

/** checkEntry over entries whose leaves and commitments are already hashed (`hashes`, as an EntryHasher gives them), in order. */
function checkEach(
  bytes: Uint8Array,
  spans: ArrayLike<number>,
  hashes: Uint8Array,
  context: { size: number; inclusion: InclusionVerifier; previousIndex: number },
  visit: (index: number, checked: ReturnType<typeof checkEntry>) => void,
): void {
  // One context and one list of commitments for the whole run (checkEntry keeps neither),
  // rather than two objects and a list made and dropped per entry.
  const ctx = { hash: sha256, hashParts: sha256Parts, size: context.size, inclusion: context.inclusion, previousIndex: context.previousIndex };
  const commitments: Uint8Array[] = [];
  let r = 0;
  for (let s = 0; s < spans.length; s += 2) {
    const raw = readEntryValue(bytes.subarray(spans[s]!, spans[s]! + spans[s + 1]!));
    const given: EntryHashes = { leaf: hashes.subarray(r, r + HASH), commitments };
    r += HASH;
    commitments.length = 0;
    for (let f = 0; f < raw.fields.length; f++, r += HASH) commitments.push(hashes.subarray(r, r + HASH));
    visit(raw.index, checkEntry(raw, ctx, given));
    ctx.previousIndex = Math.max(ctx.previousIndex, raw.index);
  }
}

/** The outcome of each entry, checked as `checkEach` checks it (the bundle worker's batches). */
export function checkEntriesWithHashes(
  bytes: Uint8Array,
  spans: ArrayLike<number>,
  hashes: Uint8Array,
  context: { size: number; inclusion: InclusionVerifier; previousIndex: number },
): EntryOutcome[] {
  const out: EntryOutcome[] = [];
  checkEach(bytes, spans, hashes, context, (_index, checked) => {
    const entry = checked.entry;
    const outcome: EntryOutcome = entry ? { id: entry.header.id, kind: entry.header.kind, caseId: entry.header.caseId } : {};
    if (checked.problems.length > 0) outcome.problems = checked.problems;
    if (entry && entry.withheld.length > 0) outcome.withheld = entry.withheld;
    out.push(outcome);
  });
  return out;
}

/** The verdict's preview of an entry that passed, with its status in the vault (null without one). */
export function previewOf(entry: CheckedEntry, status: PreviewEntry['status']): PreviewEntry {
  const { header, body, withheld } = entry;
  return { index: entry.index, id: header.id, kind: header.kind, caseId: header.caseId, ts: header.ts, summary: summarizeEntry(header, body), withheld, status };
}

/**
 * The second reading in segments, this thread and the worker taking them in turn: every
 * segment's result, in order (or those taken before `onSegment` asked to stop). Where the
 * worker stops early (it failed, or it could not start reading), this thread
 * checks what it left, and the verdict is the same. Nothing is answered after it settles.
 * On a failure here or a cancellation the worker is ended (closed: it is the loaded
 * bundle's, which verification ends next anyway).
 *
 * `onSegment` sees each result as it comes, in any order; returning true stops both
 * threads from taking more (a segment that changed: reading on would only cost time).
 */
export async function readSegments(
  job: SegmentJob,
  sameReading: SameReading,
  worker: BackgroundHasher | undefined,
  options: RunOptions & { onSegment?: (result: SegmentResult) => boolean | void; ageKey?: Uint8Array },
): Promise<SegmentResult[]> {
  const count = job.segments.length;
  const results: (SegmentResult | undefined)[] = new Array(count);
  const claim = new Int32Array(new SharedArrayBuffer(4));
  let stopped = false;
  // A failure of onSegment, which runs in the worker's message handler too: kept, and thrown here.
  let failed: { error: unknown } | undefined;
  const taken = (result: SegmentResult): void => {
    results[result.segment] = result;
    if (stopped) return;
    try {
      if (options.onSegment?.(result) === true) stopped = true;
    } catch (error) {
      failed ??= { error };
      stopped = true;
    }
    if (stopped) Atomics.store(claim, 0, count);
  };
  // (A worker that could not start leaves every segment to this thread.)
  let workerDone: Promise<unknown> | undefined;
  if (worker) {
    const keys = new Uint8Array(count * SEGMENT_KEY_BYTES);
    try {
      for (let j = 0; j < count; j++) {
        const key = sameReading.segmentKey(j);
        keys.set(key, j * SEGMENT_KEY_BYTES);
        key.fill(0);
      }
    } catch (error) {
      keys.fill(0);
      throw error;
    }
    workerDone = worker.checkSegments(job, keys, claim, taken, options.ageKey?.slice());
  }
  let checker: SegmentChecker | undefined;
  try {
    checker = new SegmentChecker(job, createEntryHasher(), options.ageKey);
    const order = claimOrder(job.segments);
    for (let c = Atomics.add(claim, 0, 1); c < count; c = Atomics.add(claim, 0, 1)) {
      const j = order[c]!;
      taken(checker.check(j, sameReading.segmentKey(j)));
      // Lets the worker's answers in, and a cancellation.
      await tick(options.signal);
    }
    // A worker that stopped early has left its segment unanswered: it is checked here.
    await workerDone;
    for (let j = 0; j < count && !stopped; j++) if (!results[j]) taken(checker.check(j, sameReading.segmentKey(j)));
    if (failed) throw failed.error;
    // A file that grew or shrank since the first reading (beyond B, say) is not the file read then.
    let size: number;
    try {
      size = fstatSync(checker.fd).size;
    } catch (error) {
      throw fileReadError(`cannot read ${job.file}`, error);
    }
    if (size !== job.fileBytes) throw new TearlineError('E_IO', `cannot read ${job.file}: it changed while it was read`);
    return results.filter((r): r is SegmentResult => r !== undefined);
  } catch (error) {
    // A cancellation, or a failure here: the worker is ended where it is (its answers with
    // it), rather than waited for, as one stuck in a segment would keep this from ending.
    Atomics.store(claim, 0, count);
    worker?.close();
    throw error;
  } finally {
    // Nothing answered once this has settled.
    Atomics.store(claim, 0, count);
    await workerDone;
    checker?.close();
  }
}

