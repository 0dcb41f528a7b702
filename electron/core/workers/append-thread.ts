/**
 * A second thread for large appends. On two cores an append of tens of thousands of
 * entries spends most of its time building and sealing records, which needs nothing from
 * the log but each entry's index: chunks of one index block each are built here and on a
 * worker, and applied to the log (tree, rows, index) in order, here.
 *
 * The append is one synchronous SQLite transaction, so this thread cannot wait for the
 * worker's messages on the event loop: the worker bumps a shared counter after each
 * message, this thread sleeps on it (Atomics.wait) and takes the message from the port
 * directly (receiveMessageOnPort). If the worker is missing, fails or stops answering, its
 * chunks are built here: the worker changes how fast a batch is built, never what is
 * written.
 *
 * The worker holds copies of the entries and index keys for the length of one batch; it
 * wipes them when the batch ends, on success or failure, and says so. It is a thread of
 * this process, inside the same boundary as the keys it is given.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { chunkSpares, keepSpares, type BuiltChunk, type ChunkJob } from '../log/block-chunk';
import type { FromWorker, ToWorker } from './append-protocol';
import { workerFile } from './worker-file';

/** Chunks queued at the worker at a time: one it works on, one ready to start. */
const LOOKAHEAD = 2;
/** How far past the chunk it awaits this thread builds chunks of its own. */
const AHEAD = LOOKAHEAD + 2;
/** A worker that says nothing for this long is taken for stopped (a chunk takes well under a second). */
const SILENCE_MS = 20_000;

/** The bundled worker (worker-file.ts). */
export function appendWorkerFile(): string | undefined {
  return workerFile('append-worker');
}

/** A run of chunks for `AppendThread.run`. */
export interface ChunkWork {
  count: number;
  jobAt: (j: number) => ChunkJob;
  keys: { entries: Uint8Array; index: Uint8Array };
  buildHere: (job: ChunkJob) => BuiltChunk;
  apply: (chunk: BuiltChunk) => void;
  /** Work to do here, in order, once the worker has its first chunks. */
  before?: () => void;
  /**
   * A step of other work to do here, once every chunk is handed out, instead of waiting
   * for the worker; false once there is none.
   */
  spare?: () => boolean;
}

