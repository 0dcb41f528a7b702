/**
 * The second thread of a large bundle's verification (crypto/hash-worker.ts starts it):
 * it hashes the bundle's bytes as they are read (BLAKE2b-512 for the signature, SHA-256 for
 * an import's record), hashes batches of entries (their leaves and field commitments), and
 * checks whole batches of entries when the verifying thread gives it some
 * (bundle/entry-batches.ts decides which).
 *
 * It checks with the very code the verifying thread uses (shared/bundle/entry-check.ts),
 * so the build bundles it (dist/workers/bundle-worker.cjs). It holds no key of the vault's:
 * a bundle's bytes are all it is given, the entries only after their signature has been
 * verified; and, for an encrypted bundle's first reading, the state of its reading check
 * (crypto/same-reading.ts: a one-time key of this process), which it wipes with the tag.
 * With libsodium's native build it says it is ready before its WebAssembly build has
 * loaded (see serve()), which a later failure to load then ends with 'failed'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InclusionVerifier } from '../../../shared/bundle/inclusion';
import { createEntryHasher, type EntryHasher } from '../crypto/entry-hasher';
import { nativeSodium } from '../crypto/native-sodium';
import { createBlake2b, createSha256, resumeBlake2b, sha256, type StreamHasher } from '../crypto/hash';
import { loadSodium } from '../crypto/sodium';
import { keyedReading, resumeReading } from '../crypto/same-reading';
import { concatBytes, fromHex } from '../../../shared/bytes';
import { checkEntriesWithHashes, claimOrder, SegmentChecker } from '../bundle/segments';
import { toErrorInfo } from '../../../shared/errors';
import { BUNDLE_PROTOCOL, SEGMENT_KEY_BYTES, type BundleWorkerData, type EntryOutcome, type FromBundleWorker, type HashName, type ToBundleWorker } from './bundle-protocol';

const port = parentPort!;
const data = workerData as BundleWorkerData;
// The same build as the starting thread (native-sodium.ts reads this at its first use).
if (data.sodium === 'wasm') process.env.TEARLINE_SODIUM = 'wasm';

function send(message: FromBundleWorker): void {
  port.postMessage(message);
}

/** Checks a batch with a verifier kept from batch to batch of the same checkpoint (it remembers the last path). */
let inclusion: { key: string; verifier: InclusionVerifier } | undefined;

function checkBatch(
  hashEntries: EntryHasher,
  m: Extract<ToBundleWorker, { type: 'check' }>,
): { hashes: Uint8Array; outcomes: EntryOutcome[]; hashMs: number; checkMs: number } {
  const { size, root, previousIndex } = m.context;
  const key = `${size}:${root}`;
  if (inclusion?.key !== key) inclusion = { key, verifier: new InclusionVerifier(sha256, size, fromHex(root)) };
  const started = performance.now();
  const hashes = hashEntries(m.bytes, m.desc);
  const hashed = performance.now();
  const outcomes = checkEntriesWithHashes(m.bytes, m.spans, hashes, { size, inclusion: inclusion.verifier, previousIndex });
  return { hashes, outcomes, hashMs: hashed - started, checkMs: performance.now() - hashed };
}

/** Takes segments in turn with the verifying thread until none is left (bundle/segments.ts). */
function checkSegments(hashEntries: EntryHasher, m: Extract<ToBundleWorker, { type: 'segments' }>): void {
  const count = m.job.segments.length;
  let checker: SegmentChecker | undefined;
  try {
    checker = new SegmentChecker(m.job, hashEntries, m.ageKey);
    const order = claimOrder(m.job.segments);
    for (let c = Atomics.add(m.claim, 0, 1); c < count; c = Atomics.add(m.claim, 0, 1)) {
      const j = order[c]!;
      send({ type: 'segment', result: checker.check(j, m.keys.subarray(j * SEGMENT_KEY_BYTES, (j + 1) * SEGMENT_KEY_BYTES)) });
    }
    send({ type: 'segments-done' });
  } catch (error) {
    send({ type: 'segments-done', error: toErrorInfo(error) });
  } finally {
    checker?.close();
    m.keys.fill(0);
    m.ageKey?.fill(0);
  }
}

