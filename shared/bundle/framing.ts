/**
 * The binary framing of a bundle (docs/bundle-format.md, section 3): writing records, and
 * walking them by their lengths alone. `scanBundle` is the "framing" step of verification:
 * it looks at tags and lengths and limits, and never at what the records say, so it may
 * run before the signature has been checked.
 */
import { TearlineError } from '../errors';
import {
  BUNDLE_MAGIC,
  BUNDLE_PREAMBLE_BYTES,
  BUNDLE_VERSION,
  HASH_BYTES,
  MAX_PROOF_HASHES,
  RECORD_HEADER_BYTES,
  SALT_BYTES,
  TAG,
  type BundleLimits,
} from './format';

export interface BundleLayout {
  /** The signed payload B is bytes[0, payloadEnd). */
  payloadEnd: number;
  /** The HEAD record's value. */
  head: { start: number; end: number };
  /** Offset of the first ENTRY record (or of END when there is none). */
  entriesStart: number;
  entryCount: number;
  /** The SIG record's value, in the single-file form. */
  signature?: { start: number; end: number };
}

export interface RawField {
  name: string;
  salt: Uint8Array;
  /** JCS of the value, as it appears in the bundle (a view, not a copy). */
  value: Uint8Array;
}

/** One ENTRY record, as views into the bundle's bytes: nothing of it is parsed yet. */
export interface RawEntry {
  index: number;
  header: Uint8Array;
  /** The proof's hashes, one view each. */
  readonly proof: Uint8Array[];
  /** The same hashes as they lie end to end in the record (a view). */
  proofBytes: Uint8Array;
  fields: RawField[];
}

// The proof is read as one view of the record: an array of 17 views per entry, which
// the verifier does not need, is made only when asked for.
class RawEntryView implements RawEntry {
  constructor(
    public index: number,
    public header: Uint8Array,
    public proofBytes: Uint8Array,
    public fields: RawField[],
  ) {}

  get proof(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let at = 0; at < this.proofBytes.length; at += HASH_BYTES) out.push(this.proofBytes.subarray(at, at + HASH_BYTES));
    return out;
  }
}

function malformed(message: string, at: number): TearlineError {
  return new TearlineError('E_MALFORMED', `bundle framing: ${message} (at byte ${at})`, { at: `byte ${at}` });
}

