/**
 * What a verification knows besides the bundle: with a vault, its keyring, the
 * checkpoints it holds and the entries it has imported; without one, a single key the
 * caller vouches for (`tearline verify-bundle --trust KEY.pub`).
 */
import { equalBytes, fromBase64, fromHex, toHex } from '../../../shared/bytes';
import { formatMinisignKeyId, parseMinisignPublicKey, type MinisignPublicKey } from '../formats/minisign';
import { loadTrust, type TrustRecord } from '../trust/keyring';
import { logFacts } from '../trust/log-facts';
import { heldCheckpoints, listForks } from '../trust/peers';
import type { RowKeys } from '../trust/sealed-rows';
import { fingerprintHex } from '../vault/workstation';
import type { Vault } from '../vault/vault';
import { ImportedStore } from './imported-store';
import type { SignerCandidate, VerifyEnvironment } from './verify';

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

export function vaultEnvironment(vault: Vault, keys: RowKeys): VaultEnvironment {
  const trust = loadTrust(vault, keys);
  const forks = listForks(vault, keys);
  // The log's record too, where the rows may have been removed (trust/log-facts.ts).
  const facts = logFacts(vault);
  const forked = new Set([...forks.map((f) => f.fingerprint), ...facts.forked]);
  const store = new ImportedStore(vault, keys);
  return {
    store,
    trust,
    ownOrigin: vault.origin,
    ownEntry: (id) => vault.hasEntry(id),
    candidates: (keyId) => trust.filter((r) => equalBytes(fromHex(r.keyId), keyId)).map((r) => candidateOf(r, forked.has(r.fingerprint))),
    held: (origin) => {
      const held = heldCheckpoints(vault, keys, origin).map((cp) => ({ size: cp.size, root: cp.root, fingerprint: cp.fingerprint }));
      const key = (cp: { size: number; root: string; fingerprint: string }) => `${cp.fingerprint}/${cp.size}/${cp.root}`;
      const seen = new Set(held.map(key));
      for (const cp of facts.checkpoints.get(origin) ?? []) if (!seen.has(key(cp))) held.push(cp);
      return held;
    },
    originOwner: (origin) => {
      const owner = trust.find((r) => r.origin === origin && !r.revoked);
      return owner ? { who: owner.name, fingerprint: owner.fingerprint } : undefined;
    },
    entryStatus: (origin, entry) => store.status(origin, entry.index, toHex(entry.leaf), Object.keys(entry.body)),
    heldElsewhere: (origin, entry) => store.heldElsewhere(entry.header.id, origin, entry.index),
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
