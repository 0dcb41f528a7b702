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
import { fromHex } from '../../../shared/bytes';
import { checkEntry, type EntryHashes } from '../../../shared/bundle/entry-check';
import { readEntryValue } from '../../../shared/bundle/framing';
import { InclusionVerifier } from '../../../shared/bundle/inclusion';
import { createEntryHasher, type EntryHasher } from '../crypto/entry-hasher';
import { nativeSodium } from '../crypto/native-sodium';
import { createBlake2b, createSha256, resumeBlake2b, sha256, sha256Parts, type StreamHasher } from '../crypto/hash';
import { loadSodium } from '../crypto/sodium';
import { resumeReading } from '../crypto/same-reading';
import { BUNDLE_PROTOCOL, type BundleWorkerData, type EntryOutcome, type FromBundleWorker, type HashName, type ToBundleWorker } from './bundle-protocol';

const port = parentPort!;
const data = workerData as BundleWorkerData;
// The same build as the starting thread (native-sodium.ts reads this at its first use).
if (data.sodium === 'wasm') process.env.TEARLINE_SODIUM = 'wasm';

function send(message: FromBundleWorker): void {
  port.postMessage(message);
}

const HASH = 32;

/** Checks a batch with a verifier kept from batch to batch of the same checkpoint (it remembers the last path). */
let inclusion: { key: string; verifier: InclusionVerifier } | undefined;

function checkBatch(
  hashEntries: EntryHasher,
  m: Extract<ToBundleWorker, { type: 'check' }>,
): { hashes: Uint8Array; outcomes: EntryOutcome[]; hashMs: number; checkMs: number } {
  const { size, root, previousIndex: before } = m.context;
  const key = `${size}:${root}`;
  if (inclusion?.key !== key) inclusion = { key, verifier: new InclusionVerifier(sha256, size, fromHex(root)) };
  const started = performance.now();
  const hashes = hashEntries(m.bytes, m.desc);
  const hashed = performance.now();
  const outcomes: EntryOutcome[] = [];
  let previousIndex = before;
  let r = 0;
  for (let s = 0; s < m.spans.length; s += 2) {
    const raw = readEntryValue(m.bytes.subarray(m.spans[s]!, m.spans[s]! + m.spans[s + 1]!));
    const given: EntryHashes = { leaf: hashes.subarray(r, r + HASH), commitments: [] };
    r += HASH;
    for (let f = 0; f < raw.fields.length; f++, r += HASH) (given.commitments as Uint8Array[]).push(hashes.subarray(r, r + HASH));
    const checked = checkEntry(raw, { hash: sha256, hashParts: sha256Parts, size, inclusion: inclusion.verifier, previousIndex }, given);
    previousIndex = Math.max(previousIndex, raw.index);
    const entry = checked.entry;
    const outcome: EntryOutcome = entry ? { id: entry.header.id, kind: entry.header.kind, caseId: entry.header.caseId } : {};
    if (checked.problems.length > 0) outcome.problems = checked.problems;
    if (entry && entry.withheld.length > 0) outcome.withheld = entry.withheld;
    outcomes.push(outcome);
  }
  return { hashes, outcomes, hashMs: hashed - started, checkMs: performance.now() - hashed };
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
  let copy = new Uint8Array(0);
  const handle = (m: ToBundleWorker): void => {
    if (m.type === 'begin') {
      streams = m.names.map((name, i) => {
        const carried = m.resume?.[i];
        if (name === 'poly1305') {
          if (!carried) throw new Error('a reading’s tag is only ever carried here');
          const reading = resumeReading(carried);
          return { name, hasher: { update: (bytes: Uint8Array) => (reading.update(bytes), undefined), digest: () => reading.end() } };
        }
        return { name, hasher: name === 'sha256' ? createSha256() : carried ? resumeBlake2b(64, carried) : createBlake2b(64) };
      });
    } else if (m.type === 'update') {
      const started = performance.now();
      // Out of the shared block into one reused buffer: the native BLAKE2b refuses shared
      // memory, and would otherwise be given a new copy of every block.
      if (copy.length < m.length) copy = new Uint8Array(m.length);
      copy.set(new Uint8Array(m.buffer, 0, m.length));
      const bytes = copy.subarray(0, m.length);
      for (const s of streams) s.hasher.update(bytes);
      send({ type: 'done', buffer: m.buffer, ms: performance.now() - started });
    } else if (m.type === 'entries') {
      const started = performance.now();
      const hashes = hashEntries!(m.bytes, m.desc);
      send({ type: 'hashed', id: m.id, hashes, hashMs: performance.now() - started });
    } else if (m.type === 'check') {
      send({ type: 'checked', id: m.id, ...checkBatch(hashEntries!, m) });
    } else if (m.type === 'finish') {
      const digests = streams.map((s) => s.hasher.digest());
      streams = [];
      send({ type: 'digests', digests });
    }
  };
  const streamsAtOnce = nativeSodium() !== undefined;
  port.on('message', (m: ToBundleWorker) => {
    const ready = hashEntries !== undefined || (streamsAtOnce && waiting.length === 0 && m.type !== 'entries' && m.type !== 'check');
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