function tooLarge(message: string, at: number): TearlineError {
  return new TearlineError('E_TOO_LARGE', `bundle: ${message} (at byte ${at})`, { at: `byte ${at}` });
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

/** A u64 that must fit a safe integer, or undefined. */
function u64(b: Uint8Array, at: number): number | undefined {
  const hi = u32(b, at);
  if (hi > 0x1fffff) return undefined;
  return hi * 2 ** 32 + u32(b, at + 4);
}

export function hasBundleMagic(bytes: Uint8Array): boolean {
  if (bytes.length < BUNDLE_MAGIC.length) return false;
  for (let i = 0; i < BUNDLE_MAGIC.length; i++) if (bytes[i] !== BUNDLE_MAGIC[i]) return false;
  return true;
}

export interface FrameHandlers {
  /** Bytes of B (the signed payload), in order: each chunk's share of them once it has been framed. */
  signed?(bytes: Uint8Array): void;
  /** HEAD's value; `true` cuts B after it (see `cut`). */
  head?(value: Uint8Array, start: number): boolean | void;
  /** One ENTRY value, already checked for its inner framing; `true` cuts B after it (see `cut`). */
  entry?(value: Uint8Array, start: number): boolean | void;
  signature?(value: Uint8Array, start: number): void;
  /**
   * Called where a handler asked for a cut, at the end of that record (`offset` in B), once
   * `signed` has been given every byte before it and none after: a reading can then be
   * authenticated in segments (bundle/segments.ts).
   */
  cut?(offset: number): void;
}

export interface FrameSummary {
  payloadEnd: number;
  entryCount: number;
  /** The bundle ended with a SIG record (the single-file form). */
  signed: boolean;
}

type Phase = 'preamble' | 'head' | 'entries' | 'after-end' | 'after-sig';

/**
 * The framing of docs/bundle-format.md sections 3 and 5, checked as bytes arrive: feed it
 * pieces of any size with `push`, then `finish`. It keeps at most one record (bounded by
 * the limits, which are checked on the record's header before its value is read) and
 * hands each complete record to its handler. Throws E_MALFORMED or E_TOO_LARGE.
 */
export class FrameParser {
  private phase: Phase = 'preamble';
  private offset = 0;
  /** The unit being read: the preamble, a record header, or a record value. */
  private need: number = BUNDLE_PREAMBLE_BYTES;
  private unit: Uint8Array | undefined;
  private have = 0;
  private reading: 'preamble' | 'header' | 'value' = 'preamble';
  private tag = 0;
  private recordStart = 0;
  private entryCount = 0;
  private payloadEnd = -1;
  private cutHere = false;

  constructor(
    private readonly limits: BundleLimits,
    private readonly handlers: FrameHandlers = {},
  ) {}

  push(chunk: Uint8Array): this {
    let at = 0;
    // B's bytes in this chunk are its first `signedUpTo`: they are handed on in one piece,
    // not a record at a time (a hash or MAC call per record cost more than the hashing).
    let signedUpTo = 0;
    // Where this chunk's bytes already handed to `signed` end (a cut hands them on early).
    let signedFrom = 0;
    while (at < chunk.length) {
      if (this.phase === 'after-sig') throw malformed('bytes after the SIG record', this.offset);
      if (this.offset + (chunk.length - at) > this.limits.maxBytes) {
        throw tooLarge(`more than the limit of ${this.limits.maxBytes} bytes`, this.limits.maxBytes);
      }
      const take = Math.min(this.need - this.have, chunk.length - at);
      const piece = chunk.subarray(at, at + take);
      if (this.have === 0 && take === this.need) {
        this.unit = piece; // whole unit inside this chunk: a view, no copy
      } else {
        this.unit ??= new Uint8Array(this.need);
        this.unit.set(piece, this.have);
      }
      // Everything up to the end of END is B; the SIG record after it is not signed.
      if (this.phase !== 'after-end' && take > 0) signedUpTo = at + take;
      this.have += take;
      this.offset += take;
      at += take;
      if (this.have === this.need) this.complete();
      if (this.cutHere) signedFrom = this.cutAfter(chunk, signedFrom, at);
    }
    // A unit of length zero (an empty value) completes without bytes: here, one whose record
    // header ended this chunk. A cut after it comes after all of the chunk's bytes of B.
    while (this.reading === 'value' && this.need === 0) {
      this.complete();
      if (this.cutHere) signedFrom = this.cutAfter(chunk, signedFrom, signedUpTo);
    }
    if (signedUpTo > signedFrom) this.handlers.signed?.(chunk.subarray(signedFrom, signedUpTo));
    return this;
  }

  /** Hands this chunk's bytes of B from `from` to `to` on, then makes the cut asked for; returns where the bytes handed on end. */
  private cutAfter(chunk: Uint8Array, from: number, to: number): number {
    if (to > from) this.handlers.signed?.(chunk.subarray(from, to));
    this.cut();
    return Math.max(from, to);
  }

  private cut(): void {
    this.cutHere = false;
    this.handlers.cut?.(this.offset);
  }

  finish(): FrameSummary {
    // (Every byte has been handed on by push: a cut here follows them all.)
    while (this.reading === 'value' && this.need === 0) {
      this.complete();
      if (this.cutHere) this.cut();
    }
    const atBoundary = this.reading === 'header' && this.have === 0;
    if (this.phase === 'after-sig' || (this.phase === 'after-end' && atBoundary)) {
      return { payloadEnd: this.payloadEnd, entryCount: this.entryCount, signed: this.phase === 'after-sig' };
    }
    if (this.phase === 'preamble' && this.have < BUNDLE_MAGIC.length) {
      const seen = this.unit?.subarray(0, this.have) ?? new Uint8Array(0);
      if (!BUNDLE_MAGIC.subarray(0, seen.length).every((b, i) => b === seen[i])) throw malformed('not a Tearline bundle (wrong magic)', 0);
    }
    const what = this.reading === 'value' ? `the record (tag ${this.tag}) runs past the end` : this.reading === 'header' ? 'a record header is cut short' : 'the preamble is cut short';
    throw malformed(`truncated: ${what}`, this.recordStart);
  }

  private next(reading: 'header' | 'value', need: number): void {
    this.reading = reading;
    this.need = need;
    this.have = 0;
    this.unit = undefined;
  }

  private complete(): void {
    const unit = this.unit ?? new Uint8Array(0);
    if (this.reading === 'preamble') {
      for (let i = 0; i < BUNDLE_MAGIC.length; i++) if (unit[i] !== BUNDLE_MAGIC[i]) throw malformed('not a Tearline bundle (wrong magic)', 0);
      const version = unit[BUNDLE_MAGIC.length]!;
      if (version !== BUNDLE_VERSION) throw malformed(`unsupported bundle version ${version}`, BUNDLE_MAGIC.length);
      this.phase = 'head';
      this.recordStart = this.offset;
      this.next('header', RECORD_HEADER_BYTES);
      return;
    }
    if (this.reading === 'header') {
      const at = this.offset - RECORD_HEADER_BYTES;
      const tag = unit[0]!;
      const length = u32(unit, 1);
      this.checkHeader(tag, length, at);
      this.tag = tag;
      this.recordStart = at;
      this.next('value', length);
      return;
    }
    const start = this.offset - unit.length;
    const tag = this.tag;
    if (tag === TAG.head) {
      this.cutHere = this.handlers.head?.(unit, start) === true;
      this.phase = 'entries';
    } else if (tag === TAG.entry) {
      checkEntryFraming(unit, 0, unit.length, this.limits, start);
      this.cutHere = this.handlers.entry?.(unit, start) === true;
    } else if (tag === TAG.end) {
      this.phase = 'after-end';
      this.payloadEnd = this.offset;
    } else {
      this.handlers.signature?.(unit, start);
      this.phase = 'after-sig';
      this.next('header', RECORD_HEADER_BYTES);
      return;
    }
    this.recordStart = this.offset;
    this.next('header', RECORD_HEADER_BYTES);
  }

  private checkHeader(tag: number, length: number, at: number): void {
    switch (this.phase) {
      case 'head':
        if (tag !== TAG.head) throw malformed(`the first record must be HEAD, not tag ${tag}`, at);
        if (length > this.limits.maxHeadBytes) throw tooLarge(`HEAD is larger than ${this.limits.maxHeadBytes} bytes`, at);
        return;
      case 'entries':
        if (tag === TAG.end) {
          if (length !== 0) throw malformed('END must be empty', at);
          return;
        }
        if (tag !== TAG.entry) throw malformed(`expected ENTRY or END, found tag ${tag}`, at);
        if (length > this.limits.maxEntryBytes) throw tooLarge(`entry ${this.entryCount} is larger than ${this.limits.maxEntryBytes} bytes`, at);
        this.entryCount++;
        if (this.entryCount > this.limits.maxEntries) throw tooLarge(`more than ${this.limits.maxEntries} entries`, at);
        return;
      case 'after-end':
        if (tag !== TAG.sig) throw malformed(`only a SIG record may follow END, found tag ${tag}`, at);
        if (length > this.limits.maxSignatureBytes) throw tooLarge(`the signature record is larger than ${this.limits.maxSignatureBytes} bytes`, at);
        return;
      default:
        throw malformed('bytes after the SIG record', at);
    }
  }
}

/**
 * Walks the records of a whole bundle in memory (B, or B ‖ SIG) and checks the framing
 * and the limits. Throws E_MALFORMED or E_TOO_LARGE.
 */
export function scanBundle(bytes: Uint8Array, limits: BundleLimits): BundleLayout {
  if (bytes.length > limits.maxBytes) throw tooLarge(`${bytes.length} bytes is over the limit of ${limits.maxBytes}`, 0);
  let head: { start: number; end: number } | undefined;
  let entriesStart = -1;
  let signature: { start: number; end: number } | undefined;
  const summary = new FrameParser(limits, {
    head: (value, start) => {
      head = { start, end: start + value.length };
      entriesStart = start + value.length;
    },
    signature: (value, start) => {
      signature = { start, end: start + value.length };
    },
  })
    .push(bytes)
    .finish();
  return {
    payloadEnd: summary.payloadEnd,
    head: head!,
    entriesStart,
    entryCount: summary.entryCount,
    ...(signature ? { signature } : {}),
  };
}

/**
 * The records of a segment of B read again (bundle/segments.ts): ENTRY records only, and
 * END closing the last segment, each checked as FrameParser checks it. Returns each ENTRY
 * value's (start, length) in `bytes`. Throws E_MALFORMED or E_TOO_LARGE (the first reading
 * framed these bytes: only a file changed since then can fail here). `base`: the segment's
 * offset in B, for the messages.
 */
export function frameSegment(bytes: Uint8Array, limits: BundleLimits, base: number, last: boolean): number[] {
  const spans: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + RECORD_HEADER_BYTES > bytes.length) throw malformed('truncated: a record header is cut short', base + at);
    const tag = bytes[at]!;
    const length = u32(bytes, at + 1);
    const start = at + RECORD_HEADER_BYTES;
    if (last && tag === TAG.end) {
      if (length !== 0) throw malformed('END must be empty', base + at);
      if (start !== bytes.length) throw malformed('bytes after END', base + start);
      return spans;
    }
    if (tag !== TAG.entry) throw malformed(`expected ENTRY or END, found tag ${tag}`, base + at);
    if (length > limits.maxEntryBytes) throw tooLarge(`an entry is larger than ${limits.maxEntryBytes} bytes`, base + at);
    if (start + length > bytes.length) throw malformed(`truncated: the record (tag ${tag}) runs past the end`, base + at);
    checkEntryFraming(bytes, start, start + length, limits, base);
    spans.push(start, length);
    at = start + length;
  }
  if (last) throw malformed('truncated: END is missing', base + at);
  return spans;
}

