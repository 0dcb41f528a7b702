/**
 * Tearline's ASCII armor, for carrying a binary bundle as pasteable text:
 *
 *   -----BEGIN TEARLINE BUNDLE-----
 *   <standard padded base64, lines of exactly 64 characters, the last one 1..64>
 *   -----END TEARLINE BUNDLE-----
 *
 * with LF line ends and a final LF. There are no headers, no checksum line, no blank
 * lines and no whitespace anywhere; empty input has no base64 line at all.
 *
 * Reading is exact: the text must be what `armor` would write for the bytes it decodes
 * to, with two allowances that cannot change the decoded bytes: the final line break may
 * be missing (a paste often drops it), and every line may end in CRLF instead of LF, as
 * long as all of them do (Windows editors and clipboards rewrite line ends; a mixture is
 * refused). The armor is a transport only: what is signed is the decoded bundle, so these
 * two allowances give an attacker nothing to work with, while leading text, trailing
 * text, spaces, long or short lines and non-canonical base64 are all refused.
 */
import { fromBase64, fromUtf8, toBase64 } from '../bytes';
import { TearlineError } from '../errors';
import { lfLineEnds } from './line-ends';

export const ARMOR_LINE_LENGTH = 64;
const BYTES_PER_LINE = (ARMOR_LINE_LENGTH / 4) * 3;
const LABEL_PATTERN = /^[A-Z0-9]+(?: [A-Z0-9]+)*$/;

function checkLabel(label: string): void {
  if (!LABEL_PATTERN.test(label)) throw new Error(`invalid armor label: ${JSON.stringify(label)}`);
}

export function armorBegin(label: string): string {
  checkLabel(label);
  return `-----BEGIN ${label}-----`;
}

export function armorEnd(label: string): string {
  checkLabel(label);
  return `-----END ${label}-----`;
}

export function armor(bytes: Uint8Array, label: string): string {
  const lines = [armorBegin(label)];
  for (let at = 0; at < bytes.length; at += BYTES_PER_LINE) {
    lines.push(toBase64(bytes.subarray(at, Math.min(at + BYTES_PER_LINE, bytes.length))));
  }
  lines.push(armorEnd(label));
  return lines.join('\n') + '\n';
}

function malformed(message: string, at?: string): TearlineError {
  return new TearlineError('E_MALFORMED', `invalid armor: ${message}`, at === undefined ? undefined : { at });
}

/** True when the text (or bytes) starts with this label's BEGIN line; a sniff, not a check. */
export function hasArmorBegin(input: string | Uint8Array, label: string): boolean {
  const begin = armorBegin(label);
  if (typeof input === 'string') return input.startsWith(begin);
  if (input.length < begin.length) return false;
  for (let i = 0; i < begin.length; i++) if (input[i] !== begin.charCodeAt(i)) return false;
  return true;
}

/** Decodes armored text (or its bytes, which must be ASCII); E_MALFORMED on any other spelling. */
export function dearmor(input: string | Uint8Array, label: string): Uint8Array {
  const begin = armorBegin(label);
  const end = armorEnd(label);
  const text = typeof input === 'string' ? input : asciiText(input);
  if (typeof text !== 'string') throw malformed('not text');

  // One line-end convention for the whole text.
  let body = lfLineEnds(text);
  if (body === undefined) throw malformed('mixed line ends');
  if (body.includes('\r')) throw malformed('stray carriage return');
  if (body.endsWith('\n')) body = body.slice(0, -1);

  const lines = body.split('\n');
  if (lines[0] !== begin) throw malformed(`the first line must be ${begin}`, 'line 1');
  if (lines.length < 2 || lines[lines.length - 1] !== end) {
    throw malformed(`the last line must be ${end}`, `line ${lines.length}`);
  }
  const data = lines.slice(1, -1);

  let total = 0;
  for (let i = 0; i < data.length; i++) {
    const line = data[i]!;
    const last = i === data.length - 1;
    if (line.length === 0 || line.length > ARMOR_LINE_LENGTH || (!last && line.length !== ARMOR_LINE_LENGTH)) {
      throw malformed(`base64 lines must be ${ARMOR_LINE_LENGTH} characters, the last one at most`, `line ${i + 2}`);
    }
    // Only the last line may carry padding; a full line with `=` is a short line in disguise.
    if (!last && line.includes('=')) throw malformed('padding before the last line', `line ${i + 2}`);
    total += last ? (line.length / 4) * 3 : BYTES_PER_LINE;
  }

  const out = new Uint8Array(total);
  let o = 0;
  for (let i = 0; i < data.length; i++) {
    let chunk: Uint8Array;
    try {
      chunk = fromBase64(data[i]!);
    } catch (error) {
      throw malformed(error instanceof Error ? error.message : 'bad base64', `line ${i + 2}`);
    }
    out.set(chunk, o);
    o += chunk.length;
  }
  return o === out.length ? out : out.slice(0, o);
}

function asciiText(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) throw malformed('a non-ASCII byte', `byte ${i}`);
  return fromUtf8(bytes);
}
