import { describe, expect, it } from 'vitest';
import { passphraseStrength } from '../../renderer/src/lib/passphrase-strength';

describe('passphrase strength', () => {
  it('calls anything under the minimum length too short, whatever its characters', () => {
    expect(passphraseStrength('').score).toBe(0);
    const short = passphraseStrength('x7#Qp!2');
    expect(short.score).toBe(0);
    expect(short.label).toBe('Too short');
    expect(short.advice[0]).toMatch(/at least 8 characters/);
  });

  it('sees through the patterns guessers try first', () => {
    expect(passphraseStrength('Password123!').score).toBeLessThanOrEqual(1);
    expect(passphraseStrength('Password123!').advice.join(' ')).toMatch(/common words/);
    expect(passphraseStrength('aaaaaaaaaaaaaaaa').score).toBe(1);
    expect(passphraseStrength('abcdefgh12345678').score).toBeLessThanOrEqual(1);
    expect(passphraseStrength('qwertyuiop').score).toBe(1);
    expect(passphraseStrength('Summer2024').advice.join(' ')).toMatch(/years and dates/);
  });

  it('rates several unrelated words and long random strings strong', () => {
    const words = passphraseStrength('copper lantern orbit meadow');
    expect(words.score).toBeGreaterThanOrEqual(3);
    const random = passphraseStrength('r9#Lw2!vKq8@Zt4%Xm');
    expect(random.score).toBe(4);
    expect(random.advice).toEqual([]);
  });

  it('grows with length for the same kind of characters', () => {
    const a = passphraseStrength('tkvbzmqh').bits;
    const b = passphraseStrength('tkvbzmqhwfxn').bits;
    const c = passphraseStrength('tkvbzmqhwfxnpdgr').bits;
    expect(a).toBeLessThan(b);
    expect(b).toBeLessThan(c);
  });
});
