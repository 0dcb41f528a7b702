/**
 * The verifier's quick recognition of an entry header (isPlainHeaderShape, and isHex32 for
 * each commitment) only ever says "valid" where EntryHeaderSchema does, and says it for the
 * headers that logs write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTRY_KINDS } from '../../shared/domain/kinds';
import { EntryHeaderSchema, isHex32, isPlainHeaderShape } from '../../shared/entry';

/** What the verifier knows of a header once each commitment has been shown to be hex. */
const isPlainValidHeader = (value: unknown): boolean =>
  isPlainHeaderShape(value) && Object.values(value.fields).every((commitment) => isHex32(commitment));

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const uuid = fc.tuple(hex(8), hex(4), fc.constantFrom('1', '4', '7', '8'), hex(3), fc.constantFrom('8', '9', 'a', 'b'), hex(3), hex(12)).map(
  ([a, b, v, c, w, d, e]) => `${a}-${b}-${v}${c}-${w}${d}-${e}`,
);
const base64Key = fc
  .string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'), minLength: 43, maxLength: 43 })
  .map((s) => `${s}=`);
const fieldName = fc.tuple(fc.constantFrom('a', 'Z', 'text', 'caseId'), fc.string({ unit: fc.constantFrom('a', 'B', '0', '9'), maxLength: 6 })).map(([a, b]) => a + b);

const validHeader = fc.record({
  author: base64Key,
  caseId: fc.option(uuid, { nil: null }),
  fields: fc.dictionary(fieldName, hex(64), { maxKeys: 6 }),
  id: uuid,
  kind: fc.constantFrom(...ENTRY_KINDS),
  policy: fc.string({ minLength: 1, maxLength: 64 }),
  ts: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  v: fc.constant(1),
});

/** As a verifier meets it: the value of JSON text. */
const asParsed = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

const agrees = (value: unknown): void => {
  if (isPlainValidHeader(value)) expect(EntryHeaderSchema.safeParse(value).success, JSON.stringify(value)).toBe(true);
};

describe('isPlainHeaderShape and isHex32', () => {
  it('recognises valid headers, as the schema does', () => {
    fc.assert(
      fc.property(validHeader, (header) => {
        const value = asParsed(header);
        expect(EntryHeaderSchema.safeParse(value).success).toBe(true);
        expect(isPlainValidHeader(value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never accepts what the schema refuses, whatever is changed', () => {
    const odd = fc.oneof(
      fc.constantFrom(null, true, 0, 1, 2, -1, 1.5, '', '1', [], {}, 'x'.repeat(65), 'g'.repeat(64), 'A'.repeat(64), '0'.repeat(63)),
      fc.string({ maxLength: 70 }),
      uuid.map((u) => u.toUpperCase()),
      hex(64).map((h) => ({ [h.slice(0, 4)]: h })),
    );
    const change = fc.record({
      header: validHeader,
      key: fc.constantFrom('author', 'caseId', 'fields', 'id', 'kind', 'policy', 'ts', 'v', 'extra', '__proto__'),
      op: fc.constantFrom('set', 'delete', 'setField', 'renameField'),
      value: odd,
      name: fc.oneof(fieldName, fc.constantFrom('', '1a', 'a-b', '__proto__', 'é', 'a'.repeat(65), 'constructor')),
    });
    fc.assert(
      fc.property(change, ({ header, key, op, value, name }) => {
        const h = asParsed(header) as Record<string, unknown>;
        const fields = h.fields as Record<string, unknown>;
        if (op === 'set') h[key] = value;
        else if (op === 'delete') delete h[key];
        else if (op === 'setField') fields[name] = value;
        else {
          const first = Object.keys(fields)[0];
          if (first !== undefined) {
            fields[name] = fields[first];
            if (name !== first) delete fields[first];
          }
        }
        agrees(asParsed(h));
        agrees(h);
      }),
      { numRuns: 3000 },
    );
  });

  it('sends whatever is not a plain parsed object to the schema', () => {
    const header = asParsed(fc.sample(validHeader, { numRuns: 1, seed: 7 })[0]) as Record<string, unknown>;
    expect(isPlainValidHeader(header)).toBe(true);
    expect(isPlainValidHeader(Object.assign(Object.create(null), header))).toBe(false);
    expect(isPlainValidHeader({ ...header, fields: Object.assign(Object.create({ inherited: 'x' }), header.fields) })).toBe(false);
    expect(isPlainValidHeader(JSON.parse(JSON.stringify(header).replace('{', '{"__proto__":1,')))).toBe(false);
    expect(isPlainValidHeader([header])).toBe(false);
    expect(isPlainValidHeader(null)).toBe(false);
    expect(isPlainValidHeader({ ...header, v: '1' })).toBe(false);
    expect(isPlainValidHeader({ ...header, kind: 'toString' })).toBe(false);
    expect(isPlainValidHeader({ ...header, policy: 'p'.repeat(65) })).toBe(false);
    expect(isPlainValidHeader({ ...header, caseId: undefined })).toBe(false);
    expect(isPlainValidHeader({ ...header, fields: { ...(header.fields as object), a: 'F'.repeat(64) } })).toBe(false);
  });
});
