/**
 * Canonical JSON (shared/canonical-json.ts) on the hot paths of bundles: every header and
 * every disclosed value of 100k entries is written on export and checked on import.
 *
 * Values parsed from JSON whose object keys are already in canonical order at every level
 * are written by the engine's own JSON.stringify exactly as canonicalJson writes them
 * (same string escapes, same number forms, keys in the same order), so that case takes
 * the native path; anything else (unsorted or integer-like keys, which the engine
 * reorders) falls back to canonicalJson itself. The result is always canonicalJson's.
 */
import { canonicalJson } from '../canonical-json';
import { fromUtf8, utf8 } from '../bytes';

function keysInOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!keysInOrder(item)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || !keysInOrder(v)) return false;
  }
  return true;
}

export function canonicalText(value: unknown): string {
  return keysInOrder(value) ? JSON.stringify(value) : canonicalJson(value);
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalText(value));
}

/** Parses UTF-8 JSON that must be exactly in canonical form; undefined otherwise. */
export function parseCanonical(bytes: Uint8Array): { value: unknown } | undefined {
  // The decoder drops a leading byte-order mark, which canonical JSON never has.
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
  let text: string;
  let value: unknown;
  try {
    text = fromUtf8(bytes);
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  try {
    return canonicalText(value) === text ? { value } : undefined;
  } catch {
    return undefined;
  }
}
