/**
 * The messages between a bundle's verifying thread and its worker (bundle-worker.ts; the
 * verifying side is crypto/hash-worker.ts).
 */
import type { Problem } from '../../../shared/bundle/verdict';
import type { SodiumBackend } from '../crypto/native-sodium';

/** 'poly1305' is a reading's tag (crypto/same-reading.ts), only ever resumed from a carried state. */
export type HashName = 'blake2b-512' | 'sha256' | 'poly1305';

/**
 * Said by the worker when it is ready: a worker built from other sources (a stale
 * dist/workers in a checkout) would not understand what it is sent, and is not used.
 */
export const BUNDLE_PROTOCOL = 4;

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
  | { type: 'update'; buffer: SharedArrayBuffer; length: number }
  | { type: 'finish' }
  | { type: 'entries'; id: number; bytes: Uint8Array; desc: Int32Array }
  /** `spans`: each entry's value as (start, length) in `bytes`; `desc` as for 'entries'. */
  | { type: 'check'; id: number; bytes: Uint8Array; desc: Int32Array; spans: Int32Array; context: CheckContext };

/**
 * Answers carry the worker's time on the request (milliseconds), from which the verifying
 * thread decides how many batches to give it to check.
 */
export type FromBundleWorker =
  | { type: 'ready'; protocol: number }
  | { type: 'failed'; message: string }
  | { type: 'done'; buffer: SharedArrayBuffer; ms: number }
  | { type: 'hashed'; id: number; hashes: Uint8Array; hashMs: number }
  | { type: 'checked'; id: number; hashes: Uint8Array; outcomes: EntryOutcome[]; hashMs: number; checkMs: number }
  | { type: 'digests'; digests: Uint8Array[] };
