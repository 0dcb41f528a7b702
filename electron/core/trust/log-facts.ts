/**
 * What the vault's own log says about its keyring and its peers, for the checks that must
 * not rest on the sealed rows alone.
 *
 * The log cannot be rolled back in part: every entry is bound to the tree, the signed
 * checkpoints and the sealed head. The trust rows, the peers' checkpoints and the fork
 * evidence are sealed too, but each on its own: someone with the file and an older copy
 * of it can put an old row back (a revoked key trusted again) or delete one (a peer's
 * checkpoint forgotten, and with it the rollback and fork checks against that peer).
 * Every change to them is also an entry of the log (`key.trusted`, `key.revoked`,
 * `bundle.imported`, `fork.detected`); where the rows say less than the log, the log
 * wins, and the answer fails closed.
 */
import { toHex } from '../../../shared/bytes';
import type { Vault } from '../vault/vault';

export interface LogFacts {
  /** Keys whose latest `key.*` entry is `key.revoked`, with when. */
  revoked: ReadonlyMap<string, string>;
  /** Keys recorded as having shown two histories. */
  forked: ReadonlySet<string>;
  /** Checkpoints accepted from each origin, and the key that signed each. */
  checkpoints: ReadonlyMap<string, readonly { size: number; root: string; fingerprint: string }[]>;
  /** How many imported entries the imports added, in all, and the index of the last import (undefined where an import did not say). */
  imports: { rows: number; last: number } | undefined;
}

const KINDS = ['key.trusted', 'key.revoked', 'fork.detected', 'bundle.imported'];

// By the log's size and last leaf: the log only grows, so the same last entry at the same
// place means the same log. (The size alone would not do: a rolled-back append, then
// another, give the same size.)
const cache = new WeakMap<Vault, { last: string; facts: LogFacts }>();

export function logFacts(vault: Vault): LogFacts {
  const size = vault.size;
  const last = size === 0 ? '' : `${size}/${toHex(vault.leafHash(size - 1))}`;
  const hit = cache.get(vault);
  if (hit && hit.last === last) return hit.facts;
  const revoked = new Map<string, string>();
  const forked = new Set<string>();
  const checkpoints = new Map<string, { size: number; root: string; fingerprint: string }[]>();
  let imports: { rows: number; last: number } | undefined = { rows: 0, last: -1 };
  for (const item of vault.list({ kind: KINDS }).items) {
    const body = vault.get(item.index).body as Record<string, unknown>;
    if (item.kind === 'key.trusted') revoked.delete(String(body.fingerprint));
    else if (item.kind === 'key.revoked') revoked.set(String(body.fingerprint), item.ts);
    else if (item.kind === 'fork.detected') forked.add(String((body.signer as { fingerprint: string }).fingerprint));
    else {
      const added = body.newEntryCount;
      imports = imports && typeof added === 'number' ? { rows: imports.rows + added, last: item.index } : undefined;
      const cp = body.checkpoint as { origin: string; size: number; root: string };
      const list = checkpoints.get(cp.origin) ?? [];
      list.push({ size: cp.size, root: cp.root, fingerprint: (body.signer as { fingerprint: string }).fingerprint });
      checkpoints.set(cp.origin, list);
    }
  }
  const facts = { revoked, forked, checkpoints, imports };
  cache.set(vault, { last, facts });
  return facts;
}
