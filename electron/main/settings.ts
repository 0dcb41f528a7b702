/**
 * The officer's settings (auto-lock and clipboard delays): not secret, so a small JSON
 * file in the app's data folder, validated on read (a damaged or hand-edited file falls
 * back to the defaults rather than to something unsafe) and written whole, atomically.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../../shared/ipc';
import { TearlineError } from '../../shared/errors';

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
    const temp = `${this.file}.writing`;
    try {
      writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      renameSync(temp, this.file);
    } catch (error) {
      throw new TearlineError('E_IO', `the settings were not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.current = next;
    return this.get();
  }
}
