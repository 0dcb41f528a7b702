/**
 * What an export will let out, entry by entry and field by field, computed with the same
 * rule as the core's export (electron/core/bundle/export.ts): a field leaves unless it is
 * redacted by name, or it is sensitive (source protection, restricted notes, sensitive
 * corrections) and sensitive fields are not explicitly included. A withheld field still
 * verifies on the other side: only its salted commitment leaves.
 */
import { describeFields, isEntryKind, KIND_INFO, sensitiveFieldSet, type FieldInfo } from '../../../shared/domain';

export interface ExportChoice {
  /** Field names withheld from every entry that has them. */
  redact: readonly string[];
  includeSensitive: boolean;
}

export interface PreviewField {
  name: string;
  title: string;
  value: unknown;
}

export interface WithheldField {
  name: string;
  title: string;
  why: 'sensitive' | 'redacted';
}

export interface EntryPreview {
  id: string;
  index: number;
  kind: string;
  label: string;
  caseId: string | null;
  ts: string;
  summary: string;
  disclosed: PreviewField[];
  withheld: WithheldField[];
}

export interface PreviewInput {
  index: number;
  header: { id: string; kind: string; ts: string; caseId: string | null; fields: Record<string, string> };
  body: Record<string, unknown>;
  summary: string;
}

const titles = new Map<string, Map<string, string>>();

function titleOf(kind: string, name: string): string {
  if (!isEntryKind(kind)) return name;
  let map = titles.get(kind);
  if (!map) {
    map = new Map(describeFields(kind).map((f: FieldInfo) => [f.path, f.title]));
    titles.set(kind, map);
  }
  return map.get(name) ?? name;
}

/** Whether the export withholds a field of an entry of this kind. */
export function withholds(kind: string, name: string, choice: ExportChoice): WithheldField['why'] | null {
  if (choice.redact.includes(name)) return 'redacted';
  const sensitive = isEntryKind(kind) ? sensitiveFieldSet(kind) : new Set<string>();
  if (!choice.includeSensitive && (name === 'sourceProtection' || sensitive.has(name))) return 'sensitive';
  return null;
}

export function previewEntry(entry: PreviewInput, choice: ExportChoice): EntryPreview {
  const disclosed: PreviewField[] = [];
  const withheld: WithheldField[] = [];
  const kind = entry.header.kind;
  for (const name of Object.keys(entry.header.fields)) {
    const why = withholds(kind, name, choice);
    if (why) withheld.push({ name, title: titleOf(kind, name), why });
    else if (name in entry.body) disclosed.push({ name, title: titleOf(kind, name), value: entry.body[name] });
  }
  return {
    id: entry.header.id,
    index: entry.index,
    kind,
    label: isEntryKind(kind) ? KIND_INFO[kind].title : kind,
    caseId: entry.header.caseId,
    ts: entry.header.ts,
    summary: entry.summary,
    disclosed,
    withheld,
  };
}

export interface PreviewTotals {
  entries: number;
  /** Field name → how many entries withhold it (as the core's export result counts them). */
  withheld: Record<string, number>;
  sensitiveWithheld: number;
}

export function previewTotals(previews: readonly EntryPreview[]): PreviewTotals {
  const withheld: Record<string, number> = {};
  let sensitiveWithheld = 0;
  for (const p of previews) {
    for (const w of p.withheld) {
      withheld[w.name] = (withheld[w.name] ?? 0) + 1;
      if (w.why === 'sensitive') sensitiveWithheld++;
    }
  }
  return { entries: previews.length, withheld, sensitiveWithheld };
}

/** The field names the chosen entries carry that could be redacted (sensitive ones aside), with their titles. */
export function redactableFields(entries: readonly PreviewInput[]): { name: string; title: string }[] {
  const seen = new Map<string, string>();
  for (const e of entries) {
    const sensitive = isEntryKind(e.header.kind) ? sensitiveFieldSet(e.header.kind) : new Set<string>();
    for (const name of Object.keys(e.header.fields)) {
      if (name === 'caseId' || name === 'sourceProtection' || sensitive.has(name) || seen.has(name)) continue;
      seen.set(name, titleOf(e.header.kind, name));
    }
  }
  return [...seen].map(([name, title]) => ({ name, title })).sort((a, b) => a.title.localeCompare(b.title));
}

export interface ExportSelection {
  all?: boolean;
  cases?: string[];
  ids?: string[];
}

export interface CaseEntries {
  caseId: string;
  /** Every entry id of the case, as its timeline lists them. */
  entryIds: readonly string[];
}

/**
 * The selection the core's export takes: whole cases where nothing of them was unticked,
 * single entries where some were. Null when nothing is chosen.
 */
export function exportSelection(scope: 'all' | 'cases', cases: readonly CaseEntries[], excluded: Readonly<Record<string, readonly string[]>>): ExportSelection | null {
  if (scope === 'all') return { all: true };
  const whole: string[] = [];
  const ids: string[] = [];
  for (const c of cases) {
    const out = new Set(excluded[c.caseId] ?? []);
    if (out.size === 0) whole.push(c.caseId);
    else for (const id of c.entryIds) if (!out.has(id)) ids.push(id);
  }
  if (whole.length === 0 && ids.length === 0) return null;
  const selection: ExportSelection = {};
  if (whole.length > 0) selection.cases = whole;
  if (ids.length > 0) selection.ids = ids;
  return selection;
}

const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/** The pasted recipients, one a line, and the lines that are not age recipients. */
export function parseRecipients(text: string): { recipients: string[]; invalid: string[] } {
  const recipients: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[\r\n,]+/)) {
    const line = raw.trim();
    if (!line) continue;
    if (AGE_RECIPIENT.test(line)) {
      if (!recipients.includes(line)) recipients.push(line);
    } else invalid.push(line);
  }
  return { recipients, invalid };
}
