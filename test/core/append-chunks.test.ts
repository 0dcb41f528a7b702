/**
 * Large appends: whole index blocks of new entries are built as chunks, on a worker thread
 * and on the writing thread, and applied in order. The log must be the one that appending
 * entry by entry gives, the worker must really do part of the work, and a worker that
 * fails or is gone must cost only time.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Vault } from '../../electron/core/vault/vault';
import { verifyVault } from '../../electron/core/log/integrity';
import { BLOCK_ENTRIES, decodeIndexBlock } from '../../electron/core/log/index-block';
import { buildBlockChunk, chunkRow, type BuiltChunk, type ChunkJob } from '../../electron/core/log/block-chunk';
import { entryAd } from '../../electron/core/log/entry-record';
import { AppendThread, appendWorkerFile } from '../../electron/core/workers/append-thread';
import { bulkSealer } from '../../electron/core/crypto/bulk-seal';
import { open } from '../../electron/core/crypto/aead';
import { randomBytes } from '../../electron/core/crypto/random';
import { loadSodium } from '../../electron/core/crypto/sodium';
import { fromUtf8 } from '../../shared/bytes';
import { newEntryId } from '../../electron/core/ids';
import { tempDir } from '../helpers/tmp';
import { OPENED } from '../helpers/bodies';

const PASS = 'append chunks test passphrase';
const dir = tempDir();
const VAULT_ID = '0190a5c2-7b1e-7d3a-9f00-2c4b6d8e0a99';

beforeAll(async () => {
  await loadSodium();
});

afterEach(() => {
  delete process.env.TEARLINE_APPEND_WORKER;
});

function drafts(count: number, tag: string) {
  return Array.from({ length: count }, (_, k) => ({ kind: 'case.opened', body: { ...OPENED, summary: `${tag} item${k} ${k % 7 === 0 ? 'sevenfold' : 'plain'}` } }));
}

/** What the index shows of a vault, without ids and times (which differ between vaults). */
function shape(v: Vault) {
  return v.list({ order: 'asc', limit: 100_000 }).items.map((e) => ({ index: e.index, kind: e.kind, summary: e.summary, ownCase: e.caseId === e.id }));
}

/** The vault's file, and its index as the appends left it in memory. */
async function vaultWith(name: string, worker: 'on' | 'off', batches: number[]): Promise<{ file: string; appended: ReturnType<typeof shape> }> {
  process.env.TEARLINE_APPEND_WORKER = worker;
  const file = path.join(dir, name);
  const v = await Vault.create(file, PASS, { kdf: 'interactive' });
  try {
    batches.forEach((n, b) => v.append(drafts(n, `batch${b}`)));
    return { file, appended: shape(v) };
  } finally {
    v.close();
  }
}

function chunkJob(first: number, tag: string, count = BLOCK_ENTRIES): ChunkJob {
  return {
    first,
    vaultId: VAULT_ID,
    author: 'Ab+/'.repeat(10) + 'xyz=',
    ts: new Date().toISOString(),
    entries: Array.from({ length: count }, (_, k) => {
      const id = newEntryId();
      return { id, kind: 'case.opened', caseId: id, policy: 'icd-191-2015', body: { ...OPENED, summary: `${tag} ${first + k}` } };
    }),
  };
}

