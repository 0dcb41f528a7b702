/**
 * Whether a later reading of a stream gave exactly the bytes of the first, without holding
 * them.
 *
 * A bundle too large to hold is read twice (bundle/input.ts): once for the digest its
 * signature signs, then again for its entries. Whoever can write the file could change it
 * in between, so the second reading must be shown to be the first. Each reading is
 * authenticated with Poly1305 under one random key that never leaves this process: for two
 * different streams of at most L 16-byte blocks, chosen without knowing the key, the tags
 * agree with probability at most 8L / 2^106 (about 10^-24 for a 256 MiB bundle), and
 * nothing about the key is ever shown. Hashing the second reading again with BLAKE2b gave
 * the same assurance at nearly four times the cost (~0.18 s of a 185 MB bundle's check,
 * on the thread that bounds it); Poly1305 costs ~0.05 s. An encrypted bundle's first reading
 * is finished on the bundle worker (`carry`, `resumeReading`), as decrypting keeps this
 * thread the busier one. A reading in segments (bundle/segments.ts) authenticates each
 * segment so, under a key of its own (`segmentKey`), with the same bound per segment.
 */
import { TearlineError } from '../../../shared/errors';
import { nativeSodium, unshared, type NativeSodium } from './native-sodium';
import { randomBytes } from './random';
import { sodium } from './sodium';
import { blake2b } from './hash';

const KEY_BYTES = 32;
/** A reading's tag (Poly1305). */
export const READING_TAG_BYTES = 16;
const TAG_BYTES = READING_TAG_BYTES;

export interface Reading {
  update(bytes: Uint8Array): void;
  /** The reading's tag; the reading cannot be used after it. */
  end(): Uint8Array;
  /**
   * With libsodium's native build: the reading's state so far, to go on in another thread
   * of this process (`resumeReading`), which then gives the tag; the reading here is ended
   * and its state wiped. The state holds the key, so it goes only to this process's own
   * bundle worker, which wipes it with its tag.
   */
  carry?(): Uint8Array;
}

/** A native reading's tag; its state (which holds the key) is wiped. */
function finalTag(native: NativeSodium, state: Uint8Array): Uint8Array {
  const tag = new Uint8Array(TAG_BYTES);
  native.crypto_onetimeauth_final(state, tag);
  state.fill(0);
  return tag;
}

/**
 * A reading carried here from another thread (`Reading.carry`), native build only: it
 * goes on from that state, and its end gives the tag and wipes the state.
 */
export function resumeReading(carried: Uint8Array): Reading {
  const native = nativeSodium();
  if (!native) throw new Error('a carried reading needs libsodium’s native build');
  if (carried.length !== native.crypto_onetimeauth_STATEBYTES) throw new Error('not a Poly1305 state');
  const state = new Uint8Array(carried);
  carried.fill(0);
  let ended = false;
  return {
    update: (bytes) => {
      if (ended) throw new Error('a reading was used after its end');
      native.crypto_onetimeauth_update(state, unshared(bytes));
    },
    end: () => {
      if (ended) throw new Error('a reading was used after its end');
      ended = true;
      return finalTag(native, state);
    },
  };
}

const SEGMENT_DOMAIN = new TextEncoder().encode('tearline/reading-segment/v1');

function equalTags(first: Uint8Array | undefined, tag: Uint8Array): boolean {
  if (!first || first.length !== TAG_BYTES || tag.length !== TAG_BYTES) return false;
  let diff = 0;
  for (let i = 0; i < TAG_BYTES; i++) diff |= first[i]! ^ tag[i]!;
  return diff === 0;
}

/**
 * A reading under a key given here (a segment's, `segmentKey`, in the bundle worker, where
 * the first reading's segments go on once it has taken them over); the key is wiped.
 */
export function keyedReading(key: Uint8Array): Reading {
  const native = nativeSodium();
  if (!native) throw new Error('a reading begun from its key needs libsodium’s native build');
  const state = new Uint8Array(native.crypto_onetimeauth_STATEBYTES);
  native.crypto_onetimeauth_init(state, key);
  key.fill(0);
  return resumeReading(state);
}

/**
 * The tag of one whole segment read again, under that segment's key (`segmentKey`), as a
 * streaming reading of the same bytes would give it. The key is wiped.
 */
