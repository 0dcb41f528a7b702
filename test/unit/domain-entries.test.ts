/**
 * The entry schemas: what each kind accepts and refuses, the error each refusal gives
 * (code, one-line message, field path), policy swapping, JSON Schema, sensitive fields,
 * redacted bodies and amendments.
 */
import { describe, expect, it } from 'vitest';
import { TearlineError } from '../../shared/errors';
import { MAX_JSON_DEPTH, MAX_JSON_ITEMS } from '../../shared/canonical-json';
import {
  DEFAULT_POLICY,
  EXAMPLE_BODIES,
  EXAMPLE_CASE_ID,
  EXAMPLE_TARGET_ID,
  EXAMPLE_WAIVE_DECISION,
  ICD_191_2015,
  ISSUE_CASE_OPENED_BODY,
  SYSTEM_ENTRY_KINDS,
  USER_ENTRY_KINDS,
  ENTRY_KINDS,
  assertUserKind,
  bodyProblems,
  bodySchemas,
  checkAmendment,
  describeFields,
  exampleBody,
  getPolicy,
  jsonSchemaFor,
  parsePolicy,
  sensitiveFields,
  validateAmendment,
  validateBody,
  caseIdOf,
  type EntryKind,
  type FieldInfo,
  type Policy,
  type UserEntryKind,
} from '../../shared/domain';

const CASE = '01936d3e-8f5a-7c3b-9d2e-4f6a8b0c1d2e';
const TARGET = '01936d3e-9000-7c3b-9d2e-4f6a8b0c1d2f';

function refusal(fn: () => unknown): TearlineError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TearlineError);
    return error as TearlineError;
  }
  throw new Error('expected a refusal, but the call succeeded');
}

function example(kind: UserEntryKind): Record<string, unknown> {
  return exampleBody(kind, { caseId: CASE, targetId: TARGET }) as Record<string, unknown>;
}

function without(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...body };
  delete copy[key];
  return copy;
}

describe('case.opened', () => {
  it('accepts the body issue 2 requires, given as JSON text', () => {
    const text =
      '{"threatType":"intentional-killing","targetKind":"person","intendedVictim":{"description":"...","usPerson":"unknown"},"summary":"...","warningText":"...","marking":"TLP:AMBER","sourceProtection":{"notes":"..."}}';
    const body = JSON.parse(text) as unknown;
    expect(validateBody('case.opened', body, DEFAULT_POLICY)).toEqual(body);
    expect(JSON.parse(JSON.stringify(ISSUE_CASE_OPENED_BODY))).toEqual(body);
  });

  it('accepts every TLP 2.0 marking and refuses TLP 1.0 WHITE', () => {
    for (const marking of ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED']) {
      expect(() => validateBody('case.opened', { ...ISSUE_CASE_OPENED_BODY, marking })).not.toThrow();
    }
    const e = refusal(() => validateBody('case.opened', { ...ISSUE_CASE_OPENED_BODY, marking: 'TLP:WHITE' }));
    expect(e.at).toBe('marking');
    expect(e.message).toMatch(/^case\.opened\.marking: "TLP:WHITE" is not a marking of policy icd-191-2015/);
  });

  it('accepts each threat type and target kind of the policy', () => {
    for (const threatType of ['intentional-killing', 'serious-bodily-harm', 'kidnapping']) {
      for (const targetKind of ['person', 'group', 'institution', 'place', 'structure']) {
        expect(() => validateBody('case.opened', { ...ISSUE_CASE_OPENED_BODY, threatType, targetKind })).not.toThrow();
      }
    }
  });
});

describe('valid examples', () => {
  it.each(USER_ENTRY_KINDS)('accepts the example %s body', (kind) => {
    const body = example(kind);
    expect(validateBody(kind, body)).toEqual(body);
    expect(bodyProblems(kind, body)).toEqual([]);
  });

  it('accepts the waive decision example and substitutes the placeholders everywhere', () => {
    expect(() => validateBody('decision', EXAMPLE_WAIVE_DECISION)).not.toThrow();
    const text = JSON.stringify(USER_ENTRY_KINDS.map((k) => example(k)));
    expect(text).not.toContain(EXAMPLE_CASE_ID);
    expect(text).not.toContain(EXAMPLE_TARGET_ID);
    // A fresh copy: changing it does not change the shared examples.
    const copy = exampleBody('note');
    copy.text = 'changed';
    expect(EXAMPLE_BODIES.note.text).not.toBe('changed');
  });
});

