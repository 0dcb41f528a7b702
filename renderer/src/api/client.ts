/**
 * The one thin wrapper over `window.tearline`, the preload's typed API. Every call resolves
 * to `{ ok, value } | { ok: false, error }`; here a failure becomes an ApiError (with the
 * stable code) so that TanStack Query and the screens have one way to handle it.
 */
import type { ChannelName, RequestArgs, ResponseOf, TearlineApi, TearlineCall, TearlineEvent } from '../../../shared/ipc';
import type { ErrorCode } from '../../../shared/errors';

declare global {
  interface Window {
    tearline?: TearlineApi;
  }
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly at: string | undefined;
  constructor(code: ErrorCode, message: string, at?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.at = at;
  }
}

export function isApiError(error: unknown, code?: ErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

function api(): TearlineApi {
  const found = window.tearline;
  if (!found) throw new ApiError('E_INTERNAL', 'Tearline’s connection to its core is missing. Restart the application.');
  return found;
}

/** True where the API offers this call (the contract grows; a screen may check first). */
export function hasChannel(name: string): boolean {
  const found = window.tearline as unknown as Record<string, unknown> | undefined;
  return typeof found?.[name] === 'function';
}

/** Calls a channel of the contract; resolves with its value or throws an ApiError. */
export async function call<K extends ChannelName>(name: K, ...args: RequestArgs<K>): Promise<ResponseOf<K>> {
  const fn = api()[name] as unknown as TearlineCall<K>;
  const result = await fn(...args);
  if (!result.ok) throw new ApiError(result.error.code, result.error.message, result.error.at);
  return result.value;
}

/** Subscribes to progress, lock and clipboard events; returns the function that unsubscribes. */
export function onTearlineEvent(listener: (event: TearlineEvent) => void): () => void {
  const found = window.tearline;
  if (!found) return () => undefined;
  return found.onEvent(listener);
}

let counter = 0;

/** A fresh id for a long operation, to match its progress events and to cancel it. */
export function newOperationId(prefix = 'op'): string {
  counter += 1;
  const random = Math.floor(Math.random() * 0xffffffff).toString(36);
  return `${prefix}-${Date.now().toString(36)}-${counter}-${random}`.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64);
}
