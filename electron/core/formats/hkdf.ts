/**
 * HKDF-SHA-256 (RFC 5869) over libsodium's HMAC-SHA-256. The sumo build we ship exposes
 * the HMAC primitive but not crypto_kdf_hkdf_sha256_*, and age needs HKDF with salts of
 * 0, 16 and 64 bytes; the streaming HMAC interface takes keys of any length.
 */
import { sodium } from '../crypto/sodium';

const HASH_LENGTH = 32;

export function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const s = sodium();
  const state = s.crypto_auth_hmacsha256_init(key);
  for (const p of parts) s.crypto_auth_hmacsha256_update(state, p);
  return s.crypto_auth_hmacsha256_final(state);
}

export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length = HASH_LENGTH): Uint8Array {
  if (!Number.isInteger(length) || length < 1 || length > 255 * HASH_LENGTH) {
    throw new Error('hkdfSha256: output length out of range');
  }
  const prk = hmacSha256(salt, ikm);
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, at = 0; at < length; i++) {
    previous = hmacSha256(prk, previous, info, Uint8Array.of(i));
    out.set(previous.subarray(0, Math.min(HASH_LENGTH, length - at)), at);
    at += HASH_LENGTH;
  }
  sodium().memzero(prk);
  return out;
}
