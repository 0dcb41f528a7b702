/** Known-answer tests: the primitives the vault uses produce the published outputs. */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes';
import { loadSodium, sodium } from '../../electron/core/crypto/sodium';
import { open } from '../../electron/core/crypto/aead';
import { sha256 } from '../../electron/core/crypto/hash';
import { createHash } from 'node:crypto';

const kat = JSON.parse(readFileSync('test/vectors/crypto/kat.json', 'utf8')) as {
  ed25519: { name: string; seed: string; publicKey: string; message: string; signature: string }[];
  xchacha20poly1305: { name: string; key: string; nonce: string; ad: string; plaintext: string; ciphertextAndTag: string }[];
};

beforeAll(async () => {
  await loadSodium();
});

describe('Ed25519 (RFC 8032)', () => {
  for (const v of kat.ed25519) {
    it(`${v.name}: key, signature and verification`, () => {
      const s = sodium();
      const kp = s.crypto_sign_seed_keypair(fromHex(v.seed));
      expect(toHex(kp.publicKey)).toBe(v.publicKey);
      const sig = s.crypto_sign_detached(fromHex(v.message), kp.privateKey);
      expect(toHex(sig)).toBe(v.signature);
      expect(s.crypto_sign_verify_detached(sig, fromHex(v.message), kp.publicKey)).toBe(true);
      const bad = fromHex(v.signature);
      bad[0]! ^= 1;
      expect(s.crypto_sign_verify_detached(bad, fromHex(v.message), kp.publicKey)).toBe(false);
    });
  }
});

describe('XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha)', () => {
  for (const v of kat.xchacha20poly1305) {
    it(`${v.name}: encrypts to the published ciphertext and opens only with the right AD`, () => {
      const s = sodium();
      const ct = s.crypto_aead_xchacha20poly1305_ietf_encrypt(fromHex(v.plaintext), fromHex(v.ad), null, fromHex(v.nonce), fromHex(v.key));
      expect(toHex(ct)).toBe(v.ciphertextAndTag);
      const sealed = { nonce: fromHex(v.nonce), ciphertext: fromHex(v.ciphertextAndTag) };
      expect(toHex(open(fromHex(v.key), sealed, fromHex(v.ad))!)).toBe(v.plaintext);
      const otherAd = fromHex(v.ad);
      otherAd[0]! ^= 1;
      expect(open(fromHex(v.key), sealed, otherAd)).toBeUndefined();
    });
  }
});

describe('SHA-256 through the raw libsodium path', () => {
  it('matches an independent implementation for lengths across the buffer boundary', () => {
    for (const n of [0, 1, 55, 56, 64, 4095, 4096, 4097, 100_000]) {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 255);
      expect(toHex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
    expect(toHex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
