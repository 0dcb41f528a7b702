/**
 * The core, run as Electron runs it but without Electron: the app's core-process entry on a
 * worker thread (it holds the vault, its keys and the CoreService), behind the app's own
 * CoreRouter (cancel and lock flags in shared memory), presented to the app's CoreClient as
 * the utility process it expects. Only the process boundary is replaced by a thread one.
 */
import { Worker } from 'node:worker_threads';
import { CoreRouter } from '../../../electron/host/core-router';
import type { CoreArgs, FromCore, ToCore } from '../../../electron/host/messages';
import type { CoreChild } from '../../../electron/main/core-client';

export interface CoreThread extends CoreChild {
  /** Resolves when the worker has ended (after kill, or on its own). */
  readonly ended: Promise<void>;
}

export function spawnCoreThread(script: string, args: CoreArgs, log: (line: string) => void): CoreThread {
  const worker = new Worker(script, { workerData: args satisfies CoreArgs });
  const messageListeners: ((message: unknown) => void)[] = [];
  const exitListeners: ((code: number) => void)[] = [];
  const router = new CoreRouter(
    (message) => worker.postMessage(message),
    (message) => {
      for (const listener of messageListeners) listener(message);
    },
  );
  worker.on('message', (message: FromCore) => router.fromWorker(message));
  worker.on('error', (error) => {
    log(`core thread failed: ${error.stack ?? error.message}`);
  });
  const ended = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      for (const listener of exitListeners) listener(code);
      resolve();
    });
  });
  return {
    ended,
    postMessage(message: ToCore) {
      router.fromParent(message);
    },
    on(event: 'message' | 'exit', listener: ((message: unknown) => void) | ((code: number) => void)) {
      if (event === 'message') messageListeners.push(listener as (message: unknown) => void);
      else exitListeners.push(listener as (code: number) => void);
      return this;
    },
    kill() {
      void worker.terminate();
      return true;
    },
  } as CoreThread;
}
