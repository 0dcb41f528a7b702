/**
 * A large bundle file's second reading in segments (electron/core/bundle/segments.ts): the
 * first reading's cuts (FrameParser), the framing of a segment read again, the reading
 * check per segment, and what the verification does when the file changes between the
 * readings, when the worker stops early, and when it is cancelled. That a verdict in
 * segments is the verdict of one thread is shown for every test vector and a bundle of
 * thousands of entries in hash-worker.test.ts.
 */
import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../shared/bytes';
import { BUNDLE_MAGIC, BUNDLE_PREAMBLE_BYTES, BUNDLE_VERSION, DEFAULT_LIMITS, RECORD_HEADER_BYTES, TAG } from '../../shared/bundle/format';
import { FrameParser, frameSegment, scanBundle } from '../../shared/bundle/framing';
import type { Vault } from '../../electron/core/vault/vault';
import { buildKeyCard } from '../../electron/core/vault/key-card';
import { loadSodium } from '../../electron/core/crypto/sodium';
import { SameReading, segmentTag } from '../../electron/core/crypto/same-reading';
import { startHashWorker, type BackgroundHasher } from '../../electron/core/crypto/hash-worker';
import { exportBundle, inspectBundle, loadBundle } from '../../electron/core/bundle';
import { releaseLoaded, segmentJob } from '../../electron/core/bundle/input';
import type { BundlePhase } from '../../electron/core/bundle/progress';
import type { Verdict } from '../../shared/bundle/verdict';
import { keyEnvironment } from '../../electron/core/bundle/environment';
import { verifyLoaded } from '../../electron/core/bundle/verify';
import { claimOrder, readSegments, SegmentChecker, type SegmentResult } from '../../electron/core/bundle/segments';
import { createEntryHasher } from '../../electron/core/crypto/entry-hasher';
import { AGE_CHUNK_SIZE, AGE_SEALED_CHUNK_BYTES, AgeDecryptor, ageEncrypt, decryptAgeChunkUnchecked, generateAgeIdentity } from '../../electron/core/formats/age';
import { tempDir } from '../helpers/tmp';
import { addCase, newVault } from './fixtures';

const dir = tempDir('tearline-segments-');
let n = 0;
const file = () => path.join(dir, `s${++n}.bundle`);

let sender: Vault;
let trustKey: string;
let bundle: string;
let bytes: Uint8Array;

beforeAll(async () => {
  await loadSodium();
  sender = await newVault(dir, 'Segment sender');
  const { caseId } = addCase(sender);
  sender.append(Array.from({ length: 300 }, (_, i) => ({ kind: 'note', body: { caseId, text: `Note ${i} `.padEnd(700, 'y') } })));
  trustKey = buildKeyCard(sender).minisignPublicKey;
  bundle = file();
  await exportBundle(sender, { out: bundle, selection: { all: true }, singleFile: true });
  bytes = new Uint8Array(readFileSync(bundle));
});

afterAll(() => sender.close());

/**
 * Verifies a copy of `contents` in segments, changed by `change` where the reading reaches
 * `when`: the end of the first reading ('read', 'decrypt': the signature not checked yet),
 * or the second reading's first progress ('entries').
 */
async function verifyChanged(contents: Uint8Array, when: BundlePhase, change: (file: string) => void, identities?: string[]): Promise<Verdict> {
  const out = file();
  writeFileSync(out, contents);
  let changed = false;
  const verdict = await inspectBundle({ trustKey, ...(identities ? { identities } : {}) }, out, {
    hashWorkerFrom: 0,
    segmentBytes: 8192,
    onProgress: (done, total, phase) => {
      if (phase === when && (when === 'entries' || done === total) && !changed) {
        change(out);
        changed = true;
      }
    },
  });
  expect(changed).toBe(true);
  expect(verdict.signature).toBe('valid');
  expect(verdict.valid).toBe(false);
  return verdict;
}

