/**
 * Unfinished forms, kept so that an accidental close loses nothing, and kept encrypted:
 * the renderer's own storage would put case text on disk in the clear. All drafts live in
 * one file beside the vault, sealed with the vault's records key (XChaCha20-Poly1305) and
 * bound to the vault's id, and are readable only while the vault is unlocked. A drafts
 * file that does not open under this vault (left from another vault, or damaged) is
 * treated as empty and replaced at the next save: drafts are a convenience, not records.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { canonicalJson } from '../../shared/canonical-json';
import { fromBase64, fromUtf8, toBase64, utf8 } from '../../shared/bytes';
import { TearlineError } from '../../shared/errors';
import { DRAFT_MAX_BYTES, DRAFT_MAX_COUNT, DRAFTS_MAX_TOTAL_BYTES, DraftSchema, type Draft } from '../../shared/ipc';
import { open as openSealed, seal } from '../core/crypto/aead';
import { writeFileWhole } from '../core/files/whole-file';
import type { Vault } from '../core/vault/vault';

const FileSchema = z.strictObject({ v: z.literal(1), nonce: z.string(), ct: z.string() });
const ContentSchema = z.strictObject({ drafts: z.array(DraftSchema).max(DRAFT_MAX_COUNT) });

function associatedData(vaultId: string): Uint8Array {
  return utf8(`tearline/drafts/v1\u0000${vaultId}`);
}

/** A draft's size as canonical JSON, refused (E_USAGE) over DRAFT_MAX_BYTES. */
export function draftSize(data: unknown): number {
  const size = utf8(canonicalJson(data)).length;
  if (size > DRAFT_MAX_BYTES) {
    throw new TearlineError('E_USAGE', `the draft is too large (${size} bytes; at most ${DRAFT_MAX_BYTES})`, { at: 'data' });
  }
  return size;
}

/** The drafts as they are being changed: the list, and each one's size as canonical JSON. */
interface Drafts {
  list: Draft[];
  sizes: Map<string, number>;
  total: number;
}

function measured(list: Draft[]): Drafts {
  const sizes = new Map(list.map((d) => [d.key, utf8(canonicalJson(d)).length]));
  let total = 0;
  for (const size of sizes.values()) total += size;
  return { list, sizes, total };
}

/** A draft as it is stored, and its size so (as canonical JSON). */
interface Stored {
  draft: Draft;
  size: number;
}

/** `data` as draft `key` would be stored; throws E_USAGE for a draft over its size. */
function stored(key: string, data: unknown, savedAt: string): Stored {
  draftSize(data);
  const draft = DraftSchema.parse({ key, savedAt, data });
  return { draft, size: utf8(canonicalJson(draft)).length };
}

/**
 * Puts a draft (or, for undefined, the deletion of draft `key`) into `drafts`; throws
 * E_USAGE, changing nothing, for a 51st draft, or drafts together over
 * DRAFTS_MAX_TOTAL_BYTES (unless the change makes them no larger: a file written before
 * the limit must still let its drafts be replaced or deleted).
 */
function change(drafts: Drafts, key: string, next: Stored | undefined): void {
  const others = drafts.list.filter((d) => d.key !== key);
  const before = drafts.sizes.get(key) ?? 0;
  if (next === undefined) {
    drafts.list = others;
    drafts.sizes.delete(key);
    drafts.total -= before;
    return;
  }
  if (others.length >= DRAFT_MAX_COUNT) throw new TearlineError('E_USAGE', `there are already ${DRAFT_MAX_COUNT} drafts; finish or discard one first`);
  const total = drafts.total - before + next.size;
  if (total > DRAFTS_MAX_TOTAL_BYTES && total > drafts.total) {
    throw new TearlineError('E_USAGE', 'the unfinished forms kept as drafts are too large together to keep this one; finish or discard some of them first', { at: 'data' });
  }
  drafts.list = [...others, next.draft];
  drafts.sizes.set(key, next.size);
  drafts.total = total;
}

export class DraftStore {
  constructor(readonly filePath: string) {}

  /** Newest first. */
  list(vault: Vault): Draft[] {
    return [...this.read(vault)].sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0));
  }

  save(vault: Vault, key: string, data: unknown, now = new Date()): { savedAt: string } {
    const savedAt = now.toISOString();
    const next = stored(key, data, savedAt);
    const drafts = measured(this.read(vault));
    change(drafts, key, next);
    this.write(vault, drafts.list);
    return { savedAt };
  }

  /**
   * Several changes in one read and one write (a lock writing what the forms had not saved
   * yet: it must be quick, as the keys wait for it): each draft's values, or undefined to
   * delete it, one change a draft. A change refused as `save` would refuse it is left out,
   * and the others are written. Deletions go first, then the drafts that shrink, so that
   * the room they make is there for those that grow, whatever order they came in.
   * Returns the keys refused.
   */
  applyAll(vault: Vault, changes: Iterable<[key: string, data: unknown]>, now = new Date()): string[] {
    const savedAt = now.toISOString();
    const drafts = measured(this.read(vault));
    // Each measured once, as stored (with its key and time: or long keys would go first);
    // null for one refused already for its size, which goes last.
    const prepared = [...changes].map(([key, data]) => {
      if (data === undefined) return { key, next: undefined, growth: -Infinity };
      try {
        const next = stored(key, data, savedAt);
        return { key, next, growth: next.size - (drafts.sizes.get(key) ?? 0) };
      } catch {
        return { key, next: null, growth: Infinity };
      }
    });
    prepared.sort((a, b) => (a.growth < b.growth ? -1 : a.growth > b.growth ? 1 : 0));
    const refused: string[] = [];
    for (const { key, next } of prepared) {
      try {
        if (next !== null) {
          change(drafts, key, next);
          continue;
        }
      } catch {
        // Refused as a save would be: left out.
      }
      refused.push(key);
    }
    this.write(vault, drafts.list);
    return refused;
  }

  delete(vault: Vault, key: string): boolean {
    const drafts = this.read(vault);
    const kept = drafts.filter((d) => d.key !== key);
    if (kept.length === drafts.length) return false;
    this.write(vault, kept);
    return true;
  }

  private read(vault: Vault): Draft[] {
    if (!existsSync(this.filePath)) return [];
    try {
      const file = FileSchema.parse(JSON.parse(readFileSync(this.filePath, 'utf8')));
      const plain = openSealed(vault.recordKey(), { nonce: fromBase64(file.nonce), ciphertext: fromBase64(file.ct) }, associatedData(vault.header.vaultId));
      if (!plain) return [];
      return ContentSchema.parse(JSON.parse(fromUtf8(plain))).drafts;
    } catch (error) {
      if (error instanceof TearlineError && error.code === 'E_LOCKED') throw error;
      return [];
    }
  }

  /** Written to a temporary file, synced, then renamed over the old one: never half a file. */
  private write(vault: Vault, drafts: Draft[]): void {
    if (drafts.length === 0) {
      rmSync(this.filePath, { force: true });
      return;
    }
    const sealed = seal(vault.recordKey(), utf8(canonicalJson({ drafts })), associatedData(vault.header.vaultId));
    const text = JSON.stringify({ v: 1, nonce: toBase64(sealed.nonce), ct: toBase64(sealed.ciphertext) });
    writeFileWhole(this.filePath, text, { mode: 0o600, context: 'the draft was not saved' });
  }
}
