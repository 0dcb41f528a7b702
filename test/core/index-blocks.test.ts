/**
 * Sealed index blocks: the unlock reads the index of every complete block of entries
 * from one sealed blob instead of decrypting each entry. The index must be exactly the
 * one the entries give, a block must not open anywhere but in its place in this history,
 * and a changed entry under a block must still be found (when read, and by `verify`).
 */
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { Vault } from '../../electron/core/vault/vault';
import { BLOCK_ENTRIES, decodeIndexBlock, encodeIndexBlock } from '../../electron/core/log/index-block';
import { fromUtf8, utf8 } from '../../shared/bytes';
import { tempDir } from '../helpers/tmp';
import { inspectVault } from '../helpers/inspect';
import { OPENED } from '../helpers/bodies';

const PASS = 'index block test passphrase';
const dir = tempDir();
let pristine = '';
// vault.created + cases: two complete blocks and a tail of 7.
const SIZE = 2 * BLOCK_ENTRIES + 7;
const marker = (i: number) => `zebracrossing${i}x`;

function drafts(from: number, to: number, tag = 'case') {
  return Array.from({ length: to - from }, (_, k) => ({ kind: 'case.opened', body: { ...OPENED, summary: `${tag} ${marker(from + k)}` } }));
}

function copy(name: string, change?: (db: Database.Database) => void): string {
  const p = path.join(dir, name);
  copyFileSync(pristine, p);
  if (change) {
    const db = new Database(p);
    change(db);
    db.close();
  }
  return p;
}

async function everything(p: string) {
  const v = await Vault.open(p, PASS);
  try {
    return v.list({}).items.map((e) => ({ ...e }));
  } finally {
    v.close();
  }
}

const inspect = (p: string) => inspectVault(p, PASS);

