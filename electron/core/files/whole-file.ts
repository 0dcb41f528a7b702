/**
 * Files that are written whole or not at all (key cards, drafts, settings), and the one
 * coded error for any file that cannot be written: a full disk is E_DISK_FULL, as it is
 * for the vault itself, so that the officer knows to free space rather than suspect a fault.
 */
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { TearlineError } from '../../../shared/errors';

/** `context: why` as one coded line: E_DISK_FULL when the disk (or the quota) is full, E_IO otherwise. */
export function fileWriteError(context: string, error: unknown): TearlineError {
  const code = (error as { code?: string }).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new TearlineError('E_DISK_FULL', `${context}: the disk is full`, { cause: error });
  return new TearlineError('E_IO', `${context}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/** `context: why` for a file that cannot be read, as one E_IO line (never an internal error). */
export function fileReadError(context: string, error: unknown): TearlineError {
  const code = (error as { code?: string }).code;
  const why =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : error instanceof Error ? error.message : String(error);
  return new TearlineError('E_IO', `${context}: ${why}`, { cause: error });
}

/**
 * The size of `file` if it is a regular file, undefined if there is none; anything else
 * (a folder, a FIFO, a device, which would block the reading thread) is E_IO.
 */
export function regularFileSize(file: string, context: string): number | undefined {
  const info = statSync(file, { throwIfNoEntry: false });
  if (info !== undefined && !info.isFile()) throw new TearlineError('E_IO', `${context}: not a regular file`);
  return info?.size;
}

/**
 * Writes `data` to a temporary name beside `target`, syncs it, and renames it over
 * `target`: a reader, or a crash, sees the old file or the new one, never half of one. On
 * failure the temporary file is removed and `target` is as it was.
 */
export function writeFileWhole(target: string, data: string | Uint8Array, options: { mode: number; context: string }): void {
  const temp = `${target}.writing-${process.pid}-${Date.now().toString(36)}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const fd = openSync(temp, 'wx', options.mode);
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw fileWriteError(options.context, error);
  }
}

/**
 * Gives the finished file `temp` the name `target`, unless something has that name by
 * now: returns false then, and `temp` is left for the caller to remove. A rename would
 * replace whatever appeared at `target` since the caller looked (a vault created meanwhile
 * by another window, during the seconds of a key derivation); a hard link takes the name
 * only if it is free, in one step. Where the filesystem has no hard links (FAT on
 * removable media), the look and the rename are as close together as they can be.
 */
export function renameNoReplace(temp: string, target: string): boolean {
  try {
    linkSync(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code ?? '')) throw error;
    if (existsSync(target)) return false;
    renameSync(temp, target);
    return true;
  }
  rmSync(temp, { force: true });
  return true;
}

const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);
