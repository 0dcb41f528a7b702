/**
 * What the forms have typed that is not known to be in the drafts file yet, so that a lock
 * can write it before the keys go (CoreService.closeVault).
 *
 * A form saves its draft 800 ms after the last change, and a lock that the officer did not
 * ask for cannot wait for the renderer (Electron releases its sleep delay as soon as
 * 'suspend' has been emitted). So each change is staged here at once (stageDraft), in
 * memory only, beside the keys that this process holds anyway.
 *
 * Every draft call is noted when it arrives, before it waits its turn: a call still waiting
 * when a lock comes is cancelled, but what it carried is here already (a stage's values, a
 * save's values, a discard). The calls arrive in the order the renderer sent them (the main
 * process forwards each at once), and the renderer sends a form's changes in the order they
 * were made, so the last one noted for a draft is its latest state. A save or discard that
 * has been written forgets its note, unless a later call has replaced it meanwhile.
 */
import { TearlineError } from '../../shared/errors';
import { DRAFT_MAX_COUNT, DRAFTS_MAX_TOTAL_BYTES } from '../../shared/ipc';
import { draftSize } from './drafts';

/** At most this much noted at once, all drafts together (as much as the drafts file may hold): a lock writes it before the keys go. */
export const UNSETTLED_MAX_BYTES = DRAFTS_MAX_TOTAL_BYTES;

/** A draft's latest state: its values, or undefined where the form discarded it (JSON has no undefined). */
export interface Unsettled {
  readonly data: unknown;
  readonly bytes: number;
}

export class UnsettledDrafts {
  private readonly drafts = new Map<string, Unsettled>();
  private bytes = 0;

  /**
   * A draft's new values have arrived (a stage, or a save's). Over a draft's limits, or
   * over what may be held at once, they are not noted: a stage (`strict`) is refused
   * (E_USAGE), and a save refuses or writes them itself. The draft's older note is kept,
   * being still newer than the file; but where a save too many to note may write its
   * values itself, it is returned as the save's own note, for `settled`: forgotten once the
   * save is written (written at a lock after it, it would take the draft back), and kept
   * for the lock if the save is refused or cancelled. Otherwise returns the new note.
   */
  changed(key: string, data: unknown, strict: boolean): Unsettled | undefined {
    let bytes: number;
    try {
      bytes = draftSize(data);
    } catch (error) {
      // Too large for a draft: a save of it fails as well, and the file keeps what it had.
      if (strict) throw error;
      return undefined;
    }
    const before = this.drafts.get(key);
    const total = this.bytes - (before?.bytes ?? 0) + bytes;
    if (total > UNSETTLED_MAX_BYTES || (!before && this.drafts.size >= DRAFT_MAX_COUNT)) {
      if (strict) throw new TearlineError('E_USAGE', 'too much unsaved typing is waiting to be written; wait a moment and try again');
      return before;
    }
    return this.set(key, { data, bytes });
  }

  /**
   * The form discarded its draft (deleteDraft): a lock deletes it, if the delete has not.
   * Counted with the others (DRAFT_MAX_COUNT); past that, only a draft with a note is
   * marked (its note must not be written), and a cancelled delete of another leaves it.
   */
  discarded(key: string): Unsettled | undefined {
    if (!this.drafts.has(key) && this.drafts.size >= DRAFT_MAX_COUNT) return undefined;
    return this.set(key, { data: undefined, bytes: 0 });
  }

  /** The call that brought `note` has been written: forgotten, unless a later one replaced it. */
  settled(key: string, note: Unsettled | undefined): void {
    if (note && this.drafts.get(key) === note) this.remove(key);
  }

  /** Everything noted (values, or undefined for a discard); forgotten here. */
  take(): [key: string, data: unknown][] {
    const all = [...this.drafts].map(([key, note]): [string, unknown] => [key, note.data]);
    this.clear();
    return all;
  }

  clear(): void {
    this.drafts.clear();
    this.bytes = 0;
  }

  private set(key: string, note: Unsettled): Unsettled {
    this.remove(key);
    this.drafts.set(key, note);
    this.bytes += note.bytes;
    return note;
  }

  private remove(key: string): void {
    this.bytes -= this.drafts.get(key)?.bytes ?? 0;
    this.drafts.delete(key);
  }
}
