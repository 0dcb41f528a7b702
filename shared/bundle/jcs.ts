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
import { canonicalJson, MAX_JSON_DEPTH, MAX_JSON_ITEMS } from '../canonical-json';
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

// Strict like fromUtf8, but keeping a leading byte-order mark as U+FEFF: no JSON value
// starts with it, so the recogniser below leaves such text to the reference, which refuses
// it (fromUtf8 would drop the mark, and the text would pass as canonical without it).
const strictKeepingMark = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses UTF-8 JSON that must be exactly in canonical form; undefined otherwise.
 *
 * The rule is the reference's (`parseCanonicalByRewriting`): the bytes are canonical when
 * writing their value again gives them back. Writing every header and value again is the
 * costliest part of that check, though, so text in the plainest canonical form is
 * recognised by one pass over it instead (`isPlainCanonical`), and only the rest is
 * written again. The fast pass only ever says "certainly canonical"; anything it is not
 * sure of goes to the reference, which a property test holds it to. The pass reads the
 * decoded text, which the parse needs anyway, rather than the bytes: the engine searches
 * a string for the next quote without leaving compiled code, and a byte array only
 * through a call into the runtime, and the pass over the bench bundle's entries took
 * 0.57 µs an entry against 1.24 over the bytes.
 */
export function parseCanonical(bytes: Uint8Array): { value: unknown } | undefined {
  // Refused here too, so as not to rest on the decoder's keeping the mark.
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
  let text: string;
  try {
    text = strictKeepingMark.decode(bytes);
  } catch {
    // Invalid UTF-8 is never canonical.
    return undefined;
  }
  if (!isPlainCanonical(text)) return parseCanonicalByRewriting(bytes);
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/**
 * The reference rule: parse, write again canonically, compare; and nest no deeper than
 * MAX_JSON_DEPTH, checked first without recursion, so that no thread's stack decides, with
 * at most MAX_JSON_ITEMS of '[', '{' and ',', checked before the text is parsed.
 */
export function parseCanonicalByRewriting(bytes: Uint8Array): { value: unknown } | undefined {
  // The decoder drops a leading byte-order mark, which canonical JSON never has.
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
  const shape = jsonShape(bytes);
  if (shape.depth > MAX_JSON_DEPTH || shape.items > MAX_JSON_ITEMS) return undefined;
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

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_PLAIN_DIGITS = 15;

/**
 * The most arrays and objects open at once in JSON text, read byte by byte (brackets
 * inside strings do not count). For text that is not JSON the number means nothing, and
 * JSON.parse refuses the text whatever it is.
 */
export function nestingDepth(bytes: Uint8Array): number {
  return jsonShape(bytes).depth;
}

/**
 * In one pass over JSON text: the most arrays and objects open at once, and the number of
 * '[', '{' and ',' bytes outside strings (MAX_JSON_ITEMS bounds it).
 */
export function jsonShape(bytes: Uint8Array): { depth: number; items: number } {
  let depth = 0;
  let deepest = 0;
  let items = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      items++;
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    } else if (c === 0x2c) {
      items++;
    }
  }
  return { depth: deepest, items };
}

// The recogniser's stack, per open container: 1 for an array, 2 for an object, and for
// objects the previous key's range. It runs to the end without calling out, so one stack
// per thread serves every call.
const kinds = new Uint8Array(MAX_JSON_DEPTH);
const keyStart = new Int32Array(MAX_JSON_DEPTH);
const keyEnd = new Int32Array(MAX_JSON_DEPTH);
// The next backslash at or after the last place asked in the current text (-1: none left;
// -2: not looked for yet).
let backslash = -2;

