/**
 * A checkpoint names a log state: its origin, its size and its Merkle root. The signed
 * bytes follow the C2SP tlog-checkpoint note body, so the text is readable and unambiguous:
 *
 *   <origin>\n<size in decimal>\n<root in base64>\n
 */
import { fromBase64, toBase64, utf8 } from '../bytes';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

export const ORIGIN_PREFIX = 'tearline/';

export function originForVault(vaultId: string): string {
  return ORIGIN_PREFIX + vaultId;
}

export function checkpointText(cp: Checkpoint): string {
  if (!/^[\x21-\x7e]+$/.test(cp.origin)) throw new Error('checkpoint origin must be printable ASCII without spaces');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new Error('checkpoint size out of range');
  if (cp.root.length !== 32) throw new Error('checkpoint root must be 32 bytes');
  return `${cp.origin}\n${cp.size}\n${toBase64(cp.root)}\n`;
}

export function checkpointBytes(cp: Checkpoint): Uint8Array {
  return utf8(checkpointText(cp));
}

/** Strict inverse of checkpointText; returns undefined for anything not in canonical form. */
export function parseCheckpointText(text: string): Checkpoint | undefined {
  const m = /^([\x21-\x7e]+)\n(0|[1-9][0-9]{0,15})\n([A-Za-z0-9+/]{43}=)\n$/.exec(text);
  if (!m) return undefined;
  const size = Number(m[2]);
  if (!Number.isSafeInteger(size)) return undefined;
  try {
    const root = fromBase64(m[3]!);
    return { origin: m[1]!, size, root };
  } catch {
    return undefined;
  }
}