type Case = [kind: UserEntryKind, what: string, mutate: (body: Record<string, unknown>) => unknown, at: string, message?: RegExp];

const invalid: Case[] = [
  ['case.opened', 'no marking', (b) => without(b, 'marking'), 'marking', /required/],
  ['case.opened', 'an unknown threat type', (b) => ({ ...b, threatType: 'murder' }), 'threatType', /not a threat type of policy/],
  ['case.opened', 'a bad U.S. person value', (b) => ({ ...b, intendedVictim: { description: 'x', usPerson: 'maybe' } }), 'intendedVictim.usPerson'],
  ['case.opened', 'no victim description', (b) => ({ ...b, intendedVictim: { usPerson: 'no' } }), 'intendedVictim.description', /required/],
  ['case.opened', 'a confidence above 100', (b) => ({ ...b, confidence: 101 }), 'confidence', /at most 100/],
  ['case.opened', 'a fractional confidence', (b) => ({ ...b, confidence: 50.5 }), 'confidence', /whole number/],
  ['case.opened', 'a blank summary', (b) => ({ ...b, summary: '   ' }), 'summary', /blank/],
  ['case.opened', 'a title on two lines', (b) => ({ ...b, title: 'a\nb' }), 'title', /one line/],
  ['case.opened', 'source protection without notes', (b) => ({ ...b, sourceProtection: {} }), 'sourceProtection.notes', /required/],
  ['case.opened', 'a received time without zone', (b) => ({ ...b, receivedAt: '2025-03-10T08:15:00' }), 'receivedAt', /time zone/],
  ['case.assessed', 'no caseId', (b) => without(b, 'caseId'), 'caseId', /required/],
  ['case.assessed', 'a caseId that is no UUID', (b) => ({ ...b, caseId: 'case-1' }), 'caseId', /entry id/],
  ['case.assessed', 'threshold met but not credible', (b) => ({ ...b, credible: false }), 'thresholdMet', /not credible/],
  ['case.assessed', 'a missing specific', (b) => ({ ...b, specific: { timing: true, location: false } }), 'specific.perpetrators'],
  ['case.assessed', 'credible as text', (b) => ({ ...b, credible: 'yes' }), 'credible', /true or false/],
  ['decision', 'an unknown decision', (b) => ({ ...b, decision: 'defer' }), 'decision', /not one of: warn, waive/],
  ['decision', 'no rationale', (b) => without(b, 'rationale'), 'rationale', /required/],
  ['decision', 'no decider', (b) => without(b, 'decidedBy'), 'decidedBy', /required/],
  ['waiver', 'no justification', (b) => without(b, 'justification'), 'justification', /required/],
  ['waiver', 'an empty justification', (b) => ({ ...b, justification: '' }), 'justification', /blank/],
  ['waiver', 'no approver', (b) => without(b, 'approvedBy'), 'approvedBy', /required/],
  ['waiver', 'no requester', (b) => without(b, 'requestedBy'), 'requestedBy', /required/],
  ['waiver', 'an unknown reason code', (b) => ({ ...b, reasons: ['no-means', 'too-busy'] }), 'reasons.1', /"too-busy" is not a waiver reason of policy icd-191-2015/],
  ['waiver', 'no reason', (b) => ({ ...b, reasons: [] }), 'reasons', /at least one waiver reason/],
  ['waiver', 'a reason given twice', (b) => ({ ...b, reasons: ['no-means', 'no-means'] }), 'reasons.1', /twice/],
  ['waiver', 'a review date in another format', (b) => ({ ...b, reviewDate: '10/04/2025' }), 'reviewDate', /YYYY-MM-DD/],
  ['approval', 'a rejection without comment', (b) => without({ ...b, verdict: 'rejected' }, 'comment'), 'comment', /rejected/],
  ['approval', 'no target', (b) => without(b, 'target'), 'target', /required/],
  ['approval', 'an unknown verdict', (b) => ({ ...b, verdict: 'ok' }), 'verdict'],
  ['approval', 'no role', (b) => without(b, 'role'), 'role', /required/],
  ['delivery', 'neither text nor hash', (b) => without(b, 'warningText'), 'warningText', /SHA-256/],
  ['delivery', 'both text and hash', (b) => ({ ...b, warningTextHash: 'ab'.repeat(32) }), 'warningTextHash', /not both/],
  ['delivery', 'a malformed hash', (b) => ({ ...without(b, 'warningText'), warningTextHash: 'xyz' }), 'warningTextHash', /hexadecimal/],
  ['delivery', 'an unknown channel', (b) => ({ ...b, channel: 'carrier-pigeon' }), 'channel', /not a delivery channel/],
  ['delivery', 'a delivery time without zone', (b) => ({ ...b, deliveredAt: '2025-03-11 16:40' }), 'deliveredAt', /time zone/],
  ['delivery', 'no recipient', (b) => without(b, 'recipient'), 'recipient', /required/],
  ['delivery', 'acknowledged as text', (b) => ({ ...b, acknowledged: 'yes' }), 'acknowledged', /true or false/],
  ['note', 'no text', (b) => without(b, 'text'), 'text', /required/],
  ['follow-up', 'a due date in another format', (b) => ({ ...b, dueDate: '15/03/2025' }), 'dueDate', /YYYY-MM-DD/],
  ['follow-up', 'completing while open', (b) => ({ ...b, completes: TARGET }), 'status', /done/],
  ['follow-up', 'an unknown status', (b) => ({ ...b, status: 'later' }), 'status'],
  ['escalation', 'no authority', (b) => without(b, 'escalatedTo'), 'escalatedTo', /required/],
  ['resolution', 'no escalation', (b) => without(b, 'resolves'), 'resolves', /required/],
  ['closure', 'an unknown reason', (b) => ({ ...b, reason: 'bored' }), 'reason', /not a closure reason/],
  ['closure', 'no closer', (b) => without(b, 'closedBy'), 'closedBy', /required/],
  ['amendment', 'no change', (b) => ({ ...b, changes: {} }), 'changes', /at least one field/],
  ['amendment', 'a change of caseId', (b) => ({ ...b, changes: { caseId: TARGET } }), 'changes.caseId', /another case/],
  ['amendment', 'no reason', (b) => without(b, 'reason'), 'reason', /required/],
  ['amendment', 'a bad field name', (b) => ({ ...b, changes: { 'not a field': 1 } }), 'changes.not a field'],
  ['amendment', 'a value nested too deep', (b) => ({ ...b, changes: { specifics: nested(MAX_JSON_DEPTH) } }), 'changes', /more than 64 levels deep/],
  // {"specifics":[0,…]}: one '{', one '[' and a comma between each two of the zeros.
  ['amendment', 'a value with too many values', (b) => ({ ...b, changes: { specifics: new Array(MAX_JSON_ITEMS).fill(0) } }), 'changes', /more than 500000 values/],
];

