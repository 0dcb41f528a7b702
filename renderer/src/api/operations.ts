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

export interface OperationOutcome<T> {
  result: T | null;
  failure: unknown;
  /** Clears the last outcome, runs the operation, and keeps its result or its error. */
  start: () => Promise<void>;
}

/**
 * The result or the error of the last run of an operation that takes no argument (an
 * integrity check, a backup), for screens that show one or the other under a button.
 */
export function useOperationOutcome<T>(op: LongOperation<void, T>): OperationOutcome<T> {
  const [result, setResult] = useState<T | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const { run } = op;
  const start = useCallback(async () => {
    setFailure(null);
    setResult(null);
    try {
      setResult(await run(undefined));
    } catch (error) {
      setFailure(error);
    }
  }, [run]);
  return { result, failure, start };
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
