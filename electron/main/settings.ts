/**
 * The officer's settings (auto-lock and clipboard delays): not secret, so a small JSON
 * file in the app's data folder, validated on read (a damaged or hand-edited file falls
 * back to the defaults rather than to something unsafe) and written whole, atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../../shared/ipc';
import { writeFileWhole } from '../core/files/whole-file';

export class SettingsStore {
  private current: Settings;

  constructor(private readonly file: string) {
    this.current = SettingsStore.read(file);
  }

  static read(file: string): Settings {
    if (!existsSync(file)) return { ...DEFAULT_SETTINGS };
    try {
      const parsed = SettingsSchema.partial().safeParse(JSON.parse(readFileSync(file, 'utf8')));
      return parsed.success ? { ...DEFAULT_SETTINGS, ...parsed.data } : { ...DEFAULT_SETTINGS };
    } catch {
      return { ...DEFAULT_SETTINGS };
    }
  }

  get(): Settings {
    return { ...this.current };
  }

  update(patch: Partial<Settings>): Settings {
    const next = SettingsSchema.parse({ ...this.current, ...patch });
    writeFileWhole(this.file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600, context: 'the settings were not saved' });
    this.current = next;
    return this.get();
  }
}
