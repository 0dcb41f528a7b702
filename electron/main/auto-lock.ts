/**
 * Auto-lock: while the vault is unlocked, lock it after a configurable time without input
 * or calls, at once when the system suspends, and when the screen locks once the renderer
 * has saved its drafts (a second at most). Activity only
 * records a time (input events arrive at mouse-move rate); one timer, re-armed when it
 * fires early, decides.
 */
import { DRAFTS_WAIT_MS, type LockReason } from '../../shared/ipc';

export { DRAFTS_WAIT_MS };

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class AutoLock {
  private delayMs: number;
  private last = 0;
  private timer: unknown;
  private armed = false;

  constructor(
    delayMs: number,
    private readonly onIdle: () => void,
    private readonly clock: Clock = systemClock,
  ) {
    this.delayMs = delayMs;
  }

  get running(): boolean {
    return this.armed;
  }

  /** The vault unlocked: start counting from now. */
  start(): void {
    this.armed = true;
    this.last = this.clock.now();
    this.schedule(this.delayMs);
  }

  /** The vault locked: nothing to count. */
  stop(): void {
    this.armed = false;
    this.cancelTimer();
  }

  activity(): void {
    this.last = this.clock.now();
  }

  setDelay(delayMs: number): void {
    this.delayMs = delayMs;
    if (this.armed) this.schedule(Math.max(0, this.last + delayMs - this.clock.now()));
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    this.timer = this.clock.setTimeout(() => this.fire(), ms);
  }

  private fire(): void {
    this.timer = undefined;
    if (!this.armed) return;
    const idle = this.clock.now() - this.last;
    if (idle >= this.delayMs) {
      this.armed = false;
      this.onIdle();
    } else {
      this.schedule(this.delayMs - idle);
    }
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** What the app needs of Electron's powerMonitor. */
export interface PowerEvents {
  on(event: 'suspend' | 'lock-screen', listener: () => void): unknown;
}


/**
 * The renderer's drafts, saved before a lock that the officer did not ask for: a form saves
 * its draft 800 ms after the last change (renderer/src/forms/useDraft.ts), and the lock
 * takes the key that saving needs, so the last moment of typing would be lost. `ask` tells
 * the renderer ('locking' event), which saves what waits and answers (`saved`, the
 * draftsSaved channel); it waits DRAFTS_WAIT_MS at most, so that a renderer that never
 * answers cannot keep the keys.
 */
export class DraftsBeforeLock {
  // Each ask is numbered, and only the answer naming it ends its wait: a late answer to an
  // earlier lock says nothing of the drafts typed since.
  private next = 0;
  private readonly waiting = new Map<number, () => void>();

  constructor(
    private readonly announce: (reason: LockReason, request: number) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  ask(reason: LockReason): Promise<void> {
    const request = this.next++;
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        if (!this.waiting.delete(request)) return;
        this.clock.clearTimeout(timer);
        resolve();
      };
      const timer = this.clock.setTimeout(finish, DRAFTS_WAIT_MS);
      this.waiting.set(request, finish);
      this.announce(reason, request);
    });
  }

  /** The renderer has saved its drafts, as lock `request` asked. */
  saved(request: number): void {
    this.waiting.get(request)?.();
  }
}

/**
 * Locks on system suspend and on screen lock. A screen lock first lets the renderer save
 * its drafts (`beforeScreenLock`, a second at most); a suspend does not wait, as the keys
 * must be gone before the machine sleeps.
 */
export function lockOnPowerEvents(power: PowerEvents, lock: (reason: LockReason) => void, beforeScreenLock?: (reason: LockReason) => Promise<void>): void {
  power.on('suspend', () => lock('suspend'));
  power.on('lock-screen', () => {
    if (!beforeScreenLock) return lock('lock-screen');
    void beforeScreenLock('lock-screen')
      .catch(() => undefined)
      .then(() => lock('lock-screen'))
      .catch(() => undefined);
  });
}
