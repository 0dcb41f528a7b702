/**
 * One call into the core: its progress sink and its cancellation. The core's long loops
 * (unlock, integrity check, backup) are synchronous and report progress every percent or
 * so; those reports are where a cancelled operation stops, by throwing E_CANCELLED out of
 * the loop. A cancel request cannot run on a thread that a loop is blocking, so in the
 * utility process the flag lives in shared memory that another thread sets (see
 * core-router.ts); in tests it is a plain object.
 */
import { TearlineError } from '../../shared/errors';
import type { ProgressPhase } from '../../shared/ipc';
import type { Progress } from '../core/vault/vault';

export interface CancelSignal {
  readonly cancelled: boolean;
}

export interface ProgressUpdate {
  phase: ProgressPhase;
  done: number;
  total: number;
}

export type ProgressSink = (update: ProgressUpdate) => void;

export class Operation {
  constructor(
    private readonly signal: CancelSignal | undefined,
    private readonly sink: ProgressSink | undefined,
    /** True when a lock was requested: whatever runs stops, so the keys can be wiped. */
    private readonly preempted: () => boolean = () => false,
  ) {}

  get cancelled(): boolean {
    return this.signal?.cancelled === true || this.preempted();
  }

  /** Throws E_CANCELLED if the operation was cancelled or a lock is pending. */
  check(): void {
    if (this.cancelled) throw new TearlineError('E_CANCELLED', 'the operation was cancelled');
  }

  /** A cancellation point that also reports progress: for loops that may stop anywhere. */
  readonly progress = (p: Progress): void => {
    this.check();
    this.sink?.({ phase: p.phase, done: p.done, total: p.total });
  };

  /**
   * Reports progress only: for steps that must not be abandoned half-way (creating a
   * vault), and for the bundle operations, which stop at their own cancellation points.
   */
  readonly report = (p: ProgressUpdate): void => {
    this.sink?.({ phase: p.phase, done: p.done, total: p.total });
  };
}

/** A cancel flag in shared memory: set on one thread, read by the core's loops on another. */
export function sharedCancelSignal(buffer: SharedArrayBuffer): CancelSignal & { cancel(): void } {
  const flag = new Int32Array(buffer, 0, 1);
  return {
    get cancelled() {
      return Atomics.load(flag, 0) === 1;
    },
    cancel() {
      Atomics.store(flag, 0, 1);
    },
  };
}

export function newCancelBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}
