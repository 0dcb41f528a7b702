/**
 * How values read on screen: dates in the officer's time zone with the zone named, hours
 * and days, fingerprints in groups, and the date-time inputs' local values to and from
 * ISO 8601 with an offset (what the schemas want).
 */
import { formatFingerprint } from '../../../shared/keys/fingerprint';

const pad = (n: number, width = 2) => String(Math.trunc(Math.abs(n))).padStart(width, '0');

/** "2025-03-01 14:30" in local time; the ISO text itself if it is not a date. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "2025-03-01" in local time. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  if (/^\d{4}-\d\d-\d\d$/.test(iso)) return iso;
  return formatDateTime(iso).slice(0, 10);
}

/** The local offset of a date as "+02:00". */
export function offsetOf(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  return `${sign}${pad(Math.abs(minutes) / 60)}:${pad(Math.abs(minutes) % 60)}`;
}

/** A `datetime-local` input's value ("2025-03-01T14:30") as ISO 8601 with the local offset; '' for none. */
export function localInputToIso(value: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/.exec(value.trim());
  if (!m) return value.trim();
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  return `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${offsetOf(date)}`;
}

/** ISO 8601 (any offset) as a `datetime-local` input's value, in local time. */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Now, as a `datetime-local` value. */
export function nowLocalInput(): string {
  return isoToLocalInput(new Date().toISOString());
}

/** A duration in words: "45 minutes", "6.5 hours", "3.2 days". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const minutes = ms / 60_000;
  if (minutes < 90) return `${Math.round(minutes)} minute${Math.round(minutes) === 1 ? '' : 's'}`;
  const hours = minutes / 60;
  if (hours < 48) return `${round1(hours)} hours`;
  return `${round1(hours / 24)} days`;
}

function round1(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1).replace(/\.0$/, '');
}

export { formatFingerprint };

/** A fingerprint short enough for a table cell: its first four groups. */
export function shortFingerprint(hex: string | null | undefined): string {
  if (!hex) return '—';
  return formatFingerprint(hex).split(' ').slice(0, 4).join(' ') + ' …';
}

/** "1 entry", "3 entries". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** Bytes in KB / MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${round1(bytes / 1024)} KB`;
  return `${round1(bytes / (1024 * 1024))} MB`;
}
