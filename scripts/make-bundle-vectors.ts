/**
 * Writes the bundle test vectors of docs/bundle-format.md to test/vectors/bundles/:
 * valid bundles of every form and invalid ones, each with the verdict it must get, in
 * expected.json. Run with `npx tsx scripts/make-bundle-vectors.ts`.
 *
 * Everything is derived from fixed seeds (keys, salts, ids, times), so the unencrypted
 * vectors come out byte for byte the same on every run (test/bundle/vectors.test.ts checks
 * that); age encryption draws fresh randomness, so the encrypted vectors differ from run to
 * run but verify the same.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { concatBytes, toHex, utf8 } from '../shared/bytes';
import { canonicalJsonBytes, MAX_JSON_DEPTH, MAX_JSON_ITEMS } from '../shared/canonical-json';
import { armor } from '../shared/codec/armor';
import { ARMOR_LABEL } from '../shared/bundle/format';
import type { BundleHead } from '../shared/bundle/head';
import { exampleBody, EXAMPLE_WAIVE_DECISION } from '../shared/domain';
import { loadSodium, sodium } from '../electron/core/crypto/sodium';
import { ageEncrypt, encodeAgeIdentity, encodeAgeRecipient, formatAgeIdentityFile } from '../electron/core/formats/age';
import { encodeMinisignPublicKey, formatMinisignSignature, minisignKeyId } from '../electron/core/formats/minisign';
import { craftBundle, craftRecord, signPayload, singleFileOf, type CraftOptions, type CraftRecord } from '../test/bundle/craft';

export const VECTOR_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/vectors/bundles');

export interface VectorCase {
  file: string;
  /** The detached signature file, for the detached form. */
  signature?: string;
  valid: boolean;
  code?: string;
  form?: string;
  encrypted?: boolean;
  entries?: number;
  withheld?: Record<string, number>;
  checkpoint?: { origin: string; size: number; root: string };
  limits?: Record<string, number>;
  note: string;
}

export interface RelationCase {
  bundle: string;
  signature?: string;
  held: { size: number; root: string }[];
  relation: string;
  code?: string;
  note: string;
}

export interface VectorSet {
  files: Map<string, Uint8Array>;
  /** Files whose bytes are the same on every run. */
  deterministic: Set<string>;
  expected: { description: string; signer: string; identity: string; vectors: VectorCase[]; relations: RelationCase[] };
}

const ORIGIN = 'tearline/6f1c2a7e-3b9d-4c5e-8a1f-0d2e4b6c8a90';
const OTHER_ORIGIN_ROOT_SEED = 'a different history';

function seeded(label: string, length = 32): Uint8Array {
  return sodium().crypto_generichash(length, utf8(`tearline bundle test vectors/${label}`), null);
}