export function segmentTag(key: Uint8Array, bytes: Uint8Array): Uint8Array {
  try {
    const native = nativeSodium();
    if (native) {
      const tag = new Uint8Array(TAG_BYTES);
      native.crypto_onetimeauth(tag, unshared(bytes), key);
      return tag;
    }
    return sodium().crypto_onetimeauth(bytes, key);
  } finally {
    key.fill(0);
  }
}

export class SameReading {
  private key: Uint8Array | undefined = randomBytes(KEY_BYTES);
  private first: Uint8Array | undefined;
  /** The readings not ended yet: a reading that fails midway is ended by dispose(). */
  private readonly open = new Set<Reading>();

  /** The first reading's tag of each segment (`reading(segment)`), in order. */
  private firstSegments: Uint8Array[] = [];

  /** Starts authenticating one reading (of segment `segment` alone, when given). */
  reading(segment?: number): Reading {
    const key = segment === undefined ? this.key : this.segmentKey(segment);
    if (!key) throw new TearlineError('E_INTERNAL', 'a reading was started after the check was disposed');
    const native = nativeSodium();
    let ended = false;
    const live = (): void => {
      if (ended) throw new TearlineError('E_INTERNAL', 'a reading was used after its end');
    };
    let reading: Reading;
    // The state holds the key (r and s) as it goes: it is wiped (native) or freed, which
    // zeroes it (WebAssembly, crypto/sodium.ts), however the reading ends.
    if (native) {
      const state = new Uint8Array(native.crypto_onetimeauth_STATEBYTES);
      native.crypto_onetimeauth_init(state, key);
      reading = {
        update: (bytes) => {
          live();
          native.crypto_onetimeauth_update(state, unshared(bytes));
        },
        end: () => {
          live();
          ended = true;
          this.open.delete(reading);
          return finalTag(native, state);
        },
        carry: () => {
          live();
          ended = true;
          this.open.delete(reading);
          const copy = state.slice();
          state.fill(0);
          return copy;
        },
      };
    } else {
      const s = sodium();
      const state = s.crypto_onetimeauth_init(key);
      reading = {
        update: (bytes) => {
          live();
          s.crypto_onetimeauth_update(state, bytes);
        },
        end: () => {
          live();
          ended = true;
          this.open.delete(reading);
          return s.crypto_onetimeauth_final(state);
        },
      };
    }
    // A segment's key is derived for this reading alone; the state holds it from here on.
    if (segment !== undefined) key.fill(0);
    this.open.add(reading);
    return reading;
  }

  /**
   * The one-time key of segment `segment`'s readings: a second reading split in segments
   * (bundle/segments.ts) is authenticated segment by segment, each under its own key (a
   * Poly1305 key authenticates one message), derived from this check's key by keyed
   * BLAKE2b. The caller wipes it; only this process's own bundle worker is ever given one.
   */
  segmentKey(segment: number): Uint8Array {
    const key = this.key;
    if (!key) throw new TearlineError('E_INTERNAL', 'a reading was started after the check was disposed');
    const input = new Uint8Array(SEGMENT_DOMAIN.length + 4);
    input.set(SEGMENT_DOMAIN);
    new DataView(input.buffer).setUint32(SEGMENT_DOMAIN.length, segment);
    return blake2b(input, KEY_BYTES, key);
  }

  /** Keeps the first reading's tag of the next segment. */
  firstSegmentRead(tag: Uint8Array): void {
    this.firstSegments.push(tag);
  }

  /** How many segments the first reading had. */
  get segments(): number {
    return this.firstSegments.length;
  }

  /** Whether a later reading of segment `segment`, ended with `tag`, read what the first did. */
  sameSegment(segment: number, tag: Uint8Array): boolean {
    return equalTags(this.firstSegments[segment], tag);
  }

  /** Keeps the first reading's tag; the later ones are compared with it. */
  firstRead(tag: Uint8Array): void {
    this.first = tag;
  }

  /** Whether a later reading, ended with `tag`, read what the first did. */
  sameAsFirst(tag: Uint8Array): boolean {
    return equalTags(this.first, tag);
  }

  /** Ends the readings left unfinished (a failed pass) and wipes the key. */
  dispose(): void {
    for (const reading of [...this.open]) reading.end().fill(0);
    this.key?.fill(0);
    this.key = undefined;
  }
}
