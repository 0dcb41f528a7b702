/** Human-readable output of the command line (the --json forms print the core's objects). */
import type { IntegrityReport } from '../core/log/integrity';
import type { IndexedEntry } from '../core/log/entry-index';
import type { StoredEntry } from '../core/vault/vault';
import type { CaseView } from '../../shared/domain';

export function formatListLine(e: IndexedEntry): string {
  const kase = e.caseId ? ` case ${e.caseId.slice(0, 8)}` : '';
  return `#${e.index}  ${e.ts}  ${e.kind.padEnd(14)} ${e.id}${kase}  ${e.summary}`;
}

export function formatEntry(e: StoredEntry & { leafHash: string }): string[] {
  const h = e.header;
  return [
    `${h.kind} ${h.id}`,
    `  index     ${e.index}`,
    `  time      ${h.ts}`,
    ...(h.caseId ? [`  case      ${h.caseId}`] : []),
    `  policy    ${h.policy}`,
    `  author    ${h.author}`,
    `  leaf      ${e.leafHash}`,
    `  summary   ${e.summary}`,
    ...Object.entries(e.body).flatMap(([k, v]) => formatField(k, v, '  ')),
  ];
}

function formatField(name: string, value: unknown, indent: string): string[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return [`${indent}${name}:`, ...Object.entries(value).flatMap(([k, v]) => formatField(k, v, indent + '  '))];
  }
  const text = Array.isArray(value) ? value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ') : String(value);
  return [`${indent}${name}: ${text}`];
}

export function formatCaseView(view: CaseView): string[] {
  const lines = [`Case ${view.caseId}: ${view.title}`, `  status    ${view.status}`];
  for (const item of view.timeline) {
    lines.push(`  #${item.index}  ${item.ts}  ${item.kind.padEnd(14)} ${item.summary}${item.origin.kind === 'imported' ? `  (from ${item.origin.name})` : ''}`);
  }
  return lines;
}

export function formatIntegrity(r: IntegrityReport): string[] {
  const lines = [
    `${r.ok ? 'OK' : 'FAILED'}: ${r.origin}`,
    `  entries      ${r.size}`,
    `  checkpoints  ${r.checkpoints}`,
    `  root         ${r.root}`,
  ];
  if (!r.ok) {
    lines.push(`  first bad index ${r.firstBadIndex}`);
    for (const p of r.problems.slice(0, 50)) lines.push(`  - ${p.what} ${p.index}: ${p.message}`);
    if (r.problems.length > 50) lines.push(`  … and ${r.problems.length - 50} more`);
  }
  return lines;
}
