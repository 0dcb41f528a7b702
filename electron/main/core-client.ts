/**
 * The main process's handle on the core's utility process: numbered calls and their
 * results, progress and lock-state events, cancellation by operation id, and a lock that
 * needs no reply. The process is started at the first call and again after it stops; if it
 * stops (a crash, an out-of-memory kill) every waiting call fails and the vault is locked,
 * since its keys died with it.
 */
import { fail, type IpcResult, type LockReason, type ProgressEvent, type TearlineEvent } from '../../shared/ipc';
import { FromCoreSchema, type ToCore } from '../host/messages';

/** What the main process needs of Electron's UtilityProcess. */
export interface CoreChild {
  postMessage(message: ToCore): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface CoreClientListener {
  onProgress(event: ProgressEvent): void;
  onLocked(reason: LockReason): void;
  onUnlocked(): void;
}

/**
 * How the main process reacts to the core's events: activity keeps the vault from idling
 * into a lock, and a lock also clears what we put on the clipboard. The app and the test
 * harness both use this, so the harness cannot drift from what the app does.
 */
export function coreEventListener(deps: {
  autoLock: { activity(): void; start(): void; stop(): void };
  clipboard: { clearIfUnchanged(): unknown };
  broadcast(event: TearlineEvent): void;
}): CoreClientListener {
  return {
    onProgress: (event) => {
      // A long operation in progress is activity: the vault does not lock under it.
      deps.autoLock.activity();
      deps.broadcast(event);
    },
    onUnlocked: () => {
      deps.autoLock.start();
      deps.broadcast({ type: 'unlocked' });
    },
    onLocked: (reason) => {
      deps.autoLock.stop();
      deps.clipboard.clearIfUnchanged();
      deps.broadcast({ type: 'locked', reason });
    },
  };
}

export interface CallExtras {
  file?: string;
  operationId?: string;
}

interface Pending {
  resolve: (result: IpcResult<unknown>) => void;
  operationId: string | undefined;
}

/** How long the core has to confirm a lock before its process is ended (the keys end with it). */
export const LOCK_CONFIRM_MS = 10_000;

export class CoreClient {
  private child: CoreChild | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private unlocked = false;
  private lockWatch: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly spawn: () => CoreChild,
    private readonly listener: CoreClientListener,
    private readonly lockConfirmMs = LOCK_CONFIRM_MS,
  ) {}

  get isUnlocked(): boolean {
    return this.unlocked;
  }

  call(channel: string, request: unknown, extras: CallExtras = {}): Promise<IpcResult<unknown>> {
    const child = this.ensureChild();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, operationId: extras.operationId });
      child.postMessage({
        type: 'call',
        id,
        channel,
        request,
        ...(extras.file !== undefined ? { file: extras.file } : {}),
        ...(extras.operationId !== undefined ? { operationId: extras.operationId } : {}),
      });
    });
  }

  /** True if a call with this operation id is waiting for its result. */
  cancel(operationId: string): boolean {
    const running = [...this.pending.values()].some((p) => p.operationId === operationId);
    if (running) this.child?.postMessage({ type: 'cancel', operationId });
    return running;
  }

  /**
   * Wipes the keys in the core process, pre-empting whatever runs there. The window is
   * told at once, not when the core gets to it: the core's thread may be in the middle of
   * a long step (a large append, a bundle read from slow media), and records must not
   * stay on screen, nor text on the clipboard, meanwhile. If the core has not confirmed
   * the lock in `lockConfirmMs`, its process is ended, and the keys with it.
   */
  lock(reason: LockReason): void {
    const child = this.child;
    if (!child) return;
    child.postMessage({ type: 'lock', reason });
    if (!this.unlocked) return;
    this.unlocked = false;
    this.listener.onLocked(reason);
    if (this.lockWatch === undefined) {
      this.lockWatch = setTimeout(() => {
        this.lockWatch = undefined;
        if (this.child === child) child.kill();
      }, this.lockConfirmMs);
      this.lockWatch.unref?.();
    }
  }

  /** At quit: lock, then end the process (its exit wipes anything left). */
  stop(): void {
    const child = this.child;
    if (!child) return;
    this.lock('user');
    this.child = undefined;
    this.failAll();
    child.kill();
  }

  private ensureChild(): CoreChild {
    if (this.child) return this.child;
    const child = this.spawn();
    this.child = child;
    child.on('message', (raw) => this.receive(raw));
    child.on('exit', () => {
      if (this.child !== child) return;
      this.child = undefined;
      this.confirmed();
      this.failAll();
      if (this.unlocked) {
        this.unlocked = false;
        this.listener.onLocked('core-stopped');
      }
    });
    return child;
  }

  private receive(raw: unknown): void {
    const parsed = FromCoreSchema.safeParse(raw);
    if (!parsed.success) {
      // A result we cannot read still ends its call: dropped, the call would wait for ever.
      const id = (raw as { type?: unknown; id?: unknown } | null)?.type === 'result' ? (raw as { id: unknown }).id : undefined;
      const pending = typeof id === 'number' ? this.pending.get(id) : undefined;
      if (pending) {
        this.pending.delete(id as number);
        pending.resolve(fail('E_INTERNAL', "the core's answer did not match the contract"));
      }
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'result': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        pending?.resolve(message.result as IpcResult<unknown>);
        return;
      }
      case 'progress':
        this.listener.onProgress({ ...message, type: 'progress' });
        return;
      case 'state':
        if (message.locked) {
          this.confirmed();
          // Already reported when the lock was asked for here.
          if (!this.unlocked) return;
          this.unlocked = false;
          this.listener.onLocked(message.reason ?? 'user');
        } else {
          this.unlocked = true;
          this.listener.onUnlocked();
        }
        return;
    }
  }

  private confirmed(): void {
    if (this.lockWatch !== undefined) clearTimeout(this.lockWatch);
    this.lockWatch = undefined;
  }

  private failAll(): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.resolve(fail('E_INTERNAL', 'the core process stopped; the vault is locked'));
  }
}
