/**
 * The trust list as `tearline trust list` and the UI show it: each key with its status,
 * the latest checkpoint held from the log it signs, and any fork evidence against it.
 */
import type { ForkEvidence } from '../../../shared/bundle/evidence';
import type { Vault } from '../vault/vault';
import { loadTrust, toTrustedKey, type TrustedKey } from './keyring';
import { allHeldCheckpoints, listForks } from './peers';
import { withRowKeys } from './sealed-rows';

export interface HeldLog {
  origin: string;
  /** The latest checkpoint held from it. */
  size: number;
  root: string;
  receivedAt: string;
  /** How many checkpoints of it are held. */
  checkpoints: number;
}

export interface TrustListEntry extends TrustedKey {
  forked: boolean;
  logs: HeldLog[];
}

export interface TrustListing {
  keys: TrustListEntry[];
  /** Every piece of fork evidence held, oldest first. */
  forks: ForkEvidence[];
}

export function trustList(vault: Vault): TrustListing {
  return withRowKeys(vault, (keys) => {
    const records = loadTrust(vault, keys);
    const held = allHeldCheckpoints(vault, keys);
    const forks = listForks(vault, keys);
    return {
      keys: records.map((record) => {
        const mine = held.filter((cp) => cp.fingerprint === record.fingerprint);
        const logs = new Map<string, HeldLog>();
        for (const cp of mine) {
          const log = logs.get(cp.origin);
          if (!log || cp.size > log.size) {
            logs.set(cp.origin, { origin: cp.origin, size: cp.size, root: cp.root, receivedAt: cp.receivedAt, checkpoints: (log?.checkpoints ?? 0) + 1 });
          } else log.checkpoints++;
        }
        return {
          ...toTrustedKey(record),
          forked: forks.some((f) => f.fingerprint === record.fingerprint),
          logs: [...logs.values()],
        };
      }),
      forks,
    };
  });
}
