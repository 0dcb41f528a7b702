/**
 * The entry of the core's utility process (Electron `utilityProcess.fork`), bundled to
 * dist/electron/core-process.cjs. The same file runs twice: as the process's main thread,
 * which talks to the main process over `process.parentPort` and routes messages, and as
 * the worker thread that holds the vault and its keys. Keys exist nowhere else.
 */
import type { ParentPort } from 'electron';
import { isMainThread, parentPort as threadPort, Worker, workerData } from 'node:worker_threads';
import { CoreHost } from './core-host';
import { CoreRouter } from './core-router';
import { parseCoreArgv, type CoreArgs, type FromCore, type ToWorker } from './messages';

function runRouter(): void {
  // Electron sets parentPort in a utility process only.
  const parent = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (!parent) throw new Error('core-process must be started by Electron as a utility process');
  const args = parseCoreArgv(process.argv);
  const worker = new Worker(__filename, { workerData: args satisfies CoreArgs });
  const router = new CoreRouter(
    (message) => worker.postMessage(message),
    (message) => parent.postMessage(message),
  );
  parent.on('message', (event) => router.fromParent(event.data));
  worker.on('message', (message: FromCore) => router.fromWorker(message));
  // Without its worker the process holds nothing: end, and the main process reports the
  // vault locked and starts a fresh core for the next call.
  worker.on('error', () => process.exit(1));
  worker.on('exit', (code) => process.exit(code === 0 ? 1 : code));
}

function runWorker(): void {
  const port = threadPort;
  if (!port) throw new Error('the core worker has no parent port');
  const host = new CoreHost(workerData as CoreArgs, (message) => port.postMessage(message));
  port.on('message', (message: ToWorker) => host.handle(message));
  const wipe = (): void => host.service.dispose();
  process.on('exit', wipe);
}

if (isMainThread) runRouter();
else runWorker();