function uuid(n: number): string {
  return `01958e3c-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

export async function makeVectors(): Promise<VectorSet> {
  await loadSodium();
  const s = sodium();
  const signer = s.crypto_sign_seed_keypair(seeded('signer'));
  const other = s.crypto_sign_seed_keypair(seeded('other signer'));
  const identity = seeded('age identity');
  const otherIdentity = seeded('another age identity');
  const author = signer.publicKey;

  const salt = (index: number) => (name: string) => seeded(`salt/${index}/${name}`);
  const caseId = uuid(1);
  const ts = (minute: number) => `2025-03-12T09:${String(minute).padStart(2, '0')}:00.000Z`;
  const specs: { kind: string; body: Record<string, unknown>; caseId: string | null }[] = [
    {
      kind: 'vault.created',
      caseId: null,
      body: {
        workstationName: 'Vector station',
        fingerprint: toHex(s.crypto_generichash(32, author, null).subarray(0, 16)),
        signingPublicKey: Buffer.from(author).toString('base64'),
        kdf: { algorithm: 'argon2id13', opsLimit: 3, memLimit: 268435456 },
      },
    },
    { kind: 'case.opened', caseId, body: exampleBody('case.opened') as Record<string, unknown> },
    { kind: 'case.assessed', caseId, body: exampleBody('case.assessed', { caseId }) as Record<string, unknown> },
    { kind: 'decision', caseId, body: { ...EXAMPLE_WAIVE_DECISION, caseId } },
    { kind: 'waiver', caseId, body: exampleBody('waiver', { caseId }) as Record<string, unknown> },
    { kind: 'note', caseId, body: exampleBody('note', { caseId }) as Record<string, unknown> },
  ];
  const log: CraftRecord[] = specs.map((spec, i) =>
    craftRecord({ id: i === 1 ? caseId : uuid(100 + i), kind: spec.kind, caseId: spec.caseId, author, ts: ts(i), body: spec.body }, salt(i)),
  );
  const sensitive = (index: number, name: string) => name === 'sourceProtection' || (log[index]!.header.kind === 'note' && name === 'restricted');
  const base: CraftOptions = {
    origin: ORIGIN,
    sender: 'Vector station',
    bundleId: uuid(9001),
    createdAt: '2025-03-12T10:00:00.000Z',
    log,
    withhold: sensitive,
    consistencyFrom: [3],
    signer: { secretKey: signer.privateKey },
  };

  const files = new Map<string, Uint8Array>();
  const deterministic = new Set<string>();
  const vectors: VectorCase[] = [];
  const put = (name: string, bytes: Uint8Array, fixed = true) => {
    files.set(name, bytes);
    if (fixed) deterministic.add(name);
  };
  const reject = (file: string, bytes: Uint8Array, code: string, note: string, extra: Partial<VectorCase> = {}, fixed = true) => {
    put(file, bytes, fixed);
    vectors.push({ file, valid: false, code, note, ...extra });
  };

  // ---- valid, in every form
  const main = craftBundle(base);
  const checkpoint = { origin: ORIGIN, size: main.head.checkpoint.size, root: main.head.checkpoint.root };
  const withheld = { sourceProtection: 2, restricted: 1 };
  put('valid-detached.bundle', main.payload);
  put('valid-detached.bundle.minisig', utf8(main.signatureText));
  vectors.push({ file: 'valid-detached.bundle', signature: 'valid-detached.bundle.minisig', valid: true, form: 'detached', encrypted: false, entries: 6, withheld, checkpoint, note: 'six entries, sensitive fields withheld, a consistency proof from size 3; stock `minisign -V -m valid-detached.bundle -p signer.pub` accepts it' });
  put('valid-single-file.bundle', main.singleFile);
  vectors.push({ file: 'valid-single-file.bundle', valid: true, form: 'single-file', encrypted: false, entries: 6, withheld, checkpoint, note: 'the same bundle with its signature appended as a SIG record' });
  put('valid-armored.txt', utf8(armor(main.singleFile, ARMOR_LABEL)));
  vectors.push({ file: 'valid-armored.txt', valid: true, form: 'armored', encrypted: false, entries: 6, withheld, checkpoint, note: 'the single-file bundle in ASCII armor' });
  put('valid-age.age', ageEncrypt(main.singleFile, [encodeAgeRecipient(s.crypto_scalarmult_base(identity))]), false);
  vectors.push({ file: 'valid-age.age', valid: true, form: 'age', encrypted: true, entries: 6, withheld, checkpoint, note: 'encrypted with age to age-identity.txt (`age -d -i age-identity.txt` opens it)' });
  put('valid-age-armored.txt', ageEncrypt(main.singleFile, [encodeAgeRecipient(s.crypto_scalarmult_base(identity))], { armor: true }), false);
  vectors.push({ file: 'valid-age-armored.txt', valid: true, form: 'age-armored', encrypted: true, entries: 6, withheld, checkpoint, note: 'age armor of the encrypted bundle' });

  const selection = craftBundle({ ...base, bundleId: uuid(9002), select: [1, 4], withhold: (i, name) => sensitive(i, name) || name === 'justification' });
  put('valid-selection.bundle', selection.singleFile);
  vectors.push({ file: 'valid-selection.bundle', valid: true, form: 'single-file', entries: 2, withheld: { sourceProtection: 2, justification: 1 }, checkpoint, note: 'two entries (not a range), the waiver’s required justification withheld too: it still verifies' });

  const disclosed = craftBundle({ ...base, bundleId: uuid(9003), withhold: () => false, consistencyFrom: [] });
  put('valid-everything-disclosed.bundle', disclosed.singleFile);
  vectors.push({ file: 'valid-everything-disclosed.bundle', valid: true, form: 'single-file', entries: 6, withheld: {}, checkpoint, note: 'every field disclosed, no consistency proof' });

  const empty = craftBundle({ ...base, bundleId: uuid(9004), select: [], consistencyFrom: [1, 3, 5] });
  put('valid-no-entries.bundle', empty.singleFile);
  vectors.push({ file: 'valid-no-entries.bundle', valid: true, form: 'single-file', entries: 0, checkpoint, note: 'a checkpoint and three consistency proofs, no entries' });

  // ---- invalid: size, form, framing
  reject('oversize.bundle', main.singleFile, 'E_TOO_LARGE', 'valid, but larger than the limit given', { limits: { maxBytes: 1024 } });
  reject('not-a-bundle.bundle', utf8('PK\u0003\u0004 this is a zip file, not a bundle'), 'E_MALFORMED', 'no known form');
  const wrongVersion = main.singleFile.slice();
  wrongVersion[8] = 2;
  reject('unknown-version.bundle', wrongVersion, 'E_MALFORMED', 'version byte 2');
  reject('truncated.bundle', main.singleFile.subarray(0, main.singleFile.length - 40), 'E_MALFORMED', 'cut inside the SIG record');
  reject('trailing-bytes.bundle', concatBytes(main.singleFile, utf8('\n')), 'E_MALFORMED', 'a byte after the SIG record');
  reject('armor-trailing-space.txt', utf8(armor(main.singleFile, ARMOR_LABEL).replace(/\n-----END/, ' \n-----END')), 'E_MALFORMED', 'armor with a space at the end of a line');
  put('detached-without-signature.bundle', main.payload);
  vectors.push({ file: 'detached-without-signature.bundle', valid: false, code: 'E_MALFORMED', note: 'the detached form with no .minisig next to it' });

  // ---- invalid: signature
  const flipped = main.singleFile.slice();
  const at = Buffer.from(flipped).indexOf('Port Halden');
  flipped[at] = flipped[at]! ^ 0x20;
  reject('changed-byte.bundle', flipped, 'E_BAD_SIGNATURE', 'one letter of an entry changed after signing');
  const editedComment = main.signatureText.replace(/size=6/, 'size=7');
  reject('changed-trusted-comment.bundle', singleFileOf(main.payload, editedComment), 'E_BAD_SIGNATURE', 'the trusted comment edited after signing');
  const legacy = formatMinisignSignature({
    algorithm: 'Ed',
    keyId: minisignKeyId(author),
    signature: s.crypto_sign_detached(main.payload, signer.privateKey),
    untrustedComment: 'legacy signature',
    trustedComment: main.signatureText.split('\n')[2]!.slice('trusted comment: '.length),
    globalSignature: s.crypto_sign_detached(
      concatBytes(s.crypto_sign_detached(main.payload, signer.privateKey), utf8(main.signatureText.split('\n')[2]!.slice('trusted comment: '.length))),
      signer.privateKey,
    ),
  });
  reject('legacy-signature.bundle', singleFileOf(main.payload, legacy), 'E_BAD_SIGNATURE', 'a legacy (unhashed, "Ed") minisign signature');
  reject('other-signer.bundle', craftBundle({ ...base, signer: { secretKey: other.privateKey } }).singleFile, 'E_UNTRUSTED_SIGNER', 'signed by a key that is not signer.pub');

  // ---- invalid: signed, but wrong inside
  reject(
    'comment-disagrees.bundle',
    craftBundle({ ...base, trustedComment: main.signatureText.split('\n')[2]!.slice(17).replace(/size=6/, 'size=5') }).singleFile,
    'E_MALFORMED',
    'a valid signature over a trusted comment that names another size than HEAD',
  );
  const nonCanonicalHead = (() => {
    const c = craftBundle(base);
    const head = canonicalJsonBytes(c.head);
    const spaced = utf8(new TextDecoder().decode(head).replace('{', '{ '));
    const payload = concatBytes(c.payload.subarray(0, 9), new Uint8Array([1, 0, 0, (spaced.length >> 8) & 255, spaced.length & 255]), spaced, c.payload.subarray(9 + 5 + head.length));
    return singleFileOf(payload, signPayload(payload, { secretKey: signer.privateKey }, c.signatureText.split('\n')[2]!.slice(17)));
  })();
  reject('head-not-canonical.bundle', nonCanonicalHead, 'E_MALFORMED', 'HEAD with a space: not canonical JSON');
  reject(
    'bad-inclusion-proof.bundle',
    craftBundle({ ...base, tamperEntry: (e) => (e.index === 2 ? { ...e, proof: e.proof.map((p, i) => (i === 1 ? p.map((b) => b ^ 0x80) : p)) } : e) }).singleFile,
    'E_BAD_PROOF',
    'entry #2’s inclusion proof changed',
  );
  reject(
    'bad-field-commitment.bundle',
    craftBundle({ ...base, tamperEntry: (e) => (e.index === 3 ? { ...e, fields: e.fields.map((f) => (f.name === 'decision' ? { ...f, value: utf8('"warn"') } : f)) } : e) }).singleFile,
    'E_BAD_PROOF',
    'entry #3 discloses "warn" where "waive" was committed',
  );
  reject(
    'bad-consistency-proof.bundle',
    craftBundle({ ...base, tamperHead: (h: BundleHead) => ({ ...h, consistency: h.consistency.map((c) => ({ ...c, fromRoot: toHex(seeded(OTHER_ORIGIN_ROOT_SEED)) })) }) }).singleFile,
    'E_BAD_PROOF',
    'the consistency proof from size 3 names a wrong old root',
  );
  reject('out-of-order.bundle', craftBundle({ ...base, select: [2, 1] }).singleFile, 'E_MALFORMED', 'entries not in increasing index order');
  const { approvedBy: _approver, ...noApprover } = log[4]!.body;
  const invalidLog = log.map((r, i) => (i === 4 ? craftRecord({ id: r.header.id, kind: 'waiver', caseId, author, ts: r.header.ts, body: noApprover }, salt(4)) : r));
  reject('invalid-entry.bundle', craftBundle({ ...base, log: invalidLog }).singleFile, 'E_INVALID_ENTRY', 'a waiver without approvedBy, correctly committed, proven and signed');
  let deep: unknown = 'core';
  for (let i = 0; i < MAX_JSON_DEPTH; i++) deep = [deep];
  const deepLog = log.map((r, i) =>
    i === 5
      ? craftRecord({ id: r.header.id, kind: 'amendment', caseId, author, ts: r.header.ts, body: { ...exampleBody('amendment', { caseId }), target: log[2]!.header.id, changes: { specifics: deep } } }, salt(5))
      : r,
  );
  reject(
    'too-deep.bundle',
    craftBundle({ ...base, log: deepLog }).singleFile,
    'E_INVALID_ENTRY',
    `an amendment whose changes nest ${MAX_JSON_DEPTH + 1} deep (JCS allows ${MAX_JSON_DEPTH}), correctly committed, proven and signed`,
  );
  // {"specifics":[0,0,…]}: '{', '[' and MAX_JSON_ITEMS - 1 commas, one too many.
  const manyLog = log.map((r, i) =>
    i === 5
      ? craftRecord(
          { id: r.header.id, kind: 'amendment', caseId, author, ts: r.header.ts, body: { ...exampleBody('amendment', { caseId }), target: log[2]!.header.id, changes: { specifics: new Array(MAX_JSON_ITEMS).fill(0) } } },
          salt(5),
        )
      : r,
  );
  reject(
    'too-many-items.bundle',
    craftBundle({ ...base, log: manyLog }).singleFile,
    'E_INVALID_ENTRY',
    `an amendment whose changes have ${MAX_JSON_ITEMS + 1} of '[', '{' and ',' (JCS allows ${MAX_JSON_ITEMS}), correctly committed, proven and signed`,
  );

  // Entry #5 under entry #3's id: one log never gives two entries the same id.
  const repeatedLog = log.map((r, i) => (i === 5 ? craftRecord({ id: log[3]!.header.id, kind: r.header.kind, caseId, author, ts: r.header.ts, body: r.body }, salt(5)) : r));
  reject(
    'repeated-id.bundle',
    craftBundle({ ...base, log: repeatedLog }).singleFile,
    'E_INVALID_ENTRY',
    'entry #5 carries the id of entry #3, otherwise correctly committed, proven and signed',
  );

  // ---- invalid: encryption
  reject('age-not-for-us.age', ageEncrypt(main.singleFile, [encodeAgeRecipient(s.crypto_scalarmult_base(otherIdentity))]), 'E_NOT_FOR_US', 'encrypted to another identity', {}, false);
  const tampered = ageEncrypt(main.singleFile, [encodeAgeRecipient(s.crypto_scalarmult_base(identity))]);
  tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1;
  reject('age-tampered.age', tampered, 'E_DECRYPT', 'the last byte of the age payload changed', {}, false);

  // ---- relations to checkpoints held (section 9)
  const otherLog = log.map((r, i) => (i < 3 ? r : craftRecord({ id: uuid(200 + i), kind: 'note', caseId, author, ts: ts(30 + i), body: exampleBody('note', { caseId }) as Record<string, unknown> }, salt(50 + i))));
  const fork = craftBundle({ ...base, bundleId: uuid(9005), log: otherLog, consistencyFrom: [3, 4] });
  put('fork.bundle', fork.singleFile);
  const rootAt = (n: number) => toHex(main.tree.root(n));
  const relations: RelationCase[] = [
    { bundle: 'valid-single-file.bundle', held: [], relation: 'first-contact', note: 'nothing held from the origin' },
    { bundle: 'valid-single-file.bundle', held: [{ size: 3, root: rootAt(3) }], relation: 'extends', note: 'the proof from size 3 matches what is held' },
    { bundle: 'valid-single-file.bundle', held: [{ size: 6, root: rootAt(6) }], relation: 'already-known', note: 'the same checkpoint' },
    { bundle: 'valid-single-file.bundle', held: [{ size: 4, root: rootAt(4) }], relation: 'unproven', code: 'E_BAD_PROOF', note: 'no proof from size 4' },
    { bundle: 'valid-no-entries.bundle', held: [{ size: 5, root: rootAt(5) }], relation: 'extends', note: 'the proof from size 5' },
    { bundle: 'fork.bundle', held: [{ size: 3, root: rootAt(3) }], relation: 'extends', note: 'the histories agree up to size 3' },
    { bundle: 'fork.bundle', held: [{ size: 4, root: rootAt(4) }], relation: 'fork', code: 'E_FORK', note: 'the proof from size 4 shows another root there' },
    { bundle: 'fork.bundle', held: [{ size: 6, root: rootAt(6) }], relation: 'fork', code: 'E_FORK', note: 'another root at the same size' },
    { bundle: 'valid-selection.bundle', held: [{ size: 8, root: toHex(seeded('later root')) }], relation: 'rollback', code: 'E_ROLLBACK', note: 'older than what is held' },
  ];

  put('signer.pub', utf8(encodeMinisignPublicKey({ publicKey: author, untrustedComment: 'tearline bundle test vectors: the signer' })));
  put('age-identity.txt', utf8(formatAgeIdentityFile(encodeAgeIdentity(identity), new Date('2025-03-12T00:00:00Z'))));
  const expected = {
    description:
      'Bundle test vectors (docs/bundle-format.md). Verify each file against signer.pub (and age-identity.txt for encrypted ones) with the limits given; each must get the verdict shown. Relations: the bundle against the checkpoints held.',
    signer: 'signer.pub',
    identity: 'age-identity.txt',
    vectors,
    relations,
  };
  put('expected.json', utf8(JSON.stringify(expected, null, 2) + '\n'));
  return { files, deterministic, expected };
}

async function main(): Promise<void> {
  const set = await makeVectors();
  mkdirSync(VECTOR_DIR, { recursive: true });
  for (const [name, bytes] of set.files) writeFileSync(path.join(VECTOR_DIR, name), bytes);
  process.stdout.write(`wrote ${set.files.size} files to ${VECTOR_DIR}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
