/**
 * Long operations (Argon2id, unlock, verification, export, import, backup): each gets an
 * operation id, so that its progress events can be shown as a progress bar and the
 * officer can cancel it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ProgressPhase } from '../../../shared/ipc';
import { call, newOperationId, onTearlineEvent } from './client';

export interface Progress {
  /** The core's phase (kdf, decrypt, tree, verify, write) or a bundle phase. */
  phase: ProgressPhase | string;
  done: number;
  total: number;
}

export interface LongOperation<A, T> {
  run: (arg: A) => Promise<T>;
  progress: Progress | null;
  running: boolean;
  cancel: () => void;
}

/**
 * Runs `task(arg, operationId)` and follows its progress. The listener is in place
 * before the call starts, so that no early progress event is missed.
 */
export function useLongOperation<A, T>(task: (arg: A, operationId: string) => Promise<T>, prefix = 'op'): LongOperation<A, T> {
  const current = useRef<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [running, setRunning] = useState(false);
  const taskRef = useRef(task);
  taskRef.current = task;

  useEffect(
    () =>
      onTearlineEvent((event) => {
        if (event.type === 'progress' && event.operationId === current.current) {
          setProgress({ phase: event.phase, done: event.done, total: event.total });
        }
      }),
    [],
  );

  const run = useCallback(
    async (arg: A): Promise<T> => {
      const id = newOperationId(prefix);
      current.current = id;
      setProgress(null);
      setRunning(true);
      try {
        return await taskRef.current(arg, id);
      } finally {
        if (current.current === id) {
          current.current = null;
          setRunning(false);
        }
      }
    },
    [prefix],
  );

  const cancel = useCallback(() => {
    const id = current.current;
    if (id) void call('cancel', { operationId: id }).catch(() => undefined);
  }, []);

  return { run, progress, running, cancel };
}

/** Words for a progress phase. */
export const PHASE_LABELS: Record<string, string> = {
  kdf: 'Deriving the key from the passphrase',
  decrypt: 'Decrypting the records',
  tree: 'Rebuilding the log',
  verify: 'Checking the log',
  write: 'Writing',
  read: 'Reading',
  hash: 'Checking the signature',
  entries: 'Checking the entries',
  store: 'Storing',
};
