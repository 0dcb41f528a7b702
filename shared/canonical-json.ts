/**
 * Canonical JSON (the RFC 8785 "JCS" rules for the values we use): object keys sorted by
 * UTF-16 code units, no whitespace, strings and numbers as ECMAScript's JSON.stringify
 * writes them. Hashes and signatures are computed over these bytes, so two
 * implementations must produce the same text for the same value.
 */
import { utf8 } from './bytes';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The deepest nesting of arrays and objects in a value that Tearline writes or accepts (a
 * scalar is at depth 0, `[]` at 1, `[[1]]` at 2). Canonical JSON is checked by writing a
 * value again, which recurses: without a limit, whether a deep value passed would depend
 * on the stack of the thread that checked it. Entry bodies are shallow forms; only an
 * amendment's copied values nest at all.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests arrays and objects deeper than `limit` (recursing at most that deep). */
export function nestsDeeperThan(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (nestsDeeperThan(item, limit - 1)) return true;
    return false;
  }
  for (const key of Object.keys(value)) if (nestsDeeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  return false;
}

/**
 * At most this many of the bytes '[', '{' and ',' outside strings in one canonical JSON
 * text (about one per value). A verifier counts them before it parses anything, so that a
 * few megabytes of `[{},{},…]` signed by a trusted key cannot cost gigabytes of memory to
 * read; the longest list a real entry holds (the ids of a bundle's entries, within an
 * entry's 16 MiB) stays below it.
 */
export const MAX_JSON_ITEMS = 500_000;

/**
 * Whether `value`, written as JSON, would have more than `limit` of the bytes '[', '{'
 * and ','. Call it on a value already known to nest no deeper than MAX_JSON_DEPTH.
 */
export function hasMoreJsonItemsThan(value: unknown, limit = MAX_JSON_ITEMS): boolean {
  let count = 0;
  const visit = (v: unknown): boolean => {
    if (v === null || typeof v !== 'object') return false;
    const items = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    count += items.length === 0 ? 1 : items.length;
    if (count > limit) return true;
    for (const item of items) if (visit(item)) return true;
    return false;
  };
  return visit(value);
}

export function canonicalJson(value: unknown): string {
  // When every object's keys are already in canonical order, the engine's own
  // JSON.stringify writes exactly these bytes (same escapes, same number forms), natively.
  return isNativeCanonical(value) ? JSON.stringify(value) : write(value);
}

export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

/**
 * True when JSON.stringify(value) is the canonical text: plain objects whose keys are in
 * strictly increasing UTF-16 order (integer-like keys, which engines enumerate first,
 * fail this and take the slow path), finite numbers, and no undefined, function, symbol
 * or bigint anywhere (which JSON.stringify would drop or turn into null).
 */
function isNativeCanonical(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isNativeCanonical(value[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      let previous: string | undefined;
      for (const key of Object.keys(value)) {
        if (previous !== undefined && !(previous < key)) return false;
        previous = key;
        if (!isNativeCanonical((value as Record<string, unknown>)[key])) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function write(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON: non-finite number');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + write(value[i]);
        return out + ']';
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError('canonical JSON: only plain objects can be encoded');
      }
      const record = value as Record<string, unknown>;
      // Default sort order is by UTF-16 code units, which is what RFC 8785 specifies.
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = record[k];
        if (v === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + write(v);
        first = false;
      }
      return out + '}';
    }
    default:
      throw new TypeError(`canonical JSON: cannot encode ${typeof value}`);
  }
}
