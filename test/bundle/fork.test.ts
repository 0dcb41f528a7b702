/** Checkpoints held from a peer: extension, lost bundles, rollback, and forks with their evidence. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignedCheckpoint, ForkEvidenceSchema } from '../../shared/bundle/evidence';
import { Vault } from '../../electron/core/vault/vault';
import { exportBundle, importBundle, inspectBundle, trustList } from '../../electron/core/bundle';
import { sodium } from '../../electron/core/crypto/sodium';
import { exampleBody } from '../../shared/domain';
import { tempDir } from '../helpers/tmp';
import { PASS, addCase, newVault, trust, type CaseIds } from './fixtures';
import { craftBundle, craftRecord } from './craft';

const dir = tempDir('tearline-bundle-fork-');
let n = 0;
const file = () => path.join(dir, `f${++n}.bundle`);

let sender: Vault;
let receiver: Vault;
let kase: CaseIds;

const note = (v: Vault, text: string) => v.append([{ kind: 'note', body: { caseId: kase.caseId, text, writtenBy: 'Officer A. Novak' } }]);

async function send(from: Vault, options: Partial<Parameters<typeof exportBundle>[1]> = {}): Promise<{ out: string; size: number }> {
  const out = file();
  const r = await exportBundle(from, { out, selection: { since: Math.max(0, from.size - 3) }, for: ['Receiver'], singleFile: true, ...options });
  return { out, size: r.checkpoint.size };
}

beforeAll(async () => {
  sender = await newVault(dir, 'Sender');
  receiver = await newVault(dir, 'Receiver');
  kase = addCase(sender);
  trust(receiver, sender);
  trust(sender, receiver);
});

afterAll(() => {
  sender?.close();
  receiver?.close();
});

describe('checkpoints held from a peer', () => {
  it('accepts a bundle that extends the last one, even when a bundle in between was lost', async () => {
    const first = await send(sender);
    expect((await importBundle(receiver, first.out, { accept: true })).verdict.relation).toBe('first-contact');
    note(sender, 'between');
    const lost = await send(sender);
    note(sender, 'after the lost one');
    const third = await send(sender);
    const result = await importBundle(receiver, third.out, { accept: true });
    expect(result.verdict.problems).toEqual([]);
    expect(result.verdict).toMatchObject({ relation: 'extends', held: { size: first.size } });
    expect(lost.size).toBeLessThan(third.size);
  });

  it('refuses an older checkpoint than the one held (E_ROLLBACK)', async () => {
    note(sender, 'older');
    const older = await send(sender);
    note(sender, 'newer');
    const newer = await send(sender);
    expect((await importBundle(receiver, newer.out, { accept: true })).verdict.valid).toBe(true);
    const size = receiver.size;
    const result = await importBundle(receiver, older.out, { accept: true });
    expect(result.verdict.relation).toBe('rollback');
    expect(result.verdict.problems.map((p) => p.code)).toEqual(['E_ROLLBACK']);
    expect(result.changed).toBe(false);
    expect(receiver.size).toBe(size);
  });

  it('changes nothing when an older bundle that was imported in its time is imported again', async () => {
    note(sender, 'first');
    const first = await send(sender);
    expect((await importBundle(receiver, first.out, { accept: true })).verdict.valid).toBe(true);
    note(sender, 'second');
    expect((await importBundle(receiver, (await send(sender)).out, { accept: true })).verdict.valid).toBe(true);
    const size = receiver.size;
    const again = await importBundle(receiver, first.out, { accept: true });
    expect(again.verdict).toMatchObject({ valid: true, relation: 'already-known', problems: [] });
    expect(again.changed).toBe(false);
    expect(receiver.size).toBe(size);
  });
});

describe('a copied vault used twice', () => {
  let copy: Vault;
  beforeAll(async () => {
    const copyPath = path.join(dir, 'copy.tearline');
    await sender.backup(copyPath);
    copy = await Vault.open(copyPath, PASS);
  });
  afterAll(() => copy?.close());

  it('is caught as a fork, with both signed checkpoints kept as evidence', async () => {
    expect(copy.origin).toBe(sender.origin);
    note(sender, 'the original goes on');
    note(sender, 'and on');
    const original = await send(sender);
    expect((await importBundle(receiver, original.out, { accept: true })).verdict.valid).toBe(true);

    for (let i = 0; i < 4; i++) note(copy, `the copy goes its own way ${i}`);
    // The copy does not know what the original sent: it cannot prove that it extends it...
    const stale = await send(copy);
    expect(stale.size).toBeGreaterThan(original.size);
    const unproven = await inspectBundle(receiver, stale.out);
    expect(unproven.relation).toBe('unproven');
    expect(unproven.problems.map((p) => p.code)).toEqual(['E_BAD_PROOF']);

    // ...and asked to prove it from the checkpoint held, it shows another history.
    const forked = await send(copy, { sinceCheckpoint: [original.size] });
    const size = receiver.size;
    const result = await importBundle(receiver, forked.out, { accept: true });
    expect(result.verdict.relation).toBe('fork');
    expect(result.verdict.problems.map((p) => p.code)).toEqual(['E_FORK']);
    expect(result.changed).toBe(false);
    expect(result.forkRecorded).toBe(true);
    // Nothing of the bundle is stored; the local log records the fork, once.
    expect(receiver.size).toBe(size + 1);
    const [audit] = receiver.list({ kind: 'fork.detected' }).items;
    expect(receiver.get(audit!.id).body).toMatchObject({ held: { size: original.size }, presented: { size: forked.size } });
    await importBundle(receiver, forked.out, { accept: true });
    expect(receiver.list({ kind: 'fork.detected' }).total).toBe(1);

    const listing = trustList(receiver);
    expect(listing.forks).toHaveLength(1);
    const evidence = ForkEvidenceSchema.parse(listing.forks[0]);
    expect(evidence).toMatchObject({ origin: sender.origin, name: 'Sender', held: { size: original.size }, presented: { size: forked.size } });
    expect(evidence.proof?.fromSize).toBe(original.size);
    expect(evidence.proof?.fromRoot).not.toBe(evidence.held.root);
    const pk = sender.workstation().edPublicKey;
    const ed = (sig: Uint8Array, msg: Uint8Array, key: Uint8Array) => sodium().crypto_sign_verify_detached(sig, msg, key);
    expect(verifySignedCheckpoint(evidence.held, pk, ed)).toBe(true);
    expect(verifySignedCheckpoint(evidence.presented, pk, ed)).toBe(true);
    expect(verifySignedCheckpoint({ ...evidence.held, root: evidence.presented.root }, pk, ed)).toBe(false);
    expect(listing.keys.find((k) => k.name === 'Sender')!.forked).toBe(true);

    // The signer stays flagged.
    note(sender, 'later');
    const later = await inspectBundle(receiver, (await send(sender)).out);
    expect(later.signer.forked).toBe(true);
    expect(later.warnings.join(' ')).toMatch(/two inconsistent histories/);
  });

  it('is caught at the same size too', async () => {
    const original = await newVault(dir, 'Twin');
    const twinReceiver = await newVault(dir, 'Twin receiver');
    try {
      trust(twinReceiver, original);
      const twinPath = path.join(dir, 'twin-copy.tearline');
      await original.backup(twinPath); // the original logs its backup.created entry...
      const twin = await Vault.open(twinPath, PASS);
      try {
        twin.append([{ kind: 'case.opened', body: exampleBody('case.opened') }]); // ...the copy something else
        expect(twin.size).toBe(original.size);
        const a = await exportBundle(original, { selection: { all: true }, singleFile: true });
        const b = await exportBundle(twin, { selection: { all: true }, singleFile: true });
        expect(a.checkpoint.size).toBe(b.checkpoint.size);
        expect((await importBundle(twinReceiver, { bytes: a.bytes! }, { accept: true })).verdict.valid).toBe(true);
        const result = await importBundle(twinReceiver, { bytes: b.bytes! }, { accept: true });
        expect(result.verdict.relation).toBe('fork');
        expect(result.verdict.problems.map((p) => p.code)).toEqual(['E_FORK']);
        expect(result.forkRecorded).toBe(true);
        const [evidence] = trustList(twinReceiver).forks;
        expect(evidence).toMatchObject({ held: { size: a.checkpoint.size, root: a.checkpoint.root }, presented: { root: b.checkpoint.root }, proof: null });
      } finally {
        twin.close();
      }
    } finally {
      original.close();
      twinReceiver.close();
    }
  });
});

describe('another key claiming a log it does not sign', () => {
  it('is refused, and is no evidence of a fork by either key', async () => {
    const owner = await newVault(dir, 'Owner');
    const holder = await newVault(dir, 'Holder');
    const other = await newVault(dir, 'Other');
    try {
      trust(holder, owner);
      trust(holder, other);
      addCase(owner);
      const genuine = await exportBundle(owner, { selection: { all: true }, singleFile: true });
      expect((await importBundle(holder, { bytes: genuine.bytes! }, { accept: true })).verdict.valid).toBe(true);

      // A trusted key signs a bundle that claims the owner's log at the same size, with another root.
      const claim = craftBundle({
        origin: owner.origin,
        log: Array.from({ length: genuine.checkpoint.size }, () =>
          craftRecord({ id: crypto.randomUUID(), kind: 'note', caseId: null, author: other.workstation().edPublicKey, ts: '2026-01-01T00:00:00.000Z', body: {} }),
        ),
        select: [],
        signer: { secretKey: other.workstation().edSecretKey },
      });
      const size = holder.size;
      const result = await importBundle(holder, { bytes: claim.singleFile }, { accept: true });
      expect(result.verdict.valid).toBe(false);
      expect(result.verdict.problems.map((p) => p.code)).toContain('E_UNTRUSTED_SIGNER');
      expect(result.verdict.problems.map((p) => p.code)).not.toContain('E_FORK');
      expect(result.forkRecorded).toBe(false);
      expect(holder.size).toBe(size);
      const listing = trustList(holder);
      expect(listing.forks).toEqual([]);
      expect(listing.keys.map((k) => [k.name, k.forked])).toEqual([
        ['Owner', false],
        ['Other', false],
      ]);
    } finally {
      for (const v of [owner, holder, other]) v.close();
    }
  });
});
