/**
 * Export: a selection of this vault's entries as a signed bundle, in one of the forms of
 * docs/bundle-format.md. The payload is written and hashed entry by entry as it is read
 * from the vault; the signature over it is made at the end, and the export is recorded in
 * the log (what, to whom, which checkpoint) before the file takes its final name.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fromBase64, toHex, utf8 } from '../../../shared/bytes';
import { TearlineError } from '../../../shared/errors';
import { ARMOR_LABEL, SIGNATURE_SUFFIX, TAG, MAX_CONSISTENCY_PROOFS, type BundleForm } from '../../../shared/bundle/format';
import { endRecordBytes, entryRecordBytes, preambleBytes, recordBytes } from '../../../shared/bundle/framing';
import { encodeHead, type BundleHead } from '../../../shared/bundle/head';
import { formatTrustedComment } from '../../../shared/bundle/trusted-comment';
import { canonicalBytes } from '../../../shared/bundle/jcs';
import { bodySchemas, sensitiveFieldSet, isEntryKind } from '../../../shared/domain';
import { loadSodium, sodium } from '../crypto/sodium';
import { createMinisignHasher, minisignKeyId, signMinisign } from '../formats/minisign';
import { parseAgeRecipient } from '../formats/age';
import { newEntryId } from '../ids';
import { findTrust, loadTrust, type TrustRecord } from '../trust/keyring';
import { withRowKeysAsync, type RowKeys } from '../trust/sealed-rows';
import type { AppendedEntry, Vault } from '../vault/vault';
import { exportedSizes, recordExport } from './export-state';
import { ArmorSink, AgeSink, FileSink, MemorySink, type Sink } from './sinks';
import { ENTRY_BATCH, checkAbort, tick, type RunOptions } from './progress';

export interface ExportSelection {
  /** Every entry of the log. */
  all?: boolean;
  /** Every entry of these cases. */
  cases?: string[];
  /** These entries. */
  ids?: string[];
  /** Only entries at this index or later (alone: every entry from it on). */
  since?: number;
}

export interface ExportOptions extends RunOptions {
  selection: ExportSelection;
  /** The file to write; without it, the bundle is returned in memory. */
  out?: string;
  /** Encrypt to these: `age1...` recipients, or trusted workstations by name or fingerprint. */
  to?: string[];
  /** The bundle is meant for these trusted workstations (consistency proofs), without encryption. */
  for?: string[];
  armor?: boolean;
  /** The single-file binary form (signature inside) rather than FILE + FILE.minisig. */
  singleFile?: boolean;
  /** More fields to withhold, by name, from every entry that has them. */
  redact?: string[];
  /** Disclose sensitive fields too (sourceProtection and the like). */
  includeSensitive?: boolean;
  /** Also prove consistency from these log sizes. */
  sinceCheckpoint?: number[];
}

export interface ExportRecipient {
  id: string;
  name: string | null;
  fingerprint: string | null;
  ageRecipient: string | null;
}

