/**
 * Where each accepted call goes: `main` channels to the main process's own handlers, `core`
 * channels to the core process, after the main process's dialog has chosen the file for
 * the channels that declare one. The renderer never names a path: the path the officer
 * chose travels to the core beside the request.
 */
import {
  CHANNELS,
  fail,
  ok,
  operationIdOf,
  type ChannelName,
  type FileDialogSpec,
  type IpcResult,
  type MainChannelName,
  type ParsedRequestOf,
  type ResponseOf,
} from '../../shared/ipc';
import type { CallExtras } from './core-client';
import type { InvokeContext, Route } from './ipc';

export type MainHandlers = {
  [K in MainChannelName]: (request: ParsedRequestOf<K>, ctx: InvokeContext) => ResponseOf<K> | Promise<ResponseOf<K>>;
};

export interface RouteDeps {
  core: { call(channel: string, request: unknown, extras?: CallExtras): Promise<IpcResult<unknown>> };
  main: MainHandlers;
  /** Shows the open or save dialog; undefined if the officer cancelled it. */
  chooseFile(spec: FileDialogSpec, ctx: InvokeContext): Promise<string | undefined>;
}

export function createRoute(deps: RouteDeps): Route {
  return async (name: ChannelName, request: unknown, ctx: InvokeContext) => {
    const def = CHANNELS[name];
    if (def.host === 'main') {
      const handler = deps.main[name as MainChannelName] as (request: unknown, ctx: InvokeContext) => unknown;
      return ok(await handler(request, ctx));
    }
    let file: string | undefined;
    if ('file' in def && def.file) {
      file = await deps.chooseFile(def.file, ctx);
      if (file === undefined) return fail('E_CANCELLED', 'no file was chosen');
    }
    const operationId = operationIdOf(request);
    return deps.core.call(name, request, {
      ...(file !== undefined ? { file } : {}),
      ...(operationId !== undefined ? { operationId } : {}),
    });
  };
}
