/**
 * The entries of the second reading, in batches shared with the bundle worker
 * (crypto/hash-worker.ts). Each batch goes to the worker either to be hashed (the SHA-256 of
 * every leaf and field commitment, about 1.3 KB an entry), and is then checked here, or to be
 * hashed and checked there. The share of batches the worker checks is the one that gives
 * the two threads the same work, from what each has taken so far per batch: this thread
 * its reading, framing and taking of answers, and its checks; the worker its hashing
 * (entries, and the bytes for the signature) and its checks, as its answers report them.
 *
 * Either way the checks are `checkEntry`'s, with the same inputs: an entry's index, the
 * index before it (the highest of the entries before it, whatever their verdict) and its
 * bytes; and batches are handed on in bundle order, so the verdict, its problems and their
 * order do not depend on which thread checked what.
 *
 * Each ENTRY value is copied into a batch (the reader reuses its buffers) and described by
 * offsets only (`describeEntryValue`); a batch returns to the pool once its entries have
 * been handed on. An entry is read as views into its batch (`readEntryValue`) only when it
 * is handed on, and only if this thread checks it: views made when it was added would live
 * as long as the batch, through the collections of the young generation, and each of those
 * would copy every one of them again (a third of this thread's time, measured).
 */
import { describeEntryValue, entryDescriptionLength, entryValueIndex, readEntryValue, type RawEntry } from '../../../shared/bundle/framing';
import type { EntryHashes } from '../../../shared/bundle/entry-check';
import type { BackgroundHasher, EntryOutcome } from '../crypto/hash-worker';

const BATCH_BYTES = 1024 * 1024;
const HASH = 32;
/** Batches sent and not yet handed on, at most (besides the one being filled). */
const IN_FLIGHT = 4;
/** The worker's share of the checks until both threads have checked a batch. */
const START_SHARE = 0.3;
/** Room for the description of a batch of ~500 entries of ten fields, grown if need be. */
const DESC_START = 32 * 1024;

interface Batch {
  bytes: Uint8Array;
  used: number;
  /** What describeEntryValue wrote for each entry, one after another. */
  desc: Int32Array;
  descUsed: number;
  /** Each entry's (start, length) in `bytes`. */
  spans: number[];
  /** The highest index before the batch's first entry. */
  previousIndex: number;
}

type Answer = { hashes: Uint8Array; hashMs: number; outcomes?: EntryOutcome[]; checkMs?: number };

interface Sent {
  bytes: Uint8Array;
  desc: Int32Array;
  spans: number[];
  answer: Promise<Answer>;
}

/** What this thread does with each entry, in bundle order. */
export interface EntrySink {
  /** Checks an entry here, with its hashes from the worker. */
  check(raw: RawEntry, hashes: EntryHashes): void;
  /** Takes an entry the worker has checked: its ENTRY value (a view into the batch, valid during the call), and its index. */
  checked(value: Uint8Array, index: number, outcome: EntryOutcome, leaf: Uint8Array): void;
}

export class EntryBatches {
  // Batches live in shared memory, so that the worker reads them where they are.
  private readonly pool: Uint8Array[] = [];
  private previousIndex = -1;
  private current: Batch = this.newBatch(BATCH_BYTES);
  private readonly sent: Sent[] = [];
  /** Set while a batch is handed on, and left set if that throws. */
  private broken = false;
  private share = START_SHARE;
  private credit = 0;
  /** What each thread has spent so far (milliseconds), and on how many batches. */
  private readonly spent = { mainFixed: 0, mainCheck: 0, mainChecked: 0, workerFixed: 0, workerCheck: 0, workerChecked: 0, batches: 0 };
  private mark: number | undefined;
  /** Time since the mark that this thread waited rather than worked. */
  private idle = 0;
  private streamSeen: number;

  /**
   * `checkpoint`: the signed size and root the entries are checked against; without it the
   * worker only hashes. `fixedShare`: the worker's share of the checks, kept as it is.
   */
  constructor(
    private readonly hasher: BackgroundHasher,
    private readonly sink: EntrySink,
    private readonly checkpoint?: { size: number; root: string },
    private readonly fixedShare?: number,
  ) {
    if (fixedShare !== undefined) this.share = fixedShare;
    this.streamSeen = hasher.streamMs;
  }

  /** One framed ENTRY value (valid only during the call). */
  add(value: Uint8Array): void {
    this.mark ??= performance.now();
    if (this.current.used + value.length > this.current.bytes.length && this.current.spans.length > 0) this.send();
    if (value.length > this.current.bytes.length) this.current = this.newBatch(value.length);
    const batch = this.current;
    const base = batch.used;
    batch.bytes.set(value, base);
    batch.used += value.length;
    const need = batch.descUsed + entryDescriptionLength(value);
    if (need > batch.desc.length) {
      const grown = new Int32Array(Math.max(need, batch.desc.length * 2));
      grown.set(batch.desc.subarray(0, batch.descUsed));
      batch.desc = grown;
    }
    batch.descUsed = describeEntryValue(batch.bytes, base, batch.desc, batch.descUsed);
    batch.spans.push(base, value.length);
    this.previousIndex = Math.max(this.previousIndex, entryValueIndex(value));
  }

