/** Canonical JSON: the native fast path and the general writer always agree. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';

/** A direct transcription of the rules, with no fast path. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(reference).join(',') + ']';
  const keys = Object.keys(value).sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + reference((value as Record<string, unknown>)[k])).join(',') + '}';
}

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every level, whatever the input order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: true, c: null }], '10': 'x', '9': 'y', é: 'z', Z: 0.5 })).toBe(
      '{"10":"x","9":"y","Z":0.5,"a":[{"c":null,"d":true}],"b":1,"é":"z"}',
    );
  });

  it('agrees with the reference on arbitrary JSON, sorted or not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
        const roundTripped = JSON.parse(reference(value));
        expect(canonicalJson(roundTripped)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what JSON cannot represent instead of silently changing it', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
    expect(() => canonicalJson([1, undefined])).toThrow();
    expect(() => canonicalJson({ a: () => 1 })).toThrow();
    expect(() => canonicalJson(new Date(0))).toThrow();
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});
