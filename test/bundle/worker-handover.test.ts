/**
 * The first reading of a large bundle does not wait for its worker to start: this thread
 * hashes B meanwhile and hands the BLAKE2b over, state and all, once the worker is ready
 * (bundle/input.ts). Here the worker is made ready at a chosen point of the reading, and
 * the digest must be the one the main thread alone computes, wherever the hand-over fell.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { toHex } from '../../shared/bytes';
import { DEFAULT_LIMITS } from '../../shared/bundle/format';
import type { BackgroundHasher } from '../../electron/core/crypto/hash-worker';
import * as workers from '../../electron/core/crypto/hash-worker';
import { loadSodium, sodium } from '../../electron/core/crypto/sodium';
import { nativeSodium } from '../../electron/core/crypto/native-sodium';
import { inspectBundle, loadBundle } from '../../electron/core/bundle';
import { releaseLoaded, secondPass, segmentJob } from '../../electron/core/bundle/input';
import { readSegments } from '../../electron/core/bundle/segments';
import { tempDir } from '../helpers/tmp';
import { craftBundle, craftRecord } from './craft';
import { ageEncrypt, generateAgeIdentity } from '../../electron/core/formats/age';

vi.mock('../../electron/core/crypto/hash-worker', async (original) => {
  const actual = await original<typeof import('../../electron/core/crypto/hash-worker')>();
  return { ...actual, startHashWorker: vi.fn(actual.startHashWorker) };
});

const dir = tempDir('tearline-handover-');
let file: string;
let size: number;
let sealed: string;
let identity: string;

beforeAll(async () => {
  await loadSodium();
  const kp = sodium().crypto_sign_keypair();
  // Six records of ~0.9 MB: six pieces of the reading at least.
  const log = Array.from({ length: 6 }, (_, i) =>
    craftRecord({
      id: `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`,
      kind: 'note',
      caseId: '01900000-0000-7000-8000-00000000cafe',
      author: kp.publicKey,
      ts: '2025-03-12T09:00:00.000Z',
      body: { caseId: '01900000-0000-7000-8000-00000000cafe', text: `note ${i} `.repeat(130_000), writtenBy: 'Officer H' },
    }),
  );
  const crafted = craftBundle({ origin: 'tearline/handover', log, signer: { secretKey: kp.privateKey } });
  file = path.join(dir, 'large.bundle');
  writeFileSync(file, crafted.singleFile);
  size = crafted.singleFile.length;
  const age = generateAgeIdentity();
  identity = age.identity;
  sealed = path.join(dir, 'large.age');
  writeFileSync(sealed, ageEncrypt(crafted.singleFile, [age.recipient]));
});

/** Loads the bundle with a worker that becomes ready once `readyAt` bytes have been read. */
async function loadWithWorkerReadyAt(readyAt: number, at = file, segmentBytes?: number) {
  const worker = (await vi.mocked(workers.startHashWorker).getMockImplementation()!())!;
  const begin = vi.spyOn(worker, 'begin');
  let release!: () => void;
  const ready = new Promise<BackgroundHasher>((resolve) => (release = () => resolve(worker)));
  vi.mocked(workers.startHashWorker).mockImplementationOnce(() => ready);
  let released = false;
  // The WebAssembly build cannot hand a BLAKE2b over, so the reading waits for the worker first.
  if (!nativeSodium()) {
    released = true;
    release();
  }
  const loaded = await loadBundle(
    { path: at },
    {
      limits: DEFAULT_LIMITS,
      hashWorkerFrom: 0,
      identities: [identity],
      ...(segmentBytes === undefined ? {} : { segments: true, segmentBytes }),
      onProgress: (done) => {
        if (!released && done >= readyAt) {
          released = true;
          release();
        }
      },
    },
  );
  return { loaded, worker, begin };
}

