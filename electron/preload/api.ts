/**
 * Builds `window.tearline` from the contract: one named function per channel, and one
 * subscription function for events. Pure: it is handed an `invoke` and a `subscribe` and
 * knows nothing of Electron, so its surface is tested exactly.
 */
import {
  CHANNEL_NAMES,
  TearlineEventSchema,
  fail,
  type ChannelName,
  type IpcResult,
  type TearlineApi,
  type TearlineEvent,
} from '../../shared/ipc';

export interface Transport {
  /** Sends a call on the channel's IPC name; resolves with the main process's result. */
  invoke(name: ChannelName, request: unknown): Promise<unknown>;
  /** Delivers each event payload (never the IPC event object); returns the unsubscribe function. */
  subscribe(listener: (payload: unknown) => void): () => void;
}

export function buildApi(transport: Transport): TearlineApi {
  const api: Record<string, unknown> = {};
  for (const name of CHANNEL_NAMES) {
    api[name] = async (request?: unknown): Promise<IpcResult<unknown>> => {
      try {
        return (await transport.invoke(name, request ?? {})) as IpcResult<unknown>;
      } catch {
        // A rejected invoke (no handler, a destroyed frame) still resolves to a result,
        // so the renderer has one shape to handle.
        return fail('E_INTERNAL', 'the call could not be delivered');
      }
    };
  }
  api.onEvent = (listener: (event: TearlineEvent) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    return transport.subscribe((payload) => {
      const parsed = TearlineEventSchema.safeParse(payload);
      if (parsed.success) listener(parsed.data);
    });
  };
  return Object.freeze(api) as TearlineApi;
}
