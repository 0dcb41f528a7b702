/**
 * Copying to the clipboard, with a self-clearing delay: after the configured time the
 * clipboard is cleared if it still holds what we put there (if the officer has copied
 * something else since, it is left alone). Only a hash of the copied text is kept to
 * compare, not the text. Also cleared, on the same condition, when the vault locks and
 * when the app quits.
 */
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from './auto-lock';

export interface ClipboardLike {
  readText(): string;
  writeText(text: string): void;
  clear(): void;
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** When the clipboard is read again after the page copied: soon, then less often, for about 2 s. */
const ADOPT_WAITS_MS = [20, 80, 200, 500, 1200];

export class ClipboardGuard {
  private copied: string | undefined;
  private timer: unknown;

  constructor(
    private readonly clipboard: ClipboardLike,
    private readonly delayMs: () => number,
    private readonly onCleared: () => void = () => undefined,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Copies `text`; returns the delay, in whole seconds, after which it clears. */
  copy(text: string): number {
    this.clipboard.writeText(text);
    return this.track(text);
  }

  /**
   * After the page itself copied or cut (the Edit menu, Ctrl+C): Chromium writes the
   * clipboard a moment later, so it is read again a few times until it has changed from
   * `before`, and then looked after as if copied here. Without this, record text copied
   * with Ctrl+C stayed on the clipboard past the delay, the lock and the app.
   */
  adoptPageCopy(before: string): void {
    const was = digest(before);
    const waits = [...ADOPT_WAITS_MS];
    const look = (): void => {
      const text = this.clipboard.readText();
      if (text !== '' && digest(text) !== was) {
        this.track(text);
        return;
      }
      const wait = waits.shift();
      if (wait !== undefined) this.clock.setTimeout(look, wait);
    };
    this.clock.setTimeout(look, waits.shift()!);
  }

  private track(text: string): number {
    this.copied = digest(text);
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    const delay = this.delayMs();
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.clearIfUnchanged();
    }, delay);
    return Math.ceil(delay / 1000);
  }

  /** Clears the clipboard if it still holds the last text we copied; true if it did. */
  clearIfUnchanged(): boolean {
    const copied = this.copied;
    if (copied === undefined) return false;
    this.copied = undefined;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (digest(this.clipboard.readText()) !== copied) return false;
    this.clipboard.clear();
    this.onCleared();
    return true;
  }
}
