/**
 * One index block's worth of new entries, built and sealed in one go: what a large append
 * hands to its second thread (workers/append-worker.ts) and does itself with the rest.
 *
 * A chunk is BLOCK_ENTRIES validated entries that fill one aligned block of the log. The
 * result is everything the writing thread needs and nothing it has to re-derive: each
 * entry's leaf hash and sealed row, and the block's index as it will be sealed (its
 * plaintext, to be indexed and then wiped, and its sealed form, to be stored). Nothing in
 * it depends on the log beyond the chunk's own first index, so chunks can be built in any
 * order and on any thread, and applied in order.
 */
import { MerkleTree } from '../../../shared/merkle';
import { fromHex } from '../../../shared/bytes';
import { seal } from '../crypto/aead';
import type { BulkSealer } from '../crypto/bulk-seal';
import { sha256 } from '../crypto/hash';
import type { EntryHeader } from '../../../shared/entry';
import type { EntryKind } from '../../../shared/domain';
import { buildRecord, sealRecord } from './entry-record';
import { indexedEntryOf, type IndexedEntry } from './entry-index';
import { BLOCK_ENTRIES, encodeIndexBlock, indexBlockAd } from './index-block';

/** A validated entry as the append has prepared it. */
export interface PreparedEntry {
  id: string;
  kind: string;
  caseId: string | null;
  body: Record<string, unknown>;
  policy: string;
}

export interface ChunkJob {
  /** The log index of the first entry: a multiple of BLOCK_ENTRIES. */
  first: number;
  vaultId: string;
  /** The author's Ed25519 public key, base64, as every header carries it. */
  author: string;
  /** The time of writing, given to every entry of the chunk. */
  ts: string;
  entries: PreparedEntry[];
}

export interface BuiltChunk {
  first: number;
  /** count × 32 bytes. */
  leaves: Uint8Array;
  /** count × 24 bytes. */
  nonces: Uint8Array;
  /** The ciphertexts back to back; entry i's is cts[ctEnds[i - 1] ?? 0, ctEnds[i]). */
  cts: Uint8Array;
  ctEnds: Uint32Array;
  /** The block's index as sealed, for the writer to index; wipe it after. */
  blockPlain: Uint8Array;
  blockNonce: Uint8Array;
  blockCt: Uint8Array;
  /** The root of the chunk's subtree, which the block's associated data binds. */
  subtreeRoot: Uint8Array;
}

const LEAF_BYTES = 32;
const NONCE_BYTES = 24;

let lastMs = NaN;
let lastTs = '';
/**
 * The ISO timestamp of now. Formatting a date costs more than a tenth of sealing an
 * entry, and a batch writes many entries within each millisecond.
 */
export function timestampNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastTs = new Date(ms).toISOString();
  }
  return lastTs;
}

