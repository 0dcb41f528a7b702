/**
 * Import: verify a bundle and, once the officer accepts, keep its entries (apart from the
 * local log, marked with their origin), its checkpoint, and a `bundle.imported` entry in
 * the local log, all in one transaction. Without acceptance nothing is written. A bundle
 * that brings nothing new (the same bundle again) changes nothing at all.
 *
 * The entries are stored as they are verified, inside the transaction, and the
 * transaction is rolled back if anything in the bundle fails: a 100k-entry bundle is never
 * held decoded in memory, and a failure leaves the vault exactly as it was. The one thing
 * kept from a refused bundle is fork evidence: the two signed checkpoints that show a
 * signer holding two histories.
 */
import { toBase64, toHex } from '../../../shared/bytes';
import { TearlineError } from '../../../shared/errors';
import { limitsWith, type BundleForm, type BundleLimits } from '../../../shared/bundle/format';
import { verifySignedCheckpoint, type SignedCheckpoint } from '../../../shared/bundle/evidence';
import { addProblem, verdictLine, type Verdict } from '../../../shared/bundle/verdict';
import { loadSodium } from '../crypto/sodium';
import { saveTrust } from '../trust/keyring';
import { heldCheckpoints, holdCheckpoint, recordFork } from '../trust/peers';
import { withRowKeysAsync, type RowKeys } from '../trust/sealed-rows';
import type { Vault } from '../vault/vault';
import { mapSqliteError } from '../vault/vault-db';
import { verifyDetached } from '../vault/workstation';
import { vaultEnvironment } from './environment';
import type { ImportedRecord } from './imported-store';
import { loadBundle, releaseLoaded, type BundleSource, type HashWorkerOption, type LoadedBundle } from './input';
import type { RunOptions } from './progress';
import { sizeOf, toSource } from './inspect';
import { verdictForLoadFailure, verifyLoaded, type VerificationResult } from './verify';

export interface ImportOptions extends RunOptions, HashWorkerOption {
  /** Store the bundle (`--yes`). Without it, only the verdict is returned. */
  accept: boolean;
  limits?: Partial<BundleLimits>;
  /** The officer who accepted the import, for the audit entry. */
  acceptedBy?: string;
}

export interface ImportResult {
  verdict: Verdict;
  /** The import was asked for (accept) and the bundle was valid. */
  accepted: boolean;
  /** Something was stored. */
  changed: boolean;
  newEntries: number;
  /** Entries already held that this bundle disclosed more fields of. */
  updatedEntries: number;
  checkpointStored: boolean;
  /** Fork evidence was stored (the bundle itself was refused). */
  forkRecorded: boolean;
  /** The index of the bundle.imported entry in the local log. */
  auditIndex: number | null;
}

function sortedObject(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = value[key];
  return out;
}

function nothing(verdict: Verdict, forkRecorded = false): ImportResult {
  return { verdict, accepted: false, changed: false, newEntries: 0, updatedEntries: 0, checkpointStored: false, forkRecorded, auditIndex: null };
}

function auditForm(form: BundleForm | null): 'binary' | 'armored' {
  return form === 'armored' || form === 'age-armored' ? 'armored' : 'binary';
}

function signedCheckpointOf(run: VerificationResult): SignedCheckpoint {
  const { head, signature } = run;
  return {
    origin: head!.origin,
    size: head!.checkpoint.size,
    root: head!.checkpoint.root,
    bundleId: head!.bundleId,
    keyId: toHex(signature!.keyId),
    trustedComment: signature!.trustedComment,
    signature: toBase64(signature!.signature),
    globalSignature: toBase64(signature!.globalSignature),
  };
}

