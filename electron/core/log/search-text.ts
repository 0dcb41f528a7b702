/**
 * The search text of every indexed entry, as lowercase UTF-8 in one buffer per run of
 * CHUNK entries, outside the JavaScript heap.
 *
 * The search text is most of the index (about 1 KB of an entry's 1.3 KB at 100k entries).
 * As 100k strings on the heap it was traced by every garbage collection and, because the
 * engine sizes its heap as a multiple of what is live, it made every later burst of work
 * (an append, an integrity check) cost several times its own memory. Here it is a hundred
 * buffers the collector never looks into, filled straight from a decrypted index block.
 * Searching bytes is exact: UTF-8 is self-synchronising, so a valid UTF-8 term matches
 * only at character boundaries, where the string search would have matched.
 */

/** Entries per chunk: the index blocks' size, so a block fills exactly one chunk. */
export const CHUNK = 1024;

interface Chunk {
  bytes: Buffer;
  /** ends[k]: where entry k's text ends in `bytes` (it starts at ends[k - 1], or 0). */
  ends: Uint32Array;
  count: number;
  used: number;
}

export class SearchText {
  private readonly chunks: Chunk[] = [];
  private total = 0;

  get size(): number {
    return this.total;
  }

  append(text: string): void {
    const chunk = this.openChunk();
    const need = Buffer.byteLength(text, 'utf8');
    if (chunk.used + need > chunk.bytes.length) {
      const grown = Buffer.alloc(Math.max(chunk.bytes.length * 2, chunk.used + need, 4096));
      chunk.bytes.copy(grown, 0, 0, chunk.used);
      // The smaller copy goes to the collector: zero it first, as wipe() does the rest.
      chunk.bytes.fill(0, 0, chunk.used);
      chunk.bytes = grown;
    }
    chunk.used += chunk.bytes.write(text, chunk.used, 'utf8');
    chunk.ends[chunk.count++] = chunk.used;
    this.total++;
    if (chunk.count === CHUNK) this.seal(chunk);
  }

  /** A whole chunk at once (an index block's search texts): `bytes` is copied. */
  appendChunk(bytes: Uint8Array, lengths: ArrayLike<number>): void {
    if (this.total % CHUNK !== 0 || lengths.length !== CHUNK) throw new Error('a whole chunk must start on a chunk boundary');
    const ends = new Uint32Array(CHUNK);
    let at = 0;
    for (let k = 0; k < CHUNK; k++) ends[k] = at += lengths[k]!;
    if (at !== bytes.length) throw new Error('chunk lengths do not add up');
    this.chunks.push({ bytes: Buffer.from(bytes), ends, count: CHUNK, used: at });
    this.total += CHUNK;
  }

  /** Entry i's search text as UTF-8 (a view: copy it to keep it). */
  bytesOf(i: number): Buffer {
    const chunk = this.chunks[Math.floor(i / CHUNK)]!;
    const k = i % CHUNK;
    return chunk.bytes.subarray(k === 0 ? 0 : chunk.ends[k - 1]!, chunk.ends[k]!);
  }

  truncate(size: number): void {
    while (this.total > size) {
      const chunk = this.chunks[this.chunks.length - 1]!;
      const drop = Math.min(chunk.count, this.total - size);
      chunk.count -= drop;
      this.total -= drop;
      const used = chunk.count === 0 ? 0 : chunk.ends[chunk.count - 1]!;
      // The dropped entries' text (a rolled-back append) is zeroed, not left in the buffer.
      chunk.bytes.fill(0, used, chunk.used);
      chunk.used = used;
      if (chunk.count === 0) this.chunks.pop();
    }
  }

  /** Whether entry i's text contains `term` (lowercase UTF-8). */
  contains(i: number, term: Uint8Array): boolean {
    return this.bytesOf(i).indexOf(term) !== -1;
  }

  /**
   * Adds one to counts[i] for every entry i whose text contains `term`. One pass over the
   * bytes per term: each match jumps to the end of its entry.
   */
  countMatches(term: Uint8Array, counts: Uint8Array | Uint16Array): void {
    for (let c = 0; c < this.chunks.length; c++) {
      const { bytes, ends, count, used } = this.chunks[c]!;
      const base = c * CHUNK;
      let k = 0;
      let at = bytes.indexOf(term, 0);
      while (at !== -1 && at + term.length <= used) {
        while (ends[k]! <= at) k++;
        // A match that runs over the end of entry k is not in entry k: look again from k's end.
        if (at + term.length <= ends[k]!) counts[base + k]!++;
        if (++k >= count) break;
        at = bytes.indexOf(term, ends[k - 1]!);
      }
    }
  }

  /** Zeroes every byte: locking the vault should not leave the text to the collector. */
  wipe(): void {
    for (const chunk of this.chunks) chunk.bytes.fill(0);
    this.chunks.length = 0;
    this.total = 0;
  }

  private openChunk(): Chunk {
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.count < CHUNK) return last;
    const chunk: Chunk = { bytes: Buffer.alloc(64 * 1024), ends: new Uint32Array(CHUNK), count: 0, used: 0 };
    this.chunks.push(chunk);
    return chunk;
  }

  /** A full chunk no longer grows: give back the slack of its doubling. */
  private seal(chunk: Chunk): void {
    if (chunk.bytes.length > chunk.used) {
      const old = chunk.bytes;
      chunk.bytes = Buffer.from(old.subarray(0, chunk.used));
      old.fill(0, 0, chunk.used);
    }
  }
}