/** Arrays nested `depth` deep. */
function nested(depth: number): unknown {
  let value: unknown = 'core';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('nesting', () => {
  it('takes a field value nested exactly as deep as canonical JSON allows, and refuses deeper ones without overflowing', () => {
    // The field's value is the map of changes: one level more than what it maps to.
    expect(() => validateBody('amendment', { ...example('amendment'), changes: { specifics: nested(MAX_JSON_DEPTH - 1) } })).not.toThrow();
    for (const depth of [MAX_JSON_DEPTH, 100_000]) {
      const e = refusal(() => validateBody('amendment', { ...example('amendment'), changes: { specifics: nested(depth) } }));
      expect(e.code).toBe('E_INVALID_ENTRY');
      expect(e.at).toBe('changes');
    }
  });
});

describe('invalid bodies', () => {
  it.each(invalid)('%s: refuses %s', (kind, _what, mutate, at, message) => {
    const e = refusal(() => validateBody(kind, mutate(example(kind))));
    expect(e.code).toBe('E_INVALID_ENTRY');
    expect(e.at).toBe(at);
    expect(e.message.startsWith(`${kind}.${at}: `)).toBe(true);
    expect(e.message).not.toContain('\n');
    if (message) expect(e.message).toMatch(message);
  });

  it('gives the waiver error the command line prints', () => {
    const e = refusal(() => validateBody('waiver', without(example('waiver'), 'approvedBy')));
    expect(e.toLine()).toBe('E_INVALID_ENTRY: waiver.approvedBy: required');
    const two = refusal(() => validateBody('waiver', without(without(example('waiver'), 'approvedBy'), 'justification')));
    expect(two.toLine()).toBe('E_INVALID_ENTRY: waiver.justification: required (and 1 more problem)');
    expect(bodyProblems('waiver', without(without(example('waiver'), 'approvedBy'), 'justification'))).toEqual([
      { at: 'justification', message: 'required' },
      { at: 'approvedBy', message: 'required' },
    ]);
  });

  it('requires caseId on every kind that belongs to a case', () => {
    for (const kind of USER_ENTRY_KINDS.filter((k) => k !== 'case.opened')) {
      expect(refusal(() => validateBody(kind, without(example(kind), 'caseId'))).at).toBe('caseId');
    }
    expect(refusal(() => validateBody('case.opened', { ...ISSUE_CASE_OPENED_BODY, caseId: CASE })).at).toBe('caseId');
  });

  it('refuses unknown fields, at the top and nested, and suggests the intended name', () => {
    const top = refusal(() => validateBody('waiver', { ...without(example('waiver'), 'justification'), justificaton: 'typo' }));
    expect(top.at).toBe('justificaton');
    expect(top.message).toBe('waiver.justificaton: unknown field (did you mean "justification"?) (and 1 more problem)');

    const nested = refusal(() =>
      validateBody('case.opened', { ...ISSUE_CASE_OPENED_BODY, intendedVictim: { description: 'x', usPerson: 'no', nmae: 'A' } }),
    );
    expect(nested.at).toBe('intendedVictim.nmae');
    expect(nested.message).toContain('did you mean "name"?');

    const stray = refusal(() => validateBody('note', { ...example('note'), colour: 'red' }));
    expect(stray.message).toBe('note.colour: unknown field');
  });

  it('refuses a body that is not an object, and an unknown kind', () => {
    for (const body of [null, [], 'text', 3]) {
      const e = refusal(() => validateBody('note', body));
      expect(e.code).toBe('E_INVALID_ENTRY');
      expect(e.message).toMatch(/^note: expected an object/);
    }
    const kind = refusal(() => validateBody('threat', {}));
    expect(kind.at).toBe('kind');
    expect(kind.message).toMatch(/unknown entry kind "threat"/);
  });

  it('keeps system kinds out of `add`', () => {
    for (const kind of SYSTEM_ENTRY_KINDS) {
      const e = refusal(() => assertUserKind(kind));
      expect(e.code).toBe('E_INVALID_ENTRY');
      expect(e.message).toContain('written by Tearline itself');
    }
    for (const kind of USER_ENTRY_KINDS) expect(assertUserKind(kind)).toBe(kind);
  });
});

describe('system kinds', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64');
  const AGE = 'age1' + 'q'.repeat(58);
  const CHECKPOINT = { origin: 'tearline/ws-1', size: 12, root: 'ab'.repeat(32) };
  const valid: Record<(typeof SYSTEM_ENTRY_KINDS)[number], Record<string, unknown>> = {
    'vault.created': {
      workstationName: 'Station PH-1',
      fingerprint: 'RWQ1 2345',
      signingPublicKey: KEY,
      ageRecipient: AGE,
      kdf: { algorithm: 'argon2id13', opsLimit: 3, memLimit: 268435456 },
    },
    'passphrase.changed': { kdf: { algorithm: 'argon2id13', opsLimit: 3, memLimit: 268435456 } },
    'key.trusted': { name: 'Station HQ', fingerprint: 'abcd', signingPublicKey: KEY, method: 'card-file' },
    'key.revoked': { fingerprint: 'abcd', reason: 'Workstation lost in transit.' },
    'bundle.exported': { form: 'armored', recipients: [{ name: 'HQ', ageRecipient: AGE }], entryCount: 3, checkpoint: CHECKPOINT },
    'bundle.imported': { signer: { fingerprint: 'abcd' }, form: 'binary', verdict: 'verified', entryCount: 3, checkpoint: CHECKPOINT },
    'backup.created': { checkpoint: CHECKPOINT },
    'fork.detected': { signer: { name: 'HQ', fingerprint: 'abcd' }, held: CHECKPOINT, presented: { ...CHECKPOINT, size: 13 } },
  };

  it.each(SYSTEM_ENTRY_KINDS)('accepts a %s body and refuses an unknown field in it', (kind) => {
    expect(() => validateBody(kind, valid[kind])).not.toThrow();
    expect(refusal(() => validateBody(kind, { ...valid[kind], secretKey: 'x' })).at).toBe('secretKey');
  });

  it('refuses changes that are not an object', () => {
    expect(refusal(() => validateAmendment('note', example('note'), 'text')).at).toBe('changes');
    expect(refusal(() => validateAmendment('note', example('note'), undefined)).message).toMatch(/at least one field/);
  });

  it('refuses a malformed key and a weak memory limit', () => {
    expect(refusal(() => validateBody('key.trusted', { ...valid['key.trusted'], signingPublicKey: 'short' })).at).toBe('signingPublicKey');
    const kdf = { algorithm: 'argon2id13', opsLimit: 3, memLimit: 1 };
    expect(refusal(() => validateBody('passphrase.changed', { kdf })).at).toBe('kdf.memLimit');
  });

  it('gives no case to system entries and the own id to case.opened', () => {
    expect(caseIdOf('case.opened', CASE, ISSUE_CASE_OPENED_BODY)).toBe(CASE);
    expect(caseIdOf('note', TARGET, example('note'))).toBe(CASE);
    expect(caseIdOf('key.revoked', TARGET, valid['key.revoked'])).toBeNull();
  });
});

