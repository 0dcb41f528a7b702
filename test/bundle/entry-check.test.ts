/**
 * One entry's checks (shared/bundle/entry-check.ts): a header of the plain shape is checked
 * without zod and its commitments later, and a bad header must still be told as one
 * (E_INVALID_ENTRY) before anything that a later step finds.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJsonBytes } from '../../shared/canonical-json';
import { toBase64 } from '../../shared/bytes';
import { commitmentHex, type EntryHeader } from '../../shared/entry';
import type { RawEntry } from '../../shared/bundle/framing';
import { checkEntry } from '../../shared/bundle/entry-check';
import { InclusionVerifier } from '../../shared/bundle/inclusion';
import { loadSodium } from '../../electron/core/crypto/sodium';
import { sha256, sha256Parts } from '../../electron/core/crypto/hash';

await loadSodium();

const CASE = '01900000-0000-7000-8000-000000000001';
const body = { caseId: CASE, text: 'A note.', writtenBy: 'Officer A' };
const salt = (name: string) => new Uint8Array(32).fill(name.length);

function header(fields: Record<string, string>): EntryHeader {
  return {
    author: toBase64(new Uint8Array(32).fill(7)),
    caseId: CASE,
    fields,
    id: '01900000-0000-7000-8000-000000000002',
    kind: 'note',
    policy: 'icd-191-2015',
    ts: '2025-03-12T09:00:00.000Z',
    v: 1,
  } as EntryHeader;
}

const commitments = () => Object.fromEntries(Object.entries(body).map(([name, value]) => [name, commitmentHex(sha256, name, salt(name), value)]));

/** The entry as the only leaf of a log (its proof is empty), disclosing `disclose` in the order given. */
function check(h: EntryHeader, disclose: string[]) {
  const headerBytes = canonicalJsonBytes(h);
  // Built by hand, not framed: the framing writes fields in order, and some checks here need them out of it.
  const fields = disclose.map((name) => ({ name, salt: salt(name), value: canonicalJsonBytes(body[name as keyof typeof body]) }));
  const raw: RawEntry = { index: 0, header: headerBytes, proof: [], proofBytes: new Uint8Array(0), fields };
  const root = sha256Parts(new Uint8Array([0]), headerBytes);
  const inclusion = new InclusionVerifier(sha256, 1, root);
  return checkEntry(raw, { hash: sha256, hashParts: sha256Parts, size: 1, inclusion, previousIndex: -1 });
}

const codes = (r: ReturnType<typeof check>) => r.problems.map((p) => `${p.code} ${p.message}`);

describe('checkEntry', () => {
  it('passes a valid entry, with its withheld fields', () => {
    const all = check(header(commitments()), ['caseId', 'text', 'writtenBy']);
    expect(codes(all)).toEqual([]);
    expect(all.entry?.withheld).toEqual([]);
    const some = check(header(commitments()), ['caseId', 'writtenBy']);
    expect(codes(some)).toEqual([]);
    expect(some.entry?.withheld).toEqual(['text']);
  });

  it('tells a commitment that is not lowercase hex as a bad header, disclosed or withheld', () => {
    const upper = { ...commitments(), text: commitments().text!.toUpperCase() };
    const bad = /^E_INVALID_ENTRY entry #0: header\.fields\.text: /;
    expect(codes(check(header(upper), ['caseId', 'text', 'writtenBy']))).toEqual([expect.stringMatching(bad)]);
    expect(codes(check(header(upper), ['caseId', 'writtenBy']))).toEqual([expect.stringMatching(bad)]);
    // Before a step that comes after the header's: a field that is not committed, one out of order.
    expect(codes(check(header({ ...upper, caseId: undefined as unknown as string }), ['caseId']))).toEqual([expect.stringMatching(/^E_INVALID_ENTRY/)]);
    expect(codes(check(header(upper), ['writtenBy', 'caseId']))).toEqual([expect.stringMatching(bad)]);
    const shortKey = { ...commitments(), text: 'g'.repeat(64) };
    expect(codes(check(header(shortKey), ['text']))).toEqual([expect.stringMatching(bad)]);
  });

  it('tells the later steps as before when the header is good', () => {
    expect(codes(check(header(commitments()), ['writtenBy', 'caseId']))).toEqual([expect.stringMatching(/^E_MALFORMED .*out of order/)]);
    const { text: _text, ...withoutText } = commitments();
    expect(codes(check(header(withoutText), ['text']))).toEqual([expect.stringMatching(/^E_MALFORMED .*not committed/)]);
    const wrong = { ...commitments(), text: commitments().caseId! };
    expect(codes(check(header(wrong), ['text']))).toEqual([expect.stringMatching(/^E_BAD_PROOF .*does not match its commitment/)]);
  });
});
