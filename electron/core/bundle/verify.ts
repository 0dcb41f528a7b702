/**
 * Verification of a loaded bundle, in the order of docs/bundle-format.md section 8:
 * signature over the exact bytes, trusted comment and HEAD, signer, consistency and the
 * relation to what is held, then each entry (hashes and proofs, then schema). Steps up
 * to HEAD stop at the first failure; from the signer on, every problem is recorded and
 * verification goes on, so that the verdict lists them all.
 *
 * The entries are checked one at a time from the raw bytes and handed to `onEntry` (the
 * import stores them) without ever being held together.
 */
import { fromHex, toHex } from '../../../shared/bytes';
import { TearlineError, toErrorInfo } from '../../../shared/errors';
import { readEntryValue, type RawEntry } from '../../../shared/bundle/framing';
import { DEFAULT_LIMITS, type BundleLimits } from '../../../shared/bundle/format';
import { parseHead, type BundleHead } from '../../../shared/bundle/head';
import { parseTrustedComment } from '../../../shared/bundle/trusted-comment';
import { InclusionVerifier } from '../../../shared/bundle/inclusion';
import { checkEntry, checkedEntryOf, type CheckedEntry, type EntryHashes } from '../../../shared/bundle/entry-check';
import { checkConsistencyProofs, relate, type HeldCheckpoint, type RelationResult } from '../../../shared/bundle/relation';
import { SeenIds } from '../../../shared/bundle/seen-ids';
import { addProblem, emptyVerdict, PREVIEW_LIMIT, type Problem, type Verdict } from '../../../shared/bundle/verdict';
import { createSha256, sha256, sha256Parts } from '../crypto/hash';
import {
  formatMinisignKeyId,
  parseMinisignSignature,
  verifyMinisign,
  type MinisignSignature,
} from '../formats/minisign';
import { releaseLoaded, secondPass, segmentJob, type HashWorkerOption, type LoadedBundle } from './input';
import { EntryBatches } from './entry-batches';
import { previewOf, readSegments, type SegmentResult } from './segments';
import type { EntryOutcome } from '../crypto/hash-worker';
import { ENTRY_BATCH, type RunOptions } from './progress';

/** A key that may have signed the bundle, from the keyring or given by the caller. */
export interface SignerCandidate {
  publicKey: Uint8Array;
  keyId: Uint8Array;
  status: 'trusted' | 'revoked';
  name: string | null;
  fingerprint: string;
  /** The origin the key is bound to, if any. */
  origin: string | null;
  forked: boolean;
}

export type EntryStatus = 'new' | 'known' | 'more-fields';

/** What the verdict counts of an entry that passed. */
interface EntrySummary {
  id: string;
  kind: string;
  caseId: string | null;
  withheld: string[];
}

/** What the verifier knows beyond the bundle: its keys and, with a vault, its state. */
export interface VerifyEnvironment {
  candidates(keyId: Uint8Array): SignerCandidate[];
  /** This vault's own origin: a bundle from it is refused. */
  ownOrigin?: string;
  /** With a vault: the checkpoints held from an origin, each with the fingerprint of the key that signed it. */
  held?(origin: string): (HeldCheckpoint & { fingerprint: string })[];
  /** With a vault: the trusted key (name or fingerprint, and fingerprint) bound to an origin, if any. */
  originOwner?(origin: string): { who: string; fingerprint: string } | undefined;
  /** With a vault: whether an entry is already held. */
  entryStatus?(origin: string, entry: CheckedEntry): EntryStatus;
  /** With a vault: whether its own log has an entry with this id (ids are unique across workstations). */
  ownEntry?(id: string): boolean;
  /** With a vault: where an entry with this entry's id is held, for an entry not held at (origin, index) itself. */
  heldElsewhere?(origin: string, entry: CheckedEntry): { origin: string; index: number } | undefined;
  /** Extra warnings about the signer (known forks). */
  signerWarnings?(signer: SignerCandidate): string[];
  /** The message when no candidate key has the signature's key id. */
  unknownKey?(keyId: string): string;
}

export interface VerificationResult {
  verdict: Verdict;
  head?: BundleHead;
  signer?: SignerCandidate;
  signature?: MinisignSignature;
  relation?: RelationResult;
  /** BLAKE2b-512 of B. */
  digest?: Uint8Array;
  /** SHA-256 of B, hex, when asked for. */
  bundleHash?: string;
}

