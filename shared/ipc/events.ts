/**
 * Events the main process pushes to the renderer: progress of long operations, and the
 * vault locking or unlocking (by the officer, on idle, on suspend or screen lock). The
 * renderer subscribes with `window.tearline.onEvent(listener)`, which returns the function
 * that unsubscribes; the Electron event object never reaches it.
 */
import { z } from 'zod';
import { LockReasonSchema, OperationIdSchema, ProgressPhaseSchema } from './schemas';

const count = z.number().int().nonnegative();

export const ProgressEventSchema = z.strictObject({
  type: z.literal('progress'),
  operationId: OperationIdSchema,
  /** The channel the operation was started on. */
  channel: z.string(),
  phase: ProgressPhaseSchema,
  done: count,
  total: count,
});

export const TearlineEventSchema = z.discriminatedUnion('type', [
  ProgressEventSchema,
  /** The keys are gone: the renderer must drop every record it holds and show the unlock screen. */
  z.strictObject({ type: z.literal('locked'), reason: LockReasonSchema }),
  z.strictObject({ type: z.literal('unlocked') }),
  /** A value copied with copyToClipboard was cleared from the clipboard. */
  z.strictObject({ type: z.literal('clipboard-cleared') }),
]);

export type ProgressEvent = z.infer<typeof ProgressEventSchema>;
export type TearlineEvent = z.infer<typeof TearlineEventSchema>;
