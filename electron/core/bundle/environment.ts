/**
 * What a verification knows besides the bundle: with a vault, its keyring, the
 * checkpoints it holds and the entries it has imported; without one, a single key the
 * caller vouches for (`tearline verify-bundle --trust KEY.pub`).
 */
import { equalBytes, fromBase64, fromHex } from '../../../shared/bytes';
import type { CheckedEntry } from '../../../shared/bundle/entry-check';
import { formatMinisignKeyId, parseMinisignPublicKey, type MinisignPublicKey } from '../formats/minisign';
import { loadTrust, type TrustRecord } from '../trust/keyring';
import { heldCheckpoints, listForks } from '../trust/peers';
import type { RowKeys } from '../trust/sealed-rows';
import { fingerprintHex } from '../vault/workstation';
import type { Vault } from '../vault/vault';
import { ImportedStore, type ImportedRecord } from './imported-store';
import type { EntryStatus, SignerCandidate, VerifyEnvironment } from './verify';

export function candidateOf(record: TrustRecord, forked: boolean): SignerCandidate {
  return {
    publicKey: fromBase64(record.ed25519),
    keyId: fromHex(record.keyId),
    status: record.revoked ? 'revoked' : 'trusted',
    name: record.name,
    fingerprint: record.fingerprint,
    origin: record.origin,
    forked,
  };
}

export interface VaultEnvironment extends VerifyEnvironment {
  store: ImportedStore;
  trust: TrustRecord[];
}

/** Whether an entry held already has every field the bundle discloses. */
export function compareHeld(held: ImportedRecord | undefined, entry: CheckedEntry): EntryStatus {
  if (!held) return 'new';
  const disclosed = Object.keys(entry.body);
  return disclosed.every((name) => Object.prototype.hasOwnProperty.call(held.body, name)) ? 'known' : 'more-fields';
}

export function vaultEnvironment(vault: Vault, keys: RowKeys): VaultEnvironment {
  const trust = loadTrust(vault, keys);
  const forks = listForks(vault, keys);
  const forked = new Set(forks.map((f) => f.fingerprint));
  const store = new ImportedStore(vault, keys);
  return {
    store,
    trust,
    ownOrigin: vault.origin,
    candidates: (keyId) => trust.filter((r) => equalBytes(fromHex(r.keyId), keyId)).map((r) => candidateOf(r, forked.has(r.fingerprint))),
    held: (origin) => {
      const held = heldCheckpoints(vault, keys, origin);
      return {
        checkpoints: held.map((cp) => ({ size: cp.size, root: cp.root })),
        signers: [...new Set(held.map((cp) => cp.fingerprint))],
      };
    },
    entryStatus: (origin, entry) => compareHeld(store.get(origin, entry.index), entry),
    signerWarnings: (signer) =>
      forked.has(signer.fingerprint)
        ? [`${signer.name ?? signer.fingerprint} has shown two inconsistent histories before (see \`tearline trust list\`)`]
        : [],
  };
}

/** One key, vouched for by the caller: no keyring, no state, no relation. */
export function keyEnvironment(key: string | MinisignPublicKey | { publicKey: Uint8Array; keyId: Uint8Array }): VerifyEnvironment {
  const parsed = typeof key === 'string' ? parseMinisignPublicKey(key) : key;
  const fingerprint = fingerprintHex(parsed.publicKey);
  return {
    candidates: (keyId) =>
      equalBytes(keyId, parsed.keyId)
        ? [{ publicKey: parsed.publicKey, keyId: parsed.keyId, status: 'trusted', name: null, fingerprint, origin: null, forked: false }]
        : [],
    unknownKey: (keyId) => `signed by key ${keyId}, not by the key given (${formatMinisignKeyId(parsed.keyId)})`,
  };
}