/** Builds, seals and indexes a chunk. `sealer` holds the entries key, `indexKey` seals the block. */
export function buildBlockChunk(job: ChunkJob, sealer: BulkSealer, indexKey: Uint8Array): BuiltChunk {
  const n = job.entries.length;
  if (n !== BLOCK_ENTRIES || job.first % BLOCK_ENTRIES !== 0) throw new Error('a chunk is one aligned index block of entries');
  const leaves = new Uint8Array(n * LEAF_BYTES);
  const nonces = new Uint8Array(n * NONCE_BYTES);
  const ctEnds = new Uint32Array(n);
  // The ciphertexts are sealed straight into one buffer, grown if they outgrow it.
  let packed = takeBuffer(n * 3072);
  let ctBytes = 0;
  const into = (length: number): Uint8Array => {
    if (ctBytes + length > packed.length) {
      const grown = takeBuffer(Math.max(2 * packed.length, ctBytes + length));
      grown.set(packed.subarray(0, ctBytes));
      keepSpares([packed.buffer as ArrayBuffer]);
      packed = grown;
    }
    return packed.subarray(ctBytes, (ctBytes += length));
  };
  const indexed: IndexedEntry[] = [];
  const search: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const p = job.entries[i]!;
    const head: Omit<EntryHeader, 'fields'> = { v: 1, id: p.id, kind: p.kind as EntryKind, policy: p.policy, author: job.author, ts: job.ts, caseId: p.caseId };
    const built = buildRecord(head, p.body);
    const row = sealRecord(sealer, job.vaultId, job.first + i, built, into);
    leaves.set(built.leaf, i * LEAF_BYTES);
    nonces.set(row.nonce, i * NONCE_BYTES);
    ctEnds[i] = ctBytes;
    const record = indexedEntryOf(job.first + i, built.record, false);
    search.push(Buffer.from(record.search, 'utf8'));
    indexed.push(record);
  }
  const subtreeRoot = new Uint8Array(new MerkleTree(sha256, leafViews(leaves)).root());
  const block = job.first / BLOCK_ENTRIES;
  const blockPlain = encodeIndexBlock(indexed, (k) => search[k]!, (length) => takeBuffer(length).subarray(0, length));
  for (const s of search) s.fill(0);
  const sealed = seal(indexKey, blockPlain, indexBlockAd(fromHex(job.vaultId.replace(/-/g, '')), block, subtreeRoot));
  // Both are seal()'s own arrays, moved whole to the writing thread.
  return { first: job.first, leaves, nonces, cts: packed.subarray(0, ctBytes), ctEnds, blockPlain, blockNonce: sealed.nonce, blockCt: sealed.ciphertext, subtreeRoot };
}

/**
 * The two large buffers of a chunk (its ciphertexts, and its index as sealed: a few MB)
 * are reused: new ones for every chunk were garbage that the engine collects only after
 * tens of megabytes of it, which a 100k-entry append could not afford. Each thread has
 * its own spares; the writing thread gives the worker's back to it.
 */
const spares: ArrayBuffer[] = [];
const MAX_SPARES = 2;

/** A buffer of at least `length` bytes, all of it (a spare may be larger). */
function takeBuffer(length: number): Uint8Array {
  const at = spares.findIndex((b) => b.byteLength >= length);
  return new Uint8Array(at >= 0 ? spares.splice(at, 1)[0]! : new ArrayBuffer(length));
}

/** The large buffers of a chunk that has been applied (its index plaintext already wiped). */
export function chunkSpares(chunk: BuiltChunk): ArrayBuffer[] {
  return [chunk.cts.buffer as ArrayBuffer, chunk.blockPlain.buffer as ArrayBuffer];
}

/** Keeps buffers for the next chunks built on this thread. */
export function keepSpares(buffers: readonly ArrayBuffer[]): void {
  for (const b of buffers) if (spares.length < MAX_SPARES && b.byteLength > 0) spares.push(b);
}

/** The 32-byte leaf hashes of a packed run, as views. */
export function leafViews(leaves: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < leaves.length; at += LEAF_BYTES) out.push(leaves.subarray(at, at + LEAF_BYTES));
  return out;
}

/** Entry i of a built chunk as a row to insert. */
export function chunkRow(chunk: BuiltChunk, i: number): { idx: number; leaf: Uint8Array; nonce: Uint8Array; ct: Uint8Array } {
  return {
    idx: chunk.first + i,
    leaf: chunk.leaves.subarray(i * LEAF_BYTES, (i + 1) * LEAF_BYTES),
    nonce: chunk.nonces.subarray(i * NONCE_BYTES, (i + 1) * NONCE_BYTES),
    ct: chunk.cts.subarray(i === 0 ? 0 : chunk.ctEnds[i - 1]!, chunk.ctEnds[i]!),
  };
}

/** The buffers of a built chunk, to move it between threads without copying. */
export function chunkTransfers(chunk: BuiltChunk): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const b of [chunk.leaves, chunk.nonces, chunk.cts, chunk.ctEnds, chunk.blockPlain, chunk.blockNonce, chunk.blockCt, chunk.subtreeRoot]) {
    buffers.add(b.buffer as ArrayBuffer);
  }
  return [...buffers];
}
