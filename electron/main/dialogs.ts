/** The open and save dialogs: the only way a path enters the app. */
import path from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import type { FileDialogSpec } from '../../shared/ipc';

/** `name.ext` → `name-2025-03-10.ext`, so successive backups do not collide. */
export function datedName(name: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 10);
  const ext = path.extname(name);
  return `${name.slice(0, name.length - ext.length)}-${stamp}${ext}`;
}

export async function chooseFile(
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>,
  owner: BrowserWindow | null,
  spec: FileDialogSpec,
  defaultDir: string,
  now = new Date(),
): Promise<string | undefined> {
  if (spec.mode === 'save') {
    const options = {
      title: spec.title,
      defaultPath: path.join(defaultDir, spec.defaultName ? datedName(spec.defaultName, now) : ''),
      filters: spec.filters,
      properties: ['createDirectory', 'showOverwriteConfirmation'] as ('createDirectory' | 'showOverwriteConfirmation')[],
    };
    const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? undefined : result.filePath;
  }
  const options = { title: spec.title, defaultPath: defaultDir, filters: spec.filters, properties: ['openFile'] as 'openFile'[] };
  const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
  return result.canceled ? undefined : result.filePaths[0];
}
