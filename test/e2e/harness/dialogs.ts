/**
 * The test double of the main process's open and save dialogs (electron/main/dialogs.ts).
 * A test decides beforehand what the officer "chooses": a path, or a cancel. Every dialog
 * the app asks for is recorded, so a test can check which one it was. With nothing
 * queued, a test harness cancels (and the test sees the call fail), while the standalone
 * harness chooses for itself in its own files folder, so that manual checks work.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FileDialogSpec } from '../../../shared/ipc';
import { datedName } from '../../../electron/main/dialogs';

export type DialogAnswer = { path: string } | { cancel: true };

export interface ShownDialog {
  spec: FileDialogSpec;
  /** The path returned, or undefined for a cancel. */
  chosen: string | undefined;
}

export class DialogDouble {
  private readonly queue: DialogAnswer[] = [];
  readonly shown: ShownDialog[] = [];

  constructor(
    /** Where the standalone harness saves and looks for files. */
    readonly filesDir: string,
    private readonly whenUnanswered: 'cancel' | 'choose',
  ) {}

  /** The next dialog returns this path. */
  answer(filePath: string): void {
    this.queue.push({ path: filePath });
  }

  /** The next dialog is cancelled. */
  cancelNext(): void {
    this.queue.push({ cancel: true });
  }

  get pending(): number {
    return this.queue.length;
  }

  choose(spec: FileDialogSpec): string | undefined {
    const next = this.queue.shift();
    const chosen = next ? ('path' in next ? next.path : undefined) : this.whenUnanswered === 'choose' ? this.pick(spec) : undefined;
    this.shown.push({ spec, chosen });
    return chosen;
  }

  /** Save: a dated name in the files folder. Open: the newest file there that the filters accept. */
  private pick(spec: FileDialogSpec): string | undefined {
    if (spec.mode === 'save') return path.join(this.filesDir, datedName(spec.defaultName ?? 'tearline-file', new Date()));
    const extensions = new Set(spec.filters.flatMap((f) => f.extensions).map((e) => e.toLowerCase()));
    const accepts = (name: string) => extensions.has('*') || extensions.has(path.extname(name).slice(1).toLowerCase());
    const files = readdirSync(this.filesDir)
      .filter(accepts)
      .map((name) => path.join(this.filesDir, name))
      .filter((file) => statSync(file).isFile())
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    return files[0];
  }
}
