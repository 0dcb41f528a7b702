/**
 * The messages between a bundle's verifying thread and its worker (bundle-worker.ts; the
 * verifying side is crypto/hash-worker.ts).
 */
import type { SodiumBackend } from '../crypto/native-sodium';
import type { ErrorInfo } from '../../../shared/errors';
import type { BundleLimits } from '../../../shared/bundle/format';
import type { PreviewEntry, Problem } from '../../../shared/bundle/verdict';

/**
 * 'poly1305' is a reading's tag (crypto/same-reading.ts), only ever resumed from a carried
 * state; 'poly1305-segments' the tags of a reading in segments (bundle/segments.ts), the
 * first resumed from a carried state if one is given, each later one begun with its key by
 * a cut (one of an 'update' message's `cuts`, or a 'cut' message between blocks), their
 * digest the tags one after another.
 */
export type HashName = 'blake2b-512' | 'sha256' | 'poly1305' | 'poly1305-segments';

/**
 * Said by the worker when it is ready: a worker built from other sources (a stale
 * dist/workers in a checkout) would not understand what it is sent, and is not used.
 */
export const BUNDLE_PROTOCOL = 6;

export interface BundleWorkerData {
  /** The build the starting thread uses: the worker uses the same one. */
  sodium: SodiumBackend;
}

/** What the worker needs of the bundle to check entries: the signed checkpoint's size and root. */
export interface CheckContext {
  size: number;
  root: string;
  /** The highest index before the batch's first entry, or -1. */
  previousIndex: number;
}

/**
 * One entry checked by the worker: its problems (checkEntry's, in its order), and for an
 * entry that passed, what the verdict counts without parsing the entry again. Empty lists
 * are left out: tens of thousands of these cross to the verifying thread, each copied
 * property by property.
 */
export interface EntryOutcome {
  problems?: Problem[];
  id?: string;
  kind?: string;
  caseId?: string | null;
  withheld?: string[];
}

export type ToBundleWorker =
  /**
   * `resume`: for a hash begun on the verifying thread, its carried state (a BLAKE2b from
   * crypto/hash.ts createMovableBlake2b, a reading from crypto/same-reading.ts).
   */
  | { type: 'begin'; names: HashName[]; resume?: (Uint8Array | null)[] }
  /**
   * The next `length` bytes of the stream, in a block moved here and back ('done'). `cuts`:
   * where a segment ends within them, with the next one's key (as 'cut' gives it).
   */
  | { type: 'update'; buffer: ArrayBuffer; length: number; cuts?: { at: number; key: Uint8Array }[] }
  | { type: 'finish' }
  /** The bytes sent so far end a segment: the next begins with this key (wiped when used). */
  | { type: 'cut'; key: Uint8Array }
  | { type: 'entries'; id: number; bytes: Uint8Array; desc: Int32Array }
  /** `spans`: each entry's value as (start, length) in `bytes`; `desc` as for 'entries'. */
  | { type: 'check'; id: number; bytes: Uint8Array; desc: Int32Array; spans: Int32Array; context: CheckContext }
  /**
   * Read and check segments of a bundle file (bundle/segments.ts) until `claim` (the next
   * segment to take, shared with the verifying thread) runs past the last. `keys`: each
   * segment's reading key, 32 bytes each, wiped as they are used and at the end; `ageKey`,
   * for an age file, the key of its payload's chunks, wiped at the end.
   */
  | { type: 'segments'; job: SegmentJob; keys: Uint8Array; claim: Int32Array; ageKey?: Uint8Array };

/**
 * Answers carry the worker's time on the request (milliseconds), from which the verifying
 * thread decides how many batches to give it to check.
 */
export type FromBundleWorker =
  | { type: 'ready'; protocol: number }
  | { type: 'failed'; message: string }
  | { type: 'done'; buffer: ArrayBuffer; ms: number }
  | { type: 'hashed'; id: number; hashes: Uint8Array; hashMs: number }
  | { type: 'checked'; id: number; hashes: Uint8Array; outcomes: EntryOutcome[]; hashMs: number; checkMs: number }
  | { type: 'digests'; digests: Uint8Array[] }
  | { type: 'segment'; result: SegmentResult }
  /** The worker took no more segments; `error`, if it stopped on one (it was not answered). */
  | { type: 'segments-done'; error?: ErrorInfo };

// The second reading in segments (bundle/segments.ts).

/** The bytes of a segment's reading key, as the worker is given them, one after another. */
export const SEGMENT_KEY_BYTES = 32;

export interface Segment {
  /** Where its first record starts in B, and where its last ends (the last segment ends with END). */
  start: number;
  end: number;
  /** The highest index of the entries before it, or -1. */
  previousIndex: number;
}

/** What the threads share to read the segments of one bundle file again. */
export interface SegmentJob {
  file: string;
  /** The file's size when the first reading read it. */
  fileBytes: number;
  segments: Segment[];
  limits: BundleLimits;
  checkpoint: { size: number; root: string };
  /** For an age file: where its payload's chunks start, and its plaintext length (formats/age.ts AgePayload, without its key). */
  age?: { start: number; plaintextBytes: number };
}

/**
 * What the verdict takes of a segment's entries, compact: tens of thousands of entries cross
 * from the worker, and an object for each, copied over and kept until its turn, cost as much
 * again in collections as the hand-over this replaces.
 */
export interface SegmentSummary {
  /** The number of entries, and the first and last index (-1 for none). */
  count: number;
  firstIndex: number;
  lastIndex: number;
  /** Per entry, in order: its index, and 1 if it passed every check. */
  indexes: Float64Array;
  valid: Uint8Array;
  /** The ids of the entries that passed, in order, joined by spaces (an id is a UUID). */
  ids: string;
  /** The problems of the entries that did not pass, in order, one list per entry. */
  problems: Problem[][];
  /** The counts over the entries that passed: kinds, withheld fields; their cases in order of first sight. */
  kinds: Record<string, number>;
  withheld: Record<string, number>;
  cases: string[];
  /** The previews of the first entries that passed (PREVIEW_LIMIT at most). */
  previews: PreviewEntry[];
}

export interface SegmentResult {
  segment: number;
  summary: SegmentSummary;
  /** The tag of the bytes read, under the segment's key. */
  tag: Uint8Array;
  /**
   * Why the segment could not be read whole (framed, or for an age file, its chunks cut
   * short): only a file changed since the first reading fails so, and `summary` is then empty.
   */
  failure?: ErrorInfo;
}
