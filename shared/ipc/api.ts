/**
 * The type of `window.tearline`, the API the preload exposes to the renderer. It is
 * derived from the contract, so the renderer's calls are checked against the same schemas
 * that the main process enforces. The renderer declares the global with:
 *
 *   declare global { interface Window { tearline: TearlineApi } }
 */
import type { ChannelName, RequestOf, ResponseOf } from './channels';
import type { TearlineEvent } from './events';
import type { IpcResult } from './result';

/** Channels whose request has no required field may be called without an argument. */
export type RequestArgs<K extends ChannelName> = Record<never, never> extends RequestOf<K> ? [request?: RequestOf<K>] : [request: RequestOf<K>];

export type TearlineCall<K extends ChannelName> = (...args: RequestArgs<K>) => Promise<IpcResult<ResponseOf<K>>>;

export type TearlineApi = { readonly [K in ChannelName]: TearlineCall<K> } & {
  /** Subscribes to progress and lock events; returns the function that unsubscribes. */
  readonly onEvent: (listener: (event: TearlineEvent) => void) => () => void;
};

/** The name the preload exposes the API under: `window.tearline`. */
export const API_GLOBAL = 'tearline';