/**
 * The lengths inside one ENTRY value add up to its length exactly. (Every entry goes
 * through here in both readings: no closure over `at`, which the engine would then keep in
 * memory instead of a register.)
 */
function checkEntryFraming(b: Uint8Array, start: number, end: number, limits: BundleLimits, base = 0): void {
  let at = start;
  if (at + 8 > end) throw pastEnd('the index', base + at);
  if (u64(b, at) === undefined) throw malformed('entry: the index is over 2^53', base + at);
  at += 8;
  if (at + 4 > end) throw pastEnd('the header length', base + at);
  const headerLength = u32(b, at);
  at += 4;
  if (at + headerLength > end) throw pastEnd('the header', base + at);
  at += headerLength;
  if (at + 1 > end) throw pastEnd('the proof count', base + at);
  const proofCount = b[at]!;
  if (proofCount > MAX_PROOF_HASHES) throw tooLarge(`entry proof of ${proofCount} hashes is over ${MAX_PROOF_HASHES}`, base + at);
  at += 1;
  if (at + proofCount * HASH_BYTES > end) throw pastEnd('the proof', base + at);
  at += proofCount * HASH_BYTES;
  if (at + 2 > end) throw pastEnd('the field count', base + at);
  const fieldCount = u16(b, at);
  if (fieldCount > limits.maxFields) throw tooLarge(`entry with ${fieldCount} fields is over ${limits.maxFields}`, base + at);
  at += 2;
  for (let f = 0; f < fieldCount; f++) {
    if (at + 1 > end) throw pastEnd('a field name length', base + at);
    const nameLength = b[at]!;
    if (nameLength === 0) throw malformed('entry: a field name is empty', base + at);
    at += 1;
    if (at + nameLength + SALT_BYTES + 4 > end) throw pastEnd('a field', base + at);
    at += nameLength + SALT_BYTES;
    const valueLength = u32(b, at);
    at += 4;
    if (at + valueLength > end) throw pastEnd('a field value', base + at);
    at += valueLength;
  }
  if (at !== end) throw malformed('entry: bytes after the last field', base + at);
}

