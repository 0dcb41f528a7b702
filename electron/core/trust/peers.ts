/**
 * What this vault holds of other logs: every checkpoint it has accepted from each origin
 * (signed, so each one can be shown to a third party), and the evidence of forks: pairs of
 * signed checkpoints of one log that cannot both be true.
 */
import { toHex } from '../../../shared/bytes';
import { ForkEvidenceSchema, SignedCheckpointSchema, type ForkEvidence, type SignedCheckpoint } from '../../../shared/bundle/evidence';
import { TearlineError } from '../../../shared/errors';
import type { Vault } from '../vault/vault';
import { openRow, rowRef, sealRow, type RowKeys } from './sealed-rows';

const CHECKPOINTS = 'peer_checkpoints';
const ORIGINS = 'peer_checkpoints.origin';
const FORKS = 'fork_evidence';

export interface HeldPeerCheckpoint extends SignedCheckpoint {
  /** The fingerprint of the key that signed it. */
  fingerprint: string;
  receivedAt: string;
}

type Row = { ref: Uint8Array; nonce: Uint8Array; ct: Uint8Array };

function checkpointIdentity(origin: string, size: number): string {
  return `${origin}\u0000${size}`;
}

function parseHeld(keys: RowKeys, row: Row): HeldPeerCheckpoint {
  const value = openRow(keys, CHECKPOINTS, row.ref, row) as Record<string, unknown>;
  const { fingerprint, receivedAt, ...cp } = value;
  if (typeof fingerprint !== 'string' || typeof receivedAt !== 'string') {
    throw new TearlineError('E_INTEGRITY', 'a peer checkpoint row is damaged');
  }
  const checkpoint = SignedCheckpointSchema.parse(cp);
  if (toHex(rowRef(keys, CHECKPOINTS, checkpointIdentity(checkpoint.origin, checkpoint.size))) !== toHex(row.ref)) {
    throw new TearlineError('E_INTEGRITY', 'a peer checkpoint row is not in its place: the vault file was altered');
  }
  return { ...checkpoint, fingerprint, receivedAt };
}

/** Every checkpoint held from `origin`, by increasing size. */
export function heldCheckpoints(vault: Vault, keys: RowKeys, origin: string): HeldPeerCheckpoint[] {
  const rows = vault
    .database()
    .prepare(`SELECT ref, nonce, ct FROM ${CHECKPOINTS} WHERE origin_ref = ?`)
    .all(rowRef(keys, ORIGINS, origin)) as Row[];
  return rows
    .map((row) => parseHeld(keys, row))
    .filter((cp) => cp.origin === origin)
    .sort((a, b) => a.size - b.size);
}

export function allHeldCheckpoints(vault: Vault, keys: RowKeys): HeldPeerCheckpoint[] {
  const rows = vault.database().prepare(`SELECT ref, nonce, ct FROM ${CHECKPOINTS}`).all() as Row[];
  return rows.map((row) => parseHeld(keys, row)).sort((a, b) => a.origin.localeCompare(b.origin) || a.size - b.size);
}

/** Stores a checkpoint; returns false when one of that size was already held (it is kept). */
export function holdCheckpoint(vault: Vault, keys: RowKeys, cp: HeldPeerCheckpoint): boolean {
  const ref = rowRef(keys, CHECKPOINTS, checkpointIdentity(cp.origin, cp.size));
  const sealed = sealRow(keys, CHECKPOINTS, ref, cp);
  const result = vault
    .database()
    .prepare(`INSERT INTO ${CHECKPOINTS} (ref, origin_ref, nonce, ct) VALUES (?, ?, ?, ?) ON CONFLICT(ref) DO NOTHING`)
    .run(ref, rowRef(keys, ORIGINS, cp.origin), sealed.nonce, sealed.ct);
  return result.changes === 1;
}

export function recordFork(vault: Vault, keys: RowKeys, evidence: ForkEvidence): boolean {
  const checked = ForkEvidenceSchema.parse(evidence);
  const ref = rowRef(
    keys,
    FORKS,
    [checked.origin, checked.held.size, checked.held.root, checked.presented.size, checked.presented.root].join('\u0000'),
  );
  const sealed = sealRow(keys, FORKS, ref, checked);
  const result = vault
    .database()
    .prepare(`INSERT INTO ${FORKS} (ref, nonce, ct) VALUES (?, ?, ?) ON CONFLICT(ref) DO NOTHING`)
    .run(ref, sealed.nonce, sealed.ct);
  return result.changes === 1;
}

export function listForks(vault: Vault, keys: RowKeys): ForkEvidence[] {
  const rows = vault.database().prepare(`SELECT ref, nonce, ct FROM ${FORKS}`).all() as Row[];
  return rows
    .map((row) => ForkEvidenceSchema.parse(openRow(keys, FORKS, row.ref, row)))
    .sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
}