export async function importBundle(vault: Vault, input: BundleSource | string | Uint8Array, options: ImportOptions): Promise<ImportResult> {
  await loadSodium();
  const limits = limitsWith(options.limits);
  const source = toSource(input);
  return withRowKeysAsync(vault, async (keys) => {
    let loaded: LoadedBundle;
    try {
      loaded = await loadBundle(source, { ...options, limits, identities: [vault.workstation().xSecretKey] });
    } catch (error) {
      return nothing(verdictForLoadFailure(error, sizeOf(source)));
    }
    try {
      if (!options.accept) {
        const run = await verifyLoaded(loaded, vaultEnvironment(vault, keys), { ...options, limits });
        return nothing(run.verdict);
      }
      return await acceptBundle(vault, keys, loaded, limits, options);
    } finally {
      // verifyLoaded ends the bundle worker and the second reading's check; this ends them
      // where a refusal came first (a busy vault), so that neither lingers in a long-lived process.
      releaseLoaded(loaded);
    }
  });
}

async function acceptBundle(vault: Vault, keys: RowKeys, loaded: LoadedBundle, limits: BundleLimits, options: ImportOptions): Promise<ImportResult> {
  const db = vault.database();
  if (db.inTransaction) throw new TearlineError('E_VAULT_BUSY', 'the vault is in the middle of another write; try again');
  const env = vaultEnvironment(vault, keys);
  const now = new Date().toISOString();
  let newEntries = 0;
  let updatedEntries = 0;
  let run: VerificationResult | undefined;
  let open = true;
  const startSize = vault.size;
  // Rows imported before ids had references get theirs first, in a transaction of their
  // own: kept whatever becomes of this import (one that changes nothing is rolled back).
  const filled = vault.writeTogether('the bundle was not imported', () => env.store.fillIdRefs());
  if (filled > 0) vault.wroteRows(filled);
  db.exec('BEGIN IMMEDIATE');
  // The audit entry is appended inside the transaction: rolled back, the log in memory
  // must lose it too (a COMMIT that fails for a full disk comes after it).
  const rollback = (): void => {
    if (open && db.inTransaction) db.exec('ROLLBACK');
    open = false;
    vault.rolledBackTo(startSize);
  };
  try {
    run = await verifyLoaded(loaded, env, {
      ...options,
      limits,
      bundleHash: true,
      onEntry: (entry, status, { head, signer, verdict }) => {
        // Once anything is wrong the transaction will be rolled back: stop writing.
        if (verdict.problemCount > 0 || status === 'known' || status === null) return;
        const held = status === 'more-fields' ? env.store.get(head.origin, entry.index) : undefined;
        const body = held ? sortedObject({ ...held.body, ...entry.body }) : entry.body;
        const salts: Record<string, string> = {};
        for (const name of Object.keys(body)) salts[name] = name in entry.salts ? toBase64(entry.salts[name]!) : held!.salts[name]!;
        // Keys in canonical order: the row is sealed as canonical JSON, which is then written natively.
        const record: ImportedRecord = {
          body,
          bundleId: head.bundleId,
          checkpointSize: head.checkpoint.size,
          header: entry.header,
          importedAt: now,
          index: entry.index,
          leaf: toHex(entry.leaf),
          origin: head.origin,
          salts,
          signer: { fingerprint: signer.fingerprint, name: signer.name },
          withheld: Object.keys(entry.header.fields)
            .filter((name) => !(name in body))
            .sort(),
        };
        if (held && held.leaf !== record.leaf) {
          addProblem(verdict, { code: 'E_FORK', message: `entry #${entry.index} of ${head.origin} differs from the one already held at that index` });
          verdict.valid = false;
          return;
        }
        env.store.put(record);
        if (held) updatedEntries++;
        else newEntries++;
      },
    });
    const verdict = run.verdict;
    verdict.valid = verdict.problemCount === 0;
    if (!verdict.valid) {
      rollback();
      let forkRecorded = false;
      if (run.relation?.relation === 'fork') {
        try {
          forkRecorded = storeForkEvidence(vault, keys, run, now);
        } catch (error) {
          // The verdict matters more than its evidence: it is reported, with why nothing was kept.
          if (!(error instanceof TearlineError)) throw error;
          verdict.warnings.push(`the two checkpoints could not be kept as evidence: ${error.message}`);
        }
      }
      return nothing(verdict, forkRecorded);
    }

    const head = run.head!;
    const signer = run.signer!;
    const checkpointStored = holdCheckpoint(vault, keys, { ...signedCheckpointOf(run), fingerprint: signer.fingerprint, receivedAt: now });
    const record = env.trust.find((r) => r.fingerprint === signer.fingerprint);
    const pinned = record !== undefined && record.origin === null;
    if (pinned) saveTrust(vault, keys, { ...record, origin: head.origin });

    if (newEntries === 0 && updatedEntries === 0 && !checkpointStored && !pinned) {
      rollback();
      return { ...nothing(verdict), accepted: true };
    }
    const audit = vault.appendSystem('bundle.imported', {
      signer: { ...(signer.name ? { name: signer.name } : {}), fingerprint: signer.fingerprint },
      bundleId: head.bundleId,
      bundleHash: run.bundleHash!,
      form: auditForm(verdict.form),
      verdict: verdictLine(verdict).slice(0, 500),
      ...(verdict.warnings.length > 0 ? { warnings: verdict.warnings.slice(0, 1000) } : {}),
      entryCount: verdict.entries.count,
      newEntryCount: newEntries,
      caseIds: verdict.entries.cases.slice(0, 100_000),
      checkpoint: { origin: head.origin, size: head.checkpoint.size, root: head.checkpoint.root },
      ...(options.acceptedBy ? { acceptedBy: options.acceptedBy } : {}),
    });
    db.exec('COMMIT');
    open = false;
    vault.wroteRows(newEntries + updatedEntries);
    return {
      verdict,
      accepted: true,
      changed: true,
      newEntries,
      updatedEntries,
      checkpointStored,
      forkRecorded: false,
      auditIndex: audit.index,
    };
  } catch (error) {
    rollback();
    // A full disk (or any SQLite failure) while storing is one coded line, as for appends.
    throw mapSqliteError(error, 'the bundle was not imported');
  }
}