describe('the first reading’s cuts', () => {
  it('hands on every byte of B once, in order, ending exactly at each cut, which falls at the end of a record', () => {
    const layout = scanBundle(bytes, DEFAULT_LIMITS);
    for (const pieceSize of [1, 7, 4096, 1 << 20]) {
      const signed: Uint8Array[] = [];
      const cuts: { offset: number; signedSoFar: number }[] = [];
      let signedLength = 0;
      let entries = 0;
      const parser = new FrameParser(DEFAULT_LIMITS, {
        signed: (piece) => {
          signed.push(piece.slice());
          signedLength += piece.length;
        },
        head: () => true,
        entry: () => ++entries % 37 === 0,
        cut: (offset) => cuts.push({ offset, signedSoFar: signedLength }),
      });
      for (let at = 0; at < bytes.length; at += pieceSize) parser.push(bytes.subarray(at, at + pieceSize));
      expect(parser.finish().payloadEnd).toBe(layout.payloadEnd);
      const joined = new Uint8Array(signedLength);
      let at = 0;
      for (const piece of signed) {
        joined.set(piece, at);
        at += piece.length;
      }
      expect(toHex(joined)).toBe(toHex(bytes.subarray(0, layout.payloadEnd)));
      // One cut after HEAD, then one every 37 entries.
      expect(cuts.length).toBe(1 + Math.floor(layout.entryCount / 37));
      expect(cuts[0]!.offset).toBe(layout.entriesStart);
      for (const cut of cuts) {
        expect(cut.signedSoFar).toBe(cut.offset);
        expect([TAG.entry, TAG.end]).toContain(bytes[cut.offset]);
      }
    }
  });
});

describe('a cut after an empty record', () => {
  it('comes where the record ends, after the bytes before it, whichever piece ends there', () => {
    // The preamble, an empty HEAD (no bundle has one: HEAD is JSON), END.
    const preamble = new Uint8Array(BUNDLE_PREAMBLE_BYTES);
    preamble.set(BUNDLE_MAGIC);
    preamble[BUNDLE_MAGIC.length] = BUNDLE_VERSION;
    const b = new Uint8Array([...preamble, TAG.head, 0, 0, 0, 0, TAG.end, 0, 0, 0, 0]);
    const headEnd = preamble.length + RECORD_HEADER_BYTES;
    for (const split of [1, headEnd - 1, headEnd, headEnd + 1, b.length]) {
      const cuts: { offset: number; signedSoFar: number }[] = [];
      let signed = 0;
      const parser = new FrameParser(DEFAULT_LIMITS, { signed: (piece) => void (signed += piece.length), head: () => true, cut: (offset) => void cuts.push({ offset, signedSoFar: signed }) });
      parser.push(b.subarray(0, split)).push(b.subarray(split));
      expect(parser.finish().payloadEnd, `split at ${split}`).toBe(b.length);
      expect(cuts, `split at ${split}`).toEqual([{ offset: headEnd, signedSoFar: headEnd }]);
      expect(signed).toBe(b.length);
    }
  });
});

describe('a segment read again', () => {
  const layout = () => scanBundle(bytes, DEFAULT_LIMITS);

  it('is framed as the first reading framed it: its entries, and END closing the last', () => {
    const { entriesStart, payloadEnd, entryCount } = layout();
    const spans = frameSegment(bytes.subarray(entriesStart, payloadEnd), DEFAULT_LIMITS, entriesStart, true);
    expect(spans.length / 2).toBe(entryCount);
    expect(spans[0]).toBe(RECORD_HEADER_BYTES);
  });

  it('is refused, with its place, when its records do not frame', () => {
    const { entriesStart, payloadEnd } = layout();
    const all = bytes.slice(entriesStart, payloadEnd);
    const frame = (b: Uint8Array, last = true) => () => frameSegment(b, DEFAULT_LIMITS, entriesStart, last);
    // The END record closes only the last segment.
    expect(frame(all, false)).toThrow(/expected ENTRY or END, found tag 3/);
    // Cut short, inside a record and inside a record header.
    expect(frame(all.subarray(0, all.length - 100))).toThrow(/runs past the end|END is missing|cut short/);
    expect(frame(all.subarray(0, 3))).toThrow(/record header is cut short/);
    // Another tag where an entry should be.
    const wrongTag = all.slice();
    wrongTag[0] = TAG.head;
    expect(frame(wrongTag)).toThrow(expect.objectContaining({ code: 'E_MALFORMED', at: `byte ${entriesStart}` }));
    // An entry larger than the limit.
    expect(() => frameSegment(all, { ...DEFAULT_LIMITS, maxEntryBytes: 100 }, entriesStart, true)).toThrow(expect.objectContaining({ code: 'E_TOO_LARGE' }));
    // Bytes after END.
    const after = new Uint8Array(all.length + 1);
    after.set(all);
    expect(frame(after)).toThrow(/bytes after END/);
  });
});

