/** Lock's wait for drafts (renderer/src/forms/pending-drafts.ts): bounded, and every failure said once. */
import { describe, expect, it } from 'vitest';
import { savePendingDrafts, trackDraft, trackSave } from '../../renderer/src/forms/pending-drafts';

describe('saving the drafts before Lock', () => {
  it('waits for saves under way, reports each failure once, and does not wait for ever', async () => {
    const failing = Promise.resolve('the disk is full');
    trackSave(failing);
    const untrack = trackDraft(() => failing);
    const untrackOk = trackDraft(async () => null);
    try {
      expect(await savePendingDrafts()).toEqual(['the disk is full']);
    } finally {
      untrack();
      untrackOk();
    }
    await Promise.resolve();
    expect(await savePendingDrafts()).toEqual([]);
    // An answer that never comes: Lock is told so after the wait, and is not kept waiting.
    const never = new Promise<string | null>(() => undefined);
    const untrackNever = trackDraft(() => never);
    try {
      // (Were the wait unbounded, this would never return, and the test would time out.)
      expect(await savePendingDrafts(50)).toEqual(['A draft is still being saved.']);
    } finally {
      untrackNever();
    }
  });
});
