/** `tearline schema [KIND]`: the JSON Schema of entry bodies, from the shared zod schemas. */
import { TearlineError } from '../../shared/errors';
import { DEFAULT_POLICY_ID, getPolicy, jsonSchemaFor, USER_ENTRY_KINDS, isEntryKind } from '../../shared/domain';

export function schemaDocument(kind: string | undefined): unknown {
  const policy = getPolicy(DEFAULT_POLICY_ID);
  if (kind === undefined) {
    return {
      policy: policy.id,
      kinds: Object.fromEntries(USER_ENTRY_KINDS.map((k) => [k, jsonSchemaFor(k, policy)])),
    };
  }
  if (!isEntryKind(kind)) {
    throw new TearlineError('E_USAGE', `unknown entry kind "${kind}" (known: ${USER_ENTRY_KINDS.join(', ')})`);
  }
  return jsonSchemaFor(kind, policy);
}
