/**
 * The bodies of the entries the core writes about the vault itself: who created it, which
 * keys it trusts, what left and what came in. They make the log its own audit trail. They
 * hold public keys, fingerprints, hashes and counts; never a passphrase or a secret key.
 */
import { z } from 'zod';
import { choice, entryId, field, group, integer, line, list, sha256Hex, text } from './fields';
import type { KindDef } from './case-bodies';
import { KIND_INFO, type SystemEntryKind } from './kinds';

const MAX_ENTRIES = 10_000_000;

const base64Key = () =>
  field(
    'Signing public key',
    'The workstation’s Ed25519 public key, in standard base64 (32 bytes).',
    z.string().regex(/^[A-Za-z0-9+/]{43}=$/, { error: 'expected a 32-byte key in base64' }),
  );

const fingerprint = () => field('Fingerprint', 'The workstation key’s fingerprint, as the key card shows it.', line(200));

const ageRecipient = () =>
  field(
    'Age recipient',
    'The workstation’s X25519 key as an age recipient (age1...), to which bundles can be encrypted.',
    z.string().regex(/^age1[02-9ac-hj-np-z]{58}$/, { error: 'expected an age X25519 recipient (age1...)' }),
    { optional: true },
  );

const kdf = () =>
  field(
    'Key derivation',
    'The Argon2id parameters the passphrase is stretched with.',
    group({
      algorithm: field('Algorithm', 'The key-derivation function.', choice(['argon2id13'] as const, { argon2id13: 'Argon2id (v1.3)' })),
      opsLimit: field('Operations limit', 'Argon2id passes (libsodium opslimit).', integer(1, 1_000)),
      memLimit: field('Memory limit', 'Argon2id memory in bytes (libsodium memlimit).', integer(8 * 1024, 2 ** 40)),
    }),
  );

const checkpoint = () =>
  field(
    'Checkpoint',
    'The signed state of a log: its origin, its size in entries, and its Merkle root.',
    group({
      origin: field('Origin', 'The log’s origin line (which workstation’s log).', line(300)),
      size: field('Size', 'The number of entries in the log.', integer(0, MAX_ENTRIES)),
      root: field('Root', 'The Merkle root, in hexadecimal.', sha256Hex()),
    }),
  );

const form = () =>
  field(
    'Form',
    'binary: a file. armored: text for a cable. qr: a sheet of QR codes.',
    choice(['binary', 'armored', 'qr'] as const, { binary: 'File', armored: 'Armored text', qr: 'QR codes' }),
  );

const signer = () =>
  field(
    'Signer',
    'The workstation whose key signed the bundle.',
    group({
      name: field('Name', 'The name under which the key is trusted.', line(), { optional: true }),
      fingerprint: fingerprint(),
    }),
  );

function def<S extends z.ZodObject>(kind: SystemEntryKind, object: S): KindDef<S> {
  return { object: object.meta({ ...KIND_INFO[kind] }) };
}

