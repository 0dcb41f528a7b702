/**
 * Tampering with the vault file behind Tearline's back: every changed, removed, reordered
 * or swapped row is found by the integrity check, which names the first bad index, and
 * a normal unlock refuses the damaged vault with E_INTEGRITY.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { Vault } from '../../electron/core/vault/vault';
import { tempDir } from '../helpers/tmp';
import { inspectVault } from '../helpers/inspect';
import { tearline } from '../helpers/cli';
import { OPENED } from '../helpers/bodies';

const PASS = 'tamper test passphrase';
const dir = tempDir();
let pristine = '';
let other = '';
const SIZE = 11; // vault.created + 10 cases

beforeAll(async () => {
  pristine = path.join(dir, 'pristine.tearline');
  const v = await Vault.create(pristine, PASS, { kdf: 'interactive' });
  for (let i = 0; i < 10; i++) v.append([{ kind: 'case.opened', body: { ...OPENED, summary: `case ${i}` } }]);
  v.close();
  other = path.join(dir, 'other.tearline');
  const o = await Vault.create(other, PASS, { kdf: 'interactive' });
  for (let i = 0; i < 10; i++) o.append([{ kind: 'case.opened', body: { ...OPENED, summary: `other ${i}` } }]);
  o.close();
});

let k = 0;
function tampered(change: (db: Database.Database) => void): string {
  const p = path.join(dir, `t${++k}.tearline`);
  copyFileSync(pristine, p);
  const db = new Database(p);
  change(db);
  db.close();
  return p;
}

const inspect = (p: string) => inspectVault(p, PASS);

type Row = { idx: number; leaf: Buffer; nonce: Buffer; ct: Buffer };
const row = (db: Database.Database, idx: number) => db.prepare('SELECT * FROM entries WHERE idx = ?').get(idx) as Row;
const put = (db: Database.Database, r: Row, idx = r.idx) => db.prepare('UPDATE entries SET leaf = ?, nonce = ?, ct = ? WHERE idx = ?').run(r.leaf, r.nonce, r.ct, idx);

// The last flag: whether a plain unlock notices too. Unlock checks every row, the sealed
// head and the latest signed checkpoint; older checkpoints are checked by `verify` only.
const cases: [string, (db: Database.Database) => void, number, boolean?][] = [
  ['a flipped ciphertext byte', (db) => { const r = row(db, 5); r.ct[10]! ^= 1; put(db, r); }, 5],
  ['a changed leaf hash', (db) => { const r = row(db, 7); r.leaf[0]! ^= 1; put(db, r); }, 7],
  ['a changed nonce', (db) => { const r = row(db, 2); r.nonce[0]! ^= 1; put(db, r); }, 2],
  ['a removed middle row', (db) => { db.prepare('DELETE FROM entries WHERE idx = 4').run(); }, 4],
  ['a removed last row', (db) => { db.prepare('DELETE FROM entries WHERE idx = ?').run(SIZE - 1); }, SIZE - 1],
  ['a removed last row and its checkpoint', (db) => { db.prepare('DELETE FROM entries WHERE idx = ?').run(SIZE - 1); db.prepare('DELETE FROM checkpoints WHERE size = ?').run(SIZE); }, SIZE - 1],
  ['a truncated log with its checkpoints', (db) => { db.prepare('DELETE FROM entries WHERE idx >= 6').run(); db.prepare('DELETE FROM checkpoints WHERE size > 6').run(); }, 6],
  ['a truncated log with its checkpoints and its head', (db) => {
    db.prepare('DELETE FROM entries WHERE idx >= 6').run();
    db.prepare('DELETE FROM checkpoints WHERE size > 6').run();
    db.prepare("DELETE FROM meta WHERE key = 'head'").run();
  }, 6],
  ['two swapped rows', (db) => { const a = row(db, 3); const b = row(db, 6); put(db, b, 3); put(db, a, 6); }, 3],
  ['two swapped ciphertexts', (db) => { const a = row(db, 3); const b = row(db, 6); put(db, { ...a, ct: b.ct }); put(db, { ...b, ct: a.ct }); }, 3],
  ['a row moved to another index', (db) => { db.prepare('UPDATE entries SET idx = 100 WHERE idx = 8').run(); }, 8],
  ['a row from another vault', (db) => {
    const o = new Database(other, { readonly: true });
    const r = o.prepare('SELECT * FROM entries WHERE idx = 1').get() as Row;
    o.close();
    put(db, r, 1);
  }, 1],
  ['a forged old checkpoint signature', (db) => { db.prepare('UPDATE checkpoints SET sig = zeroblob(64) WHERE size = 5').run(); }, 5, false],
  ['a forged latest checkpoint signature', (db) => { db.prepare('UPDATE checkpoints SET sig = zeroblob(64) WHERE size = ?').run(SIZE); }, SIZE],
];

describe('the integrity check finds every tampering and names the first bad index', () => {
  it('passes the untouched vault', async () => {
    const r = await inspect(pristine);
    expect(r).toMatchObject({ ok: true, size: SIZE, firstBadIndex: null, checkpoints: SIZE });
  });

  for (const [what, change, firstBad, unlockRefuses = true] of cases) {
    it(what, async () => {
      const p = tampered(change);
      const r = await inspect(p);
      expect(r.ok).toBe(false);
      expect(r.firstBadIndex).toBe(firstBad);
      if (unlockRefuses) await expect(Vault.open(p, PASS)).rejects.toMatchObject({ code: 'E_INTEGRITY' });
    });
  }

  it('`tearline verify` exits 1 with E_INTEGRITY and the first bad index', async () => {
    const p = tampered(cases[0]![1]);
    const r = await tearline(['verify', '--vault', p, '--json'], { env: { TEARLINE_PASSPHRASE: PASS } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^E_INTEGRITY: first bad index 5: /);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, firstBadIndex: 5 });
    const good = await tearline(['verify', '--vault', pristine], { env: { TEARLINE_PASSPHRASE: PASS } });
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^OK: tearline\//);
  });
});
