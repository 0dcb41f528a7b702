/** clip collapses only a prefix of a long text; it must give what collapsing the whole text gives. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clip } from '../../shared/domain/summary';

function reference(value: unknown, max = 80): string | undefined {
  if (typeof value !== 'string') return undefined;
  const oneLine = value.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return undefined;
  return oneLine.length > max ? oneLine.slice(0, max - 1).trimEnd() + '…' : oneLine;
}

const piece = fc.constantFrom('a', 'word', ' ', '  ', '\n', '\t', '\r\n', '\u00a0', '\u2028', '\ufeff', 'é', '😀', ' x ');

describe('clip', () => {
  it('matches collapsing the whole text, for short and long texts and any limit', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 400 }), fc.integer({ min: 1, max: 120 }), (pieces, max) => {
        const text = pieces.join('');
        expect(clip(text, max)).toBe(reference(text, max));
      }),
      { numRuns: 500 },
    );
  });

  it('handles texts that are mostly whitespace beyond the prefix it looks at', () => {
    for (const text of [' '.repeat(5000) + 'end', 'a' + ' \n'.repeat(3000) + 'b', 'x'.repeat(400) + ' '.repeat(400), '\n'.repeat(10_000)]) {
      expect(clip(text)).toBe(reference(text));
      expect(clip(text, 3)).toBe(reference(text, 3));
    }
    expect(clip(42)).toBeUndefined();
  });
});