describe('the reading check in segments', () => {
  it('gives each segment a key of its own, and a tag that a reading in pieces and one of the whole agree on', () => {
    const check = new SameReading();
    try {
      const data = bytes.subarray(0, 100_000);
      const keys = [0, 1, 2].map((j) => toHex(check.segmentKey(j)));
      expect(new Set(keys).size).toBe(3);
      expect(toHex(check.segmentKey(1))).toBe(keys[1]);
      const reading = check.reading(1);
      for (let at = 0; at < data.length; at += 999) reading.update(data.subarray(at, at + 999));
      const tag = reading.end();
      expect(toHex(segmentTag(check.segmentKey(1), data))).toBe(toHex(tag));
      check.firstSegmentRead(new Uint8Array(16));
      check.firstSegmentRead(tag);
      expect(check.segments).toBe(2);
      expect(check.sameSegment(1, segmentTag(check.segmentKey(1), data))).toBe(true);
      expect(check.sameSegment(1, segmentTag(check.segmentKey(1), data.subarray(1)))).toBe(false);
      expect(check.sameSegment(0, segmentTag(check.segmentKey(1), data))).toBe(false);
      expect(check.sameSegment(2, tag)).toBe(false);
      // The key given to segmentTag is wiped.
      const key = check.segmentKey(2);
      segmentTag(key, data);
      expect(key.every((b) => b === 0)).toBe(true);
    } finally {
      check.dispose();
    }
  });
});

describe('the order the threads take segments in', () => {
  const segments = (lengths: number[]) => {
    let at = 0;
    return lengths.map((length) => ({ start: at, end: (at += length), previousIndex: -1 }));
  };

  it('puts the segments half as large again as the median first, largest first, then the rest in bundle order', () => {
    expect(Array.from(claimOrder(segments([10, 10, 40, 10, 25, 10, 15, 3])))).toEqual([2, 4, 0, 1, 3, 5, 6, 7]);
    expect(Array.from(claimOrder(segments([10, 30, 30, 10])))).toEqual([1, 2, 0, 3]);
    expect(Array.from(claimOrder(segments([7, 7, 7])))).toEqual([0, 1, 2]);
    expect(Array.from(claimOrder(segments([])))).toEqual([]);
  });

  it('takes a segment holding an entry larger than a segment first, and the verdict is the same', async () => {
    const big = await newVault(dir, 'Segment sender, one long note');
    const { caseId } = addCase(big);
    const notes = (count: number, from: number) => Array.from({ length: count }, (_, i) => ({ kind: 'note' as const, body: { caseId, text: `Note ${from + i} `.padEnd(700, 'z') } }));
    big.append(notes(60, 0));
    big.append([{ kind: 'note', body: { caseId, text: 'A long note '.padEnd(19_000, 'w') } }]);
    big.append(notes(60, 60));
    big.append([{ kind: 'note', body: { caseId, text: 'The last, long note '.padEnd(19_000, 'v') } }]);
    const out = file();
    await exportBundle(big, { out, selection: { all: true }, singleFile: true });
    const key = buildKeyCard(big).minisignPublicKey;
    big.close();

    const loaded = await loadBundle({ path: out }, { limits: DEFAULT_LIMITS, hashWorkerFrom: 0, segments: true, segmentBytes: 8192 });
    try {
      const lengths = loaded.segments!.map((segment) => segment.end - segment.start);
      const longest = lengths.indexOf(Math.max(...lengths));
      const job = segmentJob(loaded, DEFAULT_LIMITS, JSON.parse(new TextDecoder().decode(loaded.frame.head)).checkpoint);
      // This thread alone: the segments come in the order they are taken.
      const seen: number[] = [];
      const results = await readSegments(job, loaded.sameReading!, undefined, { onSegment: (r) => void seen.push(r.segment) });
      // The two segments that hold a long note, largest first, then the rest in order.
      const bySize = lengths.map((length, j) => ({ length, j })).sort((a, b) => b.length - a.length);
      expect(bySize[1]!.length).toBeGreaterThan(2 * bySize[2]!.length);
      expect(seen.slice(0, 2)).toEqual([longest, bySize[1]!.j]);
      expect(seen.slice(2)).toEqual([...seen.slice(2)].sort((a, b) => a - b));
      expect(results.map((r) => r.segment)).toEqual(loaded.segments!.map((_, j) => j));
    } finally {
      releaseLoaded(loaded);
    }
    const inSegments = await inspectBundle({ trustKey: key }, out, { hashWorkerFrom: 0, segmentBytes: 8192 });
    const whole = await inspectBundle({ trustKey: key }, out, { hashWorkerFrom: 0, segments: false });
    expect(inSegments.valid).toBe(true);
    expect(inSegments.entries.verified).toBe(inSegments.entries.count);
    expect({ ...inSegments, stats: undefined }).toEqual({ ...whole, stats: undefined });

    // The last long note changed once the first reading is done: its segment, checked first,
    // is not taken, nor anything after it, when its turn in bundle order comes.
    const original = new Uint8Array(readFileSync(out));
    const changed = original.slice();
    const at = Buffer.from(changed).indexOf('The last, long note ');
    changed[at + 30] = changed[at + 30]! ^ 1;
    let done = false;
    const verdict = await inspectBundle({ trustKey: key }, out, {
      hashWorkerFrom: 0,
      segmentBytes: 8192,
      onProgress: (d, total, phase) => {
        if (phase === 'read' && d === total && !done) {
          writeFileSync(out, changed);
          done = true;
        }
      },
    });
    expect(done).toBe(true);
    expect(verdict.signature).toBe('valid');
    expect(verdict.problems.map((p) => p.code)).toEqual(['E_BAD_SIGNATURE']);
    expect(verdict.entries.verified).toBeLessThan(verdict.entries.count);
  });
});

