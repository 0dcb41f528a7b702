/** The open and save dialogs: the only way a path enters the app. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import type { FileDialogSpec } from '../../shared/ipc';

/** `name.ext` → `name-2025-03-10.ext`, so successive backups do not collide. */
export function datedName(name: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 10);
  const ext = path.extname(name);
  return `${name.slice(0, name.length - ext.length)}-${stamp}${ext}`;
}

/**
 * `name` in `dir`, or `name-2.ext`, `name-3.ext`... if it is taken: Tearline never writes
 * over a file (the core refuses), so the name it suggests should be one it can use.
 */
export function freeName(dir: string, name: string, exists: (file: string) => boolean = existsSync): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${stem}-${n}${ext}`;
    if (n >= 1000 || !exists(path.join(dir, candidate))) return candidate;
  }
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
      defaultPath: path.join(defaultDir, spec.defaultName ? freeName(defaultDir, datedName(spec.defaultName, now)) : ''),
      filters: spec.filters,
      // No "Replace?" where the dialog lets us leave it out (Linux): the core would refuse
      // the replacement anyway, with a message that says to choose another name.
      properties: ['createDirectory'] as 'createDirectory'[],
    };
    const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
    return result.canceled || !result.filePath ? undefined : result.filePath;
  }
  const options = { title: spec.title, defaultPath: defaultDir, filters: spec.filters, properties: ['openFile'] as 'openFile'[] };
  const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
  return result.canceled ? undefined : result.filePaths[0];
}
