/** SeenIds finds every repeated id, whatever the order the ids come in. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeenIds } from '../../shared/bundle/seen-ids';

describe('SeenIds', () => {
  it('answers as a set does, in increasing order and out of it', () => {
    const ids = fc.array(fc.oneof(fc.constantFrom('a', 'b', 'c', 'b0', 'a9'), fc.string({ maxLength: 3 })), { maxLength: 60 });
    const sorted = ids.map((list) => [...list].sort());
    fc.assert(
      fc.property(fc.oneof(ids, sorted), (list) => {
        const seen = new SeenIds();
        const reference = new Set<string>();
        for (const id of list) {
          expect(seen.repeat(id), id).toBe(reference.has(id));
          reference.add(id);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a repeat of an earlier id after an increasing run, and of the greatest one', () => {
    const seen = new SeenIds();
    for (const id of ['01', '02', '03']) expect(seen.repeat(id)).toBe(false);
    expect(seen.repeat('03')).toBe(true);
    expect(seen.repeat('01')).toBe(true);
    expect(seen.repeat('00')).toBe(false);
    expect(seen.repeat('04')).toBe(false);
    expect(seen.repeat('00')).toBe(true);
  });
});
