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