export class AppendThread {
  private dead = false;
  /** Set once the worker has loaded: until then this thread builds every chunk itself. */
  private ready = false;
  /** Set when the worker says it has wiped a batch's keys. */
  private forgotten = false;
  private batches = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly posted: Int32Array,
  ) {
    worker.on('error', () => (this.dead = true));
    worker.on('exit', () => (this.dead = true));
  }

  /** Starts the worker, or returns undefined where there is none (TEARLINE_APPEND_WORKER=off turns it off). */
  static start(): AppendThread | undefined {
    if (process.env.TEARLINE_APPEND_WORKER === 'off') return undefined;
    const file = appendWorkerFile();
    if (!file) return undefined;
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    let worker: Worker;
    try {
      worker = new Worker(file, {
        workerData: { port: port2, signal },
        transferList: [port2],
        // No loader hooks or inspector from the parent: the worker is plain bundled CommonJS.
        execArgv: [],
        // A small young generation: the default grew RSS by ~30 MB. At 8 MB a chunk's
        // bodies and strings outlived two scavenges and filled the old space, which was
        // collected every few chunks (a 100k batch: ~400 scavenges, ~36 full collections);
        // 16 MB spends ~12% less CPU on the batch, all threads counted, for ~13 MB of RSS.
        resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 16 },
      });
    } catch {
      // No worker (threads unavailable, too many): the append runs on this thread.
      port1.close();
      return undefined;
    }
    // Neither keeps a command from exiting; close() ends the worker with the vault.
    worker.unref();
    port1.unref();
    return new AppendThread(worker, port1, new Int32Array(signal));
  }

  get usable(): boolean {
    return !this.dead;
  }

  /** Resolves once the worker has loaded (true), or has failed or not loaded in time (false). */
  async loaded(timeoutMs = SILENCE_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ready && !this.dead && Date.now() < deadline) {
      this.receive(this.batches, false);
      if (!this.ready) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.ready && !this.dead;
  }

  /**
   * Builds `count` chunks here and on the worker, and applies each built chunk here, in
   * order. `jobAt(j)` makes chunk j's job when it is handed out, in order, so that
   * timestamps follow the log's order whichever thread builds an entry. Returns how many
   * chunks the worker built.
   */
  run(work: ChunkWork): number {
    const { count, jobAt, buildHere, apply } = work;
    const batch = ++this.batches;
    const built = new Map<number, BuiltChunk>();
    const atWorker = new Map<number, ChunkJob>();
    const fromWorker = new Set<number>();
    let keysSent = false;
    let workerBuilt = 0;
    let claimed = 0;
    let spare = work.spare !== undefined;
    const feed = (): void => {
      while (this.ready && !this.dead && atWorker.size < LOOKAHEAD && claimed < count) {
        if (!keysSent) {
          // Copies moved to the worker, not cloned: no copy is left behind here, unwiped.
          // Sent only to a worker that has loaded, which reads them at once.
          const entriesKey = work.keys.entries.slice();
          const indexKey = work.keys.index.slice();
          this.send({ type: 'keys', batch, entriesKey, indexKey }, [entriesKey.buffer, indexKey.buffer]);
          for (const key of [entriesKey, indexKey]) if (key.length > 0) key.fill(0);
          keysSent = true;
        }
        const job = jobAt(claimed);
        this.send({ type: 'build', batch, seq: claimed, job });
        atWorker.set(claimed++, job);
      }
    };
    try {
      // The worker starts on its first chunks while this thread does what comes before them.
      if (!this.ready) this.receive(batch, false);
      feed();
      work.before?.();
      for (let next = 0; next < count; ) {
        const ready = built.get(next);
        if (ready) {
          built.delete(next);
          try {
            apply(ready);
          } finally {
            ready.blockPlain.fill(0);
          }
          // Its large buffers go back to the thread that built it, for its next chunks.
          if (fromWorker.delete(next)) this.send({ type: 'spares', buffers: chunkSpares(ready) }, chunkSpares(ready));
          else keepSpares(chunkSpares(ready));
          next++;
          continue;
        }
        if (this.ready && !this.dead && atWorker.size < LOOKAHEAD && claimed < count) {
          feed();
          continue;
        }
        // Build here what the worker does not have, but not too far ahead of the chunk
        // awaited: a slow worker must not make this thread hold a whole batch of chunks.
        const buildHereNext = claimed < count && claimed - next < AHEAD;
        let mustWait = !buildHereNext && atWorker.has(next);
        // Other work only once every chunk is handed out: what comes after the chunks must
        // not take an earlier time than a chunk still to be handed out.
        if (mustWait && spare && claimed >= count) {
          spare = work.spare!();
          mustWait = false;
        }
        const answer = this.receive(batch, mustWait);
        const job = answer ? atWorker.get(answer.seq) : undefined;
        if (answer?.type === 'built' && job) {
          atWorker.delete(answer.seq);
          built.set(answer.seq, answer.chunk);
          fromWorker.add(answer.seq);
          workerBuilt++;
        } else if (answer?.type === 'failed' && job) {
          // Built here instead: if the job itself is at fault, the same error is thrown here.
          atWorker.delete(answer.seq);
          built.set(answer.seq, buildHere(job));
        } else if (answer === undefined && mustWait) {
          this.close();
          for (const [seq, lost] of atWorker) built.set(seq, buildHere(lost));
          atWorker.clear();
        } else if (answer === undefined && buildHereNext) {
          built.set(claimed, buildHere(jobAt(claimed)));
          claimed++;
        }
      }
    } finally {
      for (const chunk of built.values()) chunk.blockPlain.fill(0);
      if (keysSent) this.forget();
    }
    return workerBuilt;
  }

  /**
   * Ends the worker's batch: it wipes its keys after the chunks it still has (those of a
   * failed batch), whose answers are wiped here as they come. Waits for it to say so, for
   * as long as a chunk can take; a worker that does not answer in that time is ended.
   */
  private forget(): void {
    this.send({ type: 'forget' });
    const deadline = Date.now() + SILENCE_MS;
    while (!this.dead && !this.forgotten) {
      this.receive(-1, true, deadline);
      if (!this.forgotten && Date.now() >= deadline) this.close();
    }
    this.forgotten = false;
  }

  /** Ends the worker. */
  close(): void {
    this.dead = true;
    void this.worker.terminate();
  }

  private send(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (!this.dead) this.port.postMessage(message, transfer);
  }

  /**
   * The worker's next answer about `batch` (older batches' answers are dropped), or
   * undefined: at once if `wait` is false and there is none, after SILENCE_MS if the
   * worker says nothing at all (it is then taken for stopped).
   */
  private receive(batch: number, wait: boolean, deadline = Date.now() + SILENCE_MS): Extract<FromWorker, { batch: number }> | undefined {
    let timedOut = false;
    for (;;) {
      if (this.dead) return undefined;
      const seen = Atomics.load(this.posted, 0);
      const got = receiveMessageOnPort(this.port) as { message: FromWorker } | undefined;
      if (got) {
        const m = got.message;
        if (m.type === 'failed' && m.batch === -1) {
          this.dead = true;
          return undefined;
        }
        if (m.type === 'ready') this.ready = true;
        else if (m.type === 'forgotten') this.forgotten = true;
        else if (m.batch === batch) return m;
        // An answer about a batch that has ended (it failed): its index plaintext is wiped.
        else if (m.type === 'built') m.chunk.blockPlain.fill(0);
        if (this.forgotten && batch === -1) return undefined;
        continue;
      }
      if (!wait || timedOut) return undefined;
      const left = deadline - Date.now();
      // One more look at the port after a timeout: the message may have come with it.
      if (left <= 0 || Atomics.wait(this.posted, 0, seen, left) === 'timed-out') timedOut = true;
    }
  }
}
