/**
 * The keyring: the workstations whose bundles this vault trusts. A key is added from its
 * key card (`tearline keys --json` on the other workstation) or from a minisign public
 * key file, under a name the officer chooses; it is revoked, never deleted, so that the
 * history of who was trusted stays readable. Every change is also a system entry of the
 * log (`key.trusted`, `key.revoked`).
 *
 * A trusted key may be bound to one origin (one log): the key card names it, and a key
 * added without a card is bound to the origin of the first bundle imported from it.
 */
import { z } from 'zod';
import { fromBase64, fromHex, toBase64, toHex } from '../../../shared/bytes';
import { TearlineError } from '../../../shared/errors';
import { KeyCardSchema, keyCardSignedBytes, type KeyCard } from '../../../shared/keys/key-card';
import { formatMinisignKeyId, encodeMinisignPublicKey, parseMinisignPublicKey } from '../formats/minisign';
import { parseAgeRecipient } from '../formats/age';
import { fingerprintHex, verifyDetached } from '../vault/workstation';
import type { Vault } from '../vault/vault';
import { logFacts } from './log-facts';
import { openRow, rowRef, sealRow, withRowKeys, type RowKeys } from './sealed-rows';

const TABLE = 'trusted_keys';

const TrustRecordSchema = z
  .object({
    name: z.string(),
    fingerprint: z.string().regex(/^[0-9a-f]{32}$/),
    ed25519: z.string(),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    ageRecipient: z.string().nullable(),
    origin: z.string().nullable(),
    source: z.enum(['key-card', 'minisign-key']),
    addedAt: z.string(),
    revoked: z.object({ at: z.string(), reason: z.string() }).strict().nullable(),
  })
  .strict();

export type TrustRecord = z.infer<typeof TrustRecordSchema>;

/** A trusted (or revoked) key as the command line and the UI show it. */
export interface TrustedKey extends TrustRecord {
  status: 'trusted' | 'revoked';
  /** The key id as `minisign` prints it. */
  minisignKeyId: string;
  /** The key as a minisign public key file. */
  minisignPublicKey: string;
}

export interface TrustAddInput {
  name: string;
  /** A key card: its JSON text or the parsed object. */
  card?: string | KeyCard;
  /** The text of a minisign public key file. */
  minisignPublicKey?: string;
  /** With a minisign key: the workstation's age recipient, to encrypt bundles to it. */
  ageRecipient?: string;
  verifiedBy?: string;
  comment?: string;
}

const NAME_MAX = 200;

function checkName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed === '') throw new TearlineError('E_USAGE', 'a trusted key needs a name (--name)');
  if (trimmed.length > NAME_MAX || /[\r\n\0]/.test(trimmed)) {
    throw new TearlineError('E_USAGE', `a key name is one line of at most ${NAME_MAX} characters`);
  }
  return trimmed;
}

