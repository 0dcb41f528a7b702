/** The vault on a real SQLite file with real libsodium: life cycle, entries, keys, backup. */
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../electron/core/vault/vault';
import { MIGRATIONS, PAGE_BYTES } from '../../electron/core/vault/vault-db';
import { verifyVault } from '../../electron/core/log/integrity';
import { buildKeyCard } from '../../electron/core/vault/key-card';
import { KeyCardSchema } from '../../shared/keys/key-card';
import { fromUtf8, utf8 } from '../../shared/bytes';
import { canonicalJsonBytes } from '../../shared/canonical-json';
import { tempDir } from '../helpers/tmp';
import { OPENED, waiverBody } from '../helpers/bodies';

const PASS = 'correct horse battery staple';
const dir = tempDir();
let n = 0;
const vaultPath = () => path.join(dir, `v${++n}.tearline`);

const waiver = waiverBody;

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<Error & { code: string; at?: string }> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect((error as { code?: string }).code).toBe(code);
    return error as Error & { code: string };
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe('vault life cycle', () => {
  it('creates, locks, unlocks with the passphrase and refuses a wrong one', async () => {
    const p = vaultPath();
    const v = await Vault.create(p, PASS, { name: 'Station North', kdf: 'interactive' });
    expect(v.size).toBe(1); // vault.created
    expect(v.list().items[0]!.kind).toBe('vault.created');
    const origin = v.origin;
    v.close();
    expect(() => v.list()).toThrow(/locked/);
    await expectCode(Vault.open(p, 'wrong passphrase'), 'E_BAD_PASSPHRASE');
    const again = await Vault.open(p, PASS);
    expect(again.origin).toBe(origin);
    expect(again.name).toBe('Station North');
    again.close();
  });

  it('never overwrites an existing file and leaves nothing behind on failure', async () => {
    const p = vaultPath();
    (await Vault.create(p, PASS, { kdf: 'interactive' })).close();
    await expectCode(Vault.create(p, PASS, { kdf: 'interactive' }), 'E_VAULT_EXISTS');
    await expectCode(Vault.open(path.join(dir, 'nothing-here'), PASS), 'E_NO_VAULT');
    expect(readdirSync(dir).filter((f) => f.includes('.creating-'))).toEqual([]);
  });

  it('refuses a vault whose stored KDF parameters fall below the floor, before deriving', async () => {
    const p = vaultPath();
    (await Vault.create(p, PASS, { kdf: 'interactive' })).close();
    const db = new Database(p);
    const header = JSON.parse(fromUtf8((db.prepare("SELECT value FROM meta WHERE key='header'").get() as { value: Uint8Array }).value));
    header.kdf.memlimit = 8 * 1024 * 1024;
    db.prepare("UPDATE meta SET value=? WHERE key='header'").run(canonicalJsonBytes(header));
    db.close();
    await expectCode(Vault.open(p, PASS), 'E_KDF_TOO_WEAK');
  });

  it('authenticates the KDF parameters: raising them breaks the unlock instead of being obeyed silently', async () => {
    const p = vaultPath();
    (await Vault.create(p, PASS, { kdf: 'interactive' })).close();
    const db = new Database(p);
    const header = JSON.parse(fromUtf8((db.prepare("SELECT value FROM meta WHERE key='header'").get() as { value: Uint8Array }).value));
    header.kdf.opslimit = 3;
    db.prepare("UPDATE meta SET value=? WHERE key='header'").run(canonicalJsonBytes(header));
    db.close();
    await expectCode(Vault.open(p, PASS), 'E_BAD_PASSPHRASE');
  });

  it('changes the passphrase by re-wrapping the key, without re-encrypting entries', async () => {
    const p = vaultPath();
    const v = await Vault.create(p, PASS, { kdf: 'interactive' });
    const [opened] = v.append([{ kind: 'case.opened', body: OPENED }]);
    v.close();
    const before = new Database(p);
    const rowsBefore = before.prepare('SELECT idx, ct FROM entries ORDER BY idx').all();
    before.close();
    const v2 = await Vault.open(p, PASS);
    await v2.changePassphrase('a new and different passphrase');
    v2.close();
    const db = new Database(p);
    const rowsAfter = db.prepare('SELECT idx, ct FROM entries ORDER BY idx').all();
    db.close();
    expect(rowsAfter.slice(0, rowsBefore.length)).toEqual(rowsBefore);
    await expectCode(Vault.open(p, PASS), 'E_BAD_PASSPHRASE');
    const v3 = await Vault.open(p, 'a new and different passphrase');
    expect(v3.get(opened!.id).body).toEqual(OPENED);
    expect(v3.list({ kind: 'passphrase.changed' }).total).toBe(1);
    expect(verifyVault(v3).ok).toBe(true);
    v3.close();
  });

  it('never reports two passphrase changes at once as both done', async () => {
    const p = vaultPath();
    const v = await Vault.create(p, PASS, { kdf: 'interactive' });
    const results = await Promise.allSettled([v.changePassphrase('first new passphrase'), v.changePassphrase('second new passphrase')]);
    v.close();
    const done = results.map((r, i) => (r.status === 'fulfilled' ? ['first new passphrase', 'second new passphrase'][i] : undefined)).filter((x) => x !== undefined);
    expect(done).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'E_VAULT_BUSY' } });
    // The one reported done is the one that opens the vault.
    const reopened = await Vault.open(p, done[0]!);
    expect(reopened.list({ kind: 'passphrase.changed' }).total).toBe(1);
    reopened.close();
  });

  it('gives one process the vault: a second open is E_VAULT_BUSY, and the file stays sound', async () => {
    const p = vaultPath();
    const v = await Vault.create(p, PASS, { kdf: 'interactive' });
    const { tearline } = await import('../helpers/cli');
    const body = path.join(dir, 'busy.json');
    (await import('node:fs')).writeFileSync(body, JSON.stringify(OPENED));
    const r = await tearline(['add', '--vault', p, '--kind', 'case.opened', '--file', body], { env: { TEARLINE_PASSPHRASE: PASS } });
    expect(r.stderr).toMatch(/^E_VAULT_BUSY: /);
    expect(r.code).toBe(4);
    v.append([{ kind: 'case.opened', body: OPENED }]);
    v.close();
    const again = await Vault.open(p, PASS);
    expect(again.size).toBe(2);
    expect(verifyVault(again).ok).toBe(true);
    again.close();
  });

  it('brings a vault from an earlier version up to date only once the passphrase has opened it', async () => {
    const p = vaultPath();
    const v = await Vault.create(p, PASS, { kdf: 'interactive' });
    v.append([{ kind: 'case.opened', body: OPENED }]);
    v.close();
    // The file as the version before migration 4 left it.
    const raw = new Database(p);
    raw.exec('DROP INDEX imported_entries_id; ALTER TABLE imported_entries DROP COLUMN id_ref; PRAGMA user_version = 3;');
    raw.close();
    const version = () => {
      const db = new Database(p, { readonly: true });
      try {
        return db.pragma('user_version', { simple: true }) as number;
      } finally {
        db.close();
      }
    };
    await expectCode(Vault.open(p, 'not the passphrase'), 'E_BAD_PASSPHRASE');
    expect(version()).toBe(3);
    const opened = await Vault.open(p, PASS);
    expect(opened.size).toBe(2);
    expect(verifyVault(opened).ok).toBe(true);
    opened.close();
    expect(version()).toBe(MIGRATIONS.length);
  });

  it('answers an append once the WAL is synced, and copies the WAL into the database file after it, once no transaction is open', async () => {
    const p = vaultPath();
    const v = await Vault.create(p, PASS, { kdf: 'interactive' });
    const yieldOnce = () => new Promise<void>((resolve) => setImmediate(resolve));
    await yieldOnce();
    const fileBytes = () => statSync(p).size;
    const walBytes = () => statSync(`${p}-wal`).size;
    const before = fileBytes();
    // Over 1000 pages of WAL, where SQLite's own rule would copy it inside the COMMIT.
    const drafts = Array.from({ length: 7000 }, (_, i) => ({ kind: 'case.opened', body: { ...OPENED, summary: `Threat ${i}: ${'s'.repeat(1500)}` } }));
    v.append(drafts);
    expect(walBytes()).toBeGreaterThan(1000 * PAGE_BYTES);
    // Durable in the WAL, not yet in the database file.
    expect(fileBytes()).toBe(before);
    await yieldOnce();
    const copied = fileBytes();
    expect(copied).toBeGreaterThan(before + 1000 * PAGE_BYTES);

    // A copy due while a transaction stays open across awaits (as an import's does) is
    // tried again until it has ended.
    const db = v.database();
    db.exec('BEGIN IMMEDIATE');
    v.append(drafts.slice(0, 300));
    await yieldOnce();
    db.exec('COMMIT');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(fileBytes()).toBeGreaterThan(copied + 300 * 1500);
    v.close();
    const again = await Vault.open(p, PASS);
    expect(again.size).toBe(7301);
    expect(verifyVault(again).ok).toBe(true);
    again.close();
  });
});

