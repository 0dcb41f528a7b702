/**
 * Sealed index blocks: the unlock's index of every complete run of BLOCK_ENTRIES entries,
 * kept encrypted in the vault so that an unlock decrypts one blob per thousand entries
 * instead of every entry (a 100k-entry unlock went from ~10 s to about one).
 *
 * A block is written in the same transaction as the append that completes it, so it is
 * never behind the log it summarises. It is sealed with its own sub-key and bound by
 * associated data to the vault, its block number and the Merkle subtree root of its
 * entries: a block from another vault, another place, or another history of this vault
 * does not open. The entries stay the truth; a block only saves re-deriving their index.
 *
 * Plaintext layout (all integers little-endian u32):
 *   version (1) ‖ count ‖ count × 8 lengths ‖ fields ‖ summaries ‖ search texts
 * Per entry the lengths are: the UTF-16 lengths of id, kind, caseId, ts and author, and
 * the UTF-8 byte lengths of its fields run (those five, back to back), its summary and its
 * search text. The search texts go into the index as one block of bytes, unchanged; each
 * summary is decoded on its own, so a summary's "…" or a name in another script makes
 * only that string two bytes a character, not a whole block's.
 */
import { concatBytes, u64be, utf8 } from '../../../shared/bytes';
import type { IndexedEntry } from './entry-index';

/** Entries per block: a power of two, so each block is one complete subtree of the log. */
export const BLOCK_ENTRIES = 1024;

const VERSION = 1;
const FIELDS = 8;
const AD_DOMAIN = utf8('tearline/index-block/v1\u0000');

export function indexBlockAd(vaultIdBytes: Uint8Array, block: number, subtreeRoot: Uint8Array): Uint8Array {
  return concatBytes(AD_DOMAIN, vaultIdBytes, u64be(block), subtreeRoot);
}

/** `alloc` gives the output buffer (of exactly the length asked for). */
export function encodeIndexBlock(
  entries: readonly IndexedEntry[],
  searchOf: (i: number) => Uint8Array,
  alloc: (length: number) => Uint8Array = (length) => new Uint8Array(length),
): Uint8Array {
  const head = new Uint32Array(2 + entries.length * FIELDS);
  head[0] = VERSION;
  head[1] = entries.length;
  const fields: Uint8Array[] = [];
  const summaries: Uint8Array[] = [];
  const searches: Uint8Array[] = [];
  let textBytes = 0;
  let at = 2;
  entries.forEach((e, i) => {
    const run = utf8(e.id + e.kind + (e.caseId ?? '') + e.ts + e.author);
    const summary = utf8(e.summary);
    const search = searchOf(i);
    fields.push(run);
    summaries.push(summary);
    searches.push(search);
    textBytes += run.length + summary.length + search.length;
    for (const field of [e.id, e.kind, e.caseId ?? '', e.ts, e.author]) head[at++] = field.length;
    head[at++] = run.length;
    head[at++] = summary.length;
    head[at++] = search.length;
  });
  const out = alloc(head.length * 4 + textBytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < head.length; i++) view.setUint32(i * 4, head[i]!, true);
  let pos = head.length * 4;
  for (const part of [...fields, ...summaries, ...searches]) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

export interface DecodedBlock {
  entries: IndexedEntry[];
  /** The search texts, back to back: a view into the plaintext, to be copied. */
  search: Uint8Array;
  searchLengths: Uint32Array;
}

/**
 * The entries of a block starting at index `first`, or undefined if the plaintext is not
 * a well-formed block of `expected` entries.
 */
export function decodeIndexBlock(plain: Uint8Array, first: number, expected: number): DecodedBlock | undefined {
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  const headerBytes = 8 + expected * FIELDS * 4;
  if (plain.length < headerBytes || view.getUint32(0, true) !== VERSION || view.getUint32(4, true) !== expected) return undefined;
  const length = (entry: number, k: number): number => view.getUint32(8 + (entry * FIELDS + k) * 4, true);
  let fieldsBytes = 0;
  let summaryBytes = 0;
  let searchBytes = 0;
  const searchLengths = new Uint32Array(expected);
  for (let i = 0; i < expected; i++) {
    fieldsBytes += length(i, 5);
    summaryBytes += length(i, 6);
    searchBytes += searchLengths[i] = length(i, 7);
  }
  if (headerBytes + fieldsBytes + summaryBytes + searchBytes !== plain.length) return undefined;
  const bytes = Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength);
  const entries: IndexedEntry[] = new Array<IndexedEntry>(expected);
  let fieldsAt = headerBytes;
  let summaryAt = headerBytes + fieldsBytes;
  for (let i = 0; i < expected; i++) {
    // The block was authenticated before it is decoded, so its bytes are the UTF-8 this
    // module wrote; Buffer's decoder is several times faster than a fatal TextDecoder.
    const runStart = fieldsAt;
    const runBytes = length(i, 5);
    fieldsAt += runBytes;
    const summary = bytes.toString('utf8', summaryAt, (summaryAt += length(i, 6)));
    // As many bytes as UTF-16 units means all ASCII (any other character takes more bytes
    // than units), as these fields always are: each is then read from the bytes on its
    // own. A slice of one decoded run would be a view that keeps the whole run alive, for
    // every entry of the index.
    const ascii = length(i, 0) + length(i, 1) + length(i, 2) + length(i, 3) + length(i, 4) === runBytes;
    const run = ascii ? '' : bytes.toString('utf8', runStart, runStart + runBytes);
    let at = ascii ? runStart : 0;
    const next = (k: number): string => (ascii ? bytes.toString('latin1', at, (at += length(i, k))) : run.slice(at, (at += length(i, k))));
    const id = next(0);
    const kind = next(1);
    const caseId = next(2);
    const ts = next(3);
    const author = next(4);
    if (!ascii && at !== run.length) return undefined;
    entries[i] = { index: first + i, id, kind, caseId: caseId === '' ? null : caseId, ts, author, summary };
  }
  return { entries, search: plain.subarray(headerBytes + fieldsBytes + summaryBytes), searchLengths };
}