describe('a verification in segments', () => {
  it('refuses a file changed between the readings (E_BAD_SIGNATURE)', async () => {
    const valid = await inspectBundle({ trustKey }, bundle, { hashWorkerFrom: 0, segmentBytes: 8192 });
    expect(valid.valid).toBe(true);
    const changedText = bytes.slice();
    const at = Buffer.from(changedText).indexOf('Note 150 ');
    changedText[at + 5] = changedText[at + 5]! ^ 1;
    // Changed at the end of the first reading (the signature not checked yet), or cut short
    // once the second has begun (a file that shrinks during the first is refused as E_IO).
    const changes: { when: BundlePhase; change: (f: string) => void; code?: string }[] = [
      { when: 'read', change: (f: string) => writeFileSync(f, changedText) },
      { when: 'entries', change: (f: string) => truncateSync(f, bytes.length - 5000) },
      // Grown after its signature record (not read again): the size says it changed.
      { when: 'entries', change: (f: string) => appendFileSync(f, 'more'), code: 'E_IO' },
    ];
    for (const { when, change, code } of changes) {
      const verdict = await verifyChanged(bytes, when, change);
      expect(verdict.problems.map((p) => p.code)).toContain(code ?? 'E_BAD_SIGNATURE');
    }
  });

  it('refuses an encrypted file changed between the readings, whose chunks are not opened again with their tags', async () => {
    const age = generateAgeIdentity();
    const sealed = file();
    await exportBundle(sender, { out: sealed, selection: { all: true }, to: [age.recipient] });
    const original = new Uint8Array(readFileSync(sealed));
    expect((await inspectBundle({ trustKey, identities: [age.identity] }, sealed, { hashWorkerFrom: 0, segmentBytes: 8192 })).valid).toBe(true);
    // A bit of the payload flipped: this reading would not open that chunk, the second does
    // not check its tag, and its plaintext is not the first reading's.
    const flipped = original.slice();
    flipped[original.length - 3000] = flipped[original.length - 3000]! ^ 4;
    // Changed at the end of the first reading, or cut in half once the second has begun.
    // Nothing of a segment that changed is taken (its plaintext was never authenticated): the
    // only problems are that it changed, and, cut short, that the file's size did.
    const changes: { when: BundlePhase; change: (f: string) => void; codes: string[] }[] = [
      { when: 'decrypt', change: (f: string) => writeFileSync(f, flipped), codes: ['E_BAD_SIGNATURE'] },
      { when: 'entries', change: (f: string) => truncateSync(f, Math.floor(original.length / 2)), codes: ['E_BAD_SIGNATURE', 'E_IO'] },
    ];
    for (const { when, change, codes } of changes) {
      const verdict = await verifyChanged(original, when, change, [age.identity]);
      expect(verdict.problems.map((p) => p.code)).toEqual(codes);
      expect(verdict.entries.verified).toBeLessThan(verdict.entries.count);
    }
  });

  it('checks on this thread what the worker left, when it stops early or never started', async () => {
    const loaded = await loadBundle({ path: bundle }, { limits: DEFAULT_LIMITS, hashWorkerFrom: 0, segments: true, segmentBytes: 8192 });
    try {
      expect(loaded.segments!.length).toBeGreaterThan(10);
      const scanned = scanBundle(bytes, DEFAULT_LIMITS);
      const job = segmentJob(loaded, DEFAULT_LIMITS, JSON.parse(new TextDecoder().decode(loaded.frame.head)).checkpoint);
      // A worker that takes one segment and stops without answering it.
      const quitter = {
        checkSegments: async (_job, keys, claim) => {
          Atomics.add(claim, 0, 1);
          keys.fill(0);
          return { code: 'E_IO', message: 'the worker could not read its segment' };
        },
      } as Pick<BackgroundHasher, 'checkSegments'> as BackgroundHasher;
      // And no worker at all (one that could not start).
      for (const worker of [quitter, undefined]) {
        const results: SegmentResult[] = await readSegments(job, loaded.sameReading!, worker, {});
        expect(results.map((r) => r.segment)).toEqual(loaded.segments!.map((_, j) => j));
        expect(results.every((r) => loaded.sameReading!.sameSegment(r.segment, r.tag))).toBe(true);
        expect(results.reduce((sum, r) => sum + r.summary.count, 0)).toBe(scanned.entryCount);
        expect(results.every((r) => r.summary.valid.every((v) => v === 1))).toBe(true);
      }
    } finally {
      releaseLoaded(loaded);
    }
  });

  it('takes segments on both threads, checks here what a worker that dies leaves, and stops both when cancelled', async () => {
    const [worker, dying] = await Promise.all([startHashWorker(), startHashWorker()]);
    // (Ready to hash, its WebAssembly build loaded, before the reading begins.)
    await worker!.hashEntries(new Uint8Array(0), new Int32Array(0));
    expect(worker).toBeDefined();
    const loaded = await loadBundle({ path: bundle }, { limits: DEFAULT_LIMITS, hashWorkerFrom: 0, segments: true, segmentBytes: 4096 });
    try {
      const job = segmentJob(loaded, DEFAULT_LIMITS, JSON.parse(new TextDecoder().decode(loaded.frame.head)).checkpoint);
      let fromWorker = 0;
      const counted = {
        checkSegments: (j, keys, claim, onResult) => worker!.checkSegments(j, keys, claim, (r) => (fromWorker++, onResult(r))),
      } as Pick<BackgroundHasher, 'checkSegments'> as BackgroundHasher;
      const seen: number[] = [];
      const results = await readSegments(job, loaded.sameReading!, counted, { onSegment: (r) => void seen.push(r.segment) });
      expect(results.map((r) => r.segment)).toEqual(loaded.segments!.map((_, j) => j));
      expect(seen.sort((a, b) => a - b)).toEqual(loaded.segments!.map((_, j) => j));
      expect(fromWorker).toBeGreaterThan(0);
      expect(fromWorker).toBeLessThan(results.length);
      expect(results.every((r) => loaded.sameReading!.sameSegment(r.segment, r.tag))).toBe(true);
      // A worker whose thread ends as soon as it is given the segments (as a crash would end
      // it): its reading settles, and this thread checks everything.
      const thread = (dying as unknown as { worker: { terminate(): Promise<number> } }).worker;
      const killing = {
        checkSegments: (j, keys, claim, onResult, ageKey) => {
          const done = dying!.checkSegments(j, keys, claim, onResult, ageKey);
          void thread.terminate();
          return done;
        },
        close: () => dying!.close(),
      } as Pick<BackgroundHasher, 'checkSegments' | 'close'> as BackgroundHasher;
      const afterDeath = await readSegments(job, loaded.sameReading!, killing, {});
      expect(afterDeath.map((r) => r.segment)).toEqual(loaded.segments!.map((_, j) => j));
      expect(afterDeath.every((r) => loaded.sameReading!.sameSegment(r.segment, r.tag))).toBe(true);
      const controller = new AbortController();
      let taken = 0;
      await expect(
        readSegments(job, loaded.sameReading!, worker!, {
          signal: controller.signal,
          onSegment: () => {
            if (++taken === 2) controller.abort();
          },
        }),
      ).rejects.toMatchObject({ code: 'E_CANCELLED' });
      expect(taken).toBeLessThan(loaded.segments!.length);
      // Nothing is answered once it has settled (the worker's segment in progress was waited for).
      const settled = taken;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(taken).toBe(settled);
    } finally {
      worker!.close();
      dying!.close();
      releaseLoaded(loaded);
    }
  });

  it('answers nothing after it has settled: a segment the worker is still checking is waited for', async () => {
    const loaded = await loadBundle({ path: bundle }, { limits: DEFAULT_LIMITS, hashWorkerFrom: 0, segments: true, segmentBytes: 8192 });
    try {
      const job = segmentJob(loaded, DEFAULT_LIMITS, JSON.parse(new TextDecoder().decode(loaded.frame.head)).checkpoint);
      const events: string[] = [];
      // A worker that takes the first segment, and answers it only after this thread has taken the rest.
      const slow = {
        checkSegments: (_job, keys, claim, onResult) => {
          const j = claimOrder(job.segments)[Atomics.add(claim, 0, 1)]!;
          keys.fill(0);
          return new Promise((resolve) =>
            setTimeout(() => {
              const checker = new SegmentChecker(job, createEntryHasher());
              onResult(checker.check(j, loaded.sameReading!.segmentKey(j)));
              checker.close();
              events.push('worker answered');
              resolve(undefined);
            }, 100),
          );
        },
        close: () => undefined,
      } as Pick<BackgroundHasher, 'checkSegments' | 'close'> as BackgroundHasher;
      const results = await readSegments(job, loaded.sameReading!, slow, {});
      events.push('settled');
      expect(events).toEqual(['worker answered', 'settled']);
      expect(results.map((r) => r.segment)).toEqual(loaded.segments!.map((_, j) => j));
      expect(results.every((r) => loaded.sameReading!.sameSegment(r.segment, r.tag))).toBe(true);
    } finally {
      releaseLoaded(loaded);
    }
  });
});

