/**
 * The policy an entry is written under: the lists of codes (waiver reasons, threat types,
 * delivery channels, markings...) that the directive defines. They are data, versioned by
 * policy id, so that a new directive or a national variant is a new policy object and not a
 * code change. Every entry header names its policy; the body schemas are built from it.
 */
import { z } from 'zod';
import { TearlineError } from '../errors';

const CODE = /^[A-Za-z0-9][A-Za-z0-9:+_.-]*$/;

const codeSchema = z.string().regex(CODE, { error: 'a code is letters, digits and : + _ . - only' });
const labelSchema = z.string().regex(/\S/, { error: 'must not be blank' }).max(200);

const codeLabel = z.strictObject({
  code: codeSchema,
  label: labelSchema,
  description: z.string().max(2000).optional(),
});

const waiverReason = z.strictObject({
  code: codeSchema,
  /** A few words, for lists and reports; the full text stands in when there is none. */
  label: labelSchema.optional(),
  /** The reason as the directive words it: shown in full wherever an officer chooses one. */
  text: z.string().regex(/\S/).max(2000),
});

function uniqueCodes(list: readonly { code: string }[], ctx: z.RefinementCtx, path: string): void {
  const seen = new Set<string>();
  list.forEach((item, i) => {
    if (seen.has(item.code)) ctx.addIssue({ code: 'custom', message: `duplicate code "${item.code}"`, path: [path, i, 'code'] });
    seen.add(item.code);
  });
}

const LISTS = [
  'waiverReasons',
  'threatTypes',
  'targetKinds',
  'usPerson',
  'deliveryChannels',
  'tlpMarkings',
  'closureReasons',
] as const;

export const policySchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, { error: 'a policy id is lowercase letters, digits, . and -' }).max(64),
    title: labelSchema,
    /** Increases with every change to the policy's lists; a changed list means a new version. */
    version: z.int().min(1),
    /** The date the policy takes effect (YYYY-MM-DD). */
    date: z.iso.date(),
    /** The document the policy implements, as it should be cited. */
    reference: z.string().max(500).optional(),
    waiverReasons: z.array(waiverReason).min(1),
    threatTypes: z.array(codeLabel).min(1),
    targetKinds: z.array(codeLabel).min(1),
    usPerson: z.array(codeLabel).min(1),
    deliveryChannels: z.array(codeLabel).min(1),
    tlpMarkings: z.array(codeLabel).min(1),
    closureReasons: z.array(codeLabel).min(1),
  })
  .superRefine((p, ctx) => {
    for (const list of LISTS) uniqueCodes(p[list], ctx, list);
  });

export type Policy = z.output<typeof policySchema>;
export type PolicyList = (typeof LISTS)[number];
export const POLICY_LISTS: readonly PolicyList[] = LISTS;

/**
 * The default policy: Intelligence Community Directive 191, "Duty to Warn" (21 July 2015).
 * The waiver reasons follow the directive's wording closely; the codes are ours.
 */