export function systemBodyDefs() {
  return {
    'vault.created': def(
      'vault.created', z.strictObject({
        workstationName: field('Workstation', 'The name given to this workstation.', line()),
        fingerprint: fingerprint(),
        signingPublicKey: base64Key(),
        ageRecipient: ageRecipient(),
        kdf: kdf(),
        software: field('Software', 'The Tearline version that created the vault.', line(), { optional: true }),
      }),
    ),
    'passphrase.changed': def(
      'passphrase.changed', z.strictObject({
        kdf: kdf(),
      }),
    ),
    'key.trusted': def(
      'key.trusted', z.strictObject({
        name: field('Name', 'The name under which the workstation is trusted.', line()),
        fingerprint: fingerprint(),
        signingPublicKey: base64Key(),
        ageRecipient: ageRecipient(),
        method: field(
          'How it was received',
          'card-file: a key card file. minisign-key: a minisign public key file. pasted: pasted text. manual: typed in.',
          choice(['card-file', 'minisign-key', 'pasted', 'manual'] as const, {
            'card-file': 'Key card file',
            'minisign-key': 'minisign public key file',
            pasted: 'Pasted',
            manual: 'Typed in',
          }),
          { optional: true },
        ),
        verifiedBy: field('Fingerprint compared by', 'The officer who compared the fingerprint with its owner.', line(), {
          optional: true,
        }),
        comment: field('Comment', 'Anything about this key.', text(4000), { optional: true }),
      }),
    ),
    'key.revoked': def(
      'key.revoked', z.strictObject({
        fingerprint: fingerprint(),
        name: field('Name', 'The name under which the key was trusted.', line(), { optional: true }),
        reason: field('Reason', 'Why the key is revoked.', text(4000)),
        revokedBy: field('Revoked by', 'The officer who revoked it.', line(), { optional: true }),
      }),
    ),
    'bundle.exported': def(
      'bundle.exported', z.strictObject({
        bundleId: field('Bundle id', 'The bundle’s id, as its signed trusted comment carries it.', entryId(), { optional: true }),
        bundleHash: field('Bundle hash', 'The SHA-256 of the signed bundle content (the same for every form: file, armored text, encrypted), in hexadecimal.', sha256Hex(), { optional: true }),
        form: form(),
        recipients: field(
          'Recipients',
          'The workstations the bundle was encrypted to; empty when it was signed but not encrypted.',
          list(
            group({
              name: field('Name', 'The recipient’s name.', line(), { optional: true }),
              fingerprint: field('Fingerprint', 'The recipient key’s fingerprint, when it is a trusted workstation.', line(), {
                optional: true,
              }),
              ageRecipient: ageRecipient(),
            }),
            0,
            100,
          ),
        ),
        entryCount: field('Entries', 'How many entries the bundle carries.', integer(0, MAX_ENTRIES)),
        caseIds: field('Cases', 'The cases the exported entries belong to.', list(entryId(), 0, 100_000), { optional: true }),
        entryIds: field('Entry ids', 'The ids of the exported entries.', list(entryId(), 0, MAX_ENTRIES), { optional: true }),
        withheldFields: field(
          'Withheld fields',
          'The names of the fields withheld from at least one exported entry.',
          list(line(100), 0, 1000),
          { optional: true },
        ),
        checkpoint: checkpoint(),
        file: field('File', 'The file name the bundle was saved under, if any.', line(1000), { optional: true }),
      }),
    ),
    'bundle.imported': def(
      'bundle.imported', z.strictObject({
        signer: signer(),
        bundleId: field('Bundle id', 'The bundle’s id, as its signed trusted comment carries it.', entryId(), { optional: true }),
        bundleHash: field('Bundle hash', 'The SHA-256 of the signed bundle content (the same for every form: file, armored text, encrypted), in hexadecimal.', sha256Hex(), { optional: true }),
        form: form(),
        verdict: field('Verdict', 'The verification verdict, in one line.', line(500)),
        warnings: field('Warnings', 'Problems reported by verification that did not prevent import.', list(text(4000), 0, 1000), {
          optional: true,
        }),
        entryCount: field('Entries', 'How many entries the bundle carried.', integer(0, MAX_ENTRIES)),
        newEntryCount: field('New entries', 'How many of them were new to this vault.', integer(0, MAX_ENTRIES), { optional: true }),
        caseIds: field('Cases', 'The cases the imported entries belong to.', list(entryId(), 0, 100_000), { optional: true }),
        checkpoint: checkpoint(),
        acceptedBy: field('Accepted by', 'The officer who accepted the import.', line(), { optional: true }),
      }),
    ),
    'backup.created': def(
      'backup.created', z.strictObject({
        file: field('File', 'The file the backup was written to.', line(1000), { optional: true }),
        checkpoint: checkpoint(),
      }),
    ),
    'fork.detected': def(
      'fork.detected', z.strictObject({
        signer: signer(),
        held: field('Checkpoint held', 'The signed checkpoint this vault already held from that workstation.', checkpoint()),
        presented: field('Checkpoint presented', 'The signed checkpoint of the refused bundle, inconsistent with the one held.', checkpoint()),
      }),
    ),
  };
}