function pastEnd(what: string, at: number): TearlineError {
  return malformed(`entry: ${what} runs past the end of its record`, at);
}

/** Reads one ENTRY value (already framed) as views into it. */
export function readEntryValue(b: Uint8Array): RawEntry {
  let p = 0;
  const index = u64(b, p)!;
  p += 8;
  const headerLength = u32(b, p);
  p += 4;
  const header = b.subarray(p, p + headerLength);
  p += headerLength;
  const proofCount = b[p]!;
  p += 1;
  const proofBytes = b.subarray(p, p + proofCount * HASH_BYTES);
  p += proofCount * HASH_BYTES;
  const fieldCount = u16(b, p);
  p += 2;
  const fields: RawField[] = new Array(fieldCount);
  for (let f = 0; f < fieldCount; f++) {
    const nameLength = b[p]!;
    p += 1;
    let name = '';
    for (let i = 0; i < nameLength; i++) name += String.fromCharCode(b[p + i]!);
    p += nameLength;
    const salt = b.subarray(p, p + SALT_BYTES);
    p += SALT_BYTES;
    const valueLength = u32(b, p);
    p += 4;
    fields[f] = { name, salt, value: b.subarray(p, p + valueLength) };
    p += valueLength;
  }
  return new RawEntryView(index, header, proofBytes, fields);
}

