/**
 * Builds bundles by hand, from entry records and a signing key, outside any vault: for
 * the test vectors (deterministic salts, ids and times) and for the tests that need a
 * correctly signed bundle with something wrong inside it (a bad proof, an invalid body).
 * It uses the same encoders as the export, and nothing of the verifier.
 */
import { canonicalJsonBytes } from '../../shared/canonical-json';
import { concatBytes, fromBase64, toBase64, toHex, utf8 } from '../../shared/bytes';
import { commitmentHex, entryLeafHash, type EntryHeader } from '../../shared/entry';
import { MerkleTree } from '../../shared/merkle';
import { TAG } from '../../shared/bundle/format';
import { endRecordBytes, entryRecordBytes, preambleBytes, recordBytes, type EntryToWrite } from '../../shared/bundle/framing';
import { encodeHead, type BundleHead } from '../../shared/bundle/head';
import { formatTrustedComment } from '../../shared/bundle/trusted-comment';
import { sha256 } from '../../electron/core/crypto/hash';
import { sodium } from '../../electron/core/crypto/sodium';
import { minisignKeyId, signMinisign } from '../../electron/core/formats/minisign';

export interface CraftRecord {
  header: EntryHeader;
  body: Record<string, unknown>;
  salts: Record<string, string>;
}

export interface RecordSpec {
  id: string;
  kind: string;
  caseId: string | null;
  author: Uint8Array;
  ts: string;
  policy?: string;
  body: Record<string, unknown>;
}

/** A record with its field commitments; salts from `salt(name)` (default random). */
export function craftRecord(spec: RecordSpec, salt: (name: string) => Uint8Array = () => sodium().randombytes_buf(32)): CraftRecord {
  const fields: Record<string, string> = {};
  const salts: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.body)) {
    const s = salt(name);
    fields[name] = commitmentHex(sha256, name, s, value);
    salts[name] = toBase64(s);
  }
  return {
    header: {
      v: 1,
      id: spec.id,
      kind: spec.kind as EntryHeader['kind'],
      policy: spec.policy ?? 'icd-191-2015',
      author: toBase64(spec.author),
      ts: spec.ts,
      caseId: spec.caseId,
      fields,
    },
    body: spec.body,
    salts,
  };
}

export interface Signer {
  /** libsodium's 64-byte Ed25519 secret key. */
  secretKey: Uint8Array;
  /** Default: our derivation from the public key. */
  keyId?: Uint8Array;
}

export interface CraftOptions {
  origin: string;
  sender?: string;
  bundleId?: string;
  createdAt?: string;
  /** The whole log, in order. */
  log: CraftRecord[];
  /** The log size the bundle's checkpoint is at (default: all of it). */
  size?: number;
  /** The indexes to carry (default: every one below size). */
  select?: number[];
  /** Withhold a field of an entry (default: disclose everything). */
  withhold?: (index: number, name: string) => boolean;
  consistencyFrom?: number[];
  signer: Signer;
  /** Change an entry just before it is encoded. */
  tamperEntry?: (e: EntryToWrite) => EntryToWrite;
  /** Change HEAD just before it is encoded (it is then signed as changed). */
  tamperHead?: (head: BundleHead) => BundleHead;
  /** Sign another trusted comment than the right one. */
  trustedComment?: string;
}

export interface Crafted {
  head: BundleHead;
  /** B: the signed bytes. */
  payload: Uint8Array;
  signatureText: string;
  /** B ‖ SIG. */
  singleFile: Uint8Array;
  tree: MerkleTree;
}

export function craftBundle(o: CraftOptions): Crafted {
  const tree = new MerkleTree(sha256, o.log.map((r) => entryLeafHash(sha256, r.header)));
  const size = o.size ?? o.log.length;
  const select = o.select ?? o.log.slice(0, size).map((_, i) => i);
  let head: BundleHead = {
    format: 'tearline-bundle',
    version: 1,
    bundleId: o.bundleId ?? '01900000-0000-7000-8000-00000000b00d',
    createdAt: o.createdAt ?? '2025-03-12T09:00:00.000Z',
    origin: o.origin,
    sender: o.sender ?? 'Crafted workstation',
    checkpoint: { size, root: toHex(tree.root(size)) },
    entryCount: select.length,
    consistency: (o.consistencyFrom ?? []).map((m) => ({
      fromSize: m,
      fromRoot: toHex(tree.root(m)),
      proof: tree.consistencyProof(m, size).map(toHex),
    })),
  };
  if (o.tamperHead) head = o.tamperHead(head);
  const parts: Uint8Array[] = [preambleBytes(), recordBytes(TAG.head, o.tamperHead ? canonicalJsonBytes(head) : encodeHead(head))];
  for (const index of select) {
    const r = o.log[index]!;
    const fields = Object.keys(r.body)
      .filter((name) => !o.withhold?.(index, name))
      .map((name) => ({ name, salt: fromBase64(r.salts[name]!), value: canonicalJsonBytes(r.body[name]) }));
    let e: EntryToWrite = { index, header: canonicalJsonBytes(r.header), proof: tree.inclusionProof(index, size), fields };
    if (o.tamperEntry) e = o.tamperEntry(e);
    parts.push(entryRecordBytes(e));
  }
  parts.push(endRecordBytes());
  const payload = concatBytes(...parts);
  const signatureText = signPayload(payload, o.signer, o.trustedComment ?? formatTrustedComment({ bundleId: head.bundleId, origin: head.origin, size, root: head.checkpoint.root }));
  return { head, payload, signatureText, singleFile: singleFileOf(payload, signatureText), tree };
}

export function signPayload(payload: Uint8Array, signer: Signer, trustedComment: string): string {
  const publicKey = signer.secretKey.subarray(32);
  return signMinisign({
    secretKey: signer.secretKey,
    keyId: signer.keyId ?? minisignKeyId(publicKey),
    message: payload,
    trustedComment,
    untrustedComment: 'signature from a crafted test bundle',
  });
}

export function singleFileOf(payload: Uint8Array, signatureText: string): Uint8Array {
  return concatBytes(payload, recordBytes(TAG.sig, utf8(signatureText)));
}
