/**
 * What this vault has sent: for each recipient, the log sizes of the checkpoints of the
 * last bundles exported to it, and the same for every export whoever it was for. The next
 * bundle carries a consistency proof from each of them, so that a recipient can check that
 * it extends whichever one it holds, even if a bundle in between was lost.
 */
import { z } from 'zod';
import type { Vault } from '../vault/vault';
import { openRow, rowRef, sealRow, type RowKeys } from '../trust/sealed-rows';

const TABLE = 'export_state';
/** The record of every export, whatever its recipients. */
export const ANY_RECIPIENT = '*';
const KEEP = 8;

const ExportStateSchema = z
  .object({
    recipient: z.string(),
    name: z.string().nullable(),
    /** Checkpoint sizes, oldest first. */
    sizes: z.array(z.number().int().min(1)),
    lastExportedAt: z.string(),
  })
  .strict();
type ExportState = z.infer<typeof ExportStateSchema>;

function load(vault: Vault, keys: RowKeys, recipient: string): ExportState | undefined {
  const ref = rowRef(keys, TABLE, recipient);
  const row = vault.database().prepare(`SELECT nonce, ct FROM ${TABLE} WHERE ref = ?`).get(ref) as
    | { nonce: Uint8Array; ct: Uint8Array }
    | undefined;
  if (!row) return undefined;
  return ExportStateSchema.parse(openRow(keys, TABLE, ref, row));
}

/** Sizes to prove consistency from, most relevant first: each recipient's, then any export's. */
export function exportedSizes(vault: Vault, keys: RowKeys, recipients: readonly string[]): number[] {
  const out: number[] = [];
  for (const r of [...recipients, ANY_RECIPIENT]) {
    const state = load(vault, keys, r);
    if (state) out.push(...[...state.sizes].reverse());
  }
  return out;
}

export function recordExport(vault: Vault, keys: RowKeys, recipients: readonly { id: string; name: string | null }[], size: number): void {
  const now = new Date().toISOString();
  const put = vault
    .database()
    .prepare(`INSERT INTO ${TABLE} (ref, nonce, ct) VALUES (?, ?, ?) ON CONFLICT(ref) DO UPDATE SET nonce = excluded.nonce, ct = excluded.ct`);
  for (const r of [...recipients, { id: ANY_RECIPIENT, name: null }]) {
    const state = load(vault, keys, r.id);
    const sizes = [...(state?.sizes ?? []).filter((s) => s !== size), size].slice(-KEEP);
    const ref = rowRef(keys, TABLE, r.id);
    const sealed = sealRow(keys, TABLE, ref, { recipient: r.id, name: r.name ?? state?.name ?? null, sizes, lastExportedAt: now });
    put.run(ref, sealed.nonce, sealed.ct);
  }
}