export interface VerifyOptions extends RunOptions, HashWorkerOption {
  /** The limits the bundle was loaded with (the second pass applies them again). */
  limits?: BundleLimits;
  /** Also compute the SHA-256 of B (the import records it). */
  bundleHash?: boolean;
  /** Called for each entry that passed every check, in bundle order. */
  onEntry?: (entry: CheckedEntry, status: EntryStatus | null, run: { head: BundleHead; signer: SignerCandidate; verdict: Verdict }) => void;
}

/** A failure of a step that ends verification, turned into the verdict's problem. */
function stop(result: VerificationResult, error: unknown): VerificationResult {
  if (!(error instanceof TearlineError) || error.code === 'E_CANCELLED' || error.code === 'E_INTERNAL') throw error;
  const info = toErrorInfo(error);
  addProblem(result.verdict, info);
  result.verdict.valid = false;
  return result;
}

/** A verdict for a bundle that could not even be loaded (size, form, transport, framing). */
export function verdictForLoadFailure(error: unknown, bytes: number): Verdict {
  if (!(error instanceof TearlineError) || ['E_IO', 'E_USAGE', 'E_CANCELLED', 'E_INTERNAL'].includes(error.code)) throw error;
  const verdict = emptyVerdict(bytes);
  addProblem(verdict, toErrorInfo(error));
  return verdict;
}

/** Verifies a loaded bundle, once: it ends the bundle's worker and its reading check (load it again to verify again). */
export async function verifyLoaded(loaded: LoadedBundle, env: VerifyEnvironment, options: VerifyOptions = {}): Promise<VerificationResult> {
  try {
    return await verifyWith(loaded, env, options);
  } finally {
    releaseLoaded(loaded);
  }
}

