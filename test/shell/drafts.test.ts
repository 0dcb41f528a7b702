/**
 * The drafts file on a real vault: its limits on the drafts together, for a file written
 * before them too, and a lock's write of several changes at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAFTS_MAX_TOTAL_BYTES, type Draft } from '../../shared/ipc';
import { DraftStore } from '../../electron/host/drafts';
import { canonicalJson } from '../../shared/canonical-json';
import { Vault } from '../../electron/core/vault/vault';

/** A draft's values of about `bytes` bytes as JSON. */
const sized = (bytes: number) => ({ text: 'x'.repeat(bytes - 12) });

describe('DraftStore', () => {
  let dir: string;
  let vault: Vault;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tearline-drafts-'));
    vault = await Vault.create(path.join(dir, 'v.tearline'), 'correct horse battery staple', { name: 'W', kdf: 'interactive' });
  });
  afterAll(() => {
    vault.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function store(name: string, drafts: [key: string, data: unknown][] = []): DraftStore {
    const s = new DraftStore(path.join(dir, name));
    // As a file written before the limit on the drafts together would be.
    const list: Draft[] = drafts.map(([key, data]) => ({ key, savedAt: '2026-01-01T00:00:00.000Z', data: data as Draft['data'] }));
    (s as unknown as { write(v: Vault, d: Draft[]): void }).write(vault, list);
    return s;
  }
  const keys = (s: DraftStore) => s.list(vault).map((d) => d.key).sort();

  it('lets the drafts of a file over the limit be replaced by no larger ones and deleted, but not grow', () => {
    const fifth = Math.floor(DRAFTS_MAX_TOTAL_BYTES / 5);
    const s = store('old.drafts', ['a', 'b', 'c', 'd', 'e', 'f'].map((key): [string, unknown] => [key, sized(fifth)]));
    expect(() => s.save(vault, 'g', sized(100))).toThrow(/too large together.*finish or discard some of them first/);
    expect(() => s.save(vault, 'a', sized(fifth + 100))).toThrow(/too large together/);
    s.save(vault, 'a', sized(fifth));
    s.save(vault, 'b', sized(100));
    expect(s.delete(vault, 'c')).toBe(true);
    // Now under the limit: growing is taken again, up to it.
    s.save(vault, 'g', sized(fifth - 1000));
    expect(() => s.save(vault, 'h', sized(fifth))).toThrow(/too large together/);
    expect(keys(s)).toEqual(['a', 'b', 'd', 'e', 'f', 'g']);
  });

  it('writes a lock’s changes in one go, deletions and shrinking drafts first, whatever order they came in', () => {
    const q = 250_000;
    const s = store('lock.drafts', [
      ['grows', sized(100)],
      ['goes', sized(q)],
      ['shrinks', sized(q)],
      ['kept', sized(q)],
      ['filler', sized(60_000)],
    ]);
    // In the order they came, 'grows' would not fit: the room comes from the two after it.
    const refused = s.applyAll(vault, [
      ['grows', sized(q)],
      ['huge', sized(DRAFTS_MAX_TOTAL_BYTES / 4 + 100)],
      ['shrinks', sized(100)],
      ['goes', undefined],
      ['new', { text: 'small' }],
    ]);
    expect(refused).toEqual(['huge']);
    expect(keys(s)).toEqual(['filler', 'grows', 'kept', 'new', 'shrinks']);
    const grows = s.list(vault).find((d) => d.key === 'grows')!;
    expect(grows.data).toEqual(sized(q));
  });

  it('measures a change by the whole stored draft, so that a long key does not go before a short one', () => {
    const savedAt = '2026-01-01T00:00:00.000Z';
    const stored = (key: string, data: unknown) => Buffer.byteLength(canonicalJson({ key, savedAt, data }));
    const long = 'L'.repeat(100);
    const text = (n: number) => ({ t: 'x'.repeat(n) });
    const list: [string, unknown][] = [
      [long, text(200_000)],
      ['s', text(200_000)],
    ];
    // Filled up to exactly the limit.
    let rest = DRAFTS_MAX_TOTAL_BYTES - stored(long, text(200_000)) - stored('s', text(200_000));
    for (let i = 0; rest > 0; i++) {
      const n = Math.min(200_000, rest - stored(`f${i}`, text(0)));
      list.push([`f${i}`, text(n)]);
      rest -= stored(`f${i}`, text(n));
    }
    const s = store('limit.drafts', list);
    // One shrinks by 10 bytes, the other grows by 10: together they fit, in either order.
    expect(s.applyAll(vault, [['s', text(200_000 - 10)], [long, text(200_000 + 10)]], new Date(savedAt))).toEqual([]);
  });
});
