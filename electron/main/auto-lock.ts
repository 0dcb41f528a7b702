/**
 * Auto-lock: while the vault is unlocked, lock it after a configurable time without input
 * or calls, and at once when the system suspends or the screen locks. Activity only
 * records a time (input events arrive at mouse-move rate); one timer, re-armed when it
 * fires early, decides.
 */
import type { LockReason } from '../../shared/ipc';

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
 * Locks at once on system suspend and on screen lock: the keys must be gone before the
 * machine sleeps, or while the officer is away. The lock does not wait for the renderer:
 * forms stage their changes with the core (stageDraft), whose lock writes them before the
 * keys go.
 */
export function lockOnPowerEvents(power: PowerEvents, lock: (reason: LockReason) => void): void {
  power.on('suspend', () => lock('suspend'));
  power.on('lock-screen', () => lock('lock-screen'));
}
