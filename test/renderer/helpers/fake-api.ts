/**
 * `window.tearline` for component tests, built by the preload's own builder so that its
 * shape is exactly the contract's; each call is answered by a handler the test gives
 * (a missing one answers E_INTERNAL), and the test can push events as the main process does.
 */
import { buildApi } from '../../../electron/preload/api';
import { fail, ok, type ChannelName, type IpcResult, type RequestOf, type ResponseOf, type TearlineEvent } from '../../../shared/ipc';
import type { ErrorCode } from '../../../shared/errors';

export type Handler<K extends ChannelName> = (request: RequestOf<K>) => ResponseOf<K> | IpcResult<ResponseOf<K>> | Promise<ResponseOf<K> | IpcResult<ResponseOf<K>>>;
export type Handlers = { [K in ChannelName]?: Handler<K> };

export interface FakeApi {
  calls: { name: ChannelName; request: unknown }[];
  emit(event: TearlineEvent): void;
}

export function failure(code: ErrorCode, message: string): IpcResult<never> {
  return fail(code, message);
}

function isResult(value: unknown): value is IpcResult<unknown> {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof (value as { ok: unknown }).ok === 'boolean' && ('value' in value || 'error' in value);
}

export function installFakeApi(handlers: Handlers): FakeApi {
  const listeners = new Set<(payload: unknown) => void>();
  const calls: FakeApi['calls'] = [];
  const api = buildApi({
    async invoke(name, request) {
      calls.push({ name, request });
      const handler = handlers[name] as ((r: unknown) => unknown) | undefined;
      if (!handler) return fail('E_INTERNAL', `no test handler for ${name}`);
      const value = await handler(request);
      return isResult(value) ? value : ok(value);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  Object.defineProperty(window, 'tearline', { value: api, configurable: true, writable: true });
  return {
    calls,
    emit(event) {
      for (const l of [...listeners]) l(event);
    },
  };
}

export const VAULT_INFO = {
  name: 'Test workstation',
  vaultId: 'v1',
  origin: 'tearline:test',
  fingerprint: '0'.repeat(32),
  createdAt: '2025-03-01T00:00:00.000Z',
  entries: 1,
  kdf: { opslimit: 2, memlimit: 67108864 },
};
