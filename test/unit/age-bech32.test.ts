/**
 * Bech32 as age uses it (shared/codec/bech32.ts) and the age key encodings built on it:
 * BIP 173 vectors, the examples in the age specification, strictness on hostile input.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../electron/core/crypto/sodium';
import {
  ageRecipientOf,
  encodeAgeIdentity,
  encodeAgeRecipient,
  generateAgeIdentity,
  parseAgeIdentity,
  parseAgeRecipient,
} from '../../electron/core/formats/age';
import { bech32Decode, bech32Encode } from '../../shared/codec/bech32';
import { toHex } from '../../shared/bytes';
import { TearlineError } from '../../shared/errors';

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof TearlineError ? error.code : `uncaught ${String(error)}`;
  }
}

beforeAll(async () => {
  await loadSodium();
});

describe('bech32', () => {
  it('accepts the BIP 173 valid strings whose data is whole bytes', () => {
    expect(bech32Decode('A12UEL5L')).toEqual({ hrp: 'A', data: new Uint8Array(0) });
    expect(bech32Decode('a12uel5l')).toEqual({ hrp: 'a', data: new Uint8Array(0) });
    const d = bech32Decode('abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw');
    expect(d.hrp).toBe('abcdef');
    // The 32 data characters in order are the values 0..31: 160 bits, 20 bytes.
    expect(toHex(d.data)).toBe('00443214c74254b635cf84653a56d7c675be77df');
    expect(bech32Decode('?1ezyfcl')).toEqual({ hrp: '?', data: new Uint8Array(0) });
  });

  it('refuses the BIP 173 invalid strings', () => {
    for (const bad of [
      'pzry9x0s0muk', // no separator
      '1pzry9x0s0muk', // empty prefix
      'x1b4n0q5v', // 'b' is not a data character
      'li1dgmt3', // checksum too short
      'A1G7SGD8', // checksum computed over the upper-case prefix
      '10a06t8', // empty prefix
      '1qzzfhee', // empty prefix
      'de1lg7wt\u00ff', // non-ASCII data character
      '\u00201nwldj5', // prefix character out of range
      '\u007f1axkwrx', // prefix character out of range
    ]) {
      expect(codeOf(() => bech32Decode(bad)), bad).toBe('E_MALFORMED');
    }
  });

  it('refuses mixed case, bad checksums, excess or non-zero padding, and overlong input', () => {
    const good = bech32Encode('age', new Uint8Array(32).fill(7));
    expect(codeOf(() => bech32Decode(good.slice(0, 5) + good.slice(5, 6).toUpperCase() + good.slice(6)))).toBe('E_MALFORMED');
    const flipped = good.slice(0, -1) + (good.endsWith('q') ? 'p' : 'q');
    expect(codeOf(() => bech32Decode(flipped))).toBe('E_MALFORMED');
    // Five or more leftover bits are a whole padding word: a second spelling of the same bytes.
    expect(codeOf(() => bech32Decode(recheck('age', [0])))).toBe('E_MALFORMED');
    expect(codeOf(() => bech32Decode(recheck('age', Array(6).fill(0))))).toBe('E_MALFORMED');
    expect(bech32Decode(recheck('age', Array(8).fill(0))).data).toEqual(new Uint8Array(5));
    // Non-zero padding bits: 52 words carry 260 bits for 32 bytes, the last 4 must be zero.
    const nonZeroPad = recheck('age', [...Array(51).fill(0), 1]);
    expect(codeOf(() => bech32Decode(nonZeroPad))).toBe('E_MALFORMED');
    expect(bech32Decode(recheck('age', Array(52).fill(0))).data).toEqual(new Uint8Array(32));
    expect(codeOf(() => bech32Decode('a1' + 'q'.repeat(5000)))).toBe('E_MALFORMED');
  });

  it('round-trips any bytes under a lower- or upper-case prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (data, upper) => {
        const hrp = upper ? 'AGE-SECRET-KEY-' : 'age';
        const text = bech32Encode(hrp, data);
        expect(text === text.toUpperCase() || text === text.toLowerCase()).toBe(true);
        const back = bech32Decode(text);
        expect(back.hrp).toBe(hrp);
        expect(back.data).toEqual(data);
      }),
      { numRuns: 200 },
    );
  });

  it('never accepts a one-character change', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), fc.nat(), (data, at, pick) => {
        const text = bech32Encode('age', data);
        const i = 4 + (at % (text.length - 4)); // a data or checksum character
        const replacement = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'[pick % 32]!;
        if (replacement === text[i]) return;
        expect(codeOf(() => bech32Decode(text.slice(0, i) + replacement + text.slice(i + 1)))).toBe('E_MALFORMED');
      }),
      { numRuns: 300 },
    );
  });
});

/** A bech32 string over raw 5-bit words with a correct checksum, to build edge cases. */
function recheck(hrp: string, words: number[]): string {
  const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  const values = [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31), ...words, 0, 0, 0, 0, 0, 0];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ gen[i]!) >>> 0;
  }
  chk ^= 1;
  let out = `${hrp}1${words.map((w) => charset[w]).join('')}`;
  for (let i = 0; i < 6; i++) out += charset[(chk >>> (5 * (5 - i))) & 31];
  return out;
}

describe('age keys', () => {
  it('derives the recipient of the specification example identity', () => {
    const identity = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
    expect(ageRecipientOf(identity)).toBe('age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj');
    expect(parseAgeIdentity(identity)).toEqual(new Uint8Array(32).fill(0x42));
  });

  it('round-trips generated keys and keeps each in its own case', () => {
    const { identity, recipient } = generateAgeIdentity();
    expect(identity).toMatch(/^AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}$/);
    expect(recipient).toMatch(/^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$/);
    expect(ageRecipientOf(identity)).toBe(recipient);
    expect(encodeAgeIdentity(parseAgeIdentity(identity))).toBe(identity);
    expect(encodeAgeRecipient(parseAgeRecipient(recipient))).toBe(recipient);
  });

  it('refuses keys in the wrong case, with the wrong prefix or length, or damaged', () => {
    const { identity, recipient } = generateAgeIdentity();
    for (const bad of [
      recipient.toUpperCase(), // age requires recipients in lower case
      identity, // an identity is not a recipient
      bech32Encode('age', new Uint8Array(31)),
      bech32Encode('age', new Uint8Array(33)),
      bech32Encode('age1pq', new Uint8Array(32)),
      recipient.slice(0, -1),
      ` ${recipient}`,
      '',
    ]) {
      expect(codeOf(() => parseAgeRecipient(bad)), bad).toBe('E_MALFORMED');
    }
    for (const bad of [
      identity.toLowerCase(),
      recipient,
      bech32Encode('AGE-SECRET-KEY-', new Uint8Array(16)),
      bech32Encode('AGE-PLUGIN-YUBIKEY-', new Uint8Array(32)),
      identity + 'Q',
    ]) {
      expect(codeOf(() => parseAgeIdentity(bad)), bad).toBe('E_MALFORMED');
    }
  });
});
