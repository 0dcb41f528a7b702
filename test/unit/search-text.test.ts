/**
 * The index's search text is kept as UTF-8 bytes: searching them must find exactly the
 * entries whose text contains the term, as a string search would, in both of its ways
 * (one pass over everything, and entry by entry), across chunk boundaries, after
 * truncation, and for text in any script.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK, SearchText } from '../../electron/core/log/search-text';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

function expectSameAsStrings(store: SearchText, texts: string[], term: string): void {
  const counts = new Uint16Array(texts.length);
  store.countMatches(utf8(term), counts);
  const expected = texts.map((t) => (t.includes(term) ? 1 : 0));
  expect([...counts]).toEqual(expected);
  expect(texts.map((_, i) => (store.contains(i, utf8(term)) ? 1 : 0))).toEqual(expected);
}

describe('search text as bytes', () => {
  it('matches exactly what a string search matches (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'ab', 'é', 'ж', '…', '😀', ' ', '\n');
    const text = fc.array(alphabet, { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 40 }), text.filter((t) => t.length > 0), (texts, term) => {
        const store = new SearchText();
        for (const t of texts) store.append(t);
        expectSameAsStrings(store, texts, term);
      }),
      { numRuns: 400 },
    );
  });

  it('never matches across two entries, nor in the unused end of a growing chunk', () => {
    const store = new SearchText();
    const texts = ['convoy harb', 'our station', 'harbour'];
    for (const t of texts) store.append(t);
    expectSameAsStrings(store, texts, 'harbour');
    expectSameAsStrings(store, texts, 'convoy harbour');
    store.truncate(2);
    expectSameAsStrings(store, texts.slice(0, 2), 'harbour');
  });

  it('spans chunks, takes whole chunks from index blocks, and truncates back', () => {
    const texts = Array.from({ length: 2 * CHUNK + 5 }, (_, i) => `entry ${i} ${i % 7 === 0 ? 'kidnapping' : 'warning'}`);
    const store = new SearchText();
    const first = texts.slice(0, CHUNK).map(utf8);
    store.appendChunk(Buffer.concat(first), first.map((b) => b.length));
    for (const t of texts.slice(CHUNK)) store.append(t);
    expect(store.size).toBe(texts.length);
    for (const term of ['kidnapping', `entry ${CHUNK + 3} `, 'entry 1', 'absent']) expectSameAsStrings(store, texts, term);
    expect(() => store.appendChunk(Buffer.alloc(0), [])).toThrow();
    store.truncate(CHUNK - 1);
    expectSameAsStrings(store, texts.slice(0, CHUNK - 1), 'warning');
    expect(Buffer.from(store.bytesOf(5)).toString()).toBe(texts[5]);
  });

  it('is zeroed when wiped', () => {
    const store = new SearchText();
    store.append('source name');
    const view = store.bytesOf(0);
    store.wipe();
    expect(store.size).toBe(0);
    expect([...view].every((b) => b === 0)).toBe(true);
  });

  it('leaves no copy of the text behind when a chunk grows, is sealed, or is truncated', () => {
    const zeroed = (view: Uint8Array) => view.length > 0 && view.every((b) => b === 0);
    const store = new SearchText();
    store.append('first informant');
    const beforeGrowth = store.bytesOf(0);
    // Longer than a new chunk's buffer: it is copied into a larger one.
    store.append('x'.repeat(100 * 1024));
    expect(zeroed(beforeGrowth)).toBe(true);
    expect(Buffer.from(store.bytesOf(0)).toString()).toBe('first informant');

    const dropped = store.bytesOf(1);
    store.truncate(1);
    expect(zeroed(dropped)).toBe(true);
    expect(Buffer.from(store.bytesOf(0)).toString()).toBe('first informant');

    for (let i = 1; i < CHUNK - 1; i++) store.append(`entry ${i}`);
    const beforeSeal = store.bytesOf(0);
    store.append('last of the chunk');
    expect(zeroed(beforeSeal)).toBe(true);
    expect(Buffer.from(store.bytesOf(0)).toString()).toBe('first informant');
    expect(Buffer.from(store.bytesOf(CHUNK - 1)).toString()).toBe('last of the chunk');
  });
});
