/**
 * The entries of the second reading, hashed on the hashing worker in batches while this
 * thread checks the batch before: the SHA-256 of every leaf and field commitment (about
 * 1.4 KB an entry, the largest single cost of a check) then runs beside the parsing and
 * schema checks instead of before them.
 *
 * Each ENTRY value is copied into a batch (the reader reuses its buffers), described by
 * offsets, and checked only once its hashes are back, in bundle order: the checks, their
 * order and the problems they report are those of `checkEntry` on this thread.
 */
import { readEntryValue, type RawEntry } from '../../../shared/bundle/framing';
import type { EntryHashes } from '../../../shared/bundle/entry-check';
import type { BackgroundHasher } from '../crypto/hash-worker';

const BATCH_BYTES = 1024 * 1024;
const HASH = 32;

interface Batch {
  bytes: Uint8Array;
  used: number;
  desc: number[];
  entries: RawEntry[];
}

interface Sent {
  bytes: Uint8Array;
  entries: RawEntry[];
  hashes: Promise<Uint8Array>;
}

export class EntryBatches {
  // Batches live in shared memory, so that the worker reads them where they are; a batch
  // goes back to the pool once its entries have been checked (they are views into it).
  private readonly pool: Uint8Array[] = [];
  private current: Batch = this.newBatch(BATCH_BYTES);
  private readonly sent: Sent[] = [];

  constructor(
    private readonly hasher: BackgroundHasher,
    private readonly check: (raw: RawEntry, hashes: EntryHashes) => void,
  ) {}

  /** One framed ENTRY value (valid only during the call). */
  add(value: Uint8Array): void {
    if (this.current.used + value.length > this.current.bytes.length && this.current.entries.length > 0) this.send();
    if (value.length > this.current.bytes.length) this.current = this.newBatch(value.length);
    const batch = this.current;
    const base = batch.used;
    batch.bytes.set(value, base);
    batch.used += value.length;
    const raw = readEntryValue(batch.bytes.subarray(base, base + value.length));
    const at = (view: Uint8Array): number => view.byteOffset - batch.bytes.byteOffset;
    batch.desc.push(at(raw.header), raw.header.length, raw.fields.length);
    for (const f of raw.fields) {
      // The worker hashes the name's bytes as they stand; they are utf8(name) for every
      // name that reaches the commitment check (only names of the header, which are ASCII).
      const nameStart = at(f.salt) - f.name.length;
      batch.desc.push(at(f.salt), nameStart, f.name.length, at(f.value), f.value.length);
    }
    batch.entries.push(raw);
  }

  /**
   * Checks the batches whose hashes are back, keeping one in flight so that the worker
   * hashes the next while this thread checks; `all` checks everything added so far.
   */
  async drain(all: boolean): Promise<void> {
    if (all && this.current.entries.length > 0) this.send();
    while (this.sent.length > (all ? 0 : 1)) {
      const { bytes, entries, hashes } = this.sent.shift()!;
      const out = await hashes;
      let r = 0;
      for (const raw of entries) {
        const leaf = out.subarray(r, r + HASH);
        r += HASH;
        const commitments: Uint8Array[] = [];
        for (let f = 0; f < raw.fields.length; f++, r += HASH) commitments.push(out.subarray(r, r + HASH));
        this.check(raw, { leaf, commitments });
      }
      if (bytes.length === BATCH_BYTES) this.pool.push(bytes);
    }
  }

  /** Whether a full batch is waiting for its check. */
  get backlog(): number {
    return this.sent.length;
  }

  private send(): void {
    const batch = this.current;
    const hashes = this.hasher.hashEntries(batch.bytes.subarray(0, batch.used), Int32Array.from(batch.desc));
    // A failure is reported when the batch is drained, not as an unhandled rejection now.
    hashes.catch(() => undefined);
    this.sent.push({ bytes: batch.bytes, entries: batch.entries, hashes });
    this.current = this.newBatch(BATCH_BYTES);
  }

  private newBatch(size: number): Batch {
    const bytes = size === BATCH_BYTES && this.pool.length > 0 ? this.pool.pop()! : new Uint8Array(new SharedArrayBuffer(size));
    return { bytes, used: 0, desc: [], entries: [] };
  }
}
