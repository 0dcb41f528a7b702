/** The keyring: adding, listing, revoking, binding keys to logs; all of it sealed on disk. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBody } from '../../shared/domain';
import type { Vault } from '../../electron/core/vault/vault';
import { buildKeyCard } from '../../electron/core/vault/key-card';
import { checkVault, exportBundle, importBundle, inspectBundle, trustAdd, trustList, trustRevoke } from '../../electron/core/bundle';
import { newEntryId } from '../../electron/core/ids';
import { sodium } from '../../electron/core/crypto/sodium';
import { encodeMinisignPublicKey } from '../../electron/core/formats/minisign';
import { tempDir } from '../helpers/tmp';
import { codeOf } from '../helpers/codes';
import { craftBundle, craftRecord } from './craft';
import { addCase, newVault } from './fixtures';

const dir = tempDir('tearline-trust-');
let home: Vault;
let north: Vault;
let south: Vault;

beforeAll(async () => {
  home = await newVault(dir, 'Home');
  north = await newVault(dir, 'North');
  south = await newVault(dir, 'South');
  addCase(north);
  addCase(south);
});

afterAll(() => {
  for (const v of [home, north, south]) v?.close();
});


describe('the keyring', () => {
  it('trusts a key card, and logs it', () => {
    const card = buildKeyCard(north);
    const key = trustAdd(home, { name: 'Station North', card: JSON.stringify(card), verifiedBy: 'Officer A. Novak' });
    expect(key).toMatchObject({ name: 'Station North', status: 'trusted', fingerprint: card.fingerprint, origin: north.origin, ageRecipient: card.ageRecipient, source: 'key-card' });
    expect(key.minisignPublicKey.split('\n')[1]).toBe(card.minisignPublicKey.split('\n')[1]);
    const logged = home.list({ kind: 'key.trusted' }).items;
    expect(logged).toHaveLength(1);
    expect(home.get(logged[0]!.id).body).toMatchObject({ name: 'Station North', fingerprint: card.fingerprint, method: 'card-file', verifiedBy: 'Officer A. Novak' });
  });

  it('refuses the same key twice, a name twice, its own key and an inconsistent card', async () => {
    const card = buildKeyCard(north);
    expect(await codeOf(() => trustAdd(home, { name: 'Other name', card }))).toBe('E_USAGE');
    expect(await codeOf(() => trustAdd(home, { name: 'station north', card: buildKeyCard(south) }))).toBe('E_USAGE');
    expect(await codeOf(() => trustAdd(home, { name: 'Me', card: buildKeyCard(home) }))).toBe('E_USAGE');
    expect(await codeOf(() => trustAdd(home, { name: 'Liar', card: { ...buildKeyCard(south), fingerprint: card.fingerprint } }))).toBe('E_MALFORMED');
    expect(await codeOf(() => trustAdd(home, { name: 'Junk', card: '{"type":"something"}' }))).toBe('E_MALFORMED');
    expect(await codeOf(() => trustAdd(home, { name: '  ', card: buildKeyCard(south) }))).toBe('E_USAGE');
  });

  it("refuses a card whose recipient, origin or name was changed on the way, though its fingerprint is right", async () => {
    const genuine = buildKeyCard(south);
    const attacker = buildKeyCard(north);
    for (const altered of [{ ageRecipient: attacker.ageRecipient }, { origin: north.origin }, { name: 'Station West' }]) {
      expect(await codeOf(() => trustAdd(home, { name: 'Altered', card: { ...genuine, ...altered } }))).toBe('E_BAD_SIGNATURE');
    }
    expect(trustList(home).keys.map((k) => k.name)).not.toContain('Altered');
  });

  it('trusts a minisign key, binds it to the log of its first bundle, and refuses another log', async () => {
    const card = buildKeyCard(south);
    trustAdd(home, { name: 'South', minisignPublicKey: card.minisignPublicKey, ageRecipient: card.ageRecipient });
    expect(trustList(home).keys.find((k) => k.name === 'South')).toMatchObject({ origin: null, source: 'minisign-key' });
    const first = await exportBundle(south, { selection: { all: true }, singleFile: true });
    expect((await importBundle(home, { bytes: first.bytes! }, { accept: true })).verdict.valid).toBe(true);
    expect(trustList(home).keys.find((k) => k.name === 'South')!.origin).toBe(south.origin);

    // The same key signing for another log is refused.
    const author = south.workstation().edPublicKey;
    const id = newEntryId();
    const other = craftBundle({
      origin: 'tearline/00000000-0000-4000-8000-000000000000',
      log: [craftRecord({ id, kind: 'case.opened', caseId: id, author, ts: '2025-03-12T09:00:00.000Z', body: exampleBody('case.opened') })],
      signer: { secretKey: south.workstation().edSecretKey },
    });
    const verdict = await inspectBundle(home, { bytes: other.singleFile });
    expect(verdict.signature).toBe('valid');
    expect(verdict.problems.map((p) => p.code)).toEqual(['E_UNTRUSTED_SIGNER']);

    // A key not bound to any log may not sign for a log that belongs to another key.
    const loose = sodium().crypto_sign_keypair();
    trustAdd(home, { name: 'Loose', minisignPublicKey: encodeMinisignPublicKey({ publicKey: loose.publicKey }) });
    const intruder = craftBundle({
      origin: north.origin,
      log: [craftRecord({ id, kind: 'case.opened', caseId: id, author: loose.publicKey, ts: '2025-03-12T09:00:00.000Z', body: exampleBody('case.opened') })],
      signer: { secretKey: loose.privateKey },
    });
    const refused = await inspectBundle(home, { bytes: intruder.singleFile });
    expect(refused.signature).toBe('valid');
    expect(refused.problems.map((p) => p.code)).toEqual(['E_UNTRUSTED_SIGNER']);
    expect(refused.problems[0]!.message).toMatch(/belongs to the key of Station North/);
  });

  it('revokes by fingerprint, refuses the key from then on, and never trusts it again', async () => {
    const fingerprint = buildKeyCard(north).fingerprint;
    const key = trustRevoke(home, fingerprint.replace(/(.{4})/g, '$1 ').toUpperCase(), { reason: 'the laptop was stolen', revokedBy: 'Chief C. Laurent' });
    expect(key).toMatchObject({ status: 'revoked', revoked: { reason: 'the laptop was stolen' } });
    const logged = home.list({ kind: 'key.revoked' }).items;
    expect(home.get(logged[0]!.id).body).toMatchObject({ fingerprint, name: 'Station North', reason: 'the laptop was stolen' });
    expect(await codeOf(() => trustRevoke(home, 'Station North'))).toBe('E_USAGE');
    expect(await codeOf(() => trustRevoke(home, 'Nobody'))).toBe('E_NOT_FOUND');
    expect(await codeOf(() => trustAdd(home, { name: 'North again', card: buildKeyCard(north) }))).toBe('E_REVOKED_SIGNER');
    const bundle = await exportBundle(north, { selection: { all: true }, singleFile: true });
    const verdict = await inspectBundle(home, { bytes: bundle.bytes! });
    expect(verdict.problems.map((p) => p.code)).toEqual(['E_REVOKED_SIGNER']);
  });

  it('keeps names, keys and imported records out of the clear on disk', () => {
    home.database().pragma('wal_checkpoint(TRUNCATE)');
    const raw = readFileSync(home.path);
    for (const text of ['Station North', 'South', 'Port Halden', south.origin, 'the laptop was stolen']) {
      expect(raw.includes(Buffer.from(text)), text).toBe(false);
    }
    expect(path.basename(home.path)).toMatch(/\.tearline$/);
  });
});

describe('rows put back or removed by someone with the file', () => {
  it('a revoked key stays revoked when its old trusted row is put back, and a forgotten checkpoint still stops a rollback', async () => {
    const holder = await newVault(dir, 'Holder');
    const peer = await newVault(dir, 'Peer');
    try {
      trustAdd(holder, { name: 'Peer', card: buildKeyCard(peer) });
      addCase(peer);
      const older = await exportBundle(peer, { selection: { all: true }, singleFile: true });
      addCase(peer);
      const newer = await exportBundle(peer, { selection: { all: true }, singleFile: true });
      expect((await importBundle(holder, { bytes: newer.bytes! }, { accept: true })).verdict.valid).toBe(true);
      expect(checkVault(holder)).toMatchObject({ ok: true, problems: [] });

      // An imported entry's row is deleted: the log's bundle.imported entries counted them.
      holder.database().prepare('DELETE FROM imported_entries WHERE rowid = (SELECT min(rowid) FROM imported_entries)').run();
      const checked = checkVault(holder);
      expect(checked.ok).toBe(false);
      expect(checked.problems).toEqual([expect.objectContaining({ what: 'imports', message: expect.stringMatching(/removed or added/) })]);

      // The held checkpoints are deleted: the log's bundle.imported entries still know them.
      holder.database().prepare('DELETE FROM peer_checkpoints').run();
      const rolledBack = await inspectBundle(holder, { bytes: older.bytes! });
      expect(rolledBack.relation).toBe('rollback');
      expect(rolledBack.problems.map((p) => p.code)).toEqual(['E_ROLLBACK']);

      // The trusted row from before the revocation is put back.
      const before = holder.database().prepare('SELECT ref, nonce, ct FROM trusted_keys').all() as { ref: Buffer; nonce: Buffer; ct: Buffer }[];
      trustRevoke(holder, 'Peer', { reason: 'compromised' });
      const put = holder.database().prepare('UPDATE trusted_keys SET nonce = ?, ct = ? WHERE ref = ?');
      for (const row of before) put.run(row.nonce, row.ct, row.ref);
      expect(trustList(holder).keys.find((k) => k.name === 'Peer')).toMatchObject({ status: 'revoked' });
      const refused = await inspectBundle(holder, { bytes: newer.bytes! });
      expect(refused.problems.map((p) => p.code)).toContain('E_REVOKED_SIGNER');
    } finally {
      holder.close();
      peer.close();
    }
  });
});
