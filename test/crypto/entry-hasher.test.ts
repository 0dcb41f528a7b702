/**
 * The entry hasher (leaves and field commitments of a batch, in libsodium's WebAssembly
 * memory) against SHA-256 of the same pieces joined, computed independently, and its
 * refusal of a layout that points outside the batch.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIELD_DOMAIN } from '../../shared/entry/commitments';
import { toHex } from '../../shared/bytes';
import { createEntryHasher } from '../../electron/core/crypto/entry-hasher';
import { loadSodium } from '../../electron/core/crypto/sodium';

function seeded(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

function sha256(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);

beforeAll(async () => {
  await loadSodium();
});

describe('createEntryHasher', () => {
  it('gives each entry’s leaf and field commitments as SHA-256 of their pieces', () => {
    const bytes = seeded(4000, 7);
    // Two entries: (header start, length, fields), then per field (salt, name, name length, value, value length).
    const desc = Int32Array.from([0, 600, 2, 600, 632, 5, 640, 20, 700, 632, 5, 660, 1500, 2200, 0, 1, 2300, 700, 4, 3000, 900]);
    const hashes = createEntryHasher()(bytes, desc);
    const at = (start: number, length: number) => bytes.subarray(start, start + length);
    const field = (salt: number, name: number, nameLength: number, value: number, valueLength: number) =>
      sha256(FIELD_DOMAIN, at(salt, 32), u32(nameLength), at(name, nameLength), at(value, valueLength));
    const expected = [
      sha256(Uint8Array.of(0), at(0, 600)),
      field(600, 632, 5, 640, 20),
      field(700, 632, 5, 660, 1500),
      sha256(Uint8Array.of(0), at(2200, 0)),
      field(2300, 700, 4, 3000, 900),
    ];
    expect(hashes.length).toBe(expected.length * 32);
    expect(Array.from({ length: expected.length }, (_, i) => toHex(hashes.subarray(32 * i, 32 * i + 32)))).toEqual(expected);
  });

  it('refuses a layout that reads outside the batch, or that does not add up', () => {
    const bytes = seeded(1000, 9);
    const hasher = createEntryHasher();
    for (const desc of [
      [0, 1001, 0],
      [-1, 10, 0],
      [0, 10, 1, 990, 0, 1, 0, 1],
      [0, 10, 1, 0, 999, 2, 0, 1],
      [0, 10, 1, 0, 0, 1, 995, 6],
      [0, -1, 0],
      [0, 10, 1, 0, 0, -1, 0, 1],
      [0, 10, 1, 0, 0, 1, 0, -1],
    ]) {
      expect(() => hasher(bytes, Int32Array.from(desc)), JSON.stringify(desc)).toThrow(/entry layout out of range/);
    }
    expect(() => hasher(bytes, Int32Array.from([0, 10, 2, 0, 0, 1, 0, 1]))).toThrow(/entry layout malformed/);
    // The hasher is still good afterwards.
    expect(toHex(hasher(bytes, Int32Array.from([0, 10, 0])))).toBe(sha256(Uint8Array.of(0), bytes.subarray(0, 10)));
  });
});