export interface ExportResult {
  bundleId: string;
  form: BundleForm;
  encrypted: boolean;
  /** The files written (the bundle, and its .minisig in the detached form). */
  files: string[];
  /** Without `out`: the bundle as it would have been written. */
  bytes?: Uint8Array;
  /** The detached form's signature file, when returned in memory. */
  signatureText?: string;
  trustedComment: string;
  checkpoint: { origin: string; size: number; root: string };
  entryCount: number;
  caseIds: string[];
  /** Field name → how many exported entries withhold it. */
  withheld: Record<string, number>;
  recipients: ExportRecipient[];
  consistencyFrom: number[];
  /** BLAKE2b-512 of the payload (what the signature signs), hex. */
  digest: string;
  /** SHA-256 of the payload, hex (recorded in the log's bundle.exported entry). */
  bundleHash: string;
  auditIndex: number;
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** age's own armor label (c2sp.org/age): `age -d` reads it. */
const AGE_ARMOR_LABEL = 'AGE ENCRYPTED FILE';

function knownFieldNames(): Set<string> {
  const names = new Set<string>();
  for (const schema of Object.values(bodySchemas())) for (const name of Object.keys(schema.shape)) names.add(name);
  return names;
}

/** The indexes to export, in increasing order. */
export function selectIndexes(vault: Vault, selection: ExportSelection): number[] {
  const { all, cases = [], ids = [], since } = selection;
  if (since !== undefined && (!Number.isSafeInteger(since) || since < 0)) throw new TearlineError('E_USAGE', '--since must be a log index (0 or more)');
  if (!all && cases.length === 0 && ids.length === 0 && since === undefined) {
    throw new TearlineError('E_USAGE', 'choose what to export: --all, --case ID, --ids ID,... or --since INDEX');
  }
  const size = vault.size;
  // `--since size` selects nothing and still carries the checkpoint and its proofs;
  // beyond that it is a mistake, not an empty bundle.
  if (since !== undefined && since > size) throw new TearlineError('E_USAGE', `--since ${since} is past the end of the log (${size} entries)`);
  const chosen = new Set<number>();
  if (all || (cases.length === 0 && ids.length === 0)) for (let i = 0; i < size; i++) chosen.add(i);
  for (const caseId of cases) {
    const items = vault.list({ caseId }).items;
    if (items.length === 0) throw new TearlineError('E_NOT_FOUND', `no case ${caseId} in this vault`);
    for (const e of items) chosen.add(e.index);
  }
  for (const id of ids) chosen.add(vault.get(id).index);
  const from = since ?? 0;
  return [...chosen].filter((i) => i >= from).sort((a, b) => a - b);
}

function resolveRecipients(trust: TrustRecord[], items: readonly string[], encrypt: boolean): ExportRecipient[] {
  const out: ExportRecipient[] = [];
  for (const item of items) {
    const text = item.trim();
    let recipient: ExportRecipient;
    if (text.startsWith('age1')) {
      try {
        parseAgeRecipient(text);
      } catch {
        throw new TearlineError('E_USAGE', `${text} is not a valid age recipient`);
      }
      const known = trust.find((r) => r.ageRecipient === text && !r.revoked);
      recipient = {
        id: known?.fingerprint ?? text,
        name: known?.name ?? null,
        fingerprint: known?.fingerprint ?? null,
        ageRecipient: text,
      };
    } else {
      const record = findTrust(trust, text);
      if (!record) throw new TearlineError('E_NOT_FOUND', `no trusted workstation named or with fingerprint ${text} (see \`tearline trust list\`)`);
      if (record.revoked) throw new TearlineError('E_USAGE', `the key of ${record.name} has been revoked; nothing is sent to it`);
      if (encrypt && !record.ageRecipient) {
        throw new TearlineError('E_USAGE', `no age recipient is known for ${record.name}; give its age1... recipient, or trust it from its key card`);
      }
      recipient = { id: record.fingerprint, name: record.name, fingerprint: record.fingerprint, ageRecipient: record.ageRecipient };
    }
    if (!out.some((r) => r.id === recipient.id)) out.push(recipient);
  }
  return out;
}

function formOf(options: ExportOptions): BundleForm {
  const encrypt = (options.to ?? []).length > 0;
  if (encrypt) return options.armor ? 'age-armored' : 'age';
  if (options.armor) return 'armored';
  return options.singleFile ? 'single-file' : 'detached';
}

export async function exportBundle(vault: Vault, options: ExportOptions): Promise<ExportResult> {
  await loadSodium();
  return withRowKeysAsync(vault, (keys) => runExport(vault, keys, options));
}

async function runExport(vault: Vault, keys: RowKeys, options: ExportOptions): Promise<ExportResult> {
  checkAbort(options.signal);
  const form = formOf(options);
  const encrypted = form === 'age' || form === 'age-armored';
  const redact = new Set(options.redact ?? []);
  if (redact.size > 0) {
    const known = knownFieldNames();
    for (const name of redact) {
      if (!FIELD_NAME.test(name) || !known.has(name)) throw new TearlineError('E_USAGE', `--redact: no entry kind has a field named ${JSON.stringify(name)}`);
    }
  }
  const trust = loadTrust(vault, keys);
  const toRecipients = resolveRecipients(trust, options.to ?? [], true);
  const forRecipients = resolveRecipients(trust, options.for ?? [], false);
  const recipients = [...toRecipients, ...forRecipients.filter((r) => !toRecipients.some((t) => t.id === r.id))];

  const indexes = selectIndexes(vault, options.selection);
  const size = vault.size;
  const checkpoint = vault.checkpoint(size);
  const root = toHex(checkpoint.root);

  // Consistency proofs: asked for first, then each recipient's last checkpoints, then any export's.
  const requested = options.sinceCheckpoint ?? [];
  for (const s of requested) {
    if (!Number.isSafeInteger(s) || s < 1 || s >= size) {
      throw new TearlineError('E_USAGE', `--since-checkpoint ${s}: a log size from 1 to ${size - 1} (this log has ${size} entries)`);
    }
  }
  const fromSizes: number[] = [];
  for (const s of [...requested, ...exportedSizes(vault, keys, recipients.map((r) => r.id))]) {
    if (s >= 1 && s < size && !fromSizes.includes(s) && fromSizes.length < MAX_CONSISTENCY_PROOFS) fromSizes.push(s);
  }
  fromSizes.sort((a, b) => a - b);

  const keysOfWorkstation = vault.workstation();
  const bundleId = newEntryId();
  const head: BundleHead = {
    format: 'tearline-bundle',
    version: 1,
    bundleId,
    createdAt: new Date().toISOString(),
    origin: vault.origin,
    sender: keysOfWorkstation.name.replace(/[\r\n\0]+/g, ' ').slice(0, 200) || 'Tearline workstation',
    checkpoint: { size, root },
    entryCount: indexes.length,
    consistency: fromSizes.map((m) => ({
      fromSize: m,
      fromRoot: toHex(vault.root(m)),
      proof: vault.consistencyProof(m, size).map(toHex),
    })),
  };
  const trustedComment = formatTrustedComment({ bundleId, origin: vault.origin, size, root });

  // The output chain: file or memory, then armor and/or age.
  const files: string[] = [];
  let fileSink: FileSink | undefined;
  let sigSink: FileSink | undefined;
  let memory: MemorySink | undefined;
  const target = options.out === undefined ? undefined : path.resolve(options.out);
  if (target !== undefined) {
    for (const f of form === 'detached' ? [target, target + SIGNATURE_SUFFIX] : [target]) {
      if (existsSync(f)) throw new TearlineError('E_USAGE', `${f} already exists; refusing to overwrite it`);
    }
  }
  try {
    let base: Sink;
    if (target !== undefined) {
      fileSink = new FileSink(target);
      base = fileSink;
    } else {
      memory = new MemorySink();
      base = memory;
    }
    let payloadSink: Sink = base;
    if (form === 'armored') payloadSink = new ArmorSink(base, ARMOR_LABEL);
    if (form === 'age') payloadSink = new AgeSink(base, toRecipients.map((r) => r.ageRecipient!));
    if (form === 'age-armored') {
      payloadSink = new AgeSink(new ArmorSink(base, AGE_ARMOR_LABEL), toRecipients.map((r) => r.ageRecipient!));
    }

    const blake = createMinisignHasher();
    const s = sodium();
    const sha = s.crypto_hash_sha256_init();
    const emit = (bytes: Uint8Array): void => {
      blake.update(bytes);
      s.crypto_hash_sha256_update(sha, bytes);
      payloadSink.write(bytes);
    };

    emit(preambleBytes());
    emit(recordBytes(TAG.head, encodeHead(head)));

    const withheldCount: Record<string, number> = {};
    const caseIds = new Set<string>();
    const entryIds: string[] = [];
    for (let n = 0; n < indexes.length; n++) {
      const index = indexes[n]!;
      const record = vault.getRecord(index);
      const kind = record.header.kind;
      const sensitive = isEntryKind(kind) ? sensitiveFieldSet(kind) : new Set<string>();
      const fields: { name: string; salt: Uint8Array; value: Uint8Array }[] = [];
      for (const name of Object.keys(record.header.fields)) {
        const withhold = redact.has(name) || (!options.includeSensitive && (name === 'sourceProtection' || sensitive.has(name)));
        const salt = record.salts[name];
        if (withhold || salt === undefined || !(name in record.body)) {
          withheldCount[name] = (withheldCount[name] ?? 0) + 1;
          continue;
        }
        fields.push({ name, salt: fromBase64(salt), value: canonicalBytes(record.body[name]) });
      }
      emit(
        entryRecordBytes({
          index,
          header: canonicalBytes(record.header),
          proof: vault.inclusionProof(index, size),
          fields,
        }),
      );
      entryIds.push(record.header.id);
      if (record.header.caseId !== null) caseIds.add(record.header.caseId);
      if ((n + 1) % ENTRY_BATCH === 0) {
        options.onProgress?.(n + 1, indexes.length, 'write');
        await tick(options.signal);
      }
    }
    options.onProgress?.(indexes.length, indexes.length, 'write');
    emit(endRecordBytes());

    const digest = blake.digest();
    const bundleHash = toHex(s.crypto_hash_sha256_final(sha));
    const signatureText = signMinisign({
      secretKey: keysOfWorkstation.edSecretKey,
      keyId: minisignKeyId(keysOfWorkstation.edPublicKey),
      prehash: digest,
      trustedComment,
      untrustedComment: `signature from tearline workstation ${head.sender}`.slice(0, 900),
    });
    if (form === 'detached') {
      payloadSink.end();
      if (target !== undefined) {
        sigSink = new FileSink(target + SIGNATURE_SUFFIX);
        sigSink.write(utf8(signatureText));
        sigSink.end();
      }
    } else {
      payloadSink.write(recordBytes(TAG.sig, utf8(signatureText)));
      payloadSink.end();
    }
    checkAbort(options.signal);

    // Give the files their names (never over a file that appeared since the start), then
    // record the export; an export that cannot be recorded takes its files back.
    const placed: string[] = [];
    let audit: AppendedEntry;
    try {
      if (fileSink) {
        fileSink.commit();
        placed.push(target!);
      }
      if (sigSink) {
        sigSink.commit();
        placed.push(target! + SIGNATURE_SUFFIX);
      }
      audit = vault.writeTogether('the bundle was not exported', () => {
        recordExport(vault, keys, recipients.map((r) => ({ id: r.id, name: r.name })), size);
        return vault.appendSystem('bundle.exported', {
          bundleId,
          bundleHash,
          form: form === 'armored' || form === 'age-armored' ? 'armored' : 'binary',
          // The schema's recipients are those the bundle was encrypted to.
          recipients: toRecipients.map((r) => ({
            ...(r.name ? { name: r.name } : {}),
            ...(r.fingerprint ? { fingerprint: r.fingerprint } : {}),
            ageRecipient: r.ageRecipient!,
          })),
          entryCount: indexes.length,
          caseIds: [...caseIds].slice(0, 100_000),
          entryIds,
          withheldFields: Object.keys(withheldCount).sort(),
          checkpoint: { origin: vault.origin, size, root },
          ...(target !== undefined ? { file: path.basename(target).slice(0, 1000) } : {}),
        });
      });
    } catch (error) {
      for (const file of placed) rmSync(file, { force: true });
      throw error;
    }
    files.push(...placed);
    return {
      bundleId,
      form,
      encrypted,
      files,
      ...(memory ? { bytes: memory.bytes() } : {}),
      ...(memory && form === 'detached' ? { signatureText } : {}),
      trustedComment,
      checkpoint: { origin: vault.origin, size, root },
      entryCount: indexes.length,
      caseIds: [...caseIds],
      withheld: withheldCount,
      recipients,
      consistencyFrom: fromSizes,
      digest: toHex(digest),
      bundleHash,
      auditIndex: audit.index,
    };
  } catch (error) {
    fileSink?.discard();
    sigSink?.discard();
    throw error;
  }
}