describe('a bundle loaded in segments', () => {
  it('is verified for its verdict alone, and its age payload key is wiped after', async () => {
    const age = generateAgeIdentity();
    const sealed = file();
    await exportBundle(sender, { out: sealed, selection: { all: true }, to: [age.recipient] });
    const load = () => loadBundle({ path: sealed }, { limits: DEFAULT_LIMITS, hashWorkerFrom: 0, segments: true, identities: [age.identity] });
    const env = keyEnvironment(trustKey);
    const loaded = await load();
    const key = loaded.agePayload!.key;
    expect(key.some((b) => b !== 0)).toBe(true);
    // An import (which stores each entry) cannot take a bundle read in segments.
    await expect(verifyLoaded(loaded, env, { onEntry: () => undefined })).rejects.toMatchObject({ code: 'E_INTERNAL' });
    expect(key.every((b) => b === 0)).toBe(true);
    const again = await load();
    const result = await verifyLoaded(again, env, {});
    expect(again.agePayload!.key.every((b) => b === 0)).toBe(true);
    expect(result.verdict.valid).toBe(true);
  });
});

describe('an age file read again by its chunks', () => {
  it('gives each chunk’s plaintext, the last one told by the length, whether or not it is full', () => {
    const age = generateAgeIdentity();
    for (const length of [1, 65_535, 65_536, 2 * 65_536, 2 * 65_536 + 17]) {
      const plain = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 255);
      const sealed = ageEncrypt(plain, [age.recipient]);
      const decryptor = new AgeDecryptor([age.identity], { keepPayload: true });
      const first = decryptor.push(sealed);
      const last = decryptor.finish();
      expect(first.length + last.length).toBe(length);
      const payload = decryptor.payload();
      try {
        expect(payload.plaintextBytes).toBe(length);
        const again = new Uint8Array(length);
        for (let k = 0, at = payload.start; k * AGE_CHUNK_SIZE < length; k++, at += AGE_SEALED_CHUNK_BYTES) {
          const size = Math.min(AGE_CHUNK_SIZE, length - k * AGE_CHUNK_SIZE);
          decryptAgeChunkUnchecked(again.subarray(k * AGE_CHUNK_SIZE, k * AGE_CHUNK_SIZE + size), sealed.subarray(at, at + size + 16), k, payload);
        }
        expect(toHex(again), `${length} bytes`).toBe(toHex(plain));
      } finally {
        payload.key.fill(0);
      }
    }
  });
});
