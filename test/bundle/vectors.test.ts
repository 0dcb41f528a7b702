/** The bundle test vectors of test/vectors/bundles/ get the verdicts that expected.json gives. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../shared/bundle/format';
import { parseHead } from '../../shared/bundle/head';
import { checkConsistencyProofs, relate } from '../../shared/bundle/relation';
import { sha256 } from '../../electron/core/crypto/hash';
import { parseAgeIdentityFile } from '../../electron/core/formats/age';
import { inspectBundle, loadBundle } from '../../electron/core/bundle';
import { makeVectors, VECTOR_DIR, type RelationCase, type VectorCase } from '../../scripts/make-bundle-vectors';

const at = (name: string) => path.join(VECTOR_DIR, name);
const expected = JSON.parse(readFileSync(at('expected.json'), 'utf8')) as { signer: string; identity: string; vectors: VectorCase[]; relations: RelationCase[] };
const trustKey = readFileSync(at(expected.signer), 'utf8');
const identities = parseAgeIdentityFile(readFileSync(at(expected.identity), 'utf8'));

describe('bundle test vectors', () => {
  for (const v of expected.vectors) {
    it(`${v.file}: ${v.valid ? 'valid' : v.code} (${v.note})`, async () => {
      expect(existsSync(at(v.file))).toBe(true);
      const verdict = await inspectBundle(
        { trustKey, identities },
        { path: at(v.file), ...(v.signature ? { signaturePath: at(v.signature) } : {}) },
        v.limits ? { limits: v.limits } : {},
      );
      if (v.valid) {
        expect(verdict.problems).toEqual([]);
        expect(verdict.valid).toBe(true);
        expect(verdict.form).toBe(v.form);
        if (v.encrypted !== undefined) expect(verdict.encrypted).toBe(v.encrypted);
        expect(verdict.entries.count).toBe(v.entries);
        expect(verdict.entries.verified).toBe(v.entries);
        if (v.withheld) expect(verdict.entries.withheld).toEqual(v.withheld);
        expect(verdict.checkpoint).toEqual(v.checkpoint);
      } else {
        expect(verdict.valid).toBe(false);
        expect(verdict.problems[0]?.code).toBe(v.code);
        expect(new Set(verdict.problems.map((p) => p.code))).toEqual(new Set([v.code]));
      }
    });
  }

  for (const r of expected.relations) {
    it(`${r.bundle} against ${r.held.map((h) => `size ${h.size}`).join(', ') || 'nothing held'}: ${r.relation}`, async () => {
      const loaded = await loadBundle({ path: at(r.bundle) }, { limits: DEFAULT_LIMITS });
      const head = parseHead(loaded.frame.head);
      const { valid, problems } = checkConsistencyProofs(sha256, head);
      expect(problems).toEqual([]);
      const result = relate(head, r.held, valid);
      expect(result.relation).toBe(r.relation);
      expect(result.problems[0]?.code).toBe(r.code);
    });
  }

  it('are what scripts/make-bundle-vectors.ts makes, byte for byte (all but the age ones)', async () => {
    const set = await makeVectors();
    expect(set.deterministic.size).toBeGreaterThan(20);
    for (const name of set.deterministic) {
      expect(readFileSync(at(name)).equals(Buffer.from(set.files.get(name)!)), name).toBe(true);
    }
    expect([...set.files.keys()].sort()).toEqual(expect.arrayContaining(expected.vectors.map((v) => v.file)));
  });
});
