/**
 * What every IPC call resolves to: a value, or an error with one of the stable codes the
 * command line prints. Calls never reject for an expected failure, so the renderer has one
 * shape to handle and can show the message as it is.
 */
import { z } from 'zod';
import { ERROR_CODE_LIST, toErrorInfo, type ErrorCode, type ErrorInfo } from '../errors';

export type IpcError = ErrorInfo;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

const MESSAGE_MAX = 2000;
const AT_MAX = 500;

export const IpcErrorSchema = z.strictObject({
  code: z.enum(ERROR_CODE_LIST as [ErrorCode, ...ErrorCode[]]),
  message: z.string().max(MESSAGE_MAX),
  at: z.string().max(AT_MAX).optional(),
});

/**
 * An error as IPC carries it: cut to the schema's lengths. A message built from the input
 * (a field name thousands of characters long) would otherwise fail the schema on the way
 * back, and a result that fails it is never delivered.
 */
function bounded(error: IpcError): IpcError {
  const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
  const message = cut(error.message, MESSAGE_MAX);
  return error.at === undefined ? { code: error.code, message } : { code: error.code, message, at: cut(error.at, AT_MAX) };
}

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
  return { ok: false, error: bounded(at === undefined ? { code, message } : { code, message, at }) };
}

/** A TearlineError keeps its code and message; anything else is reported as E_INTERNAL. */
export function failFrom(error: unknown): IpcResult<never> {
  return { ok: false, error: bounded(toErrorInfo(error)) };
}

/**
 * A request that does not match its schema is a usage error that names the first field at
 * fault, in the same "path: problem" form as the entry validators.
 */
export function requestProblem(error: z.ZodError): IpcError {
  const issue = error.issues[0];
  if (!issue) return { code: 'E_USAGE', message: 'the request is not valid' };
  const at = issue.path.map(String).join('.');
  return bounded(
    at ? { code: 'E_USAGE', message: `${at}: ${issue.message}`, at } : { code: 'E_USAGE', message: `the request is not valid: ${issue.message}` },
  );
}
