/**
 * The application menu: editing, a lock command, zoom and window roles. Reload and the
 * developer tools exist only in an unpackaged build; nothing opens a web page.
 */
import type { BaseWindow, MenuItemConstructorOptions } from 'electron';

export interface MenuInput {
  appName: string;
  platform: NodeJS.Platform;
  packaged: boolean;
  onLock: () => void;
  /**
   * Copy and Cut of the focused page: through the app, not the built-in roles, so that
   * what they put on the clipboard is cleared like everything else copied from a record.
   */
  onCopy: (window: BaseWindow | undefined, cut: boolean) => void;
}

export function menuTemplate(input: MenuInput): MenuItemConstructorOptions[] {
  const lock: MenuItemConstructorOptions = { label: 'Lock Vault', accelerator: 'CmdOrCtrl+L', click: () => input.onLock() };
  const mac = input.platform === 'darwin';
  const developer: MenuItemConstructorOptions[] = input.packaged ? [] : [{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }];
  return [
    ...(mac
      ? [{ label: input.appName, submenu: [{ role: 'about' }, { type: 'separator' }, lock, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] } satisfies MenuItemConstructorOptions]
      : [{ label: '&File', submenu: [lock, { type: 'separator' }, { role: 'quit' }] } satisfies MenuItemConstructorOptions]),
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { label: 'Cu&t', accelerator: 'CmdOrCtrl+X', click: (_item, window) => input.onCopy(window, true) },
        { label: '&Copy', accelerator: 'CmdOrCtrl+C', click: (_item, window) => input.onCopy(window, false) },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: '&View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, ...developer] },
    { label: '&Window', submenu: [{ role: 'minimize' }, ...(mac ? [{ role: 'zoom' } as const] : []), { role: 'close' }] },
  ];
}
