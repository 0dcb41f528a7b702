/**
 * The append path builds a record's commitments, leaf and sealed plaintext by hand, in
 * libsodium's memory, for speed. These check it against the definitions: shared/entry's
 * commitments and leaf, canonicalJson of {h, b, s}, and aead.ts's open.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';
import { fromBase64, fromUtf8, toHex } from '../../shared/bytes';
import { commitmentHex, entryLeafHash, type EntryHeader } from '../../shared/entry';
import { loadSodium } from '../../electron/core/crypto/sodium';
import { open, seal } from '../../electron/core/crypto/aead';
import { sha256 } from '../../electron/core/crypto/hash';
import { bulkSealer, sha256Each, sha256Parts } from '../../electron/core/crypto/bulk-seal';
import { randomBytes } from '../../electron/core/crypto/random';
import { buildRecord, entryAd, openRow, sealRecord } from '../../electron/core/log/entry-record';

beforeAll(async () => {
  await loadSodium();
});

const head: Omit<EntryHeader, 'fields'> = {
  v: 1,
  id: '0190a5c2-7b1e-7d3a-9f00-2c4b6d8e0a1f',
  kind: 'note',
  policy: 'icd-191-2015',
  author: 'Ab+/'.repeat(10) + 'xyz=',
  ts: '2026-01-02T03:04:05.678Z',
  caseId: '0190a5c2-7b1e-7d3a-9f00-2c4b6d8e0a20',
};

const VAULT_ID = '0190a5c2-7b1e-7d3a-9f00-2c4b6d8e0a99';

function checkBuilt(body: Record<string, unknown>, h: Omit<EntryHeader, 'fields'> = head): void {
  const built = buildRecord(h, body);
  const { header, salts } = built.record;
  const present = Object.keys(body).filter((k) => body[k] !== undefined);
  expect(Object.keys(header.fields).sort()).toEqual([...present].sort());
  for (const name of present) {
    const salt = fromBase64(salts[name]!);
    expect(salt.length).toBe(32);
    expect(header.fields[name]).toBe(commitmentHex(sha256, name, salt, body[name]));
  }
  expect(header).toEqual({ ...h, fields: header.fields });
  expect(toHex(built.leaf)).toBe(toHex(entryLeafHash(sha256, header)));
  const canonicalBody = JSON.parse(canonicalJson(body)) as Record<string, unknown>;
  expect(built.plaintext).toBe(canonicalJson({ b: canonicalBody, h: header, s: salts }));
}

// Body field names are those of the schemas; `__proto__` would not be an own key of the maps.
const fieldName = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== '__proto__');

describe('buildRecord', () => {
  it('commits, hashes and serialises as shared/entry and canonicalJson define', () => {
    fc.assert(
      fc.property(fc.dictionary(fieldName, fc.jsonValue(), { maxKeys: 12 }), (body) => checkBuilt(body)),
      { numRuns: 300 },
    );
  });

  it('handles an empty body, undefined fields, a null case and non-ASCII text', () => {
    checkBuilt({});
    checkBuilt({ a: undefined, b: 'x' });
    checkBuilt({ 'é"\\\n': 'ünïcødé \u2028 😀', z: { y: [1, 2.5, -0, 'q'], a: null } }, { ...head, caseId: null, policy: 'p"\u00e9' });
    checkBuilt({ text: 'x'.repeat(200_000) });
  });

  it('draws fresh salts for every record', () => {
    const a = buildRecord(head, { text: 'same' });
    const b = buildRecord(head, { text: 'same' });
    expect(a.record.salts.text).not.toBe(b.record.salts.text);
    expect(a.record.header.fields.text).not.toBe(b.record.header.fields.text);
  });
});

describe('bulk sealing', () => {
  it('seals what aead.ts opens, in its place only', () => {
    const key = randomBytes(32);
    const sealer = bulkSealer(key);
    try {
      for (const body of [{ text: 'short' }, { text: 'é'.repeat(50_000) }, { text: 'again' }]) {
        const built = buildRecord(head, body);
        const row = sealRecord(sealer, VAULT_ID, 7, built);
        const plain = open(key, { nonce: row.nonce, ciphertext: row.ct }, entryAd(VAULT_ID, 7, built.leaf));
        expect(plain && fromUtf8(plain)).toBe(built.plaintext);
        expect(open(key, { nonce: row.nonce, ciphertext: row.ct }, entryAd(VAULT_ID, 8, built.leaf))).toBeUndefined();
        expect(openRow(key, VAULT_ID, row)).toEqual(JSON.parse(JSON.stringify(built.record)));
      }
    } finally {
      sealer.dispose();
    }
    expect(() => sealer.seal(['x'], [])).toThrow();
  });

  it('gives the ciphertext that the wrapper gives for the same nonce', () => {
    const key = randomBytes(32);
    const sealer = bulkSealer(key);
    const sealed = sealer.seal(['{"a":', new Uint8Array([0x31, 0x7d])], [new Uint8Array([1, 2]), 'ad']);
    sealer.dispose();
    const plain = open(key, sealed, new Uint8Array([1, 2, 0x61, 0x64]));
    expect(plain && fromUtf8(plain)).toBe('{"a":1}');
    const again = seal(key, new Uint8Array([1]), new Uint8Array());
    expect(again.ciphertext.length).toBe(17);
  });

  it('hashes parts as SHA-256 of their concatenation', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 300 })), { maxLength: 6 }), (parts) => {
        const joined = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
        expect(toHex(sha256Parts(parts))).toBe(createHash('sha256').update(joined).digest('hex'));
      }),
      { numRuns: 200 },
    );
  });

  it('hashes each message on its own', () => {
    const part = fc.oneof(fc.string(), fc.uint8Array({ maxLength: 3000 }));
    fc.assert(
      fc.property(fc.array(fc.array(part, { maxLength: 4 }), { maxLength: 8 }), (messages) => {
        const out = new Uint8Array(32 * messages.length);
        sha256Each(messages, out);
        messages.forEach((parts, i) => expect(toHex(out.subarray(32 * i, 32 * i + 32))).toBe(toHex(sha256Parts(parts))));
      }),
      { numRuns: 100 },
    );
  });
});
