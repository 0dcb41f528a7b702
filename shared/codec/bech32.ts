/**
 * Bech32 (BIP 173) as age uses it: the original checksum constant (not bech32m), no limit
 * on the length of the data part, and an upper-case form for secret keys. Decoding is
 * strict: one case throughout, only the 32 data characters, a valid checksum, and no
 * padding bits beyond what 8-to-5 regrouping needs (all of them zero), so that each key
 * has exactly one spelling in each case.
 */
import { TearlineError } from '../errors';

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const CHARSET_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < CHARSET.length; i++) CHARSET_INDEX[CHARSET.charCodeAt(i)] = i;

const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const CHECKSUM_LENGTH = 6;

/** A string longer than this is refused before any work: no key comes near it. */
export const BECH32_MAX_LENGTH = 4096;

export interface Bech32Decoded {
  /** The human-readable part exactly as written (upper- or lower-case). */
  hrp: string;
  data: Uint8Array;
}

function polymod(values: number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ GENERATOR[i]!) >>> 0;
  }
  return chk;
}

function hrpExpand(lowerHrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < lowerHrp.length; i++) out.push(lowerHrp.charCodeAt(i) >> 5);
  out.push(0);
  for (let i = 0; i < lowerHrp.length; i++) out.push(lowerHrp.charCodeAt(i) & 31);
  return out;
}

function validHrp(hrp: string): boolean {
  if (hrp.length < 1) return false;
  for (let i = 0; i < hrp.length; i++) {
    const c = hrp.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

function malformed(message: string): TearlineError {
  return new TearlineError('E_MALFORMED', `invalid bech32 string: ${message}`);
}

/**
 * Encodes `data` under `hrp`. The output has the case of `hrp` (which must not mix
 * cases): age writes recipients as `age1...` and identities as `AGE-SECRET-KEY-1...`.
 */
export function bech32Encode(hrp: string, data: Uint8Array): string {
  if (!validHrp(hrp)) throw malformed('the prefix is empty or has a character outside 33..126');
  const lower = hrp.toLowerCase();
  const upper = hrp.toUpperCase();
  if (hrp !== lower && hrp !== upper) throw malformed('the prefix mixes upper and lower case');

  const words: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const byte of data) {
    acc = ((acc << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      words.push((acc >> bits) & 31);
    }
  }
  if (bits > 0) words.push((acc << (5 - bits)) & 31);

  const mod = polymod([...hrpExpand(lower), ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  let out = `${lower}1`;
  for (const w of words) out += CHARSET[w]!;
  for (let i = 0; i < CHECKSUM_LENGTH; i++) out += CHARSET[(mod >>> (5 * (5 - i))) & 31]!;
  return hrp === lower ? out : out.toUpperCase();
}

/** Decodes strictly; every defect is E_MALFORMED. */
export function bech32Decode(text: string): Bech32Decoded {
  if (typeof text !== 'string') throw malformed('not a string');
  if (text.length > BECH32_MAX_LENGTH) throw malformed('too long');
  const lowerText = text.toLowerCase();
  if (text !== lowerText && text !== text.toUpperCase()) throw malformed('mixed case');
  const sep = text.lastIndexOf('1');
  if (sep < 1) throw malformed('no separator or an empty prefix');
  if (sep + 1 + CHECKSUM_LENGTH > text.length) throw malformed('too short for a checksum');
  const hrp = text.slice(0, sep);
  if (!validHrp(hrp)) throw malformed('the prefix has a character outside 33..126');

  const values: number[] = [];
  for (let i = sep + 1; i < lowerText.length; i++) {
    const c = lowerText.charCodeAt(i);
    const v = c < 128 ? CHARSET_INDEX[c]! : -1;
    if (v < 0) throw malformed(`invalid character at position ${i}`);
    values.push(v);
  }
  if (polymod([...hrpExpand(hrp.toLowerCase()), ...values]) !== 1) throw malformed('bad checksum');

  const words = values.slice(0, values.length - CHECKSUM_LENGTH);
  const out = new Uint8Array(Math.floor((words.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const w of words) {
    acc = ((acc << 5) | w) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  // Leftover bits are padding: fewer than 5 of them, and all zero.
  if (bits >= 5) throw malformed('excess padding');
  if ((acc & ((1 << bits) - 1)) !== 0) throw malformed('non-zero padding');
  return { hrp, data: out };
}
