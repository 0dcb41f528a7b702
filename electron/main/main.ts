/**
 * The main process: the composition root of the shell. It holds no key and runs no
 * cryptography; it owns the window, the session, the app:// protocol, the dialogs, the
 * clipboard and the timers, and it relays calls between the renderer and the core's
 * utility process (docs/architecture.md, "Processes and IPC"). Every decision is made in
 * a small module that plain-Node tests reach; this file only wires them to Electron.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, clipboard, dialog, Menu, powerMonitor, protocol, session, utilityProcess } from 'electron';
import { APP_ENTRY_URL, APP_SCHEME, type TearlineEvent } from '../../shared/ipc';
import { coreArgv } from '../host/messages';
import { AutoLock, lockOnPowerEvents } from './auto-lock';
import { ClipboardGuard } from './clipboard';
import { CoreClient, coreEventListener } from './core-client';
import { coreForkOptions } from './core-spawn';
import { chooseFile } from './dialogs';
import { createDispatcher, installIpc, sendEvent } from './ipc';
import { createMainHandlers } from './main-handlers';
import { menuTemplate } from './menu';
import { nativeBindingPath } from './native-binding';
import { registerAppScheme, serveApp } from './protocol';
import { createRoute } from './routes';
import { CHROMIUM_SWITCHES, hardenSession } from './session';
import { SettingsStore } from './settings';
import { claimSingleInstance } from './single-instance';
import { hardenWebContents } from './web-contents';
import { createMainWindow, SESSION_PARTITION } from './window-options';

// main.cjs, preload.cjs and core-process.cjs sit together in dist/electron; the renderer
// is built to dist/renderer.
const HERE = __dirname;
const PRELOAD = path.join(HERE, 'preload.cjs');
const CORE_SCRIPT = path.join(HERE, 'core-process.cjs');
const RENDERER_ROOT = path.join(HERE, '..', 'renderer');
const VAULT_FILE = 'vault.tearline';

// Before ready: sandbox every renderer (checklist 4), make host resolution fail, and
// register app:// as a privileged scheme.
app.enableSandbox();
for (const [name, value] of CHROMIUM_SWITCHES) app.commandLine.appendSwitch(name, value);
registerAppScheme(protocol);

const windows = new Set<BrowserWindow>();
const ourContents = new Set<number>();

function broadcast(event: TearlineEvent): void {
  for (const win of windows) sendEvent(win.webContents, event);
}

function focusWindow(): void {
  const win = [...windows][0];
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.focus();
}

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

if (claimSingleInstance(app, focusWindow)) {
  void app.whenReady().then(start);
}

function start(): void {
  const devTools = !app.isPackaged;
  const appSession = session.fromPartition(SESSION_PARTITION);
  hardenSession(appSession, { devTools });
  hardenSession(session.defaultSession, { devTools });
  appSession.protocol.handle(APP_SCHEME, serveApp(RENDERER_ROOT));

  const settings = new SettingsStore(path.join(app.getPath('userData'), 'settings.json'));
  const native = nativeBindingPath({
    packaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
    electronVersion: process.versions.electron,
    platform: process.platform,
    arch: process.arch,
  });
  const vaultPath = path.join(app.getPath('userData'), VAULT_FILE);

  const autoLock = new AutoLock(settings.get().autoLockMinutes * 60_000, () => core.lock('idle'));
  const guard = new ClipboardGuard(clipboard, () => settings.get().clipboardClearSeconds * 1000, () => broadcast({ type: 'clipboard-cleared' }));
  const core = new CoreClient(
    () =>
      utilityProcess.fork(
        CORE_SCRIPT,
        coreArgv({ vaultPath, ...(existsSync(native) ? { nativeBinding: native } : {}) }),
        coreForkOptions(process.env),
      ),
    coreEventListener({ autoLock, clipboard: guard, broadcast }),
  );
  // The drafts being typed are saved by the core's lock itself (stageDraft).
  lockOnPowerEvents(powerMonitor, (reason) => core.lock(reason));

  const route = createRoute({
    core,
    main: createMainHandlers({
      appInfo: () => ({
        name: app.getName(),
        version: app.getVersion(),
        electron: process.versions.electron,
        chrome: process.versions.chrome,
        platform: process.platform,
        packaged: app.isPackaged,
      }),
      settings,
      clipboard: guard,
      autoLock,
      core,
    }),
    chooseFile: (spec, ctx) => chooseFile(dialog, BrowserWindow.fromWebContents(ctx.sender), spec, app.getPath('documents')),
  });
  installIpc(
    createDispatcher({
      isOurWebContents: (contents) => ourContents.has(contents.id),
      route,
      onAccepted: () => autoLock.activity(),
      log: (message) => console.warn(message),
    }),
  );

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        appName: app.getName(),
        platform: process.platform,
        packaged: app.isPackaged,
        onLock: () => core.lock('user'),
        onCopy: (window, cut) => {
          const contents = window instanceof BrowserWindow ? window.webContents : undefined;
          if (!contents || !ourContents.has(contents.id)) return;
          const before = clipboard.readText();
          if (cut) contents.cut();
          else contents.copy();
          guard.adoptPageCopy(before);
        },
      }),
    ),
  );

  app.on('before-quit', () => {
    guard.clearIfUnchanged();
    core.stop();
  });
  // Closing the window ends the session on every platform: the vault must not stay
  // unlocked in a process without a window.
  app.on('window-all-closed', () => app.quit());

  createWindow(devTools, autoLock, () => core.lock('user'));
}

function createWindow(devTools: boolean, autoLock: AutoLock, lock: () => void): void {
  const win = createMainWindow({ preload: PRELOAD, devTools });
  const id = win.webContents.id;
  windows.add(win);
  ourContents.add(id);
  win.on('closed', () => {
    windows.delete(win);
    ourContents.delete(id);
  });
  win.webContents.on('input-event', () => autoLock.activity());
  // A page that crashed shows nothing and cannot ask to lock: lock now, rather than when
  // the idle timer runs out.
  win.webContents.on('render-process-gone', () => lock());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY_URL);
}
