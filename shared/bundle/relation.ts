/**
 * How a bundle's checkpoint relates to the checkpoints a vault already holds from the
 * same origin (docs/bundle-format.md, section 9): first contact, extends, already known,
 * fork, rollback, or not proven. Pure: the caller supplies what is held.
 */
import { fromHex } from '../bytes';
import { verifyConsistency, type HashFn } from '../merkle';
import type { Relation } from './format';
import type { BundleHead, ConsistencyProofJson } from './head';
import type { Problem } from './verdict';

export interface HeldCheckpoint {
  size: number;
  /** lowercase hex */
  root: string;
}

export interface RelationResult {
  relation: Relation;
  /** The latest checkpoint held from the origin, if any. */
  latest: HeldCheckpoint | undefined;
  problems: Problem[];
  /** For a fork: the held checkpoint that conflicts, and the proof that shows it (if any). */
  conflict?: { held: HeldCheckpoint; proof?: ConsistencyProofJson };
}

/** Checks every consistency proof of HEAD; returns the problems and the proofs that hold. */
export function checkConsistencyProofs(hash: HashFn, head: BundleHead): { valid: ConsistencyProofJson[]; problems: Problem[] } {
  const valid: ConsistencyProofJson[] = [];
  const problems: Problem[] = [];
  const root = fromHex(head.checkpoint.root);
  for (const c of head.consistency) {
    const ok = verifyConsistency(hash, c.fromSize, head.checkpoint.size, fromHex(c.fromRoot), root, c.proof.map(fromHex));
    if (ok) valid.push(c);
    else {
      problems.push({
        code: 'E_BAD_PROOF',
        message: `the consistency proof from size ${c.fromSize} does not verify`,
        at: `consistency ${c.fromSize}`,
      });
    }
  }
  return { valid, problems };
}

export function relate(head: BundleHead, held: readonly HeldCheckpoint[], validProofs: readonly ConsistencyProofJson[]): RelationResult {
  if (held.length === 0) return { relation: 'first-contact', latest: undefined, problems: [] };
  const { size, root } = head.checkpoint;
  const bySize = new Map(held.map((h) => [h.size, h]));
  const latest = held.reduce((a, b) => (b.size > a.size ? b : a));
  const fork = (h: HeldCheckpoint, proof?: ConsistencyProofJson, why?: string): RelationResult => ({
    relation: 'fork',
    latest,
    problems: [
      {
        code: 'E_FORK',
        message:
          why ??
          `the signer has signed two different roots for size ${h.size} of ${head.origin}: the one held and the one in this bundle`,
      },
    ],
    conflict: proof ? { held: h, proof } : { held: h },
  });

  const same = bySize.get(size);
  if (same && same.root !== root) return fork(same);
  for (const c of validProofs) {
    const h = bySize.get(c.fromSize);
    if (h && h.root !== c.fromRoot) {
      return fork(
        h,
        c,
        `the bundle proves that its log had another root at size ${c.fromSize} than the checkpoint of that size already held from ${head.origin}: two histories`,
      );
    }
  }
  // The same checkpoint as one held, the latest or an earlier one: an old bundle imported
  // again changes nothing, and is no rollback (its checkpoint was accepted in its time).
  if (same) return { relation: 'already-known', latest, problems: [] };
  if (size < latest.size) {
    return {
      relation: 'rollback',
      latest,
      problems: [
        {
          code: 'E_ROLLBACK',
          message: `the bundle's checkpoint (size ${size}) is older than the one already held from ${head.origin} (size ${latest.size})`,
        },
      ],
    };
  }
  if (validProofs.some((c) => c.fromSize === latest.size)) return { relation: 'extends', latest, problems: [] };
  return {
    relation: 'unproven',
    latest,
    problems: [
      {
        code: 'E_BAD_PROOF',
        message: `the bundle does not prove that it extends the checkpoint held from ${head.origin} (size ${latest.size}); ask the sender to export again with --since-checkpoint ${latest.size}`,
      },
    ],
  };
}
