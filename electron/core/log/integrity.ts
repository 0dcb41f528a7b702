/**
 * The full integrity check: every row decrypted in its place, every field commitment and
 * leaf recomputed from the decrypted entry, every body checked against its schema, the
 * tree rebuilt, every signed checkpoint checked against it, and the sealed head against
 * the end of the log. It reads the file afresh rather than trusting the unlock's index.
 */
import { equalBytes, fromBase64, toHex } from '../../../shared/bytes';
import { commitField, entryLeafHash } from '../../../shared/entry';
import { checkpointBytes } from '../../../shared/log/checkpoint';
import { MerkleTree } from '../../../shared/merkle';
import { getPolicy, validateBody } from '../../../shared/domain';
import { TearlineError } from '../../../shared/errors';
import { sha256 } from '../crypto/hash';
import { bulkOpener } from '../crypto/aead';
import { openRow, type SealedRow } from './entry-record';
import { verifyDetached } from '../vault/workstation';
import type { ProgressFn, Vault } from '../vault/vault';

export interface IntegrityProblem {
  /** The entry index concerned, or the checkpoint size for checkpoint problems. */
  index: number;
  what: 'entry' | 'checkpoint' | 'head';
  message: string;
}

export interface IntegrityReport {
  ok: boolean;
  origin: string;
  size: number;
  root: string;
  checkpoints: number;
  /** The lowest entry index at which the log is not what was signed, or null. */
  firstBadIndex: number | null;
  problems: IntegrityProblem[];
}

export function verifyVault(vault: Vault, onProgress?: ProgressFn): IntegrityReport {
  const db = vault.database();
  const vaultId = vault.header.vaultId;
  const opener = bulkOpener(vault.entriesKeyForVerify());
  const publicKey = vault.workstation().edPublicKey;
  const problems: IntegrityProblem[] = [];
  const entryProblem = (index: number, message: string): void => {
    problems.push({ index, what: 'entry', message });
  };
  const tree = new MerkleTree(sha256);
  const total = (db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n;
  const step = Math.max(1, Math.floor(total / 100));
  const ids = new Set<string>();
  let expected = 0;
  try {
    for (const row of db.prepare('SELECT idx, leaf, nonce, ct FROM entries ORDER BY idx').iterate() as Iterable<SealedRow>) {
      while (expected < row.idx) {
        entryProblem(expected, 'missing (a row was removed)');
        tree.append(new Uint8Array(32)); // keeps later indexes aligned; the root will not match
        expected++;
      }
      expected++;
      // A leaf of the wrong length still takes its place, so later indexes stay aligned.
      tree.append(row.leaf.length === 32 ? new Uint8Array(row.leaf) : new Uint8Array(32));
      const record = row.leaf.length === 32 ? openRow(opener, vaultId, row) : undefined;
      if (!record) {
        entryProblem(row.idx, 'does not decrypt in its place (changed, moved or swapped)');
        continue;
      }
      const { header, body, salts } = record;
      if (ids.has(header.id)) entryProblem(row.idx, `duplicate entry id ${header.id}`);
      ids.add(header.id);
      const committed = Object.keys(header.fields).sort().join(',');
      const present = Object.keys(body).sort().join(',');
      if (committed !== present) entryProblem(row.idx, 'its fields do not match its commitments');
      for (const [name, value] of Object.entries(body)) {
        const salt = salts[name];
        const c = header.fields[name];
        if (salt === undefined || c === undefined || toHex(commitField(sha256, name, fromBase64(salt), value)) !== c) {
          entryProblem(row.idx, `field ${name} does not match its commitment`);
        }
      }
      if (!equalBytes(entryLeafHash(sha256, header), row.leaf)) entryProblem(row.idx, 'its leaf hash does not match its content');
      try {
        validateBody(header.kind, body, getPolicy(header.policy));
      } catch (error) {
        entryProblem(row.idx, `invalid: ${error instanceof TearlineError ? error.message : String(error)}`);
      }
      if (onProgress && expected % step === 0) onProgress({ phase: 'verify', done: expected, total });
    }
  } finally {
    opener.dispose();
  }
  onProgress?.({ phase: 'verify', done: expected, total });

  const size = tree.size;
  const checkpoints = db.prepare('SELECT size, root, sig FROM checkpoints ORDER BY size').all() as {
    size: number;
    root: Uint8Array;
    sig: Uint8Array;
  }[];
  for (const cp of checkpoints) {
    const signed = verifyDetached(publicKey, checkpointBytes({ origin: vault.origin, size: cp.size, root: new Uint8Array(cp.root) }), cp.sig);
    if (!signed) problems.push({ index: cp.size, what: 'checkpoint', message: `checkpoint at size ${cp.size} has a bad signature` });
    else if (cp.size > size) problems.push({ index: size, what: 'checkpoint', message: `checkpoint at size ${cp.size} is beyond the end of the log (${size}): entries were removed` });
    else if (!equalBytes(tree.root(cp.size), cp.root)) problems.push({ index: cp.size - 1, what: 'checkpoint', message: `the log does not match the checkpoint signed at size ${cp.size}` });
  }
  const last = checkpoints[checkpoints.length - 1];
  if (size > 0 && (!last || last.size !== size)) {
    problems.push({ index: last ? last.size : 0, what: 'checkpoint', message: `no signed checkpoint covers the end of the log (size ${size})` });
  }
  let head: { size: number; root: string } | undefined;
  try {
    head = vault.readHead();
  } catch (error) {
    problems.push({ index: 0, what: 'head', message: error instanceof Error ? error.message : String(error) });
  }
  if (head && (head.size !== size || head.root !== toHex(tree.root(Math.min(head.size, size))))) {
    problems.push({ index: Math.min(head.size, size), what: 'head', message: `the log (size ${size}) is not the one last committed (size ${head.size})` });
  }
  const firstBadIndex = problems.length === 0 ? null : Math.min(...problems.map((p) => p.index));
  return {
    ok: problems.length === 0,
    origin: vault.origin,
    size,
    root: toHex(tree.root(size)),
    checkpoints: checkpoints.length,
    firstBadIndex,
    problems: problems.sort((a, b) => a.index - b.index),
  };
}
