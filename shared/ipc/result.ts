/**
 * What every IPC call resolves to: a value, or an error with one of the stable codes the
 * command line prints. Calls never reject for an expected failure, so the renderer has one
 * shape to handle and can show the message as it is.
 */
import { z } from 'zod';
import { ERROR_CODE_LIST, toErrorInfo, type ErrorCode, type ErrorInfo } from '../errors';

export type IpcError = ErrorInfo;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const IpcErrorSchema = z.strictObject({
  code: z.enum(ERROR_CODE_LIST as [ErrorCode, ...ErrorCode[]]),
  message: z.string().max(2000),
  at: z.string().max(500).optional(),
});

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), value }),
    z.strictObject({ ok: z.literal(false), error: IpcErrorSchema }),
  ]);
}

export function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, at?: string): IpcResult<never> {
  return { ok: false, error: at === undefined ? { code, message } : { code, message, at } };
}

/** A TearlineError keeps its code and message; anything else is reported as E_INTERNAL. */
export function failFrom(error: unknown): IpcResult<never> {
  return { ok: false, error: toErrorInfo(error) };
}

/**
 * A request that does not match its schema is a usage error that names the first field at
 * fault, in the same "path: problem" form as the entry validators.
 */
export function requestProblem(error: z.ZodError): IpcError {
  const issue = error.issues[0];
  if (!issue) return { code: 'E_USAGE', message: 'the request is not valid' };
  const at = issue.path.map(String).join('.');
  return at
    ? { code: 'E_USAGE', message: `${at}: ${issue.message}`, at }
    : { code: 'E_USAGE', message: `the request is not valid: ${issue.message}` };
}