describe('policy', () => {
  const testPolicy: Policy = parsePolicy({
    ...structuredClone(ICD_191_2015),
    id: 'test-policy',
    title: 'Test policy',
    version: 2,
    // A reason given as the brief's {code, text}, without a short label.
    waiverReasons: [{ code: 'test-only-reason', text: 'A reason that only the test policy lists.' }],
    deliveryChannels: [{ code: 'by-courier', label: 'By courier' }],
  });

  it('offers the swapped policy’s codes to the forms', () => {
    const reasons = describeFields('waiver', testPolicy).find((f) => f.path === 'reasons')!;
    expect(reasons.options).toEqual([
      { value: 'test-only-reason', label: 'A reason that only the test policy lists.', text: 'A reason that only the test policy lists.' },
    ]);
  });

  it('changes what is accepted when swapped', () => {
    const waiver = { ...example('waiver'), reasons: ['test-only-reason'] };
    expect(() => validateBody('waiver', waiver, testPolicy)).not.toThrow();
    const e = refusal(() => validateBody('waiver', waiver, DEFAULT_POLICY));
    expect(e.at).toBe('reasons.0');

    const usual = example('waiver');
    const t = refusal(() => validateBody('waiver', usual, testPolicy));
    expect(t.at).toBe('reasons.0');
    expect(t.message).toContain('is not a waiver reason of policy test-policy (expected one of: test-only-reason)');

    expect(() => validateBody('delivery', { ...example('delivery'), channel: 'by-courier' }, testPolicy)).not.toThrow();
    expect(refusal(() => validateBody('delivery', example('delivery'), testPolicy)).at).toBe('channel');
  });

  it('memoises the schemas per policy object', () => {
    expect(bodySchemas(DEFAULT_POLICY)).toBe(bodySchemas(DEFAULT_POLICY));
    expect(bodySchemas(testPolicy)).not.toBe(bodySchemas(DEFAULT_POLICY));
    expect(bodySchemas(testPolicy).waiver.safeParse({ ...example('waiver'), reasons: ['test-only-reason'] }).success).toBe(true);
    // The schemas carry the cross-field rules too.
    expect(bodySchemas().delivery.safeParse(without(example('delivery'), 'warningText')).success).toBe(false);
  });

  it('lists the six waiver reasons of ICD 191 with the directive’s wording', () => {
    const policy = getPolicy('icd-191-2015');
    expect(policy).toBe(DEFAULT_POLICY);
    expect(policy.waiverReasons.map((r) => r.code)).toEqual([
      'victim-aware',
      'armed-conflict',
      'victim-is-threat',
      'endangers-sources',
      'no-means',
      'liaison-restriction',
    ]);
    const text = Object.fromEntries(policy.waiverReasons.map((r) => [r.code, r.text]));
    expect(text['victim-aware']).toMatch(/already know of the specific threat/);
    expect(text['armed-conflict']).toMatch(/insurgency, insurrection, or other armed conflict/);
    expect(text['victim-is-threat']).toMatch(/terrorist, a direct supporter of terrorists, an assassin, a drug trafficker/);
    expect(text['endangers-sources']).toMatch(/sources, methods, intelligence operations, or defense operations/);
    expect(text['no-means']).toMatch(/no reasonable way to warn/);
    expect(text['liaison-restriction']).toMatch(/foreign government/);
    expect(policy.threatTypes.map((t) => t.code)).toEqual(['intentional-killing', 'serious-bodily-harm', 'kidnapping']);
    expect(policy.deliveryChannels.map((t) => t.code)).toEqual([
      'direct-to-victim',
      'via-protectors',
      'via-liaison',
      'via-diplomatic',
      'via-law-enforcement',
      'public-advisory',
    ]);
    expect(Object.isFrozen(policy.waiverReasons[0])).toBe(true);
  });

  it('refuses an unknown policy id and a malformed policy', () => {
    const e = refusal(() => getPolicy('icd-999'));
    expect(e.code).toBe('E_INVALID_ENTRY');
    expect(e.message).toContain('unknown policy "icd-999"');
    const dup = refusal(() =>
      parsePolicy({ ...structuredClone(ICD_191_2015), threatTypes: [{ code: 'a', label: 'A' }, { code: 'a', label: 'B' }] }),
    );
    expect(dup.at).toBe('threatTypes.1.code');
    expect(refusal(() => parsePolicy({ ...structuredClone(ICD_191_2015), waiverReasons: [] })).at).toBe('waiverReasons');
  });
});