describe('chunked appends', () => {
  it('give the same log, index and blocks with the worker as without it', async () => {
    // From size 1: a head of 1023 entries, then whole blocks, then a tail; then a second
    // batch that starts inside a block. The worker loads during the first batch (which the
    // writing thread starts alone) and takes part in the second.
    const batches = [5 * BLOCK_ENTRIES + 100, 8 * BLOCK_ENTRIES + 500];
    const run = vi.spyOn(AppendThread.prototype, 'run');
    const withWorker = await vaultWith('with-worker.tearline', 'on', batches);
    expect(run.mock.results.reduce((n, r) => n + (r.value as number), 0)).toBeGreaterThan(0);
    run.mockRestore();
    const without = await vaultWith('without-worker.tearline', 'off', batches);
    const a = await Vault.open(withWorker.file, PASS);
    const b = await Vault.open(without.file, PASS);
    try {
      expect(a.size).toBe(1 + batches[0]! + batches[1]!);
      // The index the appends built in memory, and the one the unlock reads back from the
      // sealed blocks, are the same with the worker as without.
      expect(withWorker.appended).toEqual(without.appended);
      expect(shape(a)).toEqual(withWorker.appended);
      expect(shape(a)).toEqual(shape(b));
      expect(a.list({ search: 'sevenfold batch1' }).total).toBe(b.list({ search: 'sevenfold batch1' }).total);
      expect(a.list({ search: 'sevenfold batch1' }).total).toBeGreaterThan(400);
      // Times follow the log's order, whichever thread built an entry.
      const ts = a.list({ order: 'asc', limit: 100_000 }).items.map((e) => e.ts);
      expect([...ts].sort()).toEqual(ts);
      // Every entry reads back from its row (not only from the index).
      for (const index of [1, 1023, 1024, 2047, 2048, 4096, 5 * BLOCK_ENTRIES + 100, a.size - 1]) {
        expect(a.get(index).body.summary).toBe(b.get(index).body.summary);
      }
      expect(verifyVault(a)).toMatchObject({ ok: true });
    } finally {
      a.close();
      b.close();
    }
  });

  it('a batch that fails in a chunk the worker built leaves the vault as it was', async () => {
    process.env.TEARLINE_APPEND_WORKER = 'on';
    const p = path.join(dir, 'rollback-threaded.tearline');
    (await Vault.create(p, PASS, { kdf: 'interactive' })).close();
    // The warm-up batch (which loads the worker) fills [1, 8193); the second batch fails
    // late, in a chunk handed to the worker. Rows are inserted here whoever built them.
    const failAt = 1 + 8 * BLOCK_ENTRIES + 6 * BLOCK_ENTRIES + 17;
    const db = new Database(p);
    db.exec(`CREATE TRIGGER fail_late BEFORE INSERT ON entries WHEN NEW.idx = ${failAt} BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
    db.close();
    const v = await Vault.open(p, PASS);
    try {
      v.append(drafts(8 * BLOCK_ENTRIES, 'warm'));
      const size = v.size;
      const before = shape(v);
      expect(() => v.append(drafts(8 * BLOCK_ENTRIES, 'doomed'))).toThrow(/simulated failure/);
      expect(v.size).toBe(size);
      expect(shape(v)).toEqual(before);
      expect(v.list({ search: 'doomed' }).total).toBe(0);
      const added = v.append(drafts(3, 'kept'));
      expect(added.map((e) => e.index)).toEqual([size, size + 1, size + 2]);
      expect(verifyVault(v)).toMatchObject({ ok: true });
    } finally {
      v.close();
    }
  });

  it('the worker builds part of a batch, and its chunks open with the batch keys', async () => {
    const thread = AppendThread.start();
    expect(thread).toBeDefined();
    expect(await thread!.loaded()).toBe(true);
    const entriesKey = randomBytes(32);
    const indexKey = randomBytes(32);
    const sealer = bulkSealer(entriesKey);
    let builtHere = 0;
    const applied: number[] = [];
    // Checked as it is applied: after that its large buffers go back to the thread that built it.
    const check = (chunk: BuiltChunk): void => {
      applied.push(chunk.first);
      const row = chunkRow(chunk, 5);
      const plain = open(entriesKey, { nonce: row.nonce, ciphertext: row.ct }, entryAd(VAULT_ID, row.idx, row.leaf));
      expect(plain).toBeDefined();
      expect(JSON.parse(fromUtf8(plain!)).b.summary).toBe(`threaded ${row.idx}`);
      expect(decodeIndexBlock(chunk.blockPlain, chunk.first, BLOCK_ENTRIES)?.entries[5]?.summary).toContain(`threaded ${row.idx}`);
    };
    try {
      thread!.run({
        count: 6,
        jobAt: (j) => chunkJob(j * BLOCK_ENTRIES, 'threaded'),
        keys: { entries: entriesKey, index: indexKey },
        buildHere: (job) => {
          builtHere++;
          return buildBlockChunk(job, sealer, indexKey);
        },
        apply: check,
      });
    } finally {
      sealer.dispose();
      thread!.close();
    }
    expect(applied).toEqual([0, 1, 2, 3, 4, 5].map((j) => j * BLOCK_ENTRIES));
    // A loaded worker always has the first chunks: the writing thread only builds what is
    // left while the worker's queue is full.
    expect(builtHere).toBeLessThanOrEqual(4);
  });

  it('a chunk the worker cannot build is built here, and its error is the append’s', async () => {
    const thread = AppendThread.start()!;
    expect(await thread.loaded()).toBe(true);
    const entriesKey = randomBytes(32);
    const indexKey = randomBytes(32);
    const sealer = bulkSealer(entriesKey);
    const failedHere: number[] = [];
    try {
      expect(() =>
        thread.run({
          count: 3,
          jobAt: (j) => chunkJob(j * BLOCK_ENTRIES, 'bad', j === 1 ? 5 : BLOCK_ENTRIES),
          keys: { entries: entriesKey, index: indexKey },
          buildHere: (job) => {
            try {
              return buildBlockChunk(job, sealer, indexKey);
            } catch (error) {
              failedHere.push(job.first);
              throw error;
            }
          },
          apply: () => undefined,
        }),
      ).toThrow(/one aligned index block/);
      expect(failedHere).toEqual([BLOCK_ENTRIES]);
      // The thread is still good for the next batch.
      expect(thread.usable).toBe(true);
      const applied: number[] = [];
      thread.run({
        count: 2,
        jobAt: (j) => chunkJob(j * BLOCK_ENTRIES, 'good'),
        keys: { entries: entriesKey, index: indexKey },
        buildHere: (job) => buildBlockChunk(job, sealer, indexKey),
        apply: (c) => applied.push(c.first),
      });
      expect(applied).toEqual([0, BLOCK_ENTRIES]);
    } finally {
      sealer.dispose();
      thread.close();
    }
  });

  it('with the worker gone, every chunk is built here', async () => {
    const thread = AppendThread.start()!;
    thread.close();
    const entriesKey = randomBytes(32);
    const indexKey = randomBytes(32);
    const sealer = bulkSealer(entriesKey);
    let builtHere = 0;
    try {
      thread.run({
        count: 3,
        jobAt: (j) => chunkJob(j * BLOCK_ENTRIES, 'alone'),
        keys: { entries: entriesKey, index: indexKey },
        buildHere: (job) => (builtHere++, buildBlockChunk(job, sealer, indexKey)),
        apply: () => undefined,
      });
    } finally {
      sealer.dispose();
    }
    expect(builtHere).toBe(3);
  });

  it('the worker is found as built, and can be turned off', () => {
    expect(appendWorkerFile()).toMatch(/dist[\\/]workers[\\/]append-worker\.cjs$/);
    process.env.TEARLINE_APPEND_WORKER = 'off';
    expect(AppendThread.start()).toBeUndefined();
  });
});
