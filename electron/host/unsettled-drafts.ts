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
import { DRAFT_MAX_BYTES, DRAFT_MAX_COUNT } from '../../shared/ipc';
import { draftSize } from './drafts';

/** At most this much staged at once, all drafts together: a lock writes it all before the keys go. */
export const UNSETTLED_MAX_BYTES = 4 * DRAFT_MAX_BYTES;

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
   * over what may be held at once, they are refused (E_USAGE) when `strict`; otherwise
   * (a save, which will refuse them itself) not noted. Returns the note, for `settled`.
   */
  changed(key: string, data: unknown, strict: boolean): Unsettled | undefined {
    let bytes: number;
    try {
      bytes = draftSize(data);
    } catch (error) {
      if (strict) throw error;
      return undefined;
    }
    const before = this.drafts.get(key);
    const total = this.bytes - (before?.bytes ?? 0) + bytes;
    const count = this.drafts.size + (before ? 0 : 1);
    if (total > UNSETTLED_MAX_BYTES || count > DRAFT_MAX_COUNT) {
      if (strict) throw new TearlineError('E_USAGE', `too many unsaved changes are waiting (at most ${UNSETTLED_MAX_BYTES} bytes in ${DRAFT_MAX_COUNT} drafts); let the drafts save first`);
      return undefined;
    }
    return this.set(key, { data, bytes });
  }

  /** The form discarded its draft (deleteDraft): a lock deletes it, if the delete has not. */
  discarded(key: string): Unsettled {
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
