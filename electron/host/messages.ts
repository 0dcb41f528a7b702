/**
 * The messages between the main process and the core's utility process (and, inside it,
 * between the router thread and the core's worker thread). They are internal to the shell:
 * the renderer's contract is shared/ipc. The main process has already checked the sender
 * and parsed the request; the core parses it again (CoreService.invoke).
 */
import { z } from 'zod';
import { IpcErrorSchema, LockReasonSchema, OperationIdSchema, ProgressPhaseSchema, type IpcResult, type LockReason, type ProgressPhase } from '../../shared/ipc';

export const ToCoreSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('call'),
    id: z.number().int().nonnegative(),
    channel: z.string().max(64),
    request: z.unknown(),
    /** The path the main process's dialog chose, for channels that declare a file. */
    file: z.string().max(4096).optional(),
    operationId: OperationIdSchema.optional(),
  }),
  z.strictObject({ type: z.literal('cancel'), operationId: OperationIdSchema }),
  z.strictObject({ type: z.literal('lock'), reason: LockReasonSchema }),
]);
export type ToCore = z.infer<typeof ToCoreSchema>;

/** Router → worker: a call carries its cancel flag in shared memory. */
export type ToWorker = (Extract<ToCore, { type: 'call' }> & { cancel: SharedArrayBuffer }) | Extract<ToCore, { type: 'lock' }>;

export type FromCore =
  | { type: 'result'; id: number; result: IpcResult<unknown> }
  | { type: 'progress'; operationId: string; channel: string; phase: ProgressPhase; done: number; total: number }
  | { type: 'state'; locked: boolean; reason?: LockReason };

/** The core process's command line, set by the main process. */
export interface CoreArgs {
  vaultPath: string;
  nativeBinding?: string;
}

const VAULT_ARG = '--vault=';
const NATIVE_ARG = '--native-binding=';

export function coreArgv(args: CoreArgs): string[] {
  return [`${VAULT_ARG}${args.vaultPath}`, ...(args.nativeBinding ? [`${NATIVE_ARG}${args.nativeBinding}`] : [])];
}

export function parseCoreArgv(argv: readonly string[]): CoreArgs {
  const vault = argv.find((a) => a.startsWith(VAULT_ARG))?.slice(VAULT_ARG.length);
  const native = argv.find((a) => a.startsWith(NATIVE_ARG))?.slice(NATIVE_ARG.length);
  if (!vault) throw new Error('the core process needs --vault=PATH');
  return native ? { vaultPath: vault, nativeBinding: native } : { vaultPath: vault };
}

/** Checked by the main process on every message from the core process. */
export const FromCoreSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('result'),
    id: z.number().int().nonnegative(),
    result: z.union([
      z.strictObject({ ok: z.literal(true), value: z.unknown() }),
      z.strictObject({ ok: z.literal(false), error: IpcErrorSchema }),
    ]),
  }),
  z.strictObject({
    type: z.literal('progress'),
    operationId: OperationIdSchema,
    channel: z.string(),
    phase: ProgressPhaseSchema,
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  z.strictObject({ type: z.literal('state'), locked: z.boolean(), reason: LockReasonSchema.optional() }),
]);
