/** The pure parts of the bundle format: framing, HEAD, trusted comment, commitments, proofs, relation. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonBytes, hasMoreJsonItemsThan, MAX_JSON_DEPTH, MAX_JSON_ITEMS } from '../../shared/canonical-json';
import { canonicalText, isPlainCanonical, jsonShape, nestingDepth, parseCanonical, parseCanonicalByRewriting } from '../../shared/bundle/jcs';
import { concatBytes, fromHex, toHex, utf8 } from '../../shared/bytes';
import { commitField } from '../../shared/entry';
import { MerkleTree, verifyInclusion } from '../../shared/merkle';
import { DEFAULT_LIMITS, TAG, limitsWith } from '../../shared/bundle/format';
import { FrameParser, entryRecordBytes, readEntry, recordBytes, scanBundle, preambleBytes, endRecordBytes } from '../../shared/bundle/framing';
import { parseHead, encodeHead, type BundleHead } from '../../shared/bundle/head';
import { formatTrustedComment, parseTrustedComment } from '../../shared/bundle/trusted-comment';
import { commitRawField } from '../../shared/bundle/entry-check';
import { InclusionVerifier } from '../../shared/bundle/inclusion';
import { checkConsistencyProofs, relate } from '../../shared/bundle/relation';
import { loadSodium, sodium } from '../../electron/core/crypto/sodium';
import { sha256 } from '../../electron/core/crypto/hash';
import { craftBundle, craftRecord, type CraftRecord } from './craft';

await loadSodium();

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? 'THROWN';
  }
  return undefined;
}

function smallLog(n: number): { log: CraftRecord[]; secretKey: Uint8Array } {
  const kp = sodium().crypto_sign_keypair();
  const log = Array.from({ length: n }, (_, i) =>
    craftRecord({
      id: `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`,
      kind: 'vault.created',
      caseId: null,
      author: kp.publicKey,
      ts: '2025-03-12T09:00:00.000Z',
      body: {
        workstationName: `W${i}`,
        fingerprint: 'f'.repeat(32),
        signingPublicKey: 'A'.repeat(43) + '=',
        kdf: { algorithm: 'argon2id13', opsLimit: 2, memLimit: 67108864 },
      },
    }),
  );
  return { log, secretKey: kp.privateKey };
}

function rawEntriesHex(bytes: Uint8Array): string[] {
  const layout = scanBundle(bytes, DEFAULT_LIMITS);
  const out: string[] = [];
  let at = layout.entriesStart;
  for (let i = 0; i < layout.entryCount; i++) {
    const length = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4).getUint32(0);
    out.push(toHex(bytes.subarray(at + 5, at + 5 + length)));
    at += 5 + length;
  }
  return out;
}

describe('framing', () => {
  it('writes and scans every record, with and without the signature record', () => {
    const { log, secretKey } = smallLog(5);
    const c = craftBundle({ origin: 'tearline/test', log, signer: { secretKey } });
    const detached = scanBundle(c.payload, DEFAULT_LIMITS);
    expect(detached).toMatchObject({ payloadEnd: c.payload.length, entryCount: 5 });
    expect(detached.signature).toBeUndefined();
    const single = scanBundle(c.singleFile, DEFAULT_LIMITS);
    expect(single.payloadEnd).toBe(c.payload.length);
    expect(new TextDecoder().decode(c.singleFile.subarray(single.signature!.start, single.signature!.end))).toBe(c.signatureText);
  });

  it('frames the same whether the bytes come whole or in pieces of any size', () => {
    const { log, secretKey } = smallLog(6);
    const c = craftBundle({ origin: 'tearline/test', log, signer: { secretKey } });
    const whole = scanBundle(c.singleFile, DEFAULT_LIMITS);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: c.singleFile.length }), { maxLength: 12 }), fc.nat(), (cuts, truncate) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const pieces = (bytes: Uint8Array) => [...points.filter((p) => p < bytes.length), bytes.length].map((end, i, all) => bytes.subarray(i === 0 ? 0 : all[i - 1]!, end));
        const signed: Uint8Array[] = [];
        const entries: string[] = [];
        const parser = new FrameParser(DEFAULT_LIMITS, { signed: (b) => signed.push(b.slice()), entry: (v) => void entries.push(toHex(v)) });
        for (const piece of pieces(c.singleFile)) parser.push(piece);
        expect(parser.finish()).toEqual({ payloadEnd: whole.payloadEnd, entryCount: 6, signed: true });
        expect(toHex(concatBytes(...signed))).toBe(toHex(c.payload));
        expect(entries).toEqual(rawEntriesHex(c.singleFile));
        // A truncation is refused the same way in pieces as whole.
        const cut = c.singleFile.subarray(0, truncate % c.singleFile.length);
        if (cut.length === c.payload.length) return;
        const pieced = new FrameParser(DEFAULT_LIMITS);
        expect(codeOf(() => {
          for (const piece of pieces(cut)) pieced.push(piece);
          pieced.finish();
        })).toBe(codeOf(() => scanBundle(cut, DEFAULT_LIMITS)));
      }),
      { numRuns: 100 },
    );
  });

  it('reads back exactly what was written, fields in name order', () => {
    const header = utf8('{"a":1}');
    const proof = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const fields = [
      { name: 'zeta', salt: new Uint8Array(32).fill(3), value: utf8('"z"') },
      { name: 'alpha', salt: new Uint8Array(32).fill(4), value: utf8('[1,2]') },
    ];
    const bytes = entryRecordBytes({ index: 2 ** 40 + 7, header, proof, fields });
    const { entry, next } = readEntry(bytes, 0);
    expect(next).toBe(bytes.length);
    expect(entry.index).toBe(2 ** 40 + 7);
    expect(toHex(entry.header)).toBe(toHex(header));
    expect(entry.proof.map(toHex)).toEqual(proof.map(toHex));
    expect(entry.fields.map((f) => f.name)).toEqual(['alpha', 'zeta']);
    expect(toHex(entry.fields[1]!.value)).toBe(toHex(utf8('"z"')));
  });

  it('refuses every truncation of a bundle as malformed', () => {
    const { log, secretKey } = smallLog(3);
    const c = craftBundle({ origin: 'tearline/test', log, signer: { secretKey } });
    for (let cut = 0; cut < c.singleFile.length; cut++) {
      if (cut === c.payload.length) continue; // exactly B: the detached form, which is well framed
      expect(codeOf(() => scanBundle(c.singleFile.subarray(0, cut), DEFAULT_LIMITS)), `cut at ${cut}`).toBe('E_MALFORMED');
    }
  });

  it('refuses wrong magic, an unknown version, unknown tags, a non-empty END and trailing bytes', () => {
    const { log, secretKey } = smallLog(2);
    const c = craftBundle({ origin: 'tearline/test', log, signer: { secretKey } });
    const mutate = (at: number, value: number) => {
      const copy = c.singleFile.slice();
      copy[at] = value;
      return copy;
    };
    expect(codeOf(() => scanBundle(mutate(0, 0x88), DEFAULT_LIMITS))).toBe('E_MALFORMED');
    expect(codeOf(() => scanBundle(mutate(8, 2), DEFAULT_LIMITS))).toMatch(/E_MALFORMED/);
    expect(codeOf(() => scanBundle(mutate(9, 7), DEFAULT_LIMITS))).toBe('E_MALFORMED');
    const endless = concatBytes(preambleBytes(), recordBytes(TAG.head, utf8('{}')), recordBytes(TAG.end, utf8('x')));
    expect(codeOf(() => scanBundle(endless, DEFAULT_LIMITS))).toBe('E_MALFORMED');
    expect(codeOf(() => scanBundle(concatBytes(c.singleFile, new Uint8Array([0])), DEFAULT_LIMITS))).toBe('E_MALFORMED');
    expect(codeOf(() => scanBundle(concatBytes(c.payload, recordBytes(TAG.entry, new Uint8Array(0))), DEFAULT_LIMITS))).toBe('E_MALFORMED');
    const twoSigs = concatBytes(c.singleFile, recordBytes(TAG.sig, utf8('x')));
    expect(codeOf(() => scanBundle(twoSigs, DEFAULT_LIMITS))).toBe('E_MALFORMED');
  });

  it('applies the limits before anything is decoded', () => {
    const { log, secretKey } = smallLog(4);
    const c = craftBundle({ origin: 'tearline/test', log, signer: { secretKey } });
    expect(codeOf(() => scanBundle(c.payload, limitsWith({ maxEntries: 3 })))).toBe('E_TOO_LARGE');
    expect(codeOf(() => scanBundle(c.payload, limitsWith({ maxBytes: c.payload.length - 1 })))).toBe('E_TOO_LARGE');
    expect(codeOf(() => scanBundle(c.payload, limitsWith({ maxHeadBytes: 10 })))).toBe('E_TOO_LARGE');
    expect(codeOf(() => scanBundle(c.payload, limitsWith({ maxEntryBytes: 100 })))).toBe('E_TOO_LARGE');
    expect(codeOf(() => scanBundle(c.payload, limitsWith({ maxFields: 2 })))).toBe('E_TOO_LARGE');
    expect(codeOf(() => scanBundle(c.singleFile, limitsWith({ maxSignatureBytes: 100 })))).toBe('E_TOO_LARGE');
    const longProof = entryRecordBytes({ index: 0, header: utf8('{}'), proof: Array.from({ length: 64 }, () => new Uint8Array(32)), fields: [] });
    longProof[5 + 8 + 4 + 2] = 65; // the proof count
    const withLong = concatBytes(preambleBytes(), recordBytes(TAG.head, utf8('{}')), longProof, endRecordBytes());
    expect(codeOf(() => scanBundle(withLong, DEFAULT_LIMITS))).toBe('E_TOO_LARGE');
  });
});

describe('HEAD and trusted comment', () => {
  const head: BundleHead = {
    format: 'tearline-bundle',
    version: 1,
    bundleId: '01900000-0000-7000-8000-00000000b00d',
    createdAt: '2025-03-12T09:00:00.000Z',
    origin: 'tearline/abc',
    sender: 'North',
    checkpoint: { size: 5, root: 'ab'.repeat(32) },
    entryCount: 0,
    consistency: [{ fromSize: 2, fromRoot: 'cd'.repeat(32), proof: [] }],
  };

  it('round-trips HEAD and refuses any other spelling of it', () => {
    expect(parseHead(encodeHead(head))).toEqual(head);
    const text = new TextDecoder().decode(encodeHead(head));
    expect(codeOf(() => parseHead(utf8(text.replace('{', '{ '))))).toBe('E_MALFORMED');
    expect(codeOf(() => parseHead(utf8(JSON.stringify({ ...head, extra: 1 }))))).toBe('E_MALFORMED');
    expect(codeOf(() => parseHead(canonicalJsonBytes({ ...head, version: 2 })))).toBe('E_MALFORMED');
    expect(codeOf(() => parseHead(canonicalJsonBytes({ ...head, consistency: [{ fromSize: 5, fromRoot: 'cd'.repeat(32), proof: [] }] })))).toBe('E_MALFORMED');
    expect(codeOf(() => parseHead(new Uint8Array([0xff, 0xfe])))).toBe('E_MALFORMED');
  });

  it('formats the trusted comment and parses only that exact form', () => {
    const fields = { bundleId: head.bundleId, origin: 'tearline/abc', size: 42, root: 'ab'.repeat(32) };
    const text = formatTrustedComment(fields);
    expect(text).toBe(`tearline bundle v1 id=${head.bundleId} origin=tearline/abc size=42 root=${'ab'.repeat(32)}`);
    expect(parseTrustedComment(text)).toEqual(fields);
    for (const bad of [text + ' ', text.replace('size=42', 'size=042'), text.replace('v1', 'v2'), text.toUpperCase(), text.replace(' origin', '  origin')]) {
      expect(parseTrustedComment(bad)).toBeUndefined();
    }
  });
});

describe('commitments over raw bytes', () => {
  it('equal the entry format’s commitments over the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,20}$/), fc.uint8Array({ minLength: 32, maxLength: 32 }), (value, name, salt) => {
        const v = JSON.parse(JSON.stringify(value)) as unknown;
        expect(toHex(commitRawField(sha256, name, salt, canonicalJsonBytes(v)))).toBe(toHex(commitField(sha256, name, salt, v)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('canonical JSON on the hot path', () => {
  it('writes what canonicalJson writes, and accepts only that text back', () => {
    const keyed = fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('10', '2', '01', '__proto__x', 'a', 'B')), fc.jsonValue(), { maxKeys: 6 });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), keyed), (input) => {
        const value = JSON.parse(JSON.stringify(input)) as unknown;
        const text = canonicalJson(value);
        expect(canonicalText(value)).toBe(text);
        expect(parseCanonical(utf8(text))).toEqual({ value });
        const spaced = JSON.stringify(value, null, 1);
        if (spaced !== text) expect(parseCanonical(utf8(spaced))).toBeUndefined();
        const reversed = JSON.stringify(value, (_k, v: unknown) =>
          v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
        );
        if (reversed !== text) expect(parseCanonical(utf8(reversed))).toBeUndefined();
      }),
      { numRuns: 300 },
    );
    expect(parseCanonical(utf8('{"a":1,"a":2}'))).toBeUndefined();
    expect(parseCanonical(utf8('1.0'))).toBeUndefined();
    expect(parseCanonical(utf8('"\\u0041"'))).toBeUndefined();
    expect(parseCanonical(utf8('\uFEFF{"a":1}'))).toBeUndefined();
  });

  // The one-pass recogniser only ever answers "canonical" where rewriting would, for text
  // that is valid UTF-8 and JSON (which parseCanonical also asks for).
  const same = (bytes: Uint8Array): void => {
    const reference = parseCanonicalByRewriting(bytes);
    let text: string | undefined;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      text = undefined;
    }
    if (text !== undefined && isPlainCanonical(text)) {
      let json = true;
      try {
        JSON.parse(text);
      } catch {
        json = false;
      }
      if (json) expect(reference, text).toBeDefined();
    }
    expect(parseCanonical(bytes)).toEqual(reference);
  };

  it('recognises plain canonical text in one pass, exactly as rewriting does', () => {
    const plain = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, false, 0, -1, 7, 123456789012345, -999999999999999),
        fc.integer(),
        fc.string({ unit: 'binary' }),
        fc.string({ unit: fc.constantFrom('a', 'Z', '"', '\\', '\n', '\t', '\b', '\f', '\r', '\u0001', '\u007f', '/', 'é', '\u2028', '😀', '\ud800') }),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('10', '2', '01', '__proto__', 'é', 'a\u0000')), tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(plain, (input) => {
        const value = JSON.parse(JSON.stringify(input)) as unknown;
        const text = canonicalJson(value);
        same(utf8(text));
        expect(parseCanonical(utf8(text))).toEqual({ value });
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses, or sends to the reference, every changed byte of canonical text', () => {
    const mutation = fc.record({
      value: fc.jsonValue({ maxDepth: 3 }),
      at: fc.nat(),
      op: fc.constantFrom('replace', 'insert', 'delete'),
      byte: fc.oneof(fc.constantFrom(0x20, 0x22, 0x2c, 0x2d, 0x2e, 0x30, 0x31, 0x3a, 0x45, 0x5b, 0x5c, 0x5d, 0x65, 0x7b, 0x7d, 0x75, 0x2f, 0x0a, 0xc3, 0xff, 0xef), fc.integer({ min: 0, max: 255 })),
    });
    fc.assert(
      fc.property(mutation, ({ value, at, op, byte }) => {
        const bytes = utf8(canonicalJson(JSON.parse(JSON.stringify(value)) as unknown));
        const p = bytes.length === 0 ? 0 : at % (bytes.length + (op === 'insert' ? 1 : 0));
        const out = op === 'replace' ? Uint8Array.from(bytes, (b, i) => (i === p ? byte : b)) : op === 'insert' ? concatBytes(bytes.subarray(0, p), Uint8Array.of(byte), bytes.subarray(p)) : concatBytes(bytes.subarray(0, p), bytes.subarray(p + 1));
        same(out);
      }),
      { numRuns: 3000 },
    );
    for (const text of ['-0', '01', '1e3', '1E3', '0.5', '-0.5', '1234567890123456', '{"b":1,"a":2}', '{"a":1,"a":1}', '{"a" :1}', '[1,]', '[,1]', '{"a":1,}', '"\\/"', '"\\u00e9"', 'tru', 'nulll', '[]]', '{"a":[}', '"a', '"\t"', '"a\u0001b"', '["\\\\", "\\""]', '"\\"\\\\"', ' 1', '1 ']) {
      same(utf8(text));
    }
    expect(isPlainCanonical('{"a":[1,"x\\n",{"b":null}],"b":true}')).toBe(true);
    // Text beyond ASCII takes the one pass too: escapes, two-byte, astral and line separators.
    expect(isPlainCanonical('{"a":"é😀\u2028\\"x\\\\","b":["ü",-12,{}]}')).toBe(true);
    // A byte-order mark is kept by parseCanonical's decoding, and left to the reference.
    expect(isPlainCanonical('\uFEFF{"a":1}')).toBe(false);
  });

  it('refuses nesting deeper than MAX_JSON_DEPTH on either path, whatever the stack', () => {
    const wrap = (inner: string, depth: number) => '['.repeat(depth) + inner + ']'.repeat(depth);
    // 1 takes the one-pass path; 0.5 (a fraction) the rewriting one.
    for (const inner of ['1', '0.5', '{"a":"[[["}']) {
      const atLimit = wrap(inner, inner.startsWith('{') ? MAX_JSON_DEPTH - 1 : MAX_JSON_DEPTH);
      expect(parseCanonical(utf8(atLimit)), inner).toBeDefined();
      for (const over of [1, 10_000]) expect(parseCanonical(utf8(wrap(inner, MAX_JSON_DEPTH + over))), inner).toBeUndefined();
    }
    expect(nestingDepth(utf8('{"a":"[[[","b":[{}]}'))).toBe(3);
  });

  it(`refuses more than MAX_JSON_ITEMS of '[', '{' and ',' on either path, before parsing`, () => {
    // [0,0,…] with n zeros: one '[' and n - 1 commas. 0.5 takes the rewriting path.
    for (const element of ['0', '0.5']) {
      const list = (n: number) => utf8(`[${new Array(n).fill(element).join(',')}]`);
      expect(parseCanonical(list(MAX_JSON_ITEMS)), element).toBeDefined();
      expect(parseCanonical(list(MAX_JSON_ITEMS + 1)), element).toBeUndefined();
    }
    expect(jsonShape(utf8('{"a":"[,{","b":[{},1]}'))).toEqual({ depth: 3, items: 5 });
  });

  it('counts the items of a value as its canonical text has them', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 0, max: 40 }), (value, limit) => {
        const items = jsonShape(canonicalJsonBytes(value)).items;
        expect(hasMoreJsonItemsThan(value, limit)).toBe(items > limit);
      }),
      { numRuns: 500 },
    );
  });
});

describe('inclusion proofs with a remembered path', () => {
  const leaves = (n: number) => Array.from({ length: n }, (_, i) => sha256(utf8(`leaf ${i}`)));

  it('accepts exactly what RFC 9162 verification accepts, in any order', () => {
    const picks = fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 60 });
    // A bundle's order, mostly: increasing indexes, most proofs valid (the remembered path is
    // then met at every level, from either side).
    const increasing = fc
      .array(fc.tuple(fc.nat(), fc.nat(), fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 5 }))), { minLength: 1, maxLength: 120 })
      .map((list) => list.sort((x, y) => x[0] - y[0]));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.oneof(picks, increasing),
        (size, picks) => {
          const ls = leaves(size);
          const tree = new MerkleTree(sha256, ls);
          const root = tree.root(size);
          const verifier = new InclusionVerifier(sha256, size, root);
          for (const [a, b, how] of picks) {
            const index = a % size;
            let proof = tree.inclusionProof(index, size);
            let leaf = ls[index]!;
            // how: 0 valid, 1 another leaf, 2 a flipped proof byte, 3 a proof of another index, 4 one element short, 5 one too many
            if (how === 1) leaf = ls[b % size]!;
            if (how === 2 && proof.length > 0) {
              proof = proof.map((p) => p.slice());
              const p = proof[b % proof.length]!;
              p[b % 32] = p[b % 32]! ^ 1;
            }
            if (how === 3) proof = tree.inclusionProof(b % size, size);
            if (how === 4) proof = proof.slice(0, -1);
            if (how === 5) proof = [...proof, root];
            expect(verifier.verify(index, leaf, proof)).toBe(verifyInclusion(sha256, index, size, leaf, proof, root));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('costs about one hash per entry for a run of entries', () => {
    const size = 4096;
    const ls = leaves(size);
    const tree = new MerkleTree(sha256, ls);
    const verifier = new InclusionVerifier(sha256, size, tree.root(size));
    for (let i = 0; i < size; i++) expect(verifier.verify(i, ls[i]!, tree.inclusionProof(i, size))).toBe(true);
    expect(verifier.hashes).toBeLessThan(size * 1.2);
    const wrongRoot = new InclusionVerifier(sha256, size, sha256(utf8('not the root')));
    expect(wrongRoot.verify(0, ls[0]!, tree.inclusionProof(0, size))).toBe(false);
  });
});

describe('relation to what is held', () => {
  const tree = new MerkleTree(sha256, Array.from({ length: 20 }, (_, i) => sha256(utf8(`e${i}`))));
  const other = new MerkleTree(sha256, Array.from({ length: 20 }, (_, i) => sha256(utf8(i < 8 ? `e${i}` : `x${i}`))));
  const rootOf = (t: MerkleTree, n: number) => toHex(t.root(n));
  const headAt = (t: MerkleTree, n: number, from: number[]): BundleHead => ({
    format: 'tearline-bundle',
    version: 1,
    bundleId: '01900000-0000-7000-8000-00000000b00d',
    createdAt: '2025-03-12T09:00:00.000Z',
    origin: 'tearline/o',
    sender: 'S',
    checkpoint: { size: n, root: rootOf(t, n) },
    entryCount: 0,
    consistency: from.map((m) => ({ fromSize: m, fromRoot: rootOf(t, m), proof: t.consistencyProof(m, n).map(toHex) })),
  });
  const rel = (head: BundleHead, held: { size: number; root: string }[]) => relate(head, held, checkConsistencyProofs(sha256, head).valid);

  it('tells first contact, extension, the same checkpoint, rollback and an unproven extension apart', () => {
    expect(rel(headAt(tree, 12, []), []).relation).toBe('first-contact');
    expect(rel(headAt(tree, 12, [10]), [{ size: 10, root: rootOf(tree, 10) }]).relation).toBe('extends');
    expect(rel(headAt(tree, 12, []), [{ size: 12, root: rootOf(tree, 12) }]).relation).toBe('already-known');
    const rollback = rel(headAt(tree, 9, []), [{ size: 12, root: rootOf(tree, 12) }]);
    expect(rollback.relation).toBe('rollback');
    expect(rollback.problems[0]!.code).toBe('E_ROLLBACK');
    // An older bundle whose checkpoint is held (imported before the newer one) is known, not a rollback.
    const held = [
      { size: 9, root: rootOf(tree, 9) },
      { size: 12, root: rootOf(tree, 12) },
    ];
    expect(rel(headAt(tree, 9, []), held)).toMatchObject({ relation: 'already-known', problems: [] });
    const unproven = rel(headAt(tree, 15, [5]), [{ size: 12, root: rootOf(tree, 12) }]);
    expect(unproven.relation).toBe('unproven');
    expect(unproven.problems[0]!.code).toBe('E_BAD_PROOF');
  });

  it('finds forks at the same size and through a consistency proof', () => {
    const same = rel(headAt(other, 12, []), [{ size: 12, root: rootOf(tree, 12) }]);
    expect(same.relation).toBe('fork');
    expect(same.problems[0]!.code).toBe('E_FORK');
    const proven = rel(headAt(other, 15, [10]), [{ size: 10, root: rootOf(tree, 10) }]);
    expect(proven.relation).toBe('fork');
    expect(proven.conflict?.proof?.fromSize).toBe(10);
    // Before the point where the histories part, they agree.
    expect(rel(headAt(other, 15, [8]), [{ size: 8, root: rootOf(tree, 8) }]).relation).toBe('extends');
    // An older size held with another root is a fork, not a rollback.
    expect(rel(headAt(other, 10, []), [{ size: 10, root: rootOf(tree, 10) }, { size: 12, root: rootOf(tree, 12) }]).relation).toBe('fork');
  });

  it('reports a consistency proof that does not verify', () => {
    const head = headAt(tree, 12, [10]);
    head.consistency[0]!.proof[0] = toHex(sha256(fromHex(head.consistency[0]!.proof[0]!)));
    const { valid, problems } = checkConsistencyProofs(sha256, head);
    expect(valid).toEqual([]);
    expect(problems[0]!.code).toBe('E_BAD_PROOF');
  });
});
