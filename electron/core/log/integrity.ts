/**
 * The full integrity check: every row decrypted in its place, every field commitment and
 * leaf recomputed from the decrypted entry, every body checked against its schema, the
 * tree rebuilt, every signed checkpoint checked against it, the sealed head against
 * the end of the log, and every sealed index block against the entries it indexes. It reads the file afresh rather than trusting the unlock's index.
 */
import { concatBytes, equalBytes, fromBase64, toHex, u32be, utf8 } from '../../../shared/bytes';
import { commitField, entryLeafHash } from '../../../shared/entry';
import { checkpointBytes } from '../../../shared/log/checkpoint';
import { MerkleTree } from '../../../shared/merkle';
import { getPolicy, validateBody } from '../../../shared/domain';
import { TearlineError } from '../../../shared/errors';
import { blake2b, sha256 } from '../crypto/hash';
import { bulkOpener } from '../crypto/aead';
import { openRow, type SealedRow } from './entry-record';
import { indexedEntryOf, type IndexedEntry } from './entry-index';
import { BLOCK_ENTRIES } from './index-block';
import { verifyDetached } from '../vault/workstation';
import type { ProgressFn, Vault } from '../vault/vault';

export interface IntegrityProblem {
  /** The entry index concerned, or the checkpoint size for checkpoint problems. */
  index: number;
  what: 'entry' | 'checkpoint' | 'head' | 'index' | 'imports';
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
  const blockOpener = bulkOpener(vault.indexKeyForVerify());
  const storedBlock = db.prepare('SELECT leaves, nonce, ct FROM index_blocks WHERE block = ?');
  // One digest per entry of the current block, not the entries themselves: records kept
  // for a thousand rows outlive the young generation, and 100k of them promoted to the old
  // one made the check's memory several times the index's.
  const digests = new Uint8Array(BLOCK_ENTRIES * DIGEST_BYTES);
  let digested = 0;
  const checkBlock = (last: number): void => {
    const block = Math.floor(last / BLOCK_ENTRIES);
    const complete = digested === BLOCK_ENTRIES;
    digested = 0;
    const row = storedBlock.get(block) as { leaves: Uint8Array; nonce: Uint8Array; ct: Uint8Array } | undefined;
    // Rows that did not decrypt are already reported, and a missing block is rebuilt by
    // the next unlock: only a block that is there and disagrees is a problem of its own.
    if (!row || !complete) return;
    let same = false;
    const opened = vault.openBlock(block, blockOpener, row, (stored) => {
      let at = 0;
      same = stored.entries.every((e, i) => {
        const search = stored.search.subarray(at, (at += stored.searchLengths[i]!));
        return equalBytes(indexDigest(e, search), digests.subarray(i * DIGEST_BYTES, (i + 1) * DIGEST_BYTES));
      });
    }, tree);
    const first = block * BLOCK_ENTRIES;
    // The unlock builds the tree from the blocks' leaf hashes: they must be the entries'.
    if (!equalBytes(row.leaves, tree.leafHashes(first, first + BLOCK_ENTRIES))) {
      problems.push({ index: first, what: 'index', message: `index block ${block} holds leaf hashes that are not its entries'` });
    } else if (!opened) problems.push({ index: first, what: 'index', message: `index block ${block} does not decrypt in its place` });
    else if (!same) {
      problems.push({ index: first, what: 'index', message: `index block ${block} does not match the entries it indexes` });
    }
  };
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
        digested = -1;
        continue;
      }
      if (row.idx % BLOCK_ENTRIES === 0) digested = 0;
      if (row.idx % BLOCK_ENTRIES === digested) {
        const e = indexedEntryOf(row.idx, record, false);
        digests.set(indexDigest(e, utf8(e.search)), digested++ * DIGEST_BYTES);
      }
      if (row.idx % BLOCK_ENTRIES === BLOCK_ENTRIES - 1) checkBlock(row.idx);
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
    blockOpener.dispose();
  }
  onProgress?.({ phase: 'verify', done: expected, total });

  const size = tree.size;
  const beyond = db.prepare('SELECT block FROM index_blocks WHERE block >= ? ORDER BY block LIMIT 1').get(Math.floor(size / BLOCK_ENTRIES)) as
    | { block: number }
    | undefined;
  if (beyond) {
    const index = beyond.block * BLOCK_ENTRIES;
    problems.push({ index: Math.min(index, size), what: 'index', message: `index block ${beyond.block} indexes entries beyond the end of the log (${size}): entries were removed` });
  }
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
    const message =
      head.size === size ? `the log's root at size ${size} is not the one last committed: entries were changed` : `the log (size ${size}) is not the one last committed (size ${head.size})`;
    problems.push({ index: Math.min(head.size, size), what: 'head', message });
  } else if (!head && size > 0 && !problems.some((p) => p.what === 'head')) {
    // Every commit writes the head: without it nothing says where the log ended, and a log
    // cut short together with its later checkpoints would otherwise pass.
    problems.push({ index: size, what: 'head', message: `the log head is missing: nothing vouches that the log ends at ${size} entries (entries may have been removed)` });
  }
  // What the unlock itself found (opened for inspection, it goes on past damage).
  for (const d of vault.damaged) {
    if (!problems.some((p) => p.index === d.index && p.message === d.reason)) problems.push({ index: d.index, what: 'entry', message: d.reason });
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

const DIGEST_BYTES = 32;

/** A digest of everything the index holds of an entry, to compare a block with the entries. */
function indexDigest(e: IndexedEntry, search: Uint8Array): Uint8Array {
  const fields = utf8(JSON.stringify([e.index, e.id, e.kind, e.caseId, e.ts, e.author, e.summary]));
  return blake2b(concatBytes(u32be(fields.length), fields, search), DIGEST_BYTES);
}
