/** The messages between a large append and its second thread (append-thread.ts, append-worker.ts). */
import type { BuiltChunk, ChunkJob } from '../log/block-chunk';

export type ToWorker =
  /** The batch's keys: copies, which the worker wipes at 'forget'. */
  | { type: 'keys'; batch: number; entriesKey: Uint8Array; indexKey: Uint8Array }
  | { type: 'build'; batch: number; seq: number; job: ChunkJob }
  | { type: 'forget' }
  /** A built chunk's large buffers, applied and wiped, to be used again. */
  | { type: 'spares'; buffers: ArrayBuffer[] };

export type FromWorker =
  | { type: 'ready' }
  /** The batch's keys are wiped. */
  | { type: 'forgotten' }
  | { type: 'built'; batch: number; seq: number; chunk: BuiltChunk }
  /** A chunk it could not build (or, with batch -1, that it cannot work at all). */
  | { type: 'failed'; batch: number; seq: number; message: string };
