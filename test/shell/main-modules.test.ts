/**
 * The main process's small modules: settings, the main-served channels, dialogs, the menu,
 * the single-instance lock, and which native binary the core loads.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/ipc';
import { chooseFile, datedName, freeName } from '../../electron/main/dialogs';
import { createMainHandlers } from '../../electron/main/main-handlers';
import { menuTemplate } from '../../electron/main/menu';
import { devNativeDir, nativeBindingPath } from '../../electron/main/native-binding';
import { SettingsStore } from '../../electron/main/settings';
import { claimSingleInstance } from '../../electron/main/single-instance';

const dir = mkdtempSync(path.join(tmpdir(), 'tearline-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsStore', () => {
  it('starts from the defaults, saves a change, and reads it back', () => {
    const file = path.join(dir, 'settings.json');
    const store = new SettingsStore(file);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(store.update({ autoLockMinutes: 3 })).toEqual({ ...DEFAULT_SETTINGS, autoLockMinutes: 3 });
    expect(new SettingsStore(file).get().autoLockMinutes).toBe(3);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...DEFAULT_SETTINGS, autoLockMinutes: 3 });
  });

  it('refuses values out of range, and falls back to the defaults for a damaged file', () => {
    const file = path.join(dir, 'damaged.json');
    writeFileSync(file, '{"autoLockMinutes": 0, "clipboardClearSeconds": "never"');
    const store = new SettingsStore(file);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(() => store.update({ autoLockMinutes: 0 })).toThrow();
    writeFileSync(file, JSON.stringify({ autoLockMinutes: 100000 }));
    expect(SettingsStore.read(file)).toEqual(DEFAULT_SETTINGS);
  });
});

describe('the main-served channels', () => {
  it('applies a new auto-lock delay at once, copies through the guard, and cancels by id', () => {
    const setDelay = vi.fn();
    const copy = vi.fn(() => 30);
    const cancel = vi.fn((id: string) => id === 'op-1');
    const store = new SettingsStore(path.join(dir, 'handlers.json'));
    const handlers = createMainHandlers({
      appInfo: () => ({ name: 'Tearline', version: '0.1.0', electron: '39.5.0', chrome: '142', platform: 'linux', packaged: true }),
      settings: store,
      clipboard: { copy },
      autoLock: { setDelay },
      core: { cancel },
    });
    const ctx = {} as never;
    expect(handlers.updateSettings({ autoLockMinutes: 2 }, ctx)).toMatchObject({ autoLockMinutes: 2 });
    expect(setDelay).toHaveBeenCalledWith(120_000);
    expect(handlers.copyToClipboard({ text: 'x' }, ctx)).toEqual({ clearsAfterSeconds: 30 });
    expect(copy).toHaveBeenCalledWith('x');
    expect(handlers.cancel({ operationId: 'op-1' }, ctx)).toEqual({ cancelled: true });
    expect(handlers.cancel({ operationId: 'op-2' }, ctx)).toEqual({ cancelled: false });
  });
});

describe('dialogs', () => {
  it('suggests a dated file name, and one that is free', () => {
    expect(datedName('tearline-backup.tearline', new Date('2025-03-10T12:00:00Z'))).toBe('tearline-backup-2025-03-10.tearline');
    const taken = new Set(['/docs/b-2025-03-10.tearline', '/docs/b-2025-03-10-2.tearline']);
    expect(freeName('/docs', 'b-2025-03-10.tearline', (f) => taken.has(f))).toBe('b-2025-03-10-3.tearline');
    expect(freeName('/docs', 'c.tearline', (f) => taken.has(f))).toBe('c.tearline');
  });

  it('returns the chosen path, or undefined when cancelled', async () => {
    const spec = { mode: 'save' as const, title: 'Save', defaultName: 'b.tearline', filters: [{ name: 'Vault', extensions: ['tearline'] }] };
    const dialog = {
      showSaveDialog: vi.fn(async () => ({ canceled: false, filePath: '/docs/b-2025-03-10.tearline' })),
      showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })),
    };
    expect(await chooseFile(dialog as never, null, spec, '/docs', new Date('2025-03-10T00:00:00Z'))).toBe('/docs/b-2025-03-10.tearline');
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: path.join('/docs', 'b-2025-03-10.tearline') }));
    expect(await chooseFile(dialog as never, null, { ...spec, mode: 'open' }, '/docs')).toBeUndefined();
  });
});

describe('menuTemplate', () => {
  const roles = (items: MenuItemConstructorOptions[]): string[] =>
    items.flatMap((i) => [...(i.role ? [i.role] : []), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);

  it('has no reload and no developer tools in a packaged build', () => {
    const packaged = roles(menuTemplate({ appName: 'Tearline', platform: 'linux', packaged: true, onLock: () => undefined, onCopy: () => undefined }));
    expect(packaged).not.toContain('toggleDevTools');
    expect(packaged).not.toContain('reload');
    expect(packaged).toEqual(expect.arrayContaining(['paste', 'quit']));
    const dev = roles(menuTemplate({ appName: 'Tearline', platform: 'linux', packaged: false, onLock: () => undefined, onCopy: () => undefined }));
    expect(dev).toContain('toggleDevTools');
  });

  it('locks the vault from the menu', () => {
    const onLock = vi.fn();
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const items = menuTemplate({ appName: 'Tearline', platform, packaged: true, onLock, onCopy: () => undefined });
      const lock = items.flatMap((i) => (Array.isArray(i.submenu) ? i.submenu : [])).find((i) => i.label === 'Lock Vault');
      expect(lock?.accelerator).toBe('CmdOrCtrl+L');
      (lock!.click as () => void)();
    }
    expect(onLock).toHaveBeenCalledTimes(3);
  });

  it('copies and cuts through the app (so that the clipboard is cleared), never through the built-in roles', () => {
    const onCopy = vi.fn();
    const items = menuTemplate({ appName: 'Tearline', platform: 'linux', packaged: true, onLock: () => undefined, onCopy });
    expect(roles(items)).not.toContain('copy');
    expect(roles(items)).not.toContain('cut');
    const edit = items.find((i) => i.label === '&Edit')!.submenu as MenuItemConstructorOptions[];
    const copy = edit.find((i) => i.accelerator === 'CmdOrCtrl+C')!;
    const cut = edit.find((i) => i.accelerator === 'CmdOrCtrl+X')!;
    const window = {} as never;
    (copy.click as (item: unknown, window: unknown) => void)({}, window);
    (cut.click as (item: unknown, window: unknown) => void)({}, window);
    expect(onCopy.mock.calls).toEqual([
      [window, false],
      [window, true],
    ]);
  });
});

describe('claimSingleInstance', () => {
  it('quits a second instance, and focuses the first when another starts', () => {
    const second = { requestSingleInstanceLock: () => false, quit: vi.fn(), on: vi.fn() };
    expect(claimSingleInstance(second, () => undefined)).toBe(false);
    expect(second.quit).toHaveBeenCalled();

    const listeners: Record<string, () => void> = {};
    const first = { requestSingleInstanceLock: () => true, quit: vi.fn(), on: (event: string, l: () => void) => (listeners[event] = l) };
    const focus = vi.fn();
    expect(claimSingleInstance(first, focus)).toBe(true);
    listeners['second-instance']!();
    expect(focus).toHaveBeenCalled();
    expect(first.quit).not.toHaveBeenCalled();
  });
});

describe('nativeBindingPath', () => {
  it('uses the Electron build kept apart from node_modules', () => {
    const input = { resourcesPath: '/opt/Tearline/resources', appPath: '/src/tearline', electronVersion: '39.5.0', platform: 'linux' as const, arch: 'x64' };
    expect(nativeBindingPath({ ...input, packaged: true })).toBe(path.join('/opt/Tearline/resources', 'native', 'better_sqlite3.node'));
    expect(nativeBindingPath({ ...input, packaged: false })).toBe(path.join('/src/tearline', '.cache', 'native', 'electron-39.5.0-linux-x64', 'better_sqlite3.node'));
  });

  it('agrees with the build script on the folder', async () => {
    const script = (await import('../../build/native-sqlite.mjs' as string)) as { nativeDir(v: string, p: string, a: string): string; ROOT: string };
    expect(script.nativeDir('39.5.0', 'linux', 'x64')).toBe(devNativeDir(script.ROOT, '39.5.0', 'linux', 'x64'));
  });
});
