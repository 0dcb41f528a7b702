/**
 * Fuzzing the import: valid bundles of every form, mutated (bytes flipped, inserted,
 * deleted), truncated and extended, are each refused with a code; nothing throws, and
 * nothing is stored.
 *
 * One kind of change is not refused, by design: minisign's untrusted comment (the first
 * line of the signature) is not signed, so a change confined to it leaves the very same
 * signed bundle. The receiver imports every original bundle first, so such a variant is
 * accepted as "already imported" and changes nothing either; the property checks that it
 * is exactly the original signed payload.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../../shared/errors';
import type { Vault } from '../../electron/core/vault/vault';
import { exportBundle, importBundle, type ExportOptions } from '../../electron/core/bundle';
import { tempDir } from '../helpers/tmp';
import { addCase, newVault, trust } from '../bundle/fixtures';

const dir = tempDir('tearline-fuzz-');
let sender: Vault;
let receiver: Vault;

interface Original {
  form: string;
  bytes: Uint8Array;
  signatureText?: string;
  digest: string;
}
const originals: Original[] = [];

const TABLES = ['imported_entries', 'peer_checkpoints', 'trusted_keys', 'fork_evidence', 'entries', 'checkpoints', 'export_state'];
function snapshot(v: Vault): number[] {
  return TABLES.map((t) => (v.database().prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
}

beforeAll(async () => {
  sender = await newVault(dir, 'Fuzz sender');
  receiver = await newVault(dir, 'Fuzz receiver');
  addCase(sender);
  trust(receiver, sender);
  trust(sender, receiver);
  const forms: [string, Partial<ExportOptions>][] = [
    ['detached', {}],
    ['single-file', { singleFile: true }],
    ['armored', { armor: true }],
    ['age', { to: ['Fuzz receiver'] }],
    ['age-armored', { to: ['Fuzz receiver'], armor: true }],
  ];
  for (const [form, options] of forms) {
    const r = await exportBundle(sender, { selection: { all: true }, for: ['Fuzz receiver'], ...options });
    const original: Original = { form, bytes: r.bytes!, digest: r.digest, ...(r.signatureText ? { signatureText: r.signatureText } : {}) };
    const imported = await importBundle(receiver, { bytes: original.bytes, ...(original.signatureText ? { signatureText: original.signatureText } : {}) }, { accept: true });
    expect(imported.verdict.problems).toEqual([]);
    originals.push(original);
  }
}, 60_000);

afterAll(() => {
  sender?.close();
  receiver?.close();
});

type Mutation =
  | { op: 'flip'; at: number; xor: number }
  | { op: 'truncate'; keep: number }
  | { op: 'extend'; bytes: Uint8Array }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), keep: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 32 }) }) },
);

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  switch (m.op) {
    case 'flip': {
      const out = bytes.slice();
      out[m.at % n] = out[m.at % n]! ^ m.xor;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, m.keep % n);
    case 'extend':
      return Buffer.concat([bytes, m.bytes]);
    case 'insert': {
      const at = m.at % (n + 1);
      return Buffer.concat([bytes.subarray(0, at), m.bytes, bytes.subarray(at)]);
    }
    case 'delete': {
      const at = m.at % n;
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(n, at + m.length))]);
    }
  }
}

async function check(original: Original, input: { bytes: Uint8Array; signatureText?: string }): Promise<void> {
  const before = snapshot(receiver);
  const size = receiver.size;
  let result;
  try {
    result = await importBundle(receiver, input, { accept: true });
  } catch (error) {
    throw new Error(`import threw instead of refusing: ${String(error)}`, { cause: error });
  }
  const { verdict } = result;
  if (verdict.valid) {
    // Only the unsigned untrusted comment (or an allowed armor spelling) may differ.
    expect(verdict.digest).toBe(original.digest);
    expect(result.changed).toBe(false);
  } else {
    expect(verdict.problems.length).toBeGreaterThan(0);
    for (const p of verdict.problems) expect(isErrorCode(p.code)).toBe(true);
    expect(result.changed).toBe(false);
  }
  expect(snapshot(receiver)).toEqual(before);
  expect(receiver.size).toBe(size);
  expect(receiver.database().inTransaction).toBe(false);
}

describe('mutated bundles', () => {
  // About 20 s in all on a CI machine; TEARLINE_FUZZ_RUNS raises it for a longer soak.
  const runs = Number(process.env.TEARLINE_FUZZ_RUNS ?? 1500);
  for (const form of ['detached', 'single-file', 'armored', 'age', 'age-armored']) {
    it(`${form}: every mutation is refused with a code, and nothing is stored`, async () => {
      const original = originals.find((o) => o.form === form)!;
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
          const bytes = mutations.reduce(apply, original.bytes);
          fc.pre(!Buffer.from(bytes).equals(Buffer.from(original.bytes)));
          await check(original, { bytes, ...(original.signatureText ? { signatureText: original.signatureText } : {}) });
        }),
        { numRuns: runs },
      );
    });
  }

  it('detached: a mutated signature file is refused with a code, and nothing is stored', async () => {
    const original = originals.find((o) => o.form === 'detached')!;
    const sig = new TextEncoder().encode(original.signatureText);
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), async (mutations) => {
        const mutated = mutations.reduce(apply, sig);
        fc.pre(!Buffer.from(mutated).equals(Buffer.from(sig)));
        await check(original, { bytes: original.bytes, signatureText: Buffer.from(mutated).toString('latin1') });
      }),
      { numRuns: runs },
    );
  });
});