  /**
   * Waits for the worker to catch up with the reading, then hands on the batches whose
   * answers are back, keeping a few in flight so that the worker always has the next ones
   * while this thread checks; `all` hands on everything added so far.
   */
  async drain(all: boolean): Promise<void> {
    // Once handing an entry on has failed, nothing more is: the single-thread path stops there.
    if (this.broken) return;
    // The reading waits while the worker has too much of it left to hash (not this thread's work).
    const settling = performance.now();
    await this.hasher.settle();
    this.idle += performance.now() - settling;
    if (all && this.current.spans.length > 0) this.send();
    while (this.sent.length > (all ? 0 : IN_FLIGHT)) {
      const { bytes, desc, spans, answer } = this.sent.shift()!;
      const asked = performance.now();
      const { hashes, outcomes, hashMs, checkMs } = await answer;
      const taking = performance.now();
      let r = 0;
      let d = 0;
      this.broken = true;
      for (let e = 0; e < spans.length / 2; e++) {
        const value = bytes.subarray(spans[2 * e]!, spans[2 * e]! + spans[2 * e + 1]!);
        const fields = desc[d + 2]!;
        d += 3 + 5 * fields;
        const leaf = hashes.subarray(r, r + HASH);
        r += HASH;
        if (outcomes) {
          r += HASH * fields;
          this.sink.checked(value, entryValueIndex(value), outcomes[e]!, leaf);
        } else {
          const commitments: Uint8Array[] = [];
          for (let f = 0; f < fields; f++, r += HASH) commitments.push(hashes.subarray(r, r + HASH));
          this.sink.check(readEntryValue(value), { leaf, commitments });
        }
      }
      this.broken = false;
      if (bytes.length === BATCH_BYTES) this.pool.push(bytes);
      this.account(asked, taking, hashMs, outcomes ? checkMs : undefined);
    }
  }

  /**
   * Adds one handed-on batch to what each thread has spent, and sets the worker's share:
   * with f and c this thread's fixed and checking time per batch, and g and d the
   * worker's, f + (1 - share) c = g + share d.
   */
  private account(asked: number, taking: number, hashMs: number, workerCheckMs: number | undefined): void {
    const now = performance.now();
    const spent = this.spent;
    const sinceMark = asked - (this.mark ?? asked) - this.idle;
    this.mark = now;
    this.idle = 0;
    spent.batches++;
    if (workerCheckMs === undefined) {
      spent.mainFixed += sinceMark;
      spent.mainCheck += now - taking;
      spent.mainChecked++;
    } else {
      spent.mainFixed += sinceMark + (now - taking);
      spent.workerCheck += workerCheckMs;
      spent.workerChecked++;
    }
    const stream = this.hasher.streamMs;
    spent.workerFixed += hashMs + (stream - this.streamSeen);
    this.streamSeen = stream;
    if (this.fixedShare !== undefined || spent.mainChecked === 0 || spent.workerChecked === 0) return;
    const f = spent.mainFixed / spent.batches;
    const c = spent.mainCheck / spent.mainChecked;
    const g = spent.workerFixed / spent.batches;
    const d = spent.workerCheck / spent.workerChecked;
    this.share = Math.min(1, Math.max(0, (f + c - g) / (c + d)));
  }

  private send(): void {
    const batch = this.current;
    const bytes = batch.bytes.subarray(0, batch.used);
    const desc = batch.desc.slice(0, batch.descUsed);
    this.credit += this.share;
    const toCheck = this.checkpoint !== undefined && this.credit >= 1;
    if (toCheck) this.credit -= 1;
    const answer: Promise<Answer> =
      toCheck
        ? this.hasher.checkEntries(bytes, desc, Int32Array.from(batch.spans), { ...this.checkpoint!, previousIndex: batch.previousIndex })
        : this.hasher.hashBatch(bytes, desc);
    // A failure is reported when the batch is drained, not as an unhandled rejection now.
    answer.catch(() => undefined);
    this.sent.push({ bytes: batch.bytes, desc, spans: batch.spans, answer });
    this.current = this.newBatch(BATCH_BYTES);
  }

  private newBatch(size: number): Batch {
    const bytes = size === BATCH_BYTES && this.pool.length > 0 ? this.pool.pop()! : new Uint8Array(new SharedArrayBuffer(size));
    return { bytes, used: 0, desc: new Int32Array(DESC_START), descUsed: 0, spans: [], previousIndex: this.previousIndex };
  }
}