/** Scans a string from its opening quote; the index after its closing quote, or -1. */
function stringEnd(text: string, at: number): number {
  let j = at + 1;
  for (;;) {
    const quote = text.indexOf('"', j);
    if (quote < 0) return -1;
    if (backslash !== -1 && backslash < j) backslash = text.indexOf('\\', j);
    if (backslash === -1 || backslash > quote) return quote + 1;
    const e = text.charCodeAt(backslash + 1);
    if (e !== QUOTE && e !== BACKSLASH && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return -1;
    j = backslash + 2;
  }
}

/** A key from its opening quote: printable ASCII without escapes, so that it compares as canonical order asks. */
function keyEndAt(text: string, at: number): number {
  for (let j = at + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j + 1;
    if (c < 0x20 || c > 0x7e || c === BACKSLASH) return -1;
  }
  return -1;
}

/** Whether the key [a, b) sorts strictly after [c, d). */
function sortsAfter(text: string, a: number, b: number, c: number, d: number): boolean {
  const la = b - a;
  const lc = d - c;
  const m = la < lc ? la : lc;
  for (let k = 0; k < m; k++) {
    const x = text.charCodeAt(a + k);
    const y = text.charCodeAt(c + k);
    if (x !== y) return x > y;
  }
  return la > lc;
}

function literalEnd(text: string, at: number, word: string): number {
  return text.startsWith(word, at) ? at + word.length : -1;
}

/**
 * True only when `text`, decoded from valid UTF-8 and accepted by JSON.parse (parseCanonical
 * asks both), is the canonical text of its own value, recognised by this grammar over its
 * UTF-16 code units (no whitespace anywhere outside strings):
 *
 *   value   = object / array / string / integer / "true" / "false" / "null"
 *   object  = "{" [ key ":" value *( "," key ":" value ) ] "}"   keys strictly increasing
 *   key     = '"' *( %x20-21 / %x23-5B / %x5D-7E ) '"'          printable ASCII, no escape
 *   string  = '"' *( %x20-21 / %x23-5B / %x5D-FFFF / "\" ( '"' / "\" / "b" / "f" / "n" / "r" / "t" ) ) '"'
 *             (a raw control, %x00-1F, is not looked for: JSON.parse refuses it)
 *   integer = [ "-" ] ( "0" / %x31-39 *14DIGIT ), except "-0"
 *
 * Why each is canonical: the engine writes a string's characters as they are except '"',
 * '\' and the controls, which it escapes exactly with these short forms (controls without
 * one take \u00xx, refused here like every \u escape); text decoded from valid UTF-8 holds
 * no lone surrogate, the one other thing it escapes. An integer of at most 15 digits is
 * exact and written back digit for digit. Keys of printable ASCII compare as canonical
 * order asks (by UTF-16 code units). Nesting deeper than MAX_JSON_DEPTH, or more than
 * MAX_JSON_ITEMS of '[', '{' and ',', is not this grammar's. False means "not sure": the
 * caller asks the reference.
 */
export function isPlainCanonical(text: string): boolean {
  const n = text.length;
  let i = 0;
  let depth = 0;
  // The '[', '{' and ',' seen: past MAX_JSON_ITEMS the reference decides (and refuses).
  let items = 0;
  backslash = -2;

  for (;;) {
    // A value at i.
    if (i >= n) return false;
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (depth >= MAX_JSON_DEPTH || ++items > MAX_JSON_ITEMS) return false;
      const object = c === 0x7b;
      i++;
      if (text.charCodeAt(i) === (object ? 0x7d : 0x5d)) {
        i++;
      } else {
        kinds[depth] = object ? 2 : 1;
        if (object) {
          if (text.charCodeAt(i) !== QUOTE) return false;
          const end = keyEndAt(text, i);
          if (end < 0 || text.charCodeAt(end) !== 0x3a /* : */) return false;
          keyStart[depth] = i + 1;
          keyEnd[depth] = end - 1;
          i = end + 1;
        }
        depth++;
        continue;
      }
    } else if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return false;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = c === 0x2d ? i + 1 : i;
      const first = text.charCodeAt(j);
      if (first === 0x30) {
        if (c === 0x2d) return false;
        j++;
      } else if (first >= 0x31 && first <= 0x39) {
        const start = j;
        for (let d = text.charCodeAt(j); d >= 0x30 && d <= 0x39; d = text.charCodeAt(j)) j++;
        if (j - start > MAX_PLAIN_DIGITS) return false;
      } else {
        return false;
      }
      // A fraction or an exponent is not this grammar's.
      const next = text.charCodeAt(j);
      if (next === 0x2e || next === 0x65 || next === 0x45 || (next >= 0x30 && next <= 0x39)) return false;
      i = j;
    } else if (c === 0x74) {
      i = literalEnd(text, i, 'true');
    } else if (c === 0x66) {
      i = literalEnd(text, i, 'false');
    } else if (c === 0x6e) {
      i = literalEnd(text, i, 'null');
    } else {
      return false;
    }
    if (i < 0) return false;

    // After a value: close containers, or go on to the next element.
    for (;;) {
      if (depth === 0) return i === n;
      const object = kinds[depth - 1] === 2;
      const b = text.charCodeAt(i);
      if (b === 0x2c /* , */) {
        if (++items > MAX_JSON_ITEMS) return false;
        i++;
        if (object) {
          if (text.charCodeAt(i) !== QUOTE) return false;
          const end = keyEndAt(text, i);
          if (end < 0 || text.charCodeAt(end) !== 0x3a) return false;
          const k = depth - 1;
          if (!sortsAfter(text, i + 1, end - 1, keyStart[k]!, keyEnd[k]!)) return false;
          keyStart[k] = i + 1;
          keyEnd[k] = end - 1;
          i = end + 1;
        }
        break;
      }
      if (b !== (object ? 0x7d : 0x5d)) return false;
      i++;
      depth--;
    }
  }
}