describe('entries', () => {
  it('accepts the issue’s case.opened body, and folds a case with amendments', async () => {
    const v = await Vault.create(vaultPath(), PASS, { kdf: 'interactive' });
    const [opened] = v.append([{ kind: 'case.opened', body: OPENED }]);
    expect(opened!.caseId).toBe(opened!.id);
    const [amend] = v.append([
      { kind: 'amendment', body: { caseId: opened!.id, target: opened!.id, changes: { summary: 'A plan to kill a journalist on Friday' }, reason: 'New reporting' } },
    ]);
    expect(amend!.caseId).toBe(opened!.id);
    const view = v.caseView(opened!.id);
    expect(JSON.stringify(view)).toContain('A plan to kill a journalist on Friday');
    expect(view.timeline.length).toBe(2);
    v.close();
  });

  it('refuses invalid waivers with E_INVALID_ENTRY naming the field, and writes nothing', async () => {
    const v = await Vault.create(vaultPath(), PASS, { kdf: 'interactive' });
    const [opened] = v.append([{ kind: 'case.opened', body: OPENED }]);
    const size = v.size;
    const { justification: _j, ...noJustification } = waiver(opened!.id);
    const { approvedBy: _a, ...noApprover } = waiver(opened!.id);
    const cases: [unknown, string][] = [
      [noJustification, 'justification'],
      [noApprover, 'approvedBy'],
      [waiver(opened!.id, { reasons: ['because-we-said-so'] }), 'reasons'],
    ];
    for (const [body, field] of cases) {
      const e = await expectCode(() => v.append([{ kind: 'waiver', body }]), 'E_INVALID_ENTRY');
      expect(e.message).toContain(field);
    }
    await expectCode(() => v.append([{ kind: 'waiver', body: waiver('0190f3a1-0000-7000-8000-000000000000') }]), 'E_INVALID_ENTRY');
    await expectCode(() => v.append([{ kind: 'vault.created', body: {} }]), 'E_INVALID_ENTRY');
    // One bad entry in a batch: the whole batch is refused.
    await expectCode(() => v.append([{ kind: 'case.opened', body: OPENED }, { kind: 'case.opened', body: { ...OPENED, marking: 'SECRET' } }]), 'E_INVALID_ENTRY');
    expect(v.size).toBe(size);
    v.append([{ kind: 'waiver', body: waiver(opened!.id) }]);
    expect(v.size).toBe(size + 1);
    v.close();
  });

  it('lists, filters and searches, never matching sensitive fields', async () => {
    const v = await Vault.create(vaultPath(), PASS, { kdf: 'interactive' });
    const [a] = v.append([{ kind: 'case.opened', body: OPENED }]);
    v.append([{ kind: 'case.opened', body: { ...OPENED, summary: 'Kidnapping plot against an engineer', threatType: 'kidnapping' } }]);
    v.append([{ kind: 'waiver', body: waiver(a!.id) }]);
    expect(v.list({ kind: 'case.opened' }).total).toBe(2);
    expect(v.list({ caseId: a!.id }).items.map((e) => e.kind)).toEqual(['case.opened', 'waiver']);
    expect(v.list({ search: 'KIDNAPPING engineer' }).total).toBe(1);
    expect(v.list({ search: 'ZEBRA-7' }).total).toBe(0);
    expect(v.list({ limit: 1, order: 'desc' }).items[0]!.kind).toBe('waiver');
    v.close();
  });

  it('keeps no record content, name or free text in the clear on disk', async () => {
    const p = vaultPath();
    const marker = 'Zanzibar-Quokka-4471';
    const v = await Vault.create(p, PASS, { name: `Station ${marker}`, kdf: 'interactive' });
    const batch = Array.from({ length: 50 }, (_, i) => ({ kind: 'case.opened', body: { ...OPENED, summary: `${marker} summary ${i}`, sourceProtection: { notes: marker } } }));
    v.append(batch);
    // While open (WAL present) and after close (WAL folded in).
    const scan = () => {
      for (const f of readdirSync(dir).filter((f) => f.startsWith(path.basename(p)))) {
        const bytes = readFileSync(path.join(dir, f));
        expect(bytes.includes(Buffer.from(marker)), `${f} holds the marker in clear`).toBe(false);
        expect(bytes.includes(Buffer.from('journalist')), `${f} holds record text in clear`).toBe(false);
        expect(bytes.includes(Buffer.from('intentional-killing')), `${f} holds record text in clear`).toBe(false);
      }
    };
    expect(existsSync(`${p}-wal`)).toBe(true);
    scan();
    v.close();
    scan();
  });

  it('the key card gives minisign and age forms of the workstation keys', async () => {
    const v = await Vault.create(vaultPath(), PASS, { name: 'Station East', kdf: 'interactive' });
    const card = KeyCardSchema.parse(buildKeyCard(v));
    expect(card.name).toBe('Station East');
    expect(card.ageRecipient).toMatch(/^age1/);
    expect(card.minisignPublicKey).toMatch(/^untrusted comment: .*\nRW[A-Za-z0-9+/]{54}\n$/);
    expect(card.fingerprintWords).toHaveLength(12);
    expect(utf8(card.fingerprint)).toHaveLength(32);
    v.close();
  });
});

describe('backup', () => {
  it('copies with the online backup; the copy opens with the same passphrase and verifies', async () => {
    const p = vaultPath();
    const v = await Vault.create(p, PASS, { kdf: 'interactive' });
    const [opened] = v.append([{ kind: 'case.opened', body: OPENED }]);
    const out = path.join(dir, 'backup-copy.tearline');
    const result = await v.backup(out);
    expect(result.size).toBe(2);
    await expectCode(v.backup(out), 'E_VAULT_EXISTS');
    v.close();
    const copy = await Vault.open(out, PASS);
    expect(copy.get(opened!.id).body).toEqual(OPENED);
    expect(copy.size).toBe(2); // the backup.created entry is written after the copy
    expect(verifyVault(copy).ok).toBe(true);
    copy.close();
  });

  it('creates vaults with 16 KiB pages, which the backup keeps', async () => {
    const p = vaultPath();
    const v = await Vault.create(p, PASS, { kdf: 'interactive' });
    const out = path.join(dir, 'backup-pages.tearline');
    await v.backup(out);
    v.close();
    for (const file of [p, out]) {
      const db = new Database(file, { readonly: true });
      expect(db.pragma('page_size', { simple: true })).toBe(PAGE_BYTES);
      db.close();
    }
  });
});