/** The index of one ENTRY value (already framed). */
export function entryValueIndex(b: Uint8Array): number {
  return u64(b, 0)!;
}

/**
 * Where the parts of one ENTRY value (already framed) lie in `b`, which holds it from
 * `start`, written to `out` from `at` as offsets into `b`: the header's start and length,
 * the number of fields, then for each field its salt's start, its name's start and length
 * (the name lies just before the salt) and its value's start and length. Returns the
 * position after what it wrote. It makes no objects, so that a batch of entries can be
 * described for another thread without a view per part (readEntryValue's) that lives as
 * long as the batch; `out` must have room for entryDescriptionLength(value) numbers.
 */
export function describeEntryValue(b: Uint8Array, start: number, out: Int32Array, at: number): number {
  let p = start + 8;
  const headerLength = u32(b, p);
  p += 4;
  out[at++] = p;
  out[at++] = headerLength;
  p += headerLength;
  p += 1 + b[p]! * HASH_BYTES;
  const fieldCount = u16(b, p);
  p += 2;
  out[at++] = fieldCount;
  for (let f = 0; f < fieldCount; f++) {
    const nameLength = b[p]!;
    p += 1;
    out[at++] = p + nameLength;
    out[at++] = p;
    out[at++] = nameLength;
    p += nameLength + SALT_BYTES;
    const valueLength = u32(b, p);
    p += 4;
    out[at++] = p;
    out[at++] = valueLength;
    p += valueLength;
  }
  return at;
}

/** How many numbers describeEntryValue writes for one ENTRY value (already framed), which `b` holds from `start`. */
export function entryDescriptionLength(b: Uint8Array, start = 0): number {
  const headerLength = u32(b, start + 8);
  const proofAt = start + 12 + headerLength;
  return 3 + 5 * u16(b, proofAt + 1 + b[proofAt]! * HASH_BYTES);
}

/** Reads an ENTRY record at `at` (the record header) of an already scanned bundle. */
export function readEntry(b: Uint8Array, at: number): { entry: RawEntry; next: number } {
  if (b[at] !== TAG.entry) throw malformed('not an ENTRY record', at);
  const start = at + RECORD_HEADER_BYTES;
  const end = start + u32(b, at + 1);
  return { entry: readEntryValue(b.subarray(start, end)), next: end };
}

