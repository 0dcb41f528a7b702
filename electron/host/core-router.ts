/**
 * The utility process's main thread. The core itself runs on a worker thread, so that this
 * thread stays free while an unlock or an integrity check runs: it receives cancel and lock
 * requests at once and raises the operation's flag in shared memory, which the core's loop
 * sees at its next progress report.
 */
import { ToCoreSchema, type FromCore, type ToCore, type ToWorker } from './messages';
import { newCancelBuffer, sharedCancelSignal } from './operation';

interface Running {
  operationId: string | undefined;
  cancel: () => void;
}

export class CoreRouter {
  private readonly running = new Map<number, Running>();

  constructor(
    private readonly toWorker: (message: ToWorker) => void,
    private readonly toParent: (message: FromCore) => void,
  ) {}

  /** A message from the main process. Anything that is not one of ours is dropped. */
  fromParent(raw: unknown): void {
    const parsed = ToCoreSchema.safeParse(raw);
    if (!parsed.success) return;
    const message: ToCore = parsed.data;
    switch (message.type) {
      case 'call': {
        // Locking by hand pre-empts whatever runs, as an automatic lock does.
        if (message.channel === 'lockVault') this.cancelAll();
        const cancel = newCancelBuffer();
        this.running.set(message.id, { operationId: message.operationId, cancel: sharedCancelSignal(cancel).cancel });
        this.toWorker({ ...message, cancel });
        return;
      }
      case 'cancel':
        this.cancel(message.operationId);
        return;
      case 'lock':
        this.cancelAll();
        this.toWorker(message);
        return;
    }
  }

  /** A message from the core's worker, passed on to the main process. */
  fromWorker(message: FromCore): void {
    if (message.type === 'result') this.running.delete(message.id);
    this.toParent(message);
  }

  /** True if an operation with this id was running. */
  cancel(operationId: string): boolean {
    let found = false;
    for (const call of this.running.values()) {
      if (call.operationId === operationId) {
        call.cancel();
        found = true;
      }
    }
    return found;
  }

  private cancelAll(): void {
    for (const call of this.running.values()) call.cancel();
  }
}