describe('JSON Schema', () => {
  function everyPropertyDescribed(schema: Record<string, unknown>, path: string): void {
    const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
    if (!properties) return;
    for (const [name, property] of Object.entries(properties)) {
      expect(typeof property.description, `${path}.${name} has a description`).toBe('string');
      expect((property.description as string).length, `${path}.${name}`).toBeGreaterThan(5);
      expect(typeof property.title, `${path}.${name} has a title`).toBe('string');
      everyPropertyDescribed(property, `${path}.${name}`);
    }
  }

  it.each(ENTRY_KINDS)('exists for %s, strict, with a description for every field', (kind) => {
    const schema = jsonSchemaFor(kind);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.title).toBeTypeOf('string');
    expect(schema.description).toBeTypeOf('string');
    expect(schema['x-tearline-kind']).toBe(kind);
    everyPropertyDescribed(schema, kind);
    expect(JSON.stringify(schema)).not.toMatch(/Codes:[^"]*Codes:/);
  });

  it('lists the policy’s codes, with their wording, and follows the policy', () => {
    const waiver = jsonSchemaFor('waiver') as { properties: Record<string, { items: { enum: string[] }; description: string }>; required: string[] };
    expect(waiver.properties.reasons!.items.enum).toContain('liaison-restriction');
    expect(waiver.properties.reasons!.description).toContain('There is no reasonable way to warn the intended victim.');
    expect(waiver.required).toEqual(expect.arrayContaining(['caseId', 'reasons', 'justification', 'requestedBy', 'approvedBy']));

    const test = parsePolicy({
      ...structuredClone(ICD_191_2015),
      id: 'test-policy',
      waiverReasons: [{ code: 'test-only-reason', label: 'Test', text: 'Only for tests.' }],
    });
    const other = jsonSchemaFor('waiver', test) as typeof waiver;
    expect(other.properties.reasons!.items.enum).toEqual(['test-only-reason']);
    expect((other as unknown as Record<string, unknown>).$id).toBe('urn:tearline:entry:waiver:test-policy');
  });

  it('marks the sensitive fields', () => {
    const opened = jsonSchemaFor('case.opened') as { properties: Record<string, { sensitive?: boolean }> };
    expect(opened.properties.sourceProtection!.sensitive).toBe(true);
    expect(opened.properties.summary!.sensitive).toBeUndefined();
  });
});

describe('sensitive fields and form descriptions', () => {
  it('names the sensitive top-level fields of each kind', () => {
    expect(sensitiveFields('case.opened')).toEqual(['sourceProtection']);
    expect(sensitiveFields('case.assessed')).toEqual(['sourceProtection']);
    expect(sensitiveFields('waiver')).toEqual(['sourceProtection']);
    expect(sensitiveFields('note')).toEqual(['restricted']);
    expect(sensitiveFields('amendment')).toEqual(['sensitiveChanges']);
    expect(sensitiveFields('delivery')).toEqual([]);
    expect(refusal(() => sensitiveFields('nope')).code).toBe('E_INVALID_ENTRY');
  });

  it('describes every field for the forms, with the policy’s options', () => {
    const fields = describeFields('waiver');
    const byPath = new Map(fields.map((f) => [f.path, f]));
    expect(byPath.get('approvedBy')).toMatchObject({ required: true, type: 'line', title: 'Approved by' });
    expect(byPath.get('reviewDate')).toMatchObject({ required: false, type: 'date' });
    expect(byPath.get('sourceProtection')).toMatchObject({ sensitive: true, type: 'group' });
    const reasons = byPath.get('reasons')!;
    expect(reasons.type).toBe('choices');
    expect(reasons.fromPolicy).toBe(true);
    expect(reasons.options!.map((o) => o.value)).toHaveLength(6);
    expect(reasons.options![0]!.text).toMatch(/already know/);
    expect(reasons.description).not.toContain('Codes:');

    const opened = describeFields('case.opened');
    const victim = opened.find((f) => f.path === 'intendedVictim')!;
    expect(victim.fields!.map((f) => f.path)).toContain('intendedVictim.usPerson');

    const all = (list: FieldInfo[]): FieldInfo[] => list.flatMap((f) => [f, ...all(f.fields ?? [])]);
    for (const kind of USER_ENTRY_KINDS) {
      for (const f of all(describeFields(kind))) expect(f.description.length, `${kind}.${f.path}`).toBeGreaterThan(5);
    }
  });
});

describe('redacted bodies', () => {
  it('accepts a body whose withheld fields are absent, and refuses them present', () => {
    const opened = without(example('case.opened'), 'sourceProtection');
    expect(() => validateBody('case.opened', opened, DEFAULT_POLICY, { withheld: ['sourceProtection'] })).not.toThrow();
    const noSummary = without(example('case.opened'), 'summary');
    expect(() => validateBody('case.opened', noSummary, DEFAULT_POLICY, { withheld: ['summary'] })).not.toThrow();
    expect(refusal(() => validateBody('case.opened', noSummary)).at).toBe('summary');
    expect(refusal(() => validateBody('case.opened', example('case.opened'), DEFAULT_POLICY, { withheld: ['summary'] })).message).toBe(
      'case.opened.summary: is marked withheld but is present',
    );
    expect(refusal(() => validateBody('note', example('note'), DEFAULT_POLICY, { withheld: ['colour'] })).at).toBe('colour');
  });

  it('skips a cross-field rule that depends on a withheld field', () => {
    const delivery = without(example('delivery'), 'warningText');
    expect(() => validateBody('delivery', delivery, DEFAULT_POLICY, { withheld: ['warningText'] })).not.toThrow();
    // Everything that is present is still checked.
    expect(refusal(() => validateBody('delivery', { ...delivery, channel: 'x' }, DEFAULT_POLICY, { withheld: ['warningText'] })).at).toBe(
      'channel',
    );
  });
});

describe('amendments', () => {
  const opened = example('case.opened');

  it('returns the amended body when it stays valid', () => {
    const amended = validateAmendment('case.opened', opened, { summary: 'Corrected summary.', confidence: 80 });
    expect(amended.summary).toBe('Corrected summary.');
    expect(amended.confidence).toBe(80);
    expect(opened.summary).not.toBe('Corrected summary.');
    const removed = validateAmendment('case.opened', opened, { caveats: null });
    expect('caveats' in removed).toBe(false);
  });

  it.each<[string, EntryKind, Record<string, unknown>, string, RegExp]>([
    ['moving to another case', 'case.opened', { caseId: TARGET }, 'changes.caseId', /another case/],
    ['an invalid new value', 'case.opened', { summary: '' }, 'changes.summary', /blank.*amended case\.opened would be invalid/],
    ['removing a required field', 'case.opened', { marking: null }, 'changes.marking', /required/],
    ['an unknown code', 'case.opened', { threatType: 'arson' }, 'changes.threatType', /not a threat type/],
    ['an unknown field', 'case.opened', { colour: 'red' }, 'changes.colour', /not a field of case\.opened/],
    ['a sensitive field in changes', 'case.opened', { sourceProtection: { notes: 'x' } }, 'changes.sourceProtection', /sensitiveChanges/],
    ['a change that changes nothing', 'case.opened', { marking: 'TLP:AMBER' }, 'changes.marking', /changes nothing/],
    ['no change at all', 'case.opened', {}, 'changes', /at least one field/],
    ['a system entry', 'key.trusted', { name: 'x' }, 'target', /cannot be amended/],
    ['an amendment', 'amendment', { reason: 'x' }, 'target', /cannot be amended/],
    ['an approval', 'approval', { comment: 'x' }, 'target', /new approval/],
  ])('refuses %s', (_what, kind, changes, at, message) => {
    const e = refusal(() => validateAmendment(kind, opened, changes));
    expect(e.code).toBe('E_INVALID_ENTRY');
    expect(e.at).toBe(at);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`amendment.${at}: `)).toBe(true);
  });

  it('keeps sensitive changes apart', () => {
    const amended = validateAmendment('case.opened', opened, { confidence: 10 }, DEFAULT_POLICY, {
      sensitiveChanges: { sourceProtection: { notes: 'New notes.' } },
    });
    expect(amended.sourceProtection).toEqual({ notes: 'New notes.' });
    const e = refusal(() => validateAmendment('case.opened', opened, {}, DEFAULT_POLICY, { sensitiveChanges: { summary: 'x' } }));
    expect(e.at).toBe('sensitiveChanges.summary');
    const bad = refusal(() => validateAmendment('case.opened', opened, {}, DEFAULT_POLICY, { sensitiveChanges: { sourceProtection: {} } }));
    expect(bad.at).toBe('sensitiveChanges.sourceProtection.notes');
  });

  it('cannot make a waiver lose its approver or justification', () => {
    const waiver = example('waiver');
    expect(refusal(() => validateAmendment('waiver', waiver, { approvedBy: null })).at).toBe('changes.approvedBy');
    expect(refusal(() => validateAmendment('waiver', waiver, { justification: ' ' })).at).toBe('changes.justification');
    expect(refusal(() => validateAmendment('waiver', waiver, { reasons: ['bogus'] })).at).toBe('changes.reasons.0');
  });

  it('checks the amendment against its target', () => {
    const amendment = example('amendment');
    const target = { id: CASE, kind: 'case.opened' as const, caseId: CASE, body: opened };
    const amended = checkAmendment(amendment, target);
    expect(amended.specifics).toEqual((amendment.changes as Record<string, unknown>).specifics);
    expect(refusal(() => checkAmendment(amendment, { ...target, id: TARGET })).at).toBe('target');
    const elsewhere = { ...amendment, target: TARGET };
    expect(refusal(() => checkAmendment(elsewhere, { ...target, id: TARGET, kind: 'note', caseId: TARGET, body: example('note') })).at).toBe(
      'caseId',
    );
    expect(refusal(() => checkAmendment({ ...amendment, reason: '' }, target)).at).toBe('reason');
  });

  it('lets an amendment supply a field withheld on import', () => {
    const redacted = without(opened, 'summary');
    const amended = validateAmendment('case.opened', redacted, { confidence: 5 }, DEFAULT_POLICY, { withheld: ['summary'] });
    expect(amended.confidence).toBe(5);
    expect(() => validateAmendment('case.opened', redacted, { summary: 'Now known.' }, DEFAULT_POLICY, { withheld: ['summary'] })).not.toThrow();
  });
});
