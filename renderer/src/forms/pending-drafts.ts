/**
 * The drafts on screen, each with a way to write its latest change at once (useDraft waits
 * 800 ms after a keystroke before saving). Locking by hand writes them first, so that a
 * draft that cannot be saved is told to the officer before the keys go, and Lock waits.
 * (Any lock also saves what the forms staged with the core, stageDraft: that one cannot
 * tell anyone of a failure.)
 */
/** Saves a draft's latest change (and waits for a save under way): its error message, or null. */
type SaveNow = () => Promise<string | null>;

const onScreen = new Set<SaveNow>();
/** Saves under way, of drafts on screen or of forms just closed (which save as they go). */
const underWay = new Set<Promise<string | null>>();

/** How long Lock waits for drafts to be saved before it says that one was not. */
export const SAVE_WAIT_MS = 3000;

/** Adds a draft's saver; returns the function that removes it. */
export function trackDraft(saveNow: SaveNow): () => void {
  onScreen.add(saveNow);
  return () => {
    onScreen.delete(saveNow);
  };
}

/** Adds a save under way, until it ends. */
export function trackSave(saving: Promise<string | null>): void {
  underWay.add(saving);
  void saving.finally(() => underWay.delete(saving));
}

/**
 * Writes every draft's change still waiting for its delay, and waits for saves under way
 * (SAVE_WAIT_MS at most: an answer that never comes must not keep the vault unlocked): the
 * error messages of those that failed, or did not end in time.
 */
export async function savePendingDrafts(waitMs = SAVE_WAIT_MS): Promise<string[]> {
  const saves = new Set<Promise<string | null>>(underWay);
  for (const saveNow of onScreen) saves.add(saveNow());
  const outcomes = Promise.all([...saves].map((saving) => saving.catch((error: unknown) => (error instanceof Error ? error.message : String(error)))));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve(['A draft is still being saved.']), waitMs);
  });
  try {
    const messages = await Promise.race([outcomes.then((all) => all.filter((message): message is string => message !== null)), late]);
    return [...new Set(messages)];
  } finally {
    clearTimeout(timer);
  }
}
