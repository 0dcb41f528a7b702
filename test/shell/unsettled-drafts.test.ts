import { describe, expect, it } from 'vitest';
import { DRAFT_MAX_BYTES, DRAFT_MAX_COUNT } from '../../shared/ipc';
import { UNSETTLED_MAX_BYTES, UnsettledDrafts } from '../../electron/host/unsettled-drafts';

describe('UnsettledDrafts', () => {
  it('forgets a note only for the call that brought it, not for one that a later call replaced', () => {
    const drafts = new UnsettledDrafts();
    // A save arrives, then a stage with later values: the save, once written, leaves the stage.
    const save = drafts.changed('a', { v: 1 }, false);
    drafts.changed('a', { v: 2 }, true);
    drafts.settled('a', save);
    // A discard, then typing into a new form under the same key: the delete, once done, leaves it.
    const discard = drafts.discarded('b');
    drafts.changed('b', { v: 3 }, true);
    drafts.settled('b', discard);
    // A save with nothing after it is forgotten once written.
    drafts.settled('c', drafts.changed('c', { v: 4 }, false));
    expect(drafts.take()).toEqual([
      ['a', { v: 2 }],
      ['b', { v: 3 }],
    ]);
    expect(drafts.take()).toEqual([]);
  });

  it('notes a discard as undefined, which JSON values cannot be', () => {
    const drafts = new UnsettledDrafts();
    drafts.changed('a', null, true);
    drafts.discarded('b');
    expect(drafts.take()).toEqual([
      ['a', null],
      ['b', undefined],
    ]);
  });

  it('keeps a draft’s older note when a stage is refused, and forgets it for a save that may write itself once it has', () => {
    const drafts = new UnsettledDrafts();
    drafts.changed('a', 'typed since the last save', true);
    // A stage too large for a draft: refused, and what was typed before it is still written at a lock.
    expect(() => drafts.changed('a', 'x'.repeat(DRAFT_MAX_BYTES), true)).toThrow(/too large/);
    // A save too large for a draft fails itself: the older note is still newer than the file.
    expect(drafts.changed('a', 'x'.repeat(DRAFT_MAX_BYTES), false)).toBeUndefined();
    // Each a quarter of what may wait (as JSON, with its quotes): four and the note of 'a' are too much.
    const part = 'x'.repeat(UNSETTLED_MAX_BYTES / 4 - 2);
    for (const key of ['p1', 'p2', 'p3']) drafts.changed(key, part, true);
    drafts.changed('b', 'typed', true);
    // Too much waiting: a stage is refused and the older note kept...
    expect(() => drafts.changed('b', part, true)).toThrow(/too much unsaved typing/);
    // ...but a save that cannot be noted may still write itself: the older note is the
    // save's own, kept for the lock until the save is written (it is refused or cancelled
    // meanwhile), and forgotten once it is (written after it, it would take the draft back).
    const save = drafts.changed('b', part, false);
    expect(save?.data).toBe('typed');
    expect(drafts.take().map(([key]) => key)).toEqual(['a', 'p1', 'p2', 'p3', 'b']);
    drafts.changed('c', 'typed', true);
    for (const key of ['p1', 'p2', 'p3', 'd']) drafts.changed(key, key === 'd' ? 'more' : part, true);
    const written = drafts.changed('c', part, false);
    expect(written?.data).toBe('typed');
    drafts.settled('c', written);
    expect(drafts.take().map(([key]) => key)).toEqual(['p1', 'p2', 'p3', 'd']);
  });

  it('counts discards with the drafts, and past the count marks only a draft that has a note', () => {
    const drafts = new UnsettledDrafts();
    for (let i = 0; i < DRAFT_MAX_COUNT - 1; i++) drafts.discarded(`gone${i}`);
    drafts.changed('kept', 'typed', true);
    expect(() => drafts.changed('one-more', 'typed', true)).toThrow(/too much unsaved typing/);
    expect(drafts.discarded('another')).toBeUndefined();
    expect(drafts.discarded('kept')).toBeDefined();
    expect(drafts.take().filter(([, data]) => data !== undefined)).toEqual([]);
  });

  it('holds no more than a draft’s size, nor more than UNSETTLED_MAX_BYTES or DRAFT_MAX_COUNT drafts in all', () => {
    const drafts = new UnsettledDrafts();
    const big = 'x'.repeat(DRAFT_MAX_BYTES);
    expect(() => drafts.changed('a', big, true)).toThrow(/too large/);
    // A save's values over the limits are not noted (the save refuses them itself).
    expect(drafts.changed('a', big, false)).toBeUndefined();
    const part = 'x'.repeat(Math.floor(UNSETTLED_MAX_BYTES / 4) - 10);
    for (const key of ['p1', 'p2', 'p3', 'p4']) drafts.changed(key, part, true);
    expect(() => drafts.changed('p5', part, true)).toThrow(/too much unsaved typing/);
    expect(drafts.changed('p5', part, false)).toBeUndefined();
    // Replacing a draft's values counts them once; settling gives the room back.
    drafts.changed('p4', 'short', true);
    drafts.settled('p3', drafts.changed('p3', part, true));
    drafts.changed('p5', part, true);
    expect(drafts.take().map(([key]) => key)).toEqual(['p1', 'p2', 'p4', 'p5']);
    for (let i = 0; i < DRAFT_MAX_COUNT; i++) drafts.changed(`k${i}`, i, true);
    expect(() => drafts.changed('one-more', 0, true)).toThrow(/too much unsaved typing/);
    drafts.changed('k0', 'again', true);
    drafts.discarded('k1');
    expect(drafts.take()).toHaveLength(DRAFT_MAX_COUNT);
  });
});