/** Every ENTRY of a scanned bundle, in order, as views. */
export function* rawEntries(bytes: Uint8Array, layout: BundleLayout): Generator<RawEntry> {
  let at = layout.entriesStart;
  for (let i = 0; i < layout.entryCount; i++) {
    const { entry, next } = readEntry(bytes, at);
    yield entry;
    at = next;
  }
}

// ---------------------------------------------------------------------------------------
// Writing

export function preambleBytes(): Uint8Array {
  const out = new Uint8Array(BUNDLE_PREAMBLE_BYTES);
  out.set(BUNDLE_MAGIC, 0);
  out[BUNDLE_MAGIC.length] = BUNDLE_VERSION;
  return out;
}

function putU32(out: Uint8Array, at: number, n: number): void {
  out[at] = (n >>> 24) & 255;
  out[at + 1] = (n >>> 16) & 255;
  out[at + 2] = (n >>> 8) & 255;
  out[at + 3] = n & 255;
}

export function recordBytes(tag: number, value: Uint8Array): Uint8Array {
  if (value.length > 0xffffffff) throw new Error('record too large');
  const out = new Uint8Array(RECORD_HEADER_BYTES + value.length);
  out[0] = tag;
  putU32(out, 1, value.length);
  out.set(value, RECORD_HEADER_BYTES);
  return out;
}

export interface EntryToWrite {
  index: number;
  /** JCS of the header, exactly as the log hashed it. */
  header: Uint8Array;
  proof: readonly Uint8Array[];
  /** Disclosed fields; written in increasing name order whatever the order given. */
  fields: readonly { name: string; salt: Uint8Array; value: Uint8Array }[];
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** The whole ENTRY record (tag, length and value). */
export function entryRecordBytes(e: EntryToWrite): Uint8Array {
  if (!Number.isSafeInteger(e.index) || e.index < 0) throw new Error('entry index out of range');
  if (e.proof.length > MAX_PROOF_HASHES) throw new Error('proof too long');
  if (e.fields.length > 0xffff) throw new Error('too many fields');
  const fields = [...e.fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let length = 8 + 4 + e.header.length + 1 + e.proof.length * HASH_BYTES + 2;
  for (const f of fields) {
    if (!FIELD_NAME.test(f.name)) throw new Error(`invalid field name ${JSON.stringify(f.name)}`);
    if (f.salt.length !== SALT_BYTES) throw new Error('a field salt is 32 bytes');
    length += 1 + f.name.length + SALT_BYTES + 4 + f.value.length;
  }
  const out = new Uint8Array(RECORD_HEADER_BYTES + length);
  out[0] = TAG.entry;
  putU32(out, 1, length);
  let p = RECORD_HEADER_BYTES;
  putU32(out, p, Math.floor(e.index / 2 ** 32));
  putU32(out, p + 4, e.index >>> 0);
  p += 8;
  putU32(out, p, e.header.length);
  p += 4;
  out.set(e.header, p);
  p += e.header.length;
  out[p++] = e.proof.length;
  for (const h of e.proof) {
    if (h.length !== HASH_BYTES) throw new Error('a proof hash is 32 bytes');
    out.set(h, p);
    p += HASH_BYTES;
  }
  out[p++] = (fields.length >>> 8) & 255;
  out[p++] = fields.length & 255;
  for (const f of fields) {
    out[p++] = f.name.length;
    for (let i = 0; i < f.name.length; i++) out[p++] = f.name.charCodeAt(i);
    out.set(f.salt, p);
    p += SALT_BYTES;
    putU32(out, p, f.value.length);
    p += 4;
    out.set(f.value, p);
    p += f.value.length;
  }
  return out;
}

export function endRecordBytes(): Uint8Array {
  return recordBytes(TAG.end, new Uint8Array(0));
}
