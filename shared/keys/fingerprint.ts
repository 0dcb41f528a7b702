/**
 * How people compare keys: a fingerprint in hex groups, and the same bits as words, which
 * are easier to read aloud over a telephone or compare on two screens side by side.
 */
import { wordlist } from '@scure/bip39/wordlists/english.js';

/** Fingerprint bytes are the first 16 bytes of BLAKE2b-256 over the Ed25519 public key. */
export const FINGERPRINT_BYTES = 16;

export function formatFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * 128 bits as 12 words of the BIP-39 English list (11 bits a word; the last word carries
 * the 7 remaining bits and 4 zero bits). Not a seed phrase: there is no checksum and the
 * words cannot recover a key, they only name one.
 */
export function fingerprintWords(bytes: Uint8Array): string[] {
  if (bytes.length !== FINGERPRINT_BYTES) throw new Error('fingerprint must be 16 bytes');
  const words: string[] = [];
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 11) {
      words.push(wordlist[(acc >>> (bits - 11)) & 0x7ff]!);
      bits -= 11;
      acc &= (1 << bits) - 1;
    }
  }
  if (bits > 0) words.push(wordlist[(acc << (11 - bits)) & 0x7ff]!);
  return words;
}
