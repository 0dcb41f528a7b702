/**
 * Keys passed to libsodium's WebAssembly build are copied into its memory by the wrappers
 * for each call. Those copies must not outlive the call: a lock wipes our own buffers,
 * but could not reach these, and a records key was found there after a lock.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, sodium } from '../../electron/core/crypto/sodium';

beforeAll(async () => {
  await loadSodium();
});

function copiesInWasmMemory(needle: Uint8Array): number {
  const heap = (sodium() as unknown as { libsodium: { HEAPU8: Uint8Array } }).libsodium.HEAPU8;
  let found = 0;
  for (let i = heap.indexOf(needle[0]!); i !== -1 && i + needle.length <= heap.length; i = heap.indexOf(needle[0]!, i + 1)) {
    let same = true;
    for (let j = 1; j < needle.length && same; j++) same = heap[i + j] === needle[j];
    if (same) found++;
  }
  return found;
}

describe("libsodium's WebAssembly memory", () => {
  it('keeps no copy of a key after the call that used it', () => {
    const s = sodium();
    const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 255);
    const nonce = new Uint8Array(24);
    const sealed = s.crypto_aead_xchacha20poly1305_ietf_encrypt(new Uint8Array(40), new Uint8Array(8), null, nonce, key);
    expect(copiesInWasmMemory(key)).toBe(0);
    s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, new Uint8Array(8), nonce, key);
    expect(copiesInWasmMemory(key)).toBe(0);
    s.crypto_kdf_derive_from_key(32, 1, 'tlvault1', key);
    expect(copiesInWasmMemory(key)).toBe(0);
    const signing = s.crypto_sign_keypair();
    s.crypto_sign_detached(new Uint8Array(10), signing.privateKey);
    expect(copiesInWasmMemory(signing.privateKey.subarray(0, 32))).toBe(0);
    const exchange = s.crypto_box_keypair();
    s.crypto_scalarmult(exchange.privateKey, s.crypto_scalarmult_base(key));
    expect(copiesInWasmMemory(exchange.privateKey)).toBe(0);
  });
});