function parseCard(card: string | KeyCard): KeyCard {
  let value: unknown = card;
  if (typeof card === 'string') {
    try {
      value = JSON.parse(card);
    } catch {
      throw new TearlineError('E_MALFORMED', 'the key card is not JSON (it is what `tearline keys --json` prints)');
    }
  }
  const parsed = KeyCardSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TearlineError('E_MALFORMED', `the key card is not valid: ${issue.path.join('.') || 'card'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The key id and public key of a card, after checking that its parts agree. */
function cardKeys(card: KeyCard): { publicKey: Uint8Array; keyId: Uint8Array } {
  const publicKey = fromBase64(card.ed25519);
  const minisign = parseMinisignPublicKey(card.minisignPublicKey);
  if (toHex(minisign.publicKey) !== toHex(publicKey)) {
    throw new TearlineError('E_MALFORMED', 'the key card is inconsistent: its minisign key is not its Ed25519 key');
  }
  if (fingerprintHex(publicKey) !== card.fingerprint) {
    throw new TearlineError('E_MALFORMED', 'the key card is inconsistent: the fingerprint does not belong to its key');
  }
  parseAgeRecipient(card.ageRecipient);
  if (!verifyDetached(publicKey, keyCardSignedBytes(card), fromBase64(card.signature))) {
    throw new TearlineError('E_BAD_SIGNATURE', "the key card's signature does not verify: its recipient, origin or name was changed after it was made");
  }
  return { publicKey, keyId: minisign.keyId };
}

export function loadTrust(vault: Vault, keys: RowKeys): TrustRecord[] {
  const rows = vault.database().prepare(`SELECT ref, nonce, ct FROM ${TABLE}`).all() as { ref: Uint8Array; nonce: Uint8Array; ct: Uint8Array }[];
  const records = rows.map((row) => {
    const record = TrustRecordSchema.parse(openRow(keys, TABLE, row.ref, row));
    if (toHex(rowRef(keys, TABLE, record.fingerprint)) !== toHex(row.ref)) {
      throw new TearlineError('E_INTEGRITY', 'a trusted key row is not in its place: the vault file was altered');
    }
    return record;
  });
  // A key the log says was revoked is revoked, whatever its row says (log-facts.ts).
  const revokedInLog = logFacts(vault).revoked;
  const checked = records.map((r) => {
    const at = revokedInLog.get(r.fingerprint);
    return r.revoked || at === undefined ? r : { ...r, revoked: { at, reason: 'revoked, as the log records (its keyring row had been put back to an earlier state)' } };
  });
  return checked.sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.name.localeCompare(b.name));
}

export function saveTrust(vault: Vault, keys: RowKeys, record: TrustRecord): void {
  const ref = rowRef(keys, TABLE, record.fingerprint);
  const sealed = sealRow(keys, TABLE, ref, TrustRecordSchema.parse(record));
  vault
    .database()
    .prepare(`INSERT INTO ${TABLE} (ref, nonce, ct) VALUES (?, ?, ?) ON CONFLICT(ref) DO UPDATE SET nonce = excluded.nonce, ct = excluded.ct`)
    .run(ref, sealed.nonce, sealed.ct);
}

export function toTrustedKey(record: TrustRecord): TrustedKey {
  const keyId = fromHex(record.keyId);
  return {
    ...record,
    status: record.revoked ? 'revoked' : 'trusted',
    minisignKeyId: formatMinisignKeyId(keyId),
    minisignPublicKey: encodeMinisignPublicKey({
      publicKey: fromBase64(record.ed25519),
      keyId,
      untrustedComment: `tearline trusted key ${record.name.replace(/[\r\n\0]+/g, ' ')} ${formatMinisignKeyId(keyId)}`,
    }),
  };
}

/** Finds a key by its name (case-insensitive) or its fingerprint (hex, spaces allowed). */
export function findTrust(records: readonly TrustRecord[], nameOrFingerprint: string): TrustRecord | undefined {
  const text = nameOrFingerprint.trim();
  const hex = text.replace(/\s+/g, '').toLowerCase();
  if (/^[0-9a-f]{32}$/.test(hex)) {
    const byFingerprint = records.find((r) => r.fingerprint === hex);
    if (byFingerprint) return byFingerprint;
  }
  const lower = text.toLowerCase();
  return records.find((r) => r.name.toLowerCase() === lower);
}

export function trustAdd(vault: Vault, input: TrustAddInput): TrustedKey {
  const name = checkName(input.name);
  if ((input.card === undefined) === (input.minisignPublicKey === undefined)) {
    throw new TearlineError('E_USAGE', 'give exactly one of a key card (--card) and a minisign public key (--minisign-pub)');
  }
  let publicKey: Uint8Array;
  let keyId: Uint8Array;
  let ageRecipient: string | null;
  let origin: string | null = null;
  let source: TrustRecord['source'];
  if (input.card !== undefined) {
    if (input.ageRecipient !== undefined) throw new TearlineError('E_USAGE', 'the key card already names its age recipient; --age-recipient goes with --minisign-pub');
    const card = parseCard(input.card);
    ({ publicKey, keyId } = cardKeys(card));
    ageRecipient = card.ageRecipient;
    origin = card.origin;
    source = 'key-card';
  } else {
    ({ publicKey, keyId } = parseMinisignPublicKey(input.minisignPublicKey!));
    ageRecipient = input.ageRecipient ?? null;
    if (ageRecipient !== null) parseAgeRecipient(ageRecipient);
    source = 'minisign-key';
  }
  const fingerprint = fingerprintHex(publicKey);
  if (fingerprint === fingerprintHex(vault.workstation().edPublicKey)) {
    throw new TearlineError('E_USAGE', 'that is this workstation’s own key; a vault does not import its own bundles');
  }

  return withRowKeys(vault, (keys) => {
    const records = loadTrust(vault, keys);
    const existing = records.find((r) => r.fingerprint === fingerprint);
    if (existing?.revoked) {
      throw new TearlineError('E_REVOKED_SIGNER', `this key was revoked on ${existing.revoked.at.slice(0, 10)} (as ${existing.name}); a revoked key is not trusted again`);
    }
    if (existing) throw new TearlineError('E_USAGE', `this key is already trusted, as ${existing.name}`);
    const clash = records.find((r) => r.name.toLowerCase() === name.toLowerCase());
    if (clash) throw new TearlineError('E_USAGE', `the name ${clash.name} is already used by another key; choose another`);
    if (origin !== null) {
      const owner = records.find((r) => r.origin === origin && !r.revoked);
      if (owner) throw new TearlineError('E_USAGE', `the log ${origin} is already bound to the key of ${owner.name}`);
    }
    const record: TrustRecord = {
      name,
      fingerprint,
      ed25519: toBase64(publicKey),
      keyId: toHex(keyId),
      ageRecipient,
      origin,
      source,
      addedAt: new Date().toISOString(),
      revoked: null,
    };
    vault.writeTogether('the key was not trusted', () => {
      saveTrust(vault, keys, record);
      vault.appendSystem('key.trusted', {
        name,
        fingerprint,
        signingPublicKey: record.ed25519,
        ...(ageRecipient ? { ageRecipient } : {}),
        method: source === 'key-card' ? 'card-file' : 'minisign-key',
        ...(input.verifiedBy ? { verifiedBy: input.verifiedBy } : {}),
        ...(input.comment ? { comment: input.comment } : {}),
      });
    });
    return toTrustedKey(record);
  });
}

export interface RevokeOptions {
  reason?: string;
  revokedBy?: string;
}

export function trustRevoke(vault: Vault, nameOrFingerprint: string, options: RevokeOptions = {}): TrustedKey {
  const reason = options.reason?.trim() || 'revoked by the officer (no reason given)';
  return withRowKeys(vault, (keys) => {
    const record = findTrust(loadTrust(vault, keys), nameOrFingerprint);
    if (!record) throw new TearlineError('E_NOT_FOUND', `no trusted key named or with fingerprint ${nameOrFingerprint}`);
    if (record.revoked) throw new TearlineError('E_USAGE', `the key of ${record.name} was already revoked on ${record.revoked.at.slice(0, 10)}`);
    const updated: TrustRecord = { ...record, revoked: { at: new Date().toISOString(), reason } };
    vault.writeTogether('the key was not revoked', () => {
      saveTrust(vault, keys, updated);
      vault.appendSystem('key.revoked', {
        fingerprint: record.fingerprint,
        name: record.name,
        reason,
        ...(options.revokedBy ? { revokedBy: options.revokedBy } : {}),
      });
    });
    return toTrustedKey(updated);
  });
}
