/**
 * age's ASCII armor (c2sp.org/age, "ASCII armor"): strict PEM (RFC 7468 section 3) with
 * the label "AGE ENCRYPTED FILE", padded standard base64 in lines of 64 columns.
 *
 * Reading follows the specification and the reference implementation's tolerances, and
 * nothing more: whole lines of whitespace before the BEGIN line and whitespace after the
 * END line (each at most 1 KiB), and LF or CRLF at the end of each line. Everything else
 * is refused: headers, blank lines, spaces inside or around lines, a line over 64
 * columns, a short line that is not the last, padding anywhere but the end, and
 * non-canonical base64. The payload is authenticated by age itself; strictness here is
 * about never accepting two spellings of one file.
 */
import { fromBase64, toBase64 } from '../bytes';
import { TearlineError } from '../errors';

export const AGE_ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
export const AGE_ARMOR_END = '-----END AGE ENCRYPTED FILE-----';
const COLUMNS = 64;
const BYTES_PER_LINE = (COLUMNS / 4) * 3;
const MAX_WHITESPACE = 1024;

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);

function malformed(message: string): TearlineError {
  return new TearlineError('E_MALFORMED', `invalid age armor: ${message}`);
}

/** Writes what `age -a` writes: LF line ends, a final LF, no blank line before the END line. */
export function ageArmor(bytes: Uint8Array): string {
  const lines = [AGE_ARMOR_BEGIN];
  for (let at = 0; at < bytes.length; at += BYTES_PER_LINE) {
    lines.push(toBase64(bytes.subarray(at, Math.min(at + BYTES_PER_LINE, bytes.length))));
  }
  lines.push(AGE_ARMOR_END);
  return lines.join('\n') + '\n';
}

/** Index of the first byte that is not whitespace, from `from`. */
function skipSpace(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length && SPACE.has(bytes[i]!)) i++;
  return i;
}

function startsWithAscii(bytes: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * True when the bytes look like armored age: optional leading whitespace, then the
 * BEGIN line. A sniff for choosing a decoder, not a validation.
 */
export function isAgeArmored(bytes: Uint8Array): boolean {
  const at = skipSpace(bytes, 0);
  return at <= MAX_WHITESPACE && startsWithAscii(bytes, at, AGE_ARMOR_BEGIN);
}

/** Decodes armored age to the binary age file it carries; E_MALFORMED on any defect. */
export function ageDearmor(input: Uint8Array | string): Uint8Array {
  const bytes = typeof input === 'string' ? asciiBytes(input) : input;

  // Leading whitespace must be whole lines: the BEGIN line starts a line.
  let pos = skipSpace(bytes, 0);
  if (pos > MAX_WHITESPACE) throw malformed('too much leading whitespace');
  if (pos > 0 && bytes[pos - 1] !== 0x0a) throw malformed('the BEGIN line must start a line');

  let line = 0;
  const readLine = (): string | null => {
    if (pos >= bytes.length) return null;
    let end = pos;
    while (end < bytes.length && bytes[end] !== 0x0a) end++;
    let stop = end;
    if (stop > pos && bytes[stop - 1] === 0x0d) stop--;
    let s = '';
    for (let i = pos; i < stop; i++) {
      const c = bytes[i]!;
      if (c < 0x20 || c > 0x7e) throw malformed(`a control or non-ASCII byte on line ${line + 1}`);
      s += String.fromCharCode(c);
    }
    pos = end < bytes.length ? end + 1 : end;
    line++;
    return s;
  };

  if (readLine() !== AGE_ARMOR_BEGIN) throw malformed(`the first line must be ${AGE_ARMOR_BEGIN}`);

  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const text = readLine();
    if (text === null) throw malformed('no END line');
    if (text === AGE_ARMOR_END) break;
    if (text.length === 0) throw malformed('a blank line');
    if (text.length > COLUMNS) throw malformed(`a line over ${COLUMNS} columns`);
    let chunk: Uint8Array;
    try {
      chunk = fromBase64(text);
    } catch (error) {
      throw malformed(error instanceof Error ? error.message : 'bad base64');
    }
    chunks.push(chunk);
    total += chunk.length;
    if (chunk.length < BYTES_PER_LINE) {
      if (readLine() !== AGE_ARMOR_END) throw malformed('a short line that is not the last');
      break;
    }
  }

  const rest = bytes.length - pos;
  if (skipSpace(bytes, pos) !== bytes.length) throw malformed('data after the END line');
  if (rest >= MAX_WHITESPACE) throw malformed('too much trailing whitespace');

  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw malformed('a non-ASCII character');
    out[i] = c;
  }
  return out;
}
