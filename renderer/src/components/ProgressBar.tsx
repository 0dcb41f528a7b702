import { useId } from 'react';
import { PHASE_LABELS, type Progress } from '../api/operations';

interface Props {
  /** What runs, e.g. "Unlocking". */
  label: string;
  progress: Progress | null;
  onCancel?: () => void;
}

/** A labelled progress bar with the phase in words; indeterminate until the first report. */
export function ProgressBar({ label, progress, onCancel }: Props) {
  const id = useId();
  const total = progress?.total ?? 0;
  const percent = progress && total > 0 ? Math.min(100, Math.round((progress.done / total) * 100)) : null;
  const phase = progress ? (PHASE_LABELS[progress.phase] ?? progress.phase) : 'Starting';
  return (
    <div className="progress" role="group" aria-labelledby={`${id}-label`}>
      <div className="progress-text">
        <span id={`${id}-label`}>{label}</span>
        <span aria-live="polite">
          {phase}
          {percent !== null ? ` — ${percent}%` : '…'}
        </span>
      </div>
      {percent !== null ? (
        <progress aria-labelledby={`${id}-label`} value={percent} max={100} />
      ) : (
        <progress aria-labelledby={`${id}-label`} />
      )}
      {onCancel ? (
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}