async function verifyWith(loaded: LoadedBundle, env: VerifyEnvironment, options: VerifyOptions): Promise<VerificationResult> {
  const verdict = emptyVerdict(loaded.inputBytes);
  verdict.form = loaded.form;
  verdict.encrypted = loaded.encrypted;
  verdict.entries.count = loaded.frame.entryCount;
  const result: VerificationResult = { verdict };
  const limits = options.limits ?? DEFAULT_LIMITS;

  // The signature over the exact bytes of B (hashed as they were read).
  const digest = loaded.digest;
  result.digest = digest;
  verdict.digest = toHex(digest);

  let signature: MinisignSignature;
  try {
    signature = parseMinisignSignature(loaded.signatureText);
  } catch (error) {
    return stop(result, error);
  }
  result.signature = signature;
  verdict.signer.keyId = formatMinisignKeyId(signature.keyId);
  const candidates = env.candidates(signature.keyId);
  if (candidates.length === 0) {
    const message =
      env.unknownKey?.(verdict.signer.keyId) ??
      `signed by key ${verdict.signer.keyId}, which is not a trusted key here (trust it with \`tearline trust add\`, after comparing fingerprints)`;
    return stop(result, new TearlineError('E_UNTRUSTED_SIGNER', message));
  }
  let signer: SignerCandidate | undefined;
  let firstFailure: unknown;
  for (const candidate of candidates) {
    try {
      verifyMinisign({ publicKey: candidate, prehash: digest, signatureText: loaded.signatureText, allowLegacy: false });
      signer = candidate;
      break;
    } catch (error) {
      firstFailure ??= error;
    }
  }
  if (!signer) {
    verdict.signature = 'invalid';
    const c = candidates[0]!;
    Object.assign(verdict.signer, { status: c.status, name: c.name, fingerprint: c.fingerprint, forked: c.forked });
    return stop(result, firstFailure);
  }
  result.signer = signer;
  verdict.signature = 'valid';
  verdict.trustedComment = signature.trustedComment;
  Object.assign(verdict.signer, { status: signer.status, name: signer.name, fingerprint: signer.fingerprint, forked: signer.forked });

  // The trusted comment and HEAD, which must say the same.
  let head: BundleHead;
  try {
    const fields = parseTrustedComment(signature.trustedComment);
    if (!fields) throw new TearlineError('E_MALFORMED', 'the signed trusted comment is not a Tearline bundle comment', { at: 'trusted comment' });
    head = parseHead(loaded.frame.head);
    if (
      fields.bundleId !== head.bundleId ||
      fields.origin !== head.origin ||
      fields.size !== head.checkpoint.size ||
      fields.root !== head.checkpoint.root
    ) {
      throw new TearlineError('E_MALFORMED', 'the trusted comment and the bundle disagree on the bundle id, origin, size or root', { at: 'trusted comment' });
    }
    if (head.entryCount !== loaded.frame.entryCount) {
      throw new TearlineError('E_MALFORMED', `HEAD announces ${head.entryCount} entries, the bundle has ${loaded.frame.entryCount}`, { at: 'head.entryCount' });
    }
  } catch (error) {
    return stop(result, error);
  }
  result.head = head;
  verdict.bundleId = head.bundleId;
  verdict.createdAt = head.createdAt;
  verdict.sender = head.sender;
  verdict.checkpoint = { origin: head.origin, size: head.checkpoint.size, root: head.checkpoint.root };

  // The signer.
  const who = signer.name ?? signer.fingerprint;
  if (signer.status === 'revoked') {
    addProblem(verdict, { code: 'E_REVOKED_SIGNER', message: `the key of ${who} has been revoked` });
  }
  if (env.ownOrigin !== undefined && head.origin === env.ownOrigin) {
    addProblem(verdict, { code: 'E_UNTRUSTED_SIGNER', message: 'the bundle claims to come from this vault’s own log' });
  } else if (signer.origin !== null && signer.origin !== head.origin) {
    addProblem(verdict, { code: 'E_UNTRUSTED_SIGNER', message: `the key of ${who} signs the log ${signer.origin}, not ${head.origin}` });
  } else {
    const owner = env.originOwner?.(head.origin);
    if (owner && owner.fingerprint !== signer.fingerprint) {
      addProblem(verdict, { code: 'E_UNTRUSTED_SIGNER', message: `the log ${head.origin} belongs to the key of ${owner.who}, not to this one` });
    }
  }
  verdict.warnings.push(...(env.signerWarnings?.(signer) ?? []));

  // Consistency proofs and the relation to what is held.
  const consistency = checkConsistencyProofs(sha256, head);
  for (const p of consistency.problems) addProblem(verdict, p);
  if (env.held) {
    const held = env.held(head.origin);
    const other = held.find((cp) => cp.fingerprint !== signer.fingerprint);
    if (other) {
      addProblem(verdict, {
        code: 'E_UNTRUSTED_SIGNER',
        message: `checkpoints of ${head.origin} held here were signed by another key (${other.fingerprint}); this key may not sign for that log`,
      });
    }
    // A fork is one key signing two histories: only this key's own checkpoints can show
    // one. Another key's checkpoint that disagrees is that key's claim, refused above, and
    // is no evidence against this one.
    const relation = relate(
      head,
      held.filter((cp) => cp.fingerprint === signer.fingerprint),
      consistency.valid,
    );
    result.relation = relation;
    verdict.relation = relation.relation;
    verdict.held = relation.latest ? { size: relation.latest.size, root: relation.latest.root } : null;
    for (const p of relation.problems) addProblem(verdict, p);
  }

  // The entries, one at a time, in a second pass over the bytes. Bytes not held in memory
  // are authenticated again: what is read now must be what was signed.
  const inclusion = new InclusionVerifier(sha256, head.checkpoint.size, fromHex(head.checkpoint.root));
  const cases = new Set<string>();
  const { entries } = verdict;
  const total = loaded.frame.entryCount;
  let previousIndex = -1;
  let done = 0;
  let countNew = 0;
  let countMore = 0;
  // An import also records the SHA-256 of B: on the first pass's worker when there is one,
  // beside the entry checks.
  const background = loaded.hasher;
  const useBackground = background !== undefined;
  const shaInBackground = useBackground && options.bundleHash === true;
  if (shaInBackground) background.begin(['sha256']);
  const sha = options.bundleHash && !useBackground ? createSha256() : undefined;
  // An entry's verdict, however it was checked: `valid` is what the counts need, and the
  // entry itself is read (`entryOf`) only where it is needed (the preview, the vault's
  // status of it, the import), as the worker's answers carry no parsed entries.
  // Ids are random (UUIDv7) and one log never gives two entries the same: a second one is forged.
  const ids = new SeenIds();
  const forgedId = (index: number, id: string, whose: string): void =>
    addProblem(verdict, { code: 'E_INVALID_ENTRY', message: `entry #${index}: its id ${id} is ${whose}`, at: `entry ${index}` });
  const take = (index: number, problems: readonly Problem[], valid: EntrySummary | undefined, entryOf: () => CheckedEntry): void => {
    if (done === 0) entries.firstIndex = index;
    entries.lastIndex = index;
    previousIndex = Math.max(previousIndex, index);
    for (const p of problems) addProblem(verdict, p);
    const repeated = valid !== undefined && ids.repeat(valid.id);
    if (repeated) forgedId(index, valid.id, 'that of an earlier entry of this bundle');
    if (valid) {
      entries.verified++;
      const kind = valid.kind;
      entries.kinds[kind] = (entries.kinds[kind] ?? 0) + 1;
      if (valid.caseId !== null && cases.size < 10_000) cases.add(valid.caseId);
      for (const f of valid.withheld) entries.withheld[f] = (entries.withheld[f] ?? 0) + 1;
      if (env.entryStatus || env.ownEntry || options.onEntry || verdict.preview.length < PREVIEW_LIMIT) {
        const entry = entryOf();
        // Ids are random (UUIDv7): another log's entry with one of ours is forged, made to
        // stand in for our own record in the case it belongs to.
        if (env.ownEntry?.(entry.header.id)) forgedId(entry.index, entry.header.id, "that of an entry of this vault's own log");
        const status = env.entryStatus ? env.entryStatus(head.origin, entry) : null;
        // Nor may a new entry take the id of an entry held from another log (or from another
        // place in this one): it would stand in for that entry where entries are found by id.
        // (One already held was checked when it came. An import stores the earlier one of a
        // repeat within the bundle as it goes: that repeat is told once, above.)
        const other = repeated || (status !== 'new' && status !== null) ? undefined : env.heldElsewhere?.(head.origin, entry);
        if (other) {
          forgedId(entry.index, entry.header.id, `already held here, as entry #${other.index} of ${other.origin}: two logs claim one entry, and one of them forged it`);
        }
        if (status === 'new') countNew++;
        if (status === 'more-fields') countMore++;
        if (verdict.preview.length < PREVIEW_LIMIT) {
          verdict.preview.push(previewOf(entry, status));
        }
        options.onEntry?.(entry, status, { head, signer, verdict });
      }
    }
    done++;
    // (Segments report their progress as they are read, before their entries are taken.)
    if (done % ENTRY_BATCH === 0 && !loaded.segments) options.onProgress?.(done, total, 'entries');
  };
  const checkRaw = (raw: RawEntry, hashes?: EntryHashes): void => {
    const checked = checkEntry(raw, { hash: sha256, hashParts: sha256Parts, size: head.checkpoint.size, inclusion, previousIndex }, hashes);
    const entry = checked.entry;
    take(raw.index, checked.problems, entry && { id: entry.header.id, kind: entry.header.kind, caseId: entry.header.caseId, withheld: entry.withheld }, () => entry!);
  };
  const sink = {
    check: checkRaw,
    checked: (value: Uint8Array, index: number, outcome: EntryOutcome, leaf: Uint8Array): void => {
      const valid = outcome.kind === undefined || outcome.id === undefined ? undefined : { id: outcome.id, kind: outcome.kind, caseId: outcome.caseId ?? null, withheld: outcome.withheld ?? [] };
      take(index, outcome.problems ?? [], valid, () => checkedEntryOf(readEntryValue(value), new Uint8Array(leaf), valid!.withheld));
    },
  };
  if (loaded.segments) {
    // Read where nothing of an entry is needed beyond the verdict (loadBundle's `segments`).
    if (env.entryStatus || env.ownEntry || options.onEntry || options.bundleHash) {
      throw new TearlineError('E_INTERNAL', 'a bundle loaded in segments is verified for its verdict alone');
    }
    // Each segment's entries are taken in bundle order as soon as those before are in. A
    // segment that is not what the first reading read (its tag differs), or could not be
    // read whole, is not taken, nor any after it (an age segment read again was never
    // authenticated otherwise), and the threads take no more.
    const sameReading = loaded.sameReading!;
    const waiting = new Map<number, SegmentResult>();
    let next = 0;
    let broken: { failure?: TearlineError } | undefined;
    let segmentCount = 0;
    const takeSegment = (r: SegmentResult): void => {
      if (!sameReading.sameSegment(r.segment, r.tag)) {
        broken = {};
        return;
      }
      if (r.failure) {
        // (Bytes that framed in the first reading frame again: only a changed file fails here.)
        broken = { failure: new TearlineError(r.failure.code, r.failure.message, r.failure.at === undefined ? undefined : { at: r.failure.at }) };
        return;
      }
      const s = r.summary;
      if (s.count > 0) {
        if (done === 0) entries.firstIndex = s.firstIndex;
        entries.lastIndex = s.lastIndex;
      }
      const validIds = s.ids === '' ? [] : s.ids.split(' ');
      let v = 0;
      let p = 0;
      for (let e = 0; e < s.count; e++) {
        if (s.valid[e] === 1) {
          const id = validIds[v++]!;
          if (ids.repeat(id)) forgedId(s.indexes[e]!, id, 'that of an earlier entry of this bundle');
        } else {
          for (const problem of s.problems[p++]!) addProblem(verdict, problem);
        }
      }
      entries.verified += v;
      for (const [kind, n] of Object.entries(s.kinds)) entries.kinds[kind] = (entries.kinds[kind] ?? 0) + n;
      for (const [field, n] of Object.entries(s.withheld)) entries.withheld[field] = (entries.withheld[field] ?? 0) + n;
      for (const caseId of s.cases) if (cases.size < 10_000) cases.add(caseId);
      for (const preview of s.previews) if (verdict.preview.length < PREVIEW_LIMIT) verdict.preview.push(preview);
      done += s.count;
      options.onProgress?.(done, total, 'entries');
    };
    let readError: unknown;
    try {
      await readSegments(
        segmentJob(loaded, limits, head.checkpoint),
        sameReading,
        background,
        {
          ...(options.signal ? { signal: options.signal } : {}),
          ...(loaded.agePayload ? { ageKey: loaded.agePayload.key } : {}),
          onSegment: (r) => {
            segmentCount++;
            waiting.set(r.segment, r);
            for (let ready = waiting.get(next); ready && !broken; ready = waiting.get(next)) {
              waiting.delete(next++);
              takeSegment(ready);
            }
            return broken !== undefined;
          },
        },
      );
    } catch (error) {
      readError = error;
    }
    // Every segment must be what the first reading authenticated, or nothing read is.
    if ((broken && !broken.failure) || (!broken && !readError && segmentCount !== sameReading.segments)) {
      addProblem(verdict, { code: 'E_BAD_SIGNATURE', message: 'the bundle changed while it was being read: what was read is not what was signed' });
    }
    if (readError !== undefined) return stop(result, readError);
    if (broken?.failure) return stop(result, broken.failure);
    options.onProgress?.(done, total, 'entries');
    entries.cases = [...cases];
    verdict.valid = verdict.problemCount === 0;
    return result;
  }
  const reading = loaded.sameReading?.reading();
  const batches = useBackground ? new EntryBatches(background, sink, { size: head.checkpoint.size, root: head.checkpoint.root }, options.workerChecks) : undefined;
  try {
    await secondPass(
      loaded,
      limits,
      {
        ...(reading || sha || shaInBackground
          ? {
              signed: (bytes: Uint8Array) => {
                reading?.update(bytes);
                if (shaInBackground) background.update(bytes);
                else sha?.update(bytes);
              },
            }
          : {}),
        entry: batches ? (value: Uint8Array) => batches.add(value) : (value: Uint8Array) => checkRaw(readEntryValue(value)),
      },
      options,
      // Lets the worker catch up with the reading, and hands on what it has answered.
      useBackground ? () => batches!.drain(false) : undefined,
    );
    await batches?.drain(true);
  } catch (error) {
    // As without batches, the entries read before the failure have had their checks.
    if (batches && error instanceof TearlineError && error.code !== 'E_CANCELLED') await batches.drain(true).catch(() => undefined);
    return stop(result, error);
  }
  let shaOfB: Uint8Array | undefined;
  if (shaInBackground) shaOfB = (await background.finish())[0];
  else shaOfB = sha?.digest();
  // A bundle read twice must have been read the same both times; one without the check's
  // state is refused the same way rather than let through.
  if (!loaded.inMemory && (!reading || !loaded.sameReading!.sameAsFirst(reading.end()))) {
    addProblem(verdict, { code: 'E_BAD_SIGNATURE', message: 'the bundle changed while it was being read: what was read is not what was signed' });
  }
  if (shaOfB) result.bundleHash = toHex(shaOfB);
  options.onProgress?.(done, total, 'entries');
  entries.cases = [...cases];
  if (env.entryStatus) {
    entries.new = countNew;
    entries.moreFields = countMore;
  }
  verdict.valid = verdict.problemCount === 0;
  return result;
}
