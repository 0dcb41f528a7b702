/**
 * The auto-lock timer and the self-clearing clipboard, on a manual clock: time moves only
 * when the test moves it, so nothing here depends on how fast the machine is.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AutoLock, lockOnPowerEvents, type Clock } from '../../electron/main/auto-lock';
import { ClipboardGuard, type ClipboardLike } from '../../electron/main/clipboard';

class ManualClock implements Clock {
  private t = 1_000_000;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.t;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].callback();
    }
    this.t = end;
  }
}

const MINUTE = 60_000;

describe('AutoLock', () => {
  function setup(delay = 10 * MINUTE) {
    const clock = new ManualClock();
    let locks = 0;
    const auto = new AutoLock(delay, () => locks++, clock);
    return { clock, auto, locks: () => locks };
  }

  it('locks after the delay without activity, once', () => {
    const { clock, auto, locks } = setup();
    auto.start();
    clock.advance(10 * MINUTE - 1);
    expect(locks()).toBe(0);
    clock.advance(1);
    expect(locks()).toBe(1);
    expect(auto.running).toBe(false);
    clock.advance(60 * MINUTE);
    expect(locks()).toBe(1);
  });

  it('counts from the last activity', () => {
    const { clock, auto, locks } = setup();
    auto.start();
    clock.advance(9 * MINUTE);
    auto.activity();
    clock.advance(9 * MINUTE);
    auto.activity();
    clock.advance(9 * MINUTE);
    expect(locks()).toBe(0);
    clock.advance(1 * MINUTE);
    expect(locks()).toBe(1);
  });

  it('does nothing while locked, and starts afresh at the next unlock', () => {
    const { clock, auto, locks } = setup();
    auto.activity();
    clock.advance(60 * MINUTE);
    expect(locks()).toBe(0);
    auto.start();
    clock.advance(5 * MINUTE);
    auto.stop();
    expect(clock.pending).toBe(0);
    clock.advance(60 * MINUTE);
    expect(locks()).toBe(0);
    auto.start();
    clock.advance(10 * MINUTE);
    expect(locks()).toBe(1);
  });

  it('applies a new delay at once, counted from the last activity', () => {
    const { clock, auto, locks } = setup(30 * MINUTE);
    auto.start();
    clock.advance(6 * MINUTE);
    auto.setDelay(5 * MINUTE);
    expect(locks()).toBe(0);
    clock.advance(0);
    expect(locks()).toBe(1);

    const second = setup(5 * MINUTE);
    second.auto.start();
    second.clock.advance(4 * MINUTE);
    second.auto.setDelay(20 * MINUTE);
    second.clock.advance(15 * MINUTE);
    expect(second.locks()).toBe(0);
    second.clock.advance(1 * MINUTE);
    expect(second.locks()).toBe(1);
  });

  it('locks at once on system suspend and on screen lock', () => {
    const power = new EventEmitter();
    const reasons: string[] = [];
    lockOnPowerEvents(power as never, (reason) => reasons.push(reason));
    power.emit('suspend');
    power.emit('lock-screen');
    power.emit('resume');
    expect(reasons).toEqual(['suspend', 'lock-screen']);
  });
});

class FakeClipboard implements ClipboardLike {
  text = '';
  clears = 0;
  readText(): string {
    return this.text;
  }
  writeText(text: string): void {
    this.text = text;
  }
  clear(): void {
    this.text = '';
    this.clears++;
  }
}

describe('ClipboardGuard', () => {
  function setup(delayMs = 30_000) {
    const clock = new ManualClock();
    const board = new FakeClipboard();
    let cleared = 0;
    const guard = new ClipboardGuard(board, () => delayMs, () => cleared++, clock);
    return { clock, board, guard, cleared: () => cleared };
  }

  it('copies, and clears after the delay if the clipboard still holds the text', () => {
    const { clock, board, guard, cleared } = setup();
    expect(guard.copy('age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq')).toBe(30);
    expect(board.text).toMatch(/^age1/);
    clock.advance(29_999);
    expect(board.text).toMatch(/^age1/);
    clock.advance(1);
    expect(board.text).toBe('');
    expect(board.clears).toBe(1);
    expect(cleared()).toBe(1);
  });

  it('looks after what the page itself copied (Ctrl+C), once the clipboard has changed', () => {
    const { clock, board, guard, cleared } = setup();
    board.writeText('from another program');
    guard.adoptPageCopy(board.readText());
    // Chromium writes the clipboard a moment after the menu's Copy.
    clock.advance(90);
    board.writeText('the intended victim, as the record names them');
    clock.advance(29_000);
    expect(board.text).toBe('the intended victim, as the record names them');
    clock.advance(2_000);
    expect(board.text).toBe('');
    expect(cleared()).toBe(1);
  });

  it('adopts nothing if the page copied nothing', () => {
    const { clock, board, guard } = setup();
    board.writeText('from another program');
    guard.adoptPageCopy(board.readText());
    clock.advance(120_000);
    expect(board.text).toBe('from another program');
    expect(guard.clearIfUnchanged()).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('leaves the clipboard alone if something else was copied since', () => {
    const { clock, board, guard, cleared } = setup();
    guard.copy('the sanitized warning text');
    board.writeText('something the officer copied elsewhere');
    clock.advance(60_000);
    expect(board.text).toBe('something the officer copied elsewhere');
    expect(board.clears).toBe(0);
    expect(cleared()).toBe(0);
  });

  it('restarts the delay on a new copy, and clears only the latest', () => {
    const { clock, board, guard } = setup();
    guard.copy('first');
    clock.advance(20_000);
    guard.copy('second');
    clock.advance(20_000);
    expect(board.text).toBe('second');
    clock.advance(10_000);
    expect(board.text).toBe('');
    expect(board.clears).toBe(1);
  });

  it('clears at lock and quit if unchanged, and only once', () => {
    const { clock, board, guard } = setup();
    guard.copy('fingerprint words');
    expect(guard.clearIfUnchanged()).toBe(true);
    expect(board.text).toBe('');
    expect(clock.pending).toBe(0);
    expect(guard.clearIfUnchanged()).toBe(false);
    expect(board.clears).toBe(1);
  });
});