describe('the first reading and its worker', () => {
  it('hands the BLAKE2b over to the worker where it became ready, with the same digest', async () => {
    const inline = await loadBundle({ path: file }, { limits: DEFAULT_LIMITS, hashWorkerFrom: Infinity });
    releaseLoaded(inline);
    expect(inline.hasher).toBeUndefined();
    expect(size).toBeGreaterThan(5 * 1024 * 1024);
    for (const readyAt of [1, 2 * 1024 * 1024, 4 * 1024 * 1024 + 1]) {
      const { loaded, worker, begin } = await loadWithWorkerReadyAt(readyAt);
      try {
        expect(toHex(loaded.digest), `ready at ${readyAt}`).toBe(toHex(inline.digest));
        expect(loaded.frame).toEqual(inline.frame);
        expect(loaded.hasher).toBe(worker);
        // Begun once, from the state this thread carried (native build), or from the start.
        expect(begin).toHaveBeenCalledTimes(1);
        // A plain bundle's reading check stays on this thread (the worker is the busier one).
        expect(begin.mock.calls[0]![0]).toEqual(['blake2b-512']);
        const resume = begin.mock.calls[0]![1];
        if (process.env.TEARLINE_SODIUM === 'wasm') expect(resume).toBeUndefined();
        else expect(resume?.[0]).toBeInstanceOf(Uint8Array);
      } finally {
        releaseLoaded(loaded);
      }
    }
  });

  it('hands an encrypted bundle’s reading check over too, and a second reading then matches the first', async () => {
    const inline = await loadBundle({ path: sealed }, { limits: DEFAULT_LIMITS, hashWorkerFrom: Infinity, identities: [identity] });
    releaseLoaded(inline);
    const { loaded, begin } = await loadWithWorkerReadyAt(1, sealed);
    try {
      expect(toHex(loaded.digest)).toBe(toHex(inline.digest));
      expect(begin).toHaveBeenCalledTimes(1);
      const [names, resume] = begin.mock.calls[0]!;
      if (process.env.TEARLINE_SODIUM === 'wasm') {
        expect(names).toEqual(['blake2b-512']);
      } else {
        expect(names).toEqual(['blake2b-512', 'poly1305']);
        expect(resume).toHaveLength(2);
      }
      // The second reading, as verification makes it: the same bytes give the first's tag.
      const reading = loaded.sameReading!.reading();
      await secondPass(loaded, DEFAULT_LIMITS, { signed: (bytes) => reading.update(bytes) }, {});
      expect(loaded.sameReading!.sameAsFirst(reading.end())).toBe(true);
    } finally {
      releaseLoaded(loaded);
    }
  });

  it('hands the readings of an encrypted bundle’s segments over, and each segment read again matches its first reading', async () => {
    const inline = await loadBundle({ path: sealed }, { limits: DEFAULT_LIMITS, hashWorkerFrom: Infinity, identities: [identity] });
    releaseLoaded(inline);
    // Before HEAD has been read (no segment begun yet), within the first segments, and after the reading.
    for (const readyAt of [1, 2 * 1024 * 1024, size]) {
      const { loaded, begin } = await loadWithWorkerReadyAt(readyAt, sealed, 512 * 1024);
      try {
        expect(toHex(loaded.digest)).toBe(toHex(inline.digest));
        expect(loaded.segments!.length).toBeGreaterThan(5);
        expect(loaded.sameReading!.segments).toBe(loaded.segments!.length);
        if (process.env.TEARLINE_SODIUM !== 'wasm' && readyAt < size) {
          expect(begin.mock.calls[0]![0]).toEqual(['blake2b-512', 'poly1305-segments']);
        }
        const job = segmentJob(loaded, DEFAULT_LIMITS, JSON.parse(new TextDecoder().decode(loaded.frame.head)).checkpoint);
        const results = await readSegments(job, loaded.sameReading!, loaded.hasher!, { ageKey: loaded.agePayload!.key });
        expect(results.map((r) => loaded.sameReading!.sameSegment(r.segment, r.tag))).toEqual(results.map(() => true));
        expect(results.reduce((sum, r) => sum + r.summary.count, 0)).toBe(loaded.frame.entryCount);
      } finally {
        releaseLoaded(loaded);
      }
    }
  });

  it('keeps a worker that was ready only after the reading for the second one (having hashed nothing, on the native build)', async () => {
    const inline = await loadBundle({ path: file }, { limits: DEFAULT_LIMITS, hashWorkerFrom: Infinity });
    releaseLoaded(inline);
    const { loaded, worker, begin } = await loadWithWorkerReadyAt(size);
    try {
      expect(toHex(loaded.digest)).toBe(toHex(inline.digest));
      expect(loaded.hasher).toBe(worker);
      if (process.env.TEARLINE_SODIUM !== 'wasm') expect(begin).not.toHaveBeenCalled();
    } finally {
      releaseLoaded(loaded);
    }
  });

  it('ends a worker started for a verification wherever the bundle is then not read', async () => {
    const actual = vi.mocked(workers.startHashWorker).getMockImplementation()!;
    const started: BackgroundHasher[] = [];
    vi.mocked(workers.startHashWorker).mockImplementation(async () => {
      const worker = (await actual())!;
      started.push(worker);
      vi.spyOn(worker, 'close');
      return worker;
    });
    try {
      const { publicKey } = sodium().crypto_sign_keypair();
      const trustKey = { publicKey, keyId: new Uint8Array(8) };
      // Read, with the worker started first: it goes on to hash B, and ends with the check.
      const verdict = await inspectBundle({ trustKey }, file, { hashWorkerFrom: 0 });
      expect(verdict.problems.map((p) => p.code)).toContain('E_UNTRUSTED_SIGNER');
      expect(started).toHaveLength(1);
      expect(started[0]!.close).toHaveBeenCalled();
      // Refused before the bundle is read (the key given is not a key): the worker is ended.
      // (It is ended once it has started.)
      await expect(inspectBundle({ trustKey: 'not a minisign key' }, file, { hashWorkerFrom: 0 })).rejects.toThrow(/minisign public key/);
      await vi.waitFor(() => {
        expect(started).toHaveLength(2);
        expect(started[1]!.close).toHaveBeenCalled();
      });
      // Given to a reading that refuses the bundle before reading it (too large): ended too.
      const early = workers.startHashWorker();
      await expect(loadBundle({ path: file }, { limits: { ...DEFAULT_LIMITS, maxBytes: 10 }, starting: early })).rejects.toThrow(/over the limit/);
      await vi.waitFor(() => {
        expect(started).toHaveLength(3);
        expect(started[2]!.close).toHaveBeenCalled();
      });
      // Too small for a worker, or too large to be read at all: none is started.
      const calls = vi.mocked(workers.startHashWorker).mock.calls.length;
      await inspectBundle({ trustKey }, file, { hashWorkerFrom: size + 1 });
      const refused = await inspectBundle({ trustKey }, file, { hashWorkerFrom: 0, limits: { maxBytes: size - 1 } });
      expect(refused.problems.map((p) => p.code)).toEqual(['E_TOO_LARGE']);
      expect(vi.mocked(workers.startHashWorker).mock.calls.length).toBe(calls);
    } finally {
      vi.mocked(workers.startHashWorker).mockImplementation(actual);
    }
  });
});
