/**
 * Comparing a fingerprint that was read out or written down with the keys this vault
 * knows: in hexadecimal (spaces and case ignored) or as the twelve words, in order.
 */
import { fromHex } from '../../../shared/bytes';
import { fingerprintWords, formatFingerprint } from '../../../shared/keys/fingerprint';

/** The 12 words of a fingerprint given in hex; [] if it is not a fingerprint. */
export function wordsOf(hex: string): string[] {
  if (!/^[0-9a-f]{32}$/.test(hex)) return [];
  return fingerprintWords(fromHex(hex));
}

export interface Candidate {
  name: string;
  /** 32 lowercase hex digits. */
  fingerprint: string;
}

export interface Comparison {
  match: boolean;
  /** The key it matches, if any. */
  name: string | null;
  text: string;
}

export function compareFingerprint(input: string, candidates: readonly Candidate[]): Comparison {
  const hex = input.replace(/[\s:-]+/g, '').toLowerCase();
  if (/^[0-9a-f]+$/.test(hex)) {
    if (hex.length !== 32) {
      return { match: false, name: null, text: `A fingerprint has 32 hexadecimal digits; this has ${hex.length}.` };
    }
    const found = candidates.find((c) => c.fingerprint === hex);
    return found
      ? { match: true, name: found.name, text: `Match: this is the fingerprint of ${found.name}.` }
      : { match: false, name: null, text: `No match: ${formatFingerprint(hex)} is not the fingerprint of any key known here.` };
  }
  const words = input.toLowerCase().split(/[^a-z]+/).filter(Boolean);
  if (words.length !== 12) {
    return { match: false, name: null, text: `A fingerprint has twelve words; this has ${words.length}.` };
  }
  const found = candidates.find((c) => wordsOf(c.fingerprint).join(' ') === words.join(' '));
  if (found) return { match: true, name: found.name, text: `Match: these are the words of ${found.name}.` };
  // The closest known key, to say how far off it is (a word misheard, or another key).
  let best: { name: string; same: number } | null = null;
  for (const c of candidates) {
    const w = wordsOf(c.fingerprint);
    const same = w.filter((x, i) => x === words[i]).length;
    if (!best || same > best.same) best = { name: c.name, same };
  }
  const hint = best && best.same >= 9 ? ` It differs from ${best.name} in ${12 - best.same} word${12 - best.same === 1 ? '' : 's'}: check them again.` : '';
  return { match: false, name: null, text: `No match: these words are not the fingerprint of any key known here.${hint}` };
}