const blockCount = (p: string) => {
  const db = new Database(p, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM index_blocks').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

let expected: Awaited<ReturnType<typeof everything>> = [];

beforeAll(async () => {
  pristine = path.join(dir, 'pristine.tearline');
  const v = await Vault.create(pristine, PASS, { kdf: 'interactive' });
  // Appended in uneven batches, so blocks are completed in the middle of a batch.
  v.append(drafts(0, 700));
  v.append(drafts(700, 1500));
  v.append(drafts(1500, SIZE - 1));
  v.close();
  expected = await everything(pristine);
}, 60_000);

describe('sealed index blocks', () => {
  it('are written with the appends that complete them, and give the same index as the entries', async () => {
    expect(blockCount(pristine)).toBe(2);
    expect(expected).toHaveLength(SIZE);
    // Rebuilt from the entries alone: the same index, field for field; and the rebuilt
    // blocks are written back for the next unlock.
    const p = copy('rebuilt.tearline', (db) => db.prepare('DELETE FROM index_blocks').run());
    expect(await everything(p)).toEqual(expected);
    expect(blockCount(p)).toBe(2);
    expect(await everything(p)).toEqual(expected);
    const v = await Vault.open(pristine, PASS);
    try {
      expect(v.list({ search: marker(1234) }).items.map((e) => e.index)).toEqual([1235]);
      expect(v.list({ search: marker(SIZE - 2) }).items.map((e) => e.index)).toEqual([SIZE - 1]);
    } finally {
      v.close();
    }
    expect((await inspect(pristine)).ok).toBe(true);
  });

  it('hold no index text in the clear', () => {
    const bytes = readFileSync(pristine);
    expect(bytes.includes(Buffer.from(marker(3)))).toBe(false);
    expect(bytes.includes(Buffer.from('zebracrossing'))).toBe(false);
  });

  it('refuse to unlock with a changed block, and verify names it', async () => {
    const p = copy('changed-block.tearline', (db) => {
      const r = db.prepare('SELECT ct FROM index_blocks WHERE block = 1').get() as { ct: Buffer };
      r.ct[100]! ^= 1;
      db.prepare('UPDATE index_blocks SET ct = ? WHERE block = 1').run(r.ct);
    });
    await expect(Vault.open(p, PASS)).rejects.toMatchObject({ code: 'E_INTEGRITY', message: expect.stringMatching(/index block 1/) });
    const report = await inspect(p);
    expect(report.ok).toBe(false);
    expect(report.firstBadIndex).toBe(BLOCK_ENTRIES);
    expect(report.problems).toEqual([expect.objectContaining({ what: 'index', index: BLOCK_ENTRIES })]);
  });

  it('do not open in another place: two swapped blocks are refused', async () => {
    const p = copy('swapped-blocks.tearline', (db) => {
      db.prepare('UPDATE index_blocks SET block = 9 WHERE block = 0').run();
      db.prepare('UPDATE index_blocks SET block = 0 WHERE block = 1').run();
      db.prepare('UPDATE index_blocks SET block = 1 WHERE block = 9').run();
    });
    await expect(Vault.open(p, PASS)).rejects.toMatchObject({ code: 'E_INTEGRITY' });
    expect((await inspect(p)).firstBadIndex).toBe(0);
  });

  it('do not open in another history of the same vault (a copy used twice)', async () => {
    // Two copies of one vault, cut short of a block, then filled with different entries:
    // each completes block 2 with its own entries. B's block in A is refused.
    const a = copy('history-a.tearline');
    const b = copy('history-b.tearline');
    for (const [p, tag] of [[a, 'alpha'], [b, 'bravo']] as const) {
      const v = await Vault.open(p, PASS);
      v.append(drafts(SIZE - 1, 3 * BLOCK_ENTRIES + 3, tag));
      v.close();
    }
    const fromB = new Database(b, { readonly: true });
    const block = fromB.prepare('SELECT nonce, ct FROM index_blocks WHERE block = 2').get() as { nonce: Buffer; ct: Buffer };
    fromB.close();
    const db = new Database(a);
    db.prepare('UPDATE index_blocks SET nonce = ?, ct = ? WHERE block = 2').run(block.nonce, block.ct);
    db.close();
    await expect(Vault.open(a, PASS)).rejects.toMatchObject({ code: 'E_INTEGRITY', message: expect.stringMatching(/index block 2/) });
  });

  it('a block beyond the end of the log is reported by verify', async () => {
    const p = copy('beyond.tearline', (db) => {
      const r = db.prepare('SELECT leaves, nonce, ct FROM index_blocks WHERE block = 1').get() as { leaves: Buffer; nonce: Buffer; ct: Buffer };
      db.prepare('INSERT INTO index_blocks (block, leaves, nonce, ct) VALUES (5, ?, ?, ?)').run(r.leaves, r.nonce, r.ct);
    });
    const report = await inspect(p);
    expect(report.problems).toEqual([expect.objectContaining({ what: 'index', index: SIZE })]);
  });

  it('an entry changed under a block: the unlock still opens, reading it fails, and verify finds it', async () => {
    const at = 300;
    const p = copy('changed-entry.tearline', (db) => {
      const r = db.prepare('SELECT ct FROM entries WHERE idx = ?').get(at) as { ct: Buffer };
      r.ct[20]! ^= 1;
      db.prepare('UPDATE entries SET ct = ? WHERE idx = ?').run(r.ct, at);
    });
    const v = await Vault.open(p, PASS);
    try {
      expect(() => v.get(at)).toThrow(expect.objectContaining({ code: 'E_INTEGRITY' }));
      expect(v.get(at + 1).index).toBe(at + 1);
    } finally {
      v.close();
    }
    const report = await inspect(p);
    expect(report.firstBadIndex).toBe(at);
    expect(report.problems[0]).toMatchObject({ what: 'entry', index: at });
  });

  it('a batch that fails half-way leaves the log, the index and the blocks as they were', async () => {
    const p = copy('rollback.tearline', (db) =>
      db.exec(`CREATE TRIGGER fail_midway BEFORE INSERT ON entries WHEN NEW.idx = ${3 * BLOCK_ENTRIES + 2} BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`),
    );
    const v = await Vault.open(p, PASS);
    try {
      // Crosses the end of block 2 before it fails: block 2's sealing must be undone too.
      expect(() => v.append(drafts(SIZE - 1, 3 * BLOCK_ENTRIES + 10, 'doomed'))).toThrow(/simulated failure/);
      expect(v.size).toBe(SIZE);
      expect(v.list({ search: 'doomed' }).total).toBe(0);
      expect(v.list({}).items.map((e) => ({ ...e }))).toEqual(expected);
      const added = v.append(drafts(SIZE - 1, SIZE + 2, 'kept'));
      expect(added.map((e) => e.index)).toEqual([SIZE, SIZE + 1, SIZE + 2]);
      expect(v.list({ search: 'kept' }).items.map((e) => e.index)).toEqual([SIZE, SIZE + 1, SIZE + 2]);
    } finally {
      v.close();
    }
    expect(blockCount(p)).toBe(2);
    const report = await inspect(p);
    expect(report).toMatchObject({ ok: true, size: SIZE + 3 });
  });

  it('a changed leaf row under a block: reading the entry fails, and verify finds it', async () => {
    const p = copy('changed-leaf.tearline', (db) => {
      const r = db.prepare('SELECT leaf FROM entries WHERE idx = 10').get() as { leaf: Buffer };
      r.leaf[0]! ^= 1;
      db.prepare('UPDATE entries SET leaf = ? WHERE idx = 10').run(r.leaf);
    });
    const v = await Vault.open(p, PASS);
    try {
      expect(() => v.get(10)).toThrow(expect.objectContaining({ code: 'E_INTEGRITY' }));
    } finally {
      v.close();
    }
    const report = await inspect(p);
    expect(report.firstBadIndex).toBe(10);
    expect(report.problems[0]).toMatchObject({ what: 'entry', index: 10 });
  });

  it('a changed leaf hash inside a block is refused at unlock: the tree is no longer the signed one', async () => {
    const p = copy('changed-block-leaf.tearline', (db) => {
      const r = db.prepare('SELECT leaves FROM index_blocks WHERE block = 1').get() as { leaves: Buffer };
      r.leaves[64]! ^= 1;
      db.prepare('UPDATE index_blocks SET leaves = ? WHERE block = 1').run(r.leaves);
    });
    await expect(Vault.open(p, PASS)).rejects.toMatchObject({ code: 'E_INTEGRITY', message: expect.stringMatching(/sealed head/) });
    const report = await inspect(p);
    expect(report.problems).toEqual([expect.objectContaining({ what: 'index', index: BLOCK_ENTRIES })]);
  });

  it('a row removed under a block is refused at unlock', async () => {
    const p = copy('removed-row.tearline', (db) => db.prepare('DELETE FROM entries WHERE idx = 500').run());
    await expect(Vault.open(p, PASS)).rejects.toMatchObject({ code: 'E_INTEGRITY', message: expect.stringMatching(/rows were removed/) });
    expect((await inspect(p)).firstBadIndex).toBe(500);
  });
});

describe('the index block codec', () => {
  const entry = (i: number, author: string) => ({
    index: 2048 + i,
    id: `0190a5c2-7b1e-7d3a-9f00-${String(i).padStart(12, '0')}`,
    kind: 'note',
    caseId: i % 2 ? null : '0190a5c2-7b1e-7d3a-9f00-2c4b6d8e0a20',
    ts: '2026-01-02T03:04:05.678Z',
    author,
    summary: `summary ${i} – ünïcödé ${'x'.repeat(i % 5)}`,
  });
  const search = (i: number) => utf8(`search text ${i} — ß`);

  it('decodes what it encodes, ASCII fields read apart and any other run decoded whole', () => {
    for (const author of ['Ab+/'.repeat(10) + 'xyz=', 'auteur-é-𝔸']) {
      const entries = Array.from({ length: BLOCK_ENTRIES }, (_, i) => entry(i, author));
      const decoded = decodeIndexBlock(encodeIndexBlock(entries, search), 2048, BLOCK_ENTRIES);
      expect(decoded?.entries).toEqual(entries);
      expect(fromUtf8(decoded!.search)).toBe(entries.map((_, i) => fromUtf8(search(i))).join(''));
    }
  });

  it('refuses a block of another count or with lengths that do not add up', () => {
    const entries = Array.from({ length: BLOCK_ENTRIES }, (_, i) => entry(i, 'auteur-é'));
    const plain = encodeIndexBlock(entries, search);
    expect(decodeIndexBlock(plain, 2048, BLOCK_ENTRIES - 1)).toBeUndefined();
    expect(decodeIndexBlock(plain.subarray(0, plain.length - 1), 2048, BLOCK_ENTRIES)).toBeUndefined();
  });
});
