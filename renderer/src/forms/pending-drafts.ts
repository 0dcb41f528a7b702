/**
 * The drafts on screen, each with a way to write its latest change at once (useDraft waits
 * 800 ms after a keystroke before saving). Locking by hand writes them first: once the
 * vault is locked its keys are gone and a draft can no longer be saved, so the officer's
 * last moment of typing before pressing Lock would be lost.
 */
/** Saves a draft's latest change (and waits for a save under way): its error message, or null. */
type SaveNow = () => Promise<string | null>;

const onScreen = new Set<SaveNow>();

/** Adds a draft's saver; returns the function that removes it. */
export function trackDraft(saveNow: SaveNow): () => void {
  onScreen.add(saveNow);
  return () => {
    onScreen.delete(saveNow);
  };
}

/** Writes every draft's change still waiting for its delay, and waits for saves under way: the error messages of those that failed. */
export async function savePendingDrafts(): Promise<string[]> {
  const outcomes = await Promise.all([...onScreen].map((saveNow) => saveNow().catch((error: unknown) => (error instanceof Error ? error.message : String(error)))));
  return outcomes.filter((message): message is string => message !== null);
}
