/** The commitment and leaf encodings, checked against a direct transcription of their definition. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';
import { commitField, commitFieldJson, entryLeafHash, checkDisclosure } from '../../shared/entry';
import { toBase64, toHex } from '../../shared/bytes';
import type { EntryHeader } from '../../shared/entry';

const sha256 = (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest());

function reference(name: string, salt: Uint8Array, value: unknown): string {
  const nameBytes = Buffer.from(name, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(nameBytes.length);
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from('tearline/field/v1\u0000'), salt, len, nameBytes, Buffer.from(canonicalJson(value), 'utf8')]))
    .digest('hex');
}

describe('field commitments', () => {
  it('match SHA-256("tearline/field/v1" ‖ 0x00 ‖ salt ‖ u32be(len name) ‖ name ‖ JCS(value))', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.jsonValue(), (name, salt, value) => {
        expect(toHex(commitField(sha256, name, salt, value))).toBe(reference(name, salt, value));
        expect(toHex(commitFieldJson(sha256, name, salt, canonicalJson(value)))).toBe(reference(name, salt, value));
      }),
      { numRuns: 300 },
    );
  });

  it('open only with the right salt, name and value', () => {
    const salt = new Uint8Array(32).fill(7);
    const header: EntryHeader = {
      v: 1,
      id: '0190f3a1-0000-7000-8000-000000000001',
      kind: 'note',
      policy: 'icd-191-2015',
      author: 'A'.repeat(43) + '=',
      ts: '2026-11-27T00:00:00.000Z',
      caseId: '0190f3a1-0000-7000-8000-000000000000',
      fields: { text: toHex(commitField(sha256, 'text', salt, 'hello')) },
    };
    expect(checkDisclosure(sha256, header, { text: { salt: toBase64(salt), value: 'hello' } })).toEqual([]);
    expect(checkDisclosure(sha256, header, { text: { salt: toBase64(salt), value: 'hellO' } })).toEqual(['text']);
    expect(checkDisclosure(sha256, header, { text: { salt: toBase64(new Uint8Array(32)), value: 'hello' } })).toEqual(['text']);
    expect(checkDisclosure(sha256, header, { other: { salt: toBase64(salt), value: 'hello' } })).toEqual(['other']);
    // The leaf is SHA-256(0x00 ‖ JCS(header)).
    expect(toHex(entryLeafHash(sha256, header))).toBe(
      createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(canonicalJson(header))])).digest('hex'),
    );
  });
});
