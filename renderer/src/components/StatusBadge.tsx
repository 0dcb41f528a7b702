import { CASE_STATUS_INFO, type CaseStatus } from '../../../shared/domain';

export function StatusBadge({ status }: { status: CaseStatus }) {
  const info = CASE_STATUS_INFO[status];
  return (
    <span className={`badge status-${status}`} title={info.description}>
      {info.label}
    </span>
  );
}

/** The TLP marking as a coloured badge. */
export function MarkingBadge({ marking }: { marking: string | null }) {
  if (!marking) return null;
  const tone = marking.replace(/^TLP:/, '').toLowerCase().replace(/[^a-z]+/g, '-');
  return <span className={`badge tlp tlp-${tone}`}>{marking}</span>;
}
