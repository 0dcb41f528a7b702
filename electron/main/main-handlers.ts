/** The channels the main process serves itself: app information, settings, clipboard, cancel. */
import type { Settings } from '../../shared/ipc';
import type { AutoLock } from './auto-lock';
import type { ClipboardGuard } from './clipboard';
import type { MainHandlers } from './routes';

export interface MainHandlerDeps {
  appInfo: () => { name: string; version: string; electron: string; chrome: string; platform: string; packaged: boolean };
  settings: { get(): Settings; update(patch: Partial<Settings>): Settings };
  clipboard: Pick<ClipboardGuard, 'copy'>;
  autoLock: Pick<AutoLock, 'setDelay'>;
  core: { cancel(operationId: string): boolean };
}

export function createMainHandlers(deps: MainHandlerDeps): MainHandlers {
  return {
    appInfo: () => deps.appInfo(),
    getSettings: () => deps.settings.get(),
    updateSettings: (patch) => {
      const next = deps.settings.update(patch);
      deps.autoLock.setDelay(next.autoLockMinutes * 60_000);
      return next;
    },
    copyToClipboard: (request) => ({ clearsAfterSeconds: deps.clipboard.copy(request.text) }),
    cancel: (request) => ({ cancelled: deps.core.cancel(request.operationId) }),
  };
}