/**
 * Serves messages in order. The first reading needs only the stream hashes, which the
 * native build gives at once: then the worker says it is ready before libsodium's
 * WebAssembly build (the entries' hashing) has loaded, which takes half of its start (~40
 * of ~80 ms, while the verifying thread could not read on), and anything that needs it
 * waits, in order, until it has.
 */
function serve(): void {
  let hashEntries: EntryHasher | undefined;
  const waiting: ToBundleWorker[] = [];
  let streams: { name: HashName; hasher: Pick<StreamHasher, 'digest'> & { update(bytes: Uint8Array): unknown } }[] = [];
  // Begins the next segment's reading, while a reading in segments goes on here.
  let cut: ((key: Uint8Array) => void) | undefined;
  const cutReading = (key: Uint8Array): void => {
    if (!cut) throw new Error('a cut without a reading in segments');
    cut(key);
  };
  const handle = (m: ToBundleWorker): void => {
    if (m.type === 'begin') {
      streams = m.names.map((name, i) => {
        const carried = m.resume?.[i];
        if (name === 'poly1305') {
          if (!carried) throw new Error('a reading’s tag is only ever carried here');
          const reading = resumeReading(carried);
          return { name, hasher: { update: (bytes: Uint8Array) => (reading.update(bytes), undefined), digest: () => reading.end() } };
        }
        if (name === 'poly1305-segments') {
          let current = carried ? resumeReading(carried) : undefined;
          const tags: Uint8Array[] = [];
          cut = (key) => {
            if (current) tags.push(current.end());
            current = keyedReading(key);
          };
          const digest = (): Uint8Array => {
            if (current) tags.push(current.end());
            current = undefined;
            cut = undefined;
            return concatBytes(...tags);
          };
          return { name, hasher: { update: (bytes: Uint8Array) => current?.update(bytes), digest } };
        }
        return { name, hasher: name === 'sha256' ? createSha256() : carried ? resumeBlake2b(64, carried) : createBlake2b(64) };
      });
    } else if (m.type === 'update') {
      const started = performance.now();
      const bytes = new Uint8Array(m.buffer, 0, m.length);
      let from = 0;
      for (const { at, key } of m.cuts ?? []) {
        const before = bytes.subarray(from, at);
        for (const s of streams) s.hasher.update(before);
        cutReading(key);
        from = at;
      }
      const rest = bytes.subarray(from);
      for (const s of streams) s.hasher.update(rest);
      // Back to the verifying thread, to be filled again.
      port.postMessage({ type: 'done', buffer: m.buffer, ms: performance.now() - started } satisfies FromBundleWorker, [m.buffer]);
    } else if (m.type === 'entries') {
      const started = performance.now();
      const hashes = hashEntries!(m.bytes, m.desc);
      send({ type: 'hashed', id: m.id, hashes, hashMs: performance.now() - started });
    } else if (m.type === 'check') {
      send({ type: 'checked', id: m.id, ...checkBatch(hashEntries!, m) });
    } else if (m.type === 'segments') {
      checkSegments(hashEntries!, m);
    } else if (m.type === 'cut') {
      cutReading(m.key);
    } else if (m.type === 'finish') {
      const digests = streams.map((s) => s.hasher.digest());
      streams = [];
      send({ type: 'digests', digests });
    }
  };
  const streamsAtOnce = nativeSodium() !== undefined;
  port.on('message', (m: ToBundleWorker) => {
    const ready = hashEntries !== undefined || (streamsAtOnce && waiting.length === 0 && m.type !== 'entries' && m.type !== 'check' && m.type !== 'segments');
    if (ready) handle(m);
    else waiting.push(m);
  });
  const loaded = (): boolean => {
    try {
      hashEntries = createEntryHasher();
    } catch (error) {
      failed(error);
      return false;
    }
    for (const m of waiting.splice(0)) handle(m);
    return true;
  };
  const failed = (error: unknown): void => send({ type: 'failed', message: `libsodium did not load: ${String(error)}` });
  if (streamsAtOnce) {
    send({ type: 'ready', protocol: BUNDLE_PROTOCOL });
    loadSodium().then(loaded, failed);
  } else {
    loadSodium().then(() => {
      if (loaded()) send({ type: 'ready', protocol: BUNDLE_PROTOCOL });
    }, failed);
  }
}

serve();