/** Keeps the two signed checkpoints that contradict each other; returns whether anything was new. */
function storeForkEvidence(vault: Vault, keys: RowKeys, run: VerificationResult, now: string): boolean {
  const conflict = run.relation?.conflict;
  if (!conflict || !run.head || !run.signer) return false;
  const fingerprint = run.signer.fingerprint;
  const held = heldCheckpoints(vault, keys, run.head.origin).find(
    (cp) => cp.fingerprint === fingerprint && cp.size === conflict.held.size && cp.root === conflict.held.root,
  );
  if (!held) return false;
  // Evidence is kept only if it is evidence: both checkpoints signed by this very key.
  const publicKey = run.signer.publicKey;
  const verify = (signature: Uint8Array, message: Uint8Array, key: Uint8Array) => verifyDetached(key, message, signature);
  if (!verifySignedCheckpoint(held, publicKey, verify) || !verifySignedCheckpoint(signedCheckpointOf(run), publicKey, verify)) return false;
  const { fingerprint: _f, receivedAt: _r, ...heldCheckpoint } = held;
  return vault.writeTogether('the fork evidence was not kept', () => {
    const presented = signedCheckpointOf(run);
    const recorded = recordFork(vault, keys, {
      origin: run.head!.origin,
      fingerprint: run.signer!.fingerprint,
      name: run.signer!.name,
      detectedAt: now,
      held: heldCheckpoint,
      presented,
      proof: conflict.proof ?? null,
    });
    // The log is its own audit trail: a fork is recorded there too, once.
    if (recorded) {
      vault.appendSystem('fork.detected', {
        signer: { ...(run.signer!.name ? { name: run.signer!.name } : {}), fingerprint: run.signer!.fingerprint },
        held: { origin: run.head!.origin, size: heldCheckpoint.size, root: heldCheckpoint.root },
        presented: { origin: run.head!.origin, size: presented.size, root: presented.root },
      });
    }
    return recorded;
  });
}
