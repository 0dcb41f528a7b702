/**
 * The one module of the main process that touches `ipcMain` (a lint rule keeps it so).
 * It registers exactly the contract's channels, and for every call, in this order:
 * refuses an unknown channel; refuses a sender that is not the main frame of a window we
 * created, showing our app:// origin (checklist 17); parses the payload with the channel's
 * schema; routes it; checks the response against the contract; and maps every failure to
 * `{ ok: false, error: { code, message } }`. Nothing else reaches a handler.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { TearlineError } from '../../shared/errors';
import {
  CHANNEL_NAMES,
  EVENT_CHANNEL,
  channelDef,
  fail,
  ipcChannelFor,
  isChannelName,
  requestProblem,
  type ChannelName,
  type IpcResult,
  type TearlineEvent,
} from '../../shared/ipc';
import { isAppUrl } from './app-url';

export interface InvokeContext {
  /** The (checked) web contents that called. */
  sender: WebContents;
}

export type Route = (name: ChannelName, request: unknown, ctx: InvokeContext) => Promise<IpcResult<unknown>>;

export interface DispatcherOptions {
  /** True for the web contents of a window this app created. */
  isOurWebContents: (contents: WebContents) => boolean;
  route: Route;
  /** Called for every accepted call (the officer is active). */
  onAccepted?: (name: ChannelName) => void;
  log?: (message: string) => void;
}

/** Why a call must be refused, or undefined if its sender is the app's own main frame. */
export function senderProblem(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, isOurWebContents: (c: WebContents) => boolean): string | undefined {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (!isOurWebContents(event.sender)) return 'the sender is not a window of this app';
  const main = event.sender.mainFrame;
  if (frame.parent !== null || frame.processId !== main.processId || frame.routingId !== main.routingId) {
    return 'the sender is not the main frame';
  }
  if (!isAppUrl(frame.url)) return 'the sender is not the app origin';
  return undefined;
}

export type Dispatch = (name: string, event: IpcMainInvokeEvent, payload: unknown) => Promise<IpcResult<unknown>>;

export function createDispatcher(options: DispatcherOptions): Dispatch {
  const log = options.log ?? (() => undefined);
  return async (name, event, payload) => {
    if (!isChannelName(name)) {
      log(`IPC refused: unknown channel ${JSON.stringify(String(name).slice(0, 64))}`);
      return fail('E_USAGE', 'unknown channel');
    }
    const problem = senderProblem(event, options.isOurWebContents);
    if (problem) {
      log(`IPC refused on ${name}: ${problem}`);
      return fail('E_USAGE', `refused: ${problem}`);
    }
    const def = channelDef(name);
    const parsed = def.request.safeParse(payload);
    if (!parsed.success) return { ok: false, error: requestProblem(parsed.error) };
    options.onAccepted?.(name);
    let result: IpcResult<unknown>;
    try {
      result = await options.route(name, parsed.data, { sender: event.sender });
    } catch (error) {
      if (error instanceof TearlineError) return fail(error.code, error.message, error.at);
      log(`IPC ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fail('E_INTERNAL', 'an unexpected internal error; the details are in the log');
    }
    if (!result.ok) return result;
    const checked = def.response.safeParse(result.value);
    if (!checked.success) {
      log(`IPC ${name}: the response does not match the contract: ${checked.error.message}`);
      return fail('E_INTERNAL', `the ${name} response does not match the contract`);
    }
    return { ok: true, value: checked.data };
  };
}

/** Registers one handler per contract channel; returns the function that removes them. */
export function installIpc(dispatch: Dispatch): () => void {
  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(ipcChannelFor(name), (event, payload: unknown) => dispatch(name, event, payload));
  }
  return () => {
    for (const name of CHANNEL_NAMES) ipcMain.removeHandler(ipcChannelFor(name));
  };
}

/** Pushes an event to a window's renderer (the preload hands the renderer the payload only). */
export function sendEvent(contents: WebContents, event: TearlineEvent): void {
  if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event);
}
