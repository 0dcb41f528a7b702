/**
 * Unpadded ("raw") standard base64, as age's header uses it (RFC 4648 section 4 without
 * `=`). Decoding is canonical: a `=` anywhere, a length that no byte string encodes to,
 * or stray low bits in the last character are all refused, by padding the text and
 * handing it to the strict decoder in shared/bytes.
 */
import { fromBase64, toBase64 } from '../bytes';

export function toBase64Raw(bytes: Uint8Array): string {
  const padded = toBase64(bytes);
  const pad = padded.endsWith('==') ? 2 : padded.endsWith('=') ? 1 : 0;
  return padded.slice(0, padded.length - pad);
}

/** Throws a plain Error on anything but canonical unpadded base64; callers map it to a code. */
export function fromBase64Raw(text: string): Uint8Array {
  if (text.includes('=')) throw new Error('invalid base64: padding in unpadded base64');
  const rest = text.length % 4;
  if (rest === 1) throw new Error('invalid base64: length');
  return fromBase64(rest === 0 ? text : text + (rest === 2 ? '==' : '='));
}
