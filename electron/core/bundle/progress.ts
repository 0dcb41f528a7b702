/**
 * Progress and cancellation for the long bundle operations (export, verification,
 * import of 100k entries take seconds): a callback `(done, total, phase)`, and an
 * AbortSignal checked at every yield to the event loop.
 */
import { TearlineError } from '../../../shared/errors';

export type BundlePhase = 'read' | 'decrypt' | 'hash' | 'entries' | 'write' | 'store';
export type BundleProgress = (done: number, total: number, phase: BundlePhase) => void;

export interface RunOptions {
  onProgress?: BundleProgress;
  signal?: AbortSignal;
}

export function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TearlineError('E_CANCELLED', 'the operation was cancelled; nothing was changed');
}

/** Lets the event loop run (progress events, a cancel button), then checks for cancellation. */
export async function tick(signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  checkAbort(signal);
}

/** Bytes processed between two yields (and the most that libsodium copies into its heap at once). */
export const CHUNK_BYTES = 1024 * 1024;
/** Entries processed between two yields. */
export const ENTRY_BATCH = 1000;
