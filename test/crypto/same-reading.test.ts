/**
 * The check that a second reading of a large bundle read what the first one did
 * (electron/core/crypto/same-reading.ts), on both of libsodium's builds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onSodiumBuild } from '../helpers/sodium-build';

const build = (mode: 'native' | 'wasm') => onSodiumBuild(mode, () => import('../../electron/core/crypto/same-reading'));

/** Reads `bytes` in pieces cut at `cuts`, and returns the reading's tag. */
function read(reading: { update(b: Uint8Array): void; end(): Uint8Array }, bytes: Uint8Array, cuts: number[]): Uint8Array {
  let at = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    reading.update(bytes.subarray(at, Math.max(at, cut)));
    at = Math.max(at, cut);
  }
  reading.update(bytes.subarray(at));
  return reading.end();
}

describe.each(['native', 'wasm'] as const)('a second reading, on the %s build', (mode) => {
  it('matches the first only when it read the same bytes, however they were cut', async () => {
    const { SameReading } = await build(mode);
    const stream = fc.uint8Array({ minLength: 0, maxLength: 5000 });
    const cuts = fc.array(fc.nat(), { maxLength: 8 });
    fc.assert(
      fc.property(stream, cuts, cuts, fc.nat(), fc.integer({ min: 0, max: 7 }), (bytes, first, second, at, bit) => {
        const check = new SameReading();
        check.firstRead(read(check.reading(), bytes, first));
        expect(check.sameAsFirst(read(check.reading(), bytes, second))).toBe(true);
        if (bytes.length > 0) {
          const changed = bytes.slice();
          changed[at % changed.length]! ^= 1 << bit;
          expect(check.sameAsFirst(read(check.reading(), changed, second))).toBe(false);
          expect(check.sameAsFirst(read(check.reading(), bytes.subarray(0, bytes.length - 1), second))).toBe(false);
        }
        expect(check.sameAsFirst(read(check.reading(), Uint8Array.of(...bytes, 0), second))).toBe(false);
        check.dispose();
      }),
      { numRuns: 200 },
    );
  });

  it('keys each check afresh: the tag of one check does not pass another', async () => {
    const { SameReading } = await build(mode);
    const bytes = new TextEncoder().encode('B, as the first pass read it');
    const one = new SameReading();
    const other = new SameReading();
    one.firstRead(read(one.reading(), bytes, []));
    expect(one.sameAsFirst(read(other.reading(), bytes, []))).toBe(false);
    // Without a first reading, nothing matches.
    expect(other.sameAsFirst(read(other.reading(), bytes, []))).toBe(false);
    one.dispose();
    other.dispose();
    expect(() => one.reading()).toThrow(/disposed/);
  });

  it('goes on in another thread from a carried state, to the same tag (native build only)', async () => {
    const { SameReading, resumeReading } = await build(mode);
    const bytes = Uint8Array.from({ length: 4099 }, (_, i) => (i * 31) & 255);
    const check = new SameReading();
    check.firstRead(read(check.reading(), bytes, []));
    for (const cut of [0, 1, 15, 16, 17, 4098, 4099]) {
      const reading = check.reading();
      if (mode === 'wasm') {
        // The WebAssembly build keeps its state in its own memory: nothing to carry.
        expect(reading.carry).toBeUndefined();
        reading.end();
        continue;
      }
      reading.update(bytes.subarray(0, cut));
      const state = reading.carry!();
      expect(() => reading.update(bytes)).toThrow(/after its end/);
      const carried = state.slice();
      const resumed = resumeReading(state);
      // The state handed over is wiped where it was given.
      expect(state.every((b) => b === 0)).toBe(true);
      resumed.update(bytes.subarray(cut));
      expect(check.sameAsFirst(resumed.end()), `cut at ${cut}`).toBe(true);
      expect(() => resumed.end()).toThrow(/after its end/);
      const changed = resumeReading(carried);
      changed.update(Uint8Array.of(...bytes.subarray(cut), 0));
      expect(check.sameAsFirst(changed.end())).toBe(false);
    }
    if (mode === 'native') expect(() => resumeReading(new Uint8Array(3))).toThrow(/not a Poly1305 state/);
    check.dispose();
  });

  it('ends, on disposal, a reading that a failure left unfinished (its state holds the key)', async () => {
    const { SameReading } = await build(mode);
    const check = new SameReading();
    const unfinished = check.reading();
    unfinished.update(new TextEncoder().encode('the first megabyte, and then the file could not be read'));
    check.dispose();
    expect(() => unfinished.update(Uint8Array.of(1))).toThrow(/after its end/);
    expect(() => unfinished.end()).toThrow(/after its end/);
  });
});
