/**
 * Keeps an unfinished form in the vault's encrypted drafts (the core's draft channels),
 * so that an accidental close loses nothing. Never the renderer's own storage: that would
 * put case text on disk in the clear.
 *
 * A draft is saved SAVE_DELAY_MS after the last change (a save writes the drafts file), and
 * each change is also staged with the core (stageDraft, memory only; within STAGE_EVERY_MS),
 * so that a lock that comes in between, which the renderer cannot delay (the system going
 * to sleep), writes it before the keys go.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from '../api/client';
import { keys } from '../api/queries';
import { trackDraft, trackSave } from './pending-drafts';

export interface DraftState<V> {
  /** When the restored draft had been saved, if one was restored. */
  restoredFrom: string | null;
  /** When the form was last saved as a draft. */
  savedAt: string | null;
  /** A draft could not be saved (the message). */
  saveError: string | null;
  /** Forgets the draft (after the record is saved, or when the officer discards it). */
  discard: () => Promise<void>;
  /** Call on every change of the form. */
  changed: (values: V) => void;
}

const SAVE_DELAY_MS = 800;
/** How often a form's latest values may be staged with the core: at most this much typing is lost to a sleep. */
const STAGE_EVERY_MS = 100;

interface Staging<V> {
  timer: ReturnType<typeof setTimeout> | null;
  next: { key: string; values: V } | null;
}

/** Stages what waits, and lets the next stage go no sooner than STAGE_EVERY_MS. */
function sendStaged<V>(state: Staging<V>): void {
  if (state.timer !== null) clearTimeout(state.timer);
  const next = state.next;
  state.next = null;
  if (next === null) {
    state.timer = null;
    return;
  }
  // A refusal (the vault locked, the draft too large) is the save's to tell.
  void call('stageDraft', { key: next.key, data: { values: next.values } as never }).catch(() => undefined);
  state.timer = setTimeout(() => sendStaged(state), STAGE_EVERY_MS);
}

export function useDraft<V>(key: string | undefined, restore: (values: V) => void): DraftState<V> {
  const client = useQueryClient();
  const [restoredFrom, setRestoredFrom] = useState<string | null>(null);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const dirty = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<V | null>(null);
  const restoreRef = useRef(restore);
  restoreRef.current = restore;
  // At most one staging call every STAGE_EVERY_MS, with the latest values (and their draft's
  // key, which may change meanwhile). Not one at a time: while the core is busy with a long
  // step it answers nothing, and what waited here would be lost to a sleep.
  const staging = useRef<Staging<V>>({ timer: null, next: null });
  // Saves sent so far: a failed save is tried again only if no later one was sent since.
  const sent = useRef(0);

  useEffect(() => {
    if (!key) return;
    let active = true;
    dirty.current = false;
    call('listDrafts')
      .then((drafts) => {
        const found = drafts.find((d) => d.key === key);
        // Typing already started: the officer's current text wins over an old draft.
        if (!active || !found || dirty.current) return;
        const data = found.data as { values?: V } | null;
        if (data && typeof data === 'object' && data.values !== undefined) {
          restoreRef.current(data.values);
          setRestoredFrom(found.savedAt);
        }
      })
      .catch(() => undefined);
    return () => {
      active = false;
    };
  }, [key]);

  // The last save sent, while it is on its way: locking by hand waits for it (a save still
  // on its way when the key goes would fail).
  const inFlight = useRef<Promise<string | null> | null>(null);

  /**
   * Saves what waits; gives the error message of the save, or null. Nothing here waits for
   * an earlier call: the core takes calls in the order they were sent, so saves land in
   * order, and it takes the last call of a draft that it has been sent (stage, save or
   * discard) as its latest state, which a call held back here would contradict.
   */
  const flush = useCallback((): Promise<string | null> => {
    if (!key || pending.current === null) return inFlight.current ?? Promise.resolve(null);
    const values = pending.current;
    pending.current = null;
    // The save carries these values: staging them after it would only stage the saved.
    staging.current.next = null;
    const seq = ++sent.current;
    const saving = (async (): Promise<string | null> => {
      try {
        const result = await call('saveDraft', { key, data: { values } as never });
        // The form shows the last save's outcome, not an earlier one's that ends later (or
        // one's that ends after a discard).
        if (sent.current === seq) {
          setSavedAt(result.savedAt);
          setSaveError(null);
        }
        return null;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // Not saved: still waiting, for the next change's save or for Lock to try again,
        // unless a later save has gone since with later values (or the draft was discarded).
        if (sent.current === seq) {
          setSaveError(message);
          pending.current ??= values;
        }
        return message;
      }
    })();
    inFlight.current = saving;
    trackSave(saving);
    void saving.finally(() => {
      if (inFlight.current === saving) inFlight.current = null;
    });
    return saving;
  }, [key]);

  // Locking by hand saves first what waits for its delay (pending-drafts.ts).
  useEffect(() => {
    if (!key) return;
    return trackDraft(() => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      return flush();
    });
  }, [key, flush]);

  // A pending save is written when the form goes away (closing the screen is not losing it).
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      void flush();
    },
    [flush],
  );

  const stage = useCallback(
    (values: V) => {
      if (!key) return;
      const state = staging.current;
      state.next = { key, values };
      if (state.timer === null) sendStaged(state);
    },
    [key],
  );

  // A hidden window's timers slow to about one a second, and a closing lid hides it before
  // the system sleeps: what waits goes at once.
  useEffect(() => {
    const hidden = (): void => {
      if (document.visibilityState === 'hidden' && staging.current.next !== null) sendStaged(staging.current);
    };
    document.addEventListener('visibilitychange', hidden);
    return () => document.removeEventListener('visibilitychange', hidden);
  }, []);

  const changed = useCallback(
    (values: V) => {
      if (!key) return;
      dirty.current = true;
      pending.current = values;
      stage(values);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), SAVE_DELAY_MS);
    },
    [key, flush, stage],
  );

  const discard = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    pending.current = null;
    staging.current.next = null;
    // A save on its way that then fails must not put the discarded values back.
    sent.current++;
    setSaveError(null);
    setRestoredFrom(null);
    setSavedAt(null);
    if (!key) return;
    await call('deleteDraft', { key }).catch(() => undefined);
    void client.invalidateQueries({ queryKey: keys.drafts });
  }, [key, client]);

  return { restoredFrom, savedAt, saveError, discard, changed };
}
