/**
 * The batches of the second reading (electron/core/bundle/entry-batches.ts), with a
 * stand-in worker: entries are handed on in order, and once handing one on has failed,
 * nothing after it is, as on the single-thread path, which stops at the failure.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, RECORD_HEADER_BYTES } from '../../shared/bundle/format';
import { describeEntryValue, entryDescriptionLength, entryValueIndex, readEntry, readEntryValue, scanBundle } from '../../shared/bundle/framing';
import { exampleBody } from '../../shared/domain/examples';
import { EntryBatches } from '../../electron/core/bundle/entry-batches';
import type { BackgroundHasher } from '../../electron/core/crypto/hash-worker';
import { hashCount } from '../../electron/core/crypto/entry-hasher';
import { loadSodium, sodium } from '../../electron/core/crypto/sodium';
import { craftBundle, craftRecord } from './craft';

await loadSodium();

/** The ENTRY values of a small crafted bundle. */
function entryValues(): Uint8Array[] {
  const author = sodium().crypto_sign_keypair().publicKey;
  const caseId = '01900000-0000-7000-8000-00000000ca5e';
  const log = [
    craftRecord({ id: caseId, kind: 'case.opened', caseId, author, ts: '2025-03-12T09:00:00.000Z', body: exampleBody('case.opened') }),
    craftRecord({ id: '01900000-0000-7000-8000-000000000002', kind: 'note', caseId, author, ts: '2025-03-12T09:01:00.000Z', body: exampleBody('note', { caseId }) }),
  ];
  const bytes = craftBundle({ origin: `tearline/${'ab'.repeat(16)}`, log, signer: { secretKey: sodium().crypto_sign_keypair().privateKey } }).payload;
  const layout = scanBundle(bytes, DEFAULT_LIMITS);
  const values: Uint8Array[] = [];
  for (let i = 0, at = layout.entriesStart; i < layout.entryCount; i++) {
    const { next } = readEntry(bytes, at);
    values.push(bytes.subarray(at + RECORD_HEADER_BYTES, next));
    at = next;
  }
  return values;
}

/** Hashes nothing (zeros) and checks nothing: only the order and the handing on are under test. */
const standIn = {
  begin: () => undefined,
  update: () => undefined,
  room: () => undefined,
  cut: () => undefined,
  settle: async () => undefined,
  streamMs: 0,
  hashEntries: async (_bytes: Uint8Array, desc: Int32Array) => new Uint8Array(hashCount(desc) * 32),
  hashBatch: async (_bytes: Uint8Array, desc: Int32Array) => ({ hashes: new Uint8Array(hashCount(desc) * 32), hashMs: 0 }),
  checkEntries: async () => {
    throw new Error('not asked for');
  },
  checkSegments: async () => {
    throw new Error('not asked for');
  },
  finish: async () => [],
  close: () => undefined,
} satisfies BackgroundHasher;

describe('entry batches', () => {
  it('hands entries on in order, and none after one whose handing on failed', async () => {
    const values = entryValues();
    // Some 3 MB: several batches of 1 MiB.
    const total = Math.ceil((3 * 1024 * 1024) / values[1]!.length);
    const seen: number[] = [];
    const failAt = 10;
    const batches = new EntryBatches(standIn, {
      check: (raw) => {
        seen.push(raw.index);
        if (seen.length === failAt) throw new Error('the sink failed');
      },
      checked: () => {
        throw new Error('not asked for');
      },
    });
    for (let i = 0; i < total; i++) batches.add(values[i % 2]!);
    await expect(batches.drain(true)).rejects.toThrow('the sink failed');
    expect(seen).toHaveLength(failAt);
    expect(seen.slice(0, 4)).toEqual([0, 1, 0, 1]);
    // What the verifier does after a failure: the entries already read are not handed on.
    await batches.drain(true);
    expect(seen).toHaveLength(failAt);
  });

  it('describes an entry by the offsets of the very views that reading it gives, in the length it announces', () => {
    const values = entryValues();
    // Laid out at an offset in a larger buffer, as in a batch.
    const batch = new Uint8Array(64 + values[0]!.length + values[1]!.length);
    batch.set(values[0]!, 64);
    batch.set(values[1]!, 64 + values[0]!.length);
    let at = 0;
    const out = new Int32Array(entryDescriptionLength(values[0]!) + entryDescriptionLength(values[1]!));
    const expected: number[] = [];
    let start = 64;
    for (const value of values) {
      const stored = batch.subarray(start, start + value.length);
      const raw = readEntryValue(stored);
      expect(entryValueIndex(stored)).toBe(raw.index);
      const off = (view: Uint8Array) => view.byteOffset - batch.byteOffset;
      expected.push(off(raw.header), raw.header.length, raw.fields.length);
      for (const f of raw.fields) expected.push(off(f.salt), off(f.salt) - f.name.length, f.name.length, off(f.value), f.value.length);
      const end = describeEntryValue(batch, start, out, at);
      expect(end - at).toBe(entryDescriptionLength(value));
      at = end;
      start += value.length;
    }
    expect(Array.from(out.subarray(0, at))).toEqual(expected);
    expect(expected[2]).toBeGreaterThan(3);
  });
});
