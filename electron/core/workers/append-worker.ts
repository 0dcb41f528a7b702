/**
 * The second thread of a large append (see append-thread.ts): it builds and seals chunks
 * of entries with the same code the writing thread uses (log/block-chunk.ts), and holds
 * the batch's keys only from the batch's 'keys' message until its 'forget'.
 *
 * Unlike the libsodium workers, which run a few lines of CommonJS given as text, this one
 * runs the core's own record code, so the build bundles it (dist/workers/append-worker.cjs).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { bulkSealer, type BulkSealer } from '../crypto/bulk-seal';
import { loadSodium } from '../crypto/sodium';
import { buildBlockChunk, chunkTransfers, keepSpares } from '../log/block-chunk';
import type { ToWorker, FromWorker } from './append-protocol';

const { port, signal } = workerData as { port: MessagePort; signal: SharedArrayBuffer };
const posted = new Int32Array(signal);

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  // The writing thread waits on this counter (it cannot take messages while it waits).
  Atomics.add(posted, 0, 1);
  Atomics.notify(posted, 0);
}

let batch: { id: number; sealer: BulkSealer; entriesKey: Uint8Array; indexKey: Uint8Array } | undefined;

/** Wipes the batch's keys (the sealer's copies, and the ones received, kept until now). */
function forget(): void {
  if (!batch) return;
  batch.sealer.dispose();
  batch.entriesKey.fill(0);
  batch.indexKey.fill(0);
  batch = undefined;
}

// A worker that dies cannot be heard by a writing thread that waits inside a transaction
// until it gives up on it: say so first.
process.on('uncaughtException', (error) => {
  forget();
  send({ type: 'failed', batch: -1, seq: -1, message: `the append worker stopped: ${error instanceof Error ? error.message : String(error)}` });
  process.exit(1);
});

loadSodium().then(
  () => {
    port.on('message', (m: ToWorker) => {
      if (m.type === 'keys') {
        forget();
        batch = { id: m.batch, sealer: bulkSealer(m.entriesKey), entriesKey: m.entriesKey, indexKey: m.indexKey };
      } else if (m.type === 'build') {
        try {
          if (batch?.id !== m.batch) throw new Error('no keys for this batch');
          const chunk = buildBlockChunk(m.job, batch.sealer, batch.indexKey);
          send({ type: 'built', batch: m.batch, seq: m.seq, chunk }, chunkTransfers(chunk));
        } catch (error) {
          send({ type: 'failed', batch: m.batch, seq: m.seq, message: error instanceof Error ? error.message : String(error) });
        }
      } else if (m.type === 'forget') {
        forget();
        send({ type: 'forgotten' });
      } else if (m.type === 'spares') {
        keepSpares(m.buffers);
      }
    });
    send({ type: 'ready' });
  },
  (error: unknown) => send({ type: 'failed', batch: -1, seq: -1, message: `libsodium did not load: ${String(error)}` }),
);
