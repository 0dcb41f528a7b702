/**
 * The textual header of an age v1 file (c2sp.org/age, "Header"), parsed exactly by its
 * ABNF:
 *
 *   header     = "age-encryption.org/v1" LF 1*stanza "---" SP 43base64char LF
 *   stanza     = "->" 1*(SP argument) LF *(64base64char LF) (0*63base64char LF)
 *   argument   = 1*VCHAR
 *
 * Bodies are unpadded, canonical base64, wrapped at 64 columns and always closed by a
 * line shorter than 64 (possibly empty). Nothing here knows about recipient types; the
 * MAC is checked by the caller once it has the file key.
 */
import { TearlineError } from '../../../shared/errors';
import { fromBase64Raw, toBase64Raw } from '../../../shared/codec/base64-raw';

export const AGE_VERSION_LINE = 'age-encryption.org/v1';
const VERSION_PREFIX = 'age-encryption.org/';
const COLUMNS = 64;
const MAC_BYTES = 32;

/** A header larger than this is refused before it is parsed any further. */
export const AGE_MAX_HEADER_BYTES = 1024 * 1024;
export const AGE_MAX_STANZAS = 1024;

export interface AgeStanza {
  type: string;
  args: string[];
  body: Uint8Array;
}

export interface AgeHeader {
  stanzas: AgeStanza[];
  mac: Uint8Array;
  /** The header bytes the MAC covers: from the version line up to and including "---". */
  macInput: Uint8Array;
  /** Total header length in bytes, including the MAC line's LF; the payload starts here. */
  length: number;
}

function malformed(message: string): TearlineError {
  return new TearlineError('E_MALFORMED', `invalid age header: ${message}`);
}

const LF = 0x0a;

function isVchar(c: number): boolean {
  return c >= 33 && c <= 126;
}

function isArgument(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isVchar(s.charCodeAt(i))) return false;
  return true;
}

function encodeAscii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Where the header ends (the index just past the MAC line's LF), or -1 if the bytes seen
 * so far do not contain it yet. A line starting with "---" can only be the MAC line: no
 * base64 body line or argument line starts with '-' then '-' then '-'. `fromLineStart`
 * (the start of a line) lets a caller that receives the header piece by piece resume the
 * scan where the last incomplete line began.
 */
export function findAgeHeaderEnd(bytes: Uint8Array, fromLineStart = 0): number {
  let lineStart = fromLineStart;
  while (lineStart < bytes.length) {
    if (bytes[lineStart] === 0x2d && bytes[lineStart + 1] === 0x2d && bytes[lineStart + 2] === 0x2d) {
      const end = bytes.indexOf(LF, lineStart);
      return end < 0 ? -1 : end + 1;
    }
    const next = bytes.indexOf(LF, lineStart);
    if (next < 0) return -1;
    lineStart = next + 1;
  }
  return -1;
}

/** True when the bytes start like an age file of any version (a sniff, not a check). */
export function startsWithAgeVersionPrefix(bytes: Uint8Array): boolean {
  if (bytes.length < VERSION_PREFIX.length) return false;
  for (let i = 0; i < VERSION_PREFIX.length; i++) if (bytes[i] !== VERSION_PREFIX.charCodeAt(i)) return false;
  return true;
}

/**
 * Parses the header at the start of `bytes` (which may continue with the payload).
 * Every defect is E_MALFORMED.
 */
export function parseAgeHeader(bytes: Uint8Array): AgeHeader {
  let pos = 0;
  const limit = Math.min(bytes.length, AGE_MAX_HEADER_BYTES);

  const readLine = (): string => {
    const end = bytes.indexOf(LF, pos);
    if (end < 0 || end >= limit) {
      throw malformed(bytes.length > AGE_MAX_HEADER_BYTES ? 'the header is too large' : 'the header ends before its MAC line');
    }
    let s = '';
    for (let i = pos; i < end; i++) {
      const c = bytes[i]!;
      if (c < 0x20 || c > 0x7e) throw malformed('a control or non-ASCII byte in the header');
      s += String.fromCharCode(c);
    }
    pos = end + 1;
    return s;
  };

  if (!startsWithAgeVersionPrefix(bytes)) throw malformed('not an age file');
  const version = readLine();
  if (version !== AGE_VERSION_LINE) throw malformed(`unsupported version line "${version.slice(0, 64)}"`);

  const stanzas: AgeStanza[] = [];
  for (;;) {
    const lineStart = pos;
    const line = readLine();
    if (line.startsWith('---')) {
      if (stanzas.length === 0) throw malformed('no recipient stanza');
      if (!line.startsWith('--- ')) throw malformed('malformed MAC line');
      const encoded = line.slice(4);
      let mac: Uint8Array;
      try {
        mac = fromBase64Raw(encoded);
      } catch {
        throw malformed('the MAC is not canonical base64');
      }
      if (mac.length !== MAC_BYTES || encoded.length !== 43) throw malformed('the MAC has the wrong length');
      return { stanzas, mac, macInput: bytes.slice(0, lineStart + 3), length: pos };
    }
    if (!line.startsWith('->')) throw malformed('expected a stanza or the MAC line');
    if (stanzas.length >= AGE_MAX_STANZAS) throw malformed('too many stanzas');

    const parts = line.split(' ');
    if (parts[0] !== '->' || parts.length < 2) throw malformed('malformed stanza line');
    const args = parts.slice(1);
    for (const a of args) if (!isArgument(a)) throw malformed('empty or invalid stanza argument');

    const chunks: Uint8Array[] = [];
    for (;;) {
      const bodyLine = readLine();
      if (bodyLine.length > COLUMNS) throw malformed('a stanza body line over 64 columns');
      let chunk: Uint8Array;
      try {
        chunk = fromBase64Raw(bodyLine);
      } catch {
        throw malformed('a stanza body line is not canonical unpadded base64');
      }
      chunks.push(chunk);
      if (bodyLine.length < COLUMNS) break;
    }
    let size = 0;
    for (const c of chunks) size += c.length;
    const body = new Uint8Array(size);
    let o = 0;
    for (const c of chunks) {
      body.set(c, o);
      o += c.length;
    }
    stanzas.push({ type: args[0]!, args: args.slice(1), body });
  }
}

/** The stanza's text: argument line, then the body wrapped at 64 columns, closed by a short line. */
export function encodeAgeStanza(stanza: AgeStanza): string {
  const all = [stanza.type, ...stanza.args];
  for (const a of all) if (!isArgument(a)) throw new Error(`invalid age stanza argument ${JSON.stringify(a)}`);
  const encoded = toBase64Raw(stanza.body);
  let out = `-> ${all.join(' ')}\n`;
  let at = 0;
  for (; at + COLUMNS <= encoded.length; at += COLUMNS) out += encoded.slice(at, at + COLUMNS) + '\n';
  return out + encoded.slice(at) + '\n';
}

/** The header bytes up to and including "---": the input of the header MAC. */
export function encodeAgeHeaderMacInput(stanzas: AgeStanza[]): Uint8Array {
  if (stanzas.length === 0) throw new Error('an age header needs at least one stanza');
  return encodeAscii(`${AGE_VERSION_LINE}\n${stanzas.map(encodeAgeStanza).join('')}---`);
}

export function encodeAgeMacLine(mac: Uint8Array): Uint8Array {
  if (mac.length !== MAC_BYTES) throw new Error('the age header MAC is 32 bytes');
  return encodeAscii(` ${toBase64Raw(mac)}\n`);
}