export const ICD_191_2015: Policy = deepFreeze({
  id: 'icd-191-2015',
  title: 'ICD 191: Duty to Warn',
  version: 1,
  date: '2015-07-21',
  reference: 'Intelligence Community Directive 191, Duty to Warn, 21 July 2015',
  waiverReasons: [
    {
      code: 'victim-aware',
      label: 'Victim already aware',
      text: 'The intended victim, or those responsible for protecting the intended victim, already know of the specific threat.',
    },
    {
      code: 'armed-conflict',
      label: 'Risk from own part in armed conflict',
      text: 'The intended victim is at risk only as a result of the intended victim’s participation in an insurgency, insurrection, or other armed conflict.',
    },
    {
      code: 'victim-is-threat',
      label: 'Victim is a terrorist or violent criminal',
      text: 'There is a reasonable basis for believing that the intended victim is a terrorist, a direct supporter of terrorists, an assassin, a drug trafficker, or involved in violent crimes.',
    },
    {
      code: 'endangers-sources',
      label: 'Would endanger sources or operations',
      text: 'Any attempt to warn the intended victim would unduly endanger U.S. Government personnel, sources, methods, intelligence operations, or defense operations.',
    },
    {
      code: 'no-means',
      label: 'No reasonable way to warn',
      text: 'There is no reasonable way to warn the intended victim.',
    },
    {
      code: 'liaison-restriction',
      label: 'Would endanger a liaison partner',
      text: 'The threat information was acquired from a foreign government with which the United States has a formal agreement or liaison relationship, and any attempt to warn the intended victim would unduly endanger the personnel, sources, methods, intelligence operations, or defense operations of that foreign government.',
    },
  ],
  threatTypes: [
    { code: 'intentional-killing', label: 'Intentional killing' },
    { code: 'serious-bodily-harm', label: 'Serious bodily harm' },
    { code: 'kidnapping', label: 'Kidnapping' },
  ],
  targetKinds: [
    { code: 'person', label: 'Person', description: 'One named or described individual.' },
    { code: 'group', label: 'Group', description: 'Several people: a delegation, a family, a congregation.' },
    { code: 'institution', label: 'Institution', description: 'An organisation and the people in it: an embassy, a company, a school.' },
    { code: 'place', label: 'Place', description: 'People at a location: a market, a hotel, a venue.' },
    { code: 'structure', label: 'Structure', description: 'People in or around a building, bridge or other structure.' },
  ],
  usPerson: [
    { code: 'yes', label: 'U.S. person' },
    { code: 'no', label: 'Not a U.S. person' },
    { code: 'unknown', label: 'Not known' },
  ],
  deliveryChannels: [
    { code: 'direct-to-victim', label: 'Directly to the intended victim' },
    { code: 'via-protectors', label: 'Through those who protect the intended victim' },
    { code: 'via-liaison', label: 'Through a foreign liaison service' },
    { code: 'via-diplomatic', label: 'Through a diplomatic channel' },
    { code: 'via-law-enforcement', label: 'Through a law enforcement agency' },
    { code: 'public-advisory', label: 'Public advisory' },
  ],
  tlpMarkings: [
    { code: 'TLP:CLEAR', label: 'TLP:CLEAR', description: 'Disclosure is not limited.' },
    { code: 'TLP:GREEN', label: 'TLP:GREEN', description: 'Limited disclosure: the recipient’s community.' },
    { code: 'TLP:AMBER', label: 'TLP:AMBER', description: 'Limited disclosure: the recipient’s organisation and its clients, on a need-to-know basis.' },
    { code: 'TLP:AMBER+STRICT', label: 'TLP:AMBER+STRICT', description: 'Limited disclosure: the recipient’s organisation only.' },
    { code: 'TLP:RED', label: 'TLP:RED', description: 'For the eyes and ears of individual recipients only.' },
  ],
  closureReasons: [
    { code: 'warning-delivered', label: 'Warning delivered, no further action' },
    { code: 'waiver-approved', label: 'Waiver approved, no further action' },
    { code: 'not-credible', label: 'Threat judged not credible' },
    { code: 'threshold-not-met', label: 'Threshold for a warning not met' },
    { code: 'threat-ended', label: 'Threat no longer current' },
    { code: 'duplicate', label: 'Duplicate of another case' },
    { code: 'transferred', label: 'Transferred to another element' },
  ],
});

export const DEFAULT_POLICY_ID = ICD_191_2015.id;
export const DEFAULT_POLICY: Policy = ICD_191_2015;

const POLICIES: ReadonlyMap<string, Policy> = new Map([[ICD_191_2015.id, ICD_191_2015]]);

/** The ids of the policies this build knows. */
export function policyIds(): string[] {
  return [...POLICIES.keys()];
}

export function getPolicy(id: string): Policy {
  const policy = POLICIES.get(id);
  if (!policy) {
    throw new TearlineError('E_INVALID_ENTRY', `unknown policy "${id}" (known: ${policyIds().join(', ')})`, { at: 'policy' });
  }
  return policy;
}

/** Checks a policy given as data (a test policy, a future national variant) and freezes it. */
export function parsePolicy(data: unknown): Policy {
  const result = policySchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const at = issue.path.join('.');
    throw new TearlineError('E_INVALID_ENTRY', `policy${at ? '.' + at : ''}: ${issue.message}`, { at });
  }
  return deepFreeze(result.data);
}

/** The label of a code in one of the policy's lists, or the code itself when it is not listed. */
export function policyLabel(policy: Policy, list: PolicyList, code: string): string {
  const item = (policy[list] as readonly PolicyItem[]).find((x) => x.code === code);
  return item ? itemLabel(item) : code;
}

/** An entry of one of the policy's lists. */
export interface PolicyItem {
  code: string;
  label?: string | undefined;
  text?: string | undefined;
  description?: string | undefined;
}

export function itemLabel(item: PolicyItem): string {
  return item.label ?? item.text ?? item.code;
}

export function policyCodes(policy: Policy, list: PolicyList): string[] {
  return (policy[list] as readonly { code: string }[]).map((x) => x.code);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
