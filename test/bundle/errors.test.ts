/** Every way a bundle can be refused, each with its code, and a refused import changes nothing. */
import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../shared/bytes';
import { exampleBody } from '../../shared/domain';
import type { Vault } from '../../electron/core/vault/vault';
import { buildKeyCard } from '../../electron/core/vault/key-card';
import { exportBundle, importBundle, inspectBundle, trustRevoke } from '../../electron/core/bundle';
import { newEntryId } from '../../electron/core/ids';
import { tempDir } from '../helpers/tmp';
import { craftBundle, craftRecord, type CraftOptions, type CraftRecord } from './craft';
import { addCase, newVault, trust } from './fixtures';

const dir = tempDir('tearline-bundle-errors-');
let n = 0;
const file = (ext = 'bundle') => path.join(dir, `e${++n}.${ext}`);

let sender: Vault;
let receiver: Vault;
let stranger: Vault;
let crafter: Vault;
let revoked: Vault;

function count(vault: Vault, table: string): number {
  return (vault.database().prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

beforeAll(async () => {
  [sender, receiver, stranger, crafter, revoked] = await Promise.all(
    ['Sender', 'Receiver', 'Stranger', 'Crafter', 'Revoked'].map((name) => newVault(dir, name)),
  ) as [Vault, Vault, Vault, Vault, Vault];
  for (const v of [sender, stranger, crafter, revoked]) addCase(v);
  trust(receiver, sender);
  trust(receiver, crafter);
  trust(receiver, revoked);
  trust(sender, receiver);
  trustRevoke(receiver, 'Revoked', { reason: 'the workstation was lost' });
});

afterAll(() => {
  for (const v of [sender, receiver, stranger, crafter, revoked]) v?.close();
});

async function exported(from: Vault, options: Partial<Parameters<typeof exportBundle>[1]> = {}): Promise<string> {
  const out = file(options.armor ? 'txt' : 'bundle');
  await exportBundle(from, { out, selection: { all: true }, singleFile: true, ...options });
  return out;
}

async function codes(target: string | Uint8Array, vault: Vault = receiver): Promise<string[]> {
  const verdict = await inspectBundle(vault, typeof target === 'string' ? target : { bytes: target });
  expect(verdict.valid).toBe(false);
  return verdict.problems.map((p) => p.code);
}

/** A log of the crafter's: its real case (valid entries), to which tests add their own. */
function crafterLog(extra: (author: Uint8Array) => CraftRecord[] = () => []): CraftRecord[] {
  const author = crafter.workstation().edPublicKey;
  const caseId = newEntryId();
  return [
    craftRecord({ id: caseId, kind: 'case.opened', caseId, author, ts: '2025-03-12T09:00:00.000Z', body: exampleBody('case.opened') }),
    craftRecord({ id: newEntryId(), kind: 'note', caseId, author, ts: '2025-03-12T09:01:00.000Z', body: exampleBody('note', { caseId }) }),
    ...extra(author),
  ];
}

function crafted(options: Partial<CraftOptions> & { log?: CraftRecord[] } = {}): Uint8Array {
  return craftBundle({
    origin: crafter.origin,
    log: options.log ?? crafterLog(),
    signer: { secretKey: crafter.workstation().edSecretKey },
    ...options,
  }).singleFile;
}

describe('refusals, by code', () => {
  it('a crafted bundle that is right verifies (the baseline of the tests below)', async () => {
    const verdict = await inspectBundle(receiver, { bytes: crafted() });
    expect(verdict.problems).toEqual([]);
    expect(verdict.valid).toBe(true);
  });

  it('E_MALFORMED: not a bundle, a detached bundle without its signature, a comment that disagrees with the bundle', async () => {
    const junk = file();
    writeFileSync(junk, 'hello, this is not a bundle\n');
    expect(await codes(junk)).toEqual(['E_MALFORMED']);
    const detached = file();
    await exportBundle(sender, { out: detached, selection: { all: true } });
    const lonely = file();
    copyFileSync(detached, lonely); // no .minisig next to it
    expect(await codes(lonely)).toEqual(['E_MALFORMED']);
    const lying = crafted({ trustedComment: 'tearline bundle v1 id=01900000-0000-7000-8000-00000000b00d origin=tearline/elsewhere size=2 root=' + 'ab'.repeat(32) });
    expect(await codes(lying)).toEqual(['E_MALFORMED']);
    const armoredJunk = file('txt');
    writeFileSync(armoredJunk, '-----BEGIN TEARLINE BUNDLE-----\nnot base64!\n-----END TEARLINE BUNDLE-----\n');
    expect(await codes(armoredJunk)).toEqual(['E_MALFORMED']);
  });

  it('E_TOO_LARGE: over the size limit, before anything is read', async () => {
    const out = await exported(sender);
    const verdict = await inspectBundle(receiver, out, { limits: { maxBytes: 1000 } });
    expect(verdict.problems.map((p) => p.code)).toEqual(['E_TOO_LARGE']);
    const entries = await inspectBundle(receiver, out, { limits: { maxEntries: 2 } });
    expect(entries.problems.map((p) => p.code)).toEqual(['E_TOO_LARGE']);
  });

  it('E_BAD_SIGNATURE: a changed byte, and a changed trusted comment', async () => {
    const out = await exported(sender);
    const bytes = new Uint8Array(readFileSync(out));
    const at = Buffer.from(bytes).indexOf('Port Halden');
    bytes[at] = bytes[at]! ^ 0x20;
    expect(await codes(bytes)).toEqual(['E_BAD_SIGNATURE']);

    const detached = file();
    await exportBundle(sender, { out: detached, selection: { all: true } });
    const sig = readFileSync(detached + '.minisig', 'utf8').replace(/size=(\d+)/, (_m, s: string) => `size=${Number(s) + 1}`);
    const verdict = await inspectBundle(receiver, { path: detached, signatureText: sig });
    expect(verdict.problems.map((p) => p.code)).toEqual(['E_BAD_SIGNATURE']);
    expect(verdict.signature).toBe('invalid');
  });

  it('E_UNTRUSTED_SIGNER: a key this vault does not trust, or a key given for another', async () => {
    const out = await exported(stranger);
    expect(await codes(out)).toEqual(['E_UNTRUSTED_SIGNER']);
    const verdict = await inspectBundle({ trustKey: buildKeyCard(sender).minisignPublicKey }, out);
    expect(verdict.problems.map((p) => p.code)).toEqual(['E_UNTRUSTED_SIGNER']);
    expect(verdict.problems[0]!.message).toMatch(/not by the key given/);
  });

  it('E_REVOKED_SIGNER: a key that was revoked, after its signature has been checked', async () => {
    const out = await exported(revoked);
    const verdict = await inspectBundle(receiver, out);
    expect(verdict.signature).toBe('valid');
    expect(verdict.signer).toMatchObject({ status: 'revoked', name: 'Revoked' });
    expect(verdict.problems.map((p) => p.code)).toEqual(['E_REVOKED_SIGNER']);
  });

  it('E_BAD_PROOF: an inclusion proof or a field that does not match, under a good signature', async () => {
    const badProof = crafted({
      tamperEntry: (e) => (e.index === 1 ? { ...e, proof: e.proof.map((p, i) => (i === 0 ? p.map((b) => b ^ 1) : p)) } : e),
    });
    expect(await codes(badProof)).toEqual(['E_BAD_PROOF']);
    const badField = crafted({
      tamperEntry: (e) => (e.index === 0 ? { ...e, fields: e.fields.map((f) => (f.name === 'summary' ? { ...f, value: utf8('"A different summary"') } : f)) } : e),
    });
    const verdict = await inspectBundle(receiver, { bytes: badField });
    expect(verdict.problems.map((p) => p.code)).toEqual(['E_BAD_PROOF']);
    expect(verdict.problems[0]!.message).toMatch(/summary does not match its commitment/);
  });

  it('E_INVALID_ENTRY: a proven entry whose body breaks its schema', async () => {
    const log = crafterLog((author) => {
      const { approvedBy: _drop, ...waiver } = exampleBody('waiver') as Record<string, unknown>;
      return [craftRecord({ id: newEntryId(), kind: 'waiver', caseId: waiver.caseId as string, author, ts: '2025-03-12T09:02:00.000Z', body: waiver })];
    });
    const verdict = await inspectBundle(receiver, { bytes: crafted({ log }) });
    expect(verdict.problems.map((p) => p.code)).toEqual(['E_INVALID_ENTRY']);
    expect(verdict.problems[0]!.message).toMatch(/approvedBy/);
    expect(verdict.entries.verified).toBe(2);
  });

  it('E_NOT_FOR_US: encrypted to someone else', async () => {
    const out = await exported(sender, { to: [buildKeyCard(stranger).ageRecipient] });
    expect(await codes(out)).toEqual(['E_NOT_FOR_US']);
    const noIdentity = await inspectBundle({ trustKey: buildKeyCard(sender).minisignPublicKey }, out);
    expect(noIdentity.problems.map((p) => p.code)).toEqual(['E_NOT_FOR_US']);
  });

  it('E_DECRYPT: an encrypted bundle changed in transit', async () => {
    const out = await exported(sender, { to: ['Receiver'] });
    const bytes = new Uint8Array(readFileSync(out));
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 1;
    expect(await codes(bytes)).toEqual(['E_DECRYPT']);
    const header = new Uint8Array(readFileSync(out));
    const mac = Buffer.from(header).indexOf('\n---') + 10;
    header[mac] = header[mac] === 0x41 ? 0x42 : 0x41;
    expect(await codes(header)).toEqual(['E_DECRYPT']);
  });
});

describe('a file changed while it is read', () => {
  // A small bundle is checked on this thread alone; a large one with the bundle worker
  // (hashWorkerFrom: 0 makes this one large). Either way the second reading must give the
  // first one's tag (crypto/same-reading.ts).
  it.each([
    ['on this thread', {}],
    ['with the bundle worker', { hashWorkerFrom: 0 }],
  ])('is refused, checked %s: the second reading must be what was signed (E_BAD_SIGNATURE)', async (_where, hashing) => {
    const out = file();
    await exportBundle(sender, { out, selection: { all: true }, singleFile: true });
    const original = new Uint8Array(readFileSync(out));
    const changed = original.slice();
    const at = Buffer.from(changed).indexOf('Port Halden');
    changed[at] = changed[at]! ^ 0x20;
    const before = count(receiver, 'imported_entries');
    let swapped = false;
    const result = await importBundle(receiver, out, {
      accept: true,
      ...hashing,
      onProgress: (done, total, phase) => {
        // The end of the first reading: the signature has not been checked yet.
        if (phase === 'read' && done === total && !swapped) {
          writeFileSync(out, changed);
          swapped = true;
        }
      },
    });
    expect(swapped).toBe(true);
    expect(result.verdict.signature).toBe('valid');
    expect(result.verdict.problems.map((p) => p.code)).toContain('E_BAD_SIGNATURE');
    expect(result.changed).toBe(false);
    expect(count(receiver, 'imported_entries')).toBe(before);
  });
});

describe('a refused import leaves the vault exactly as it was', () => {
  it('rolls back the entries stored before the bad one', async () => {
    const log = crafterLog((author) => {
      const { justification: _drop, ...waiver } = exampleBody('waiver') as Record<string, unknown>;
      return [craftRecord({ id: newEntryId(), kind: 'waiver', caseId: waiver.caseId as string, author, ts: '2025-03-12T09:02:00.000Z', body: waiver })];
    });
    const size = receiver.size;
    const tables = ['imported_entries', 'peer_checkpoints', 'trusted_keys', 'fork_evidence', 'entries', 'checkpoints'];
    const before = tables.map((t) => count(receiver, t));
    const result = await importBundle(receiver, { bytes: crafted({ log }) }, { accept: true });
    expect(result.verdict.valid).toBe(false);
    expect(result.verdict.problems.map((p) => p.code)).toEqual(['E_INVALID_ENTRY']);
    expect(result.changed).toBe(false);
    expect(receiver.size).toBe(size);
    expect(tables.map((t) => count(receiver, t))).toEqual(before);
    expect(receiver.database().inTransaction).toBe(false);
  });
});
