/** Shared set-up of the bundle tests: vaults with a few cases, and keyrings that trust each other. */
import path from 'node:path';
import { exampleBody } from '../../shared/domain';
import { Vault } from '../../electron/core/vault/vault';
import { buildKeyCard } from '../../electron/core/vault/key-card';
import { trustAdd } from '../../electron/core/bundle';

export const PASS = 'correct horse battery staple';

let counter = 0;

export async function newVault(dir: string, name: string): Promise<Vault> {
  return Vault.create(path.join(dir, `${name.replace(/\W+/g, '-')}-${++counter}.tearline`), PASS, { name, kdf: 'interactive' });
}

export interface CaseIds {
  caseId: string;
  waiverId: string;
  noteId: string;
  ids: string[];
}

/** A case of four entries: opened (with source protection), waiver (with source protection), note, assessment. */
export function addCase(vault: Vault): CaseIds {
  const [opened] = vault.append([{ kind: 'case.opened', body: exampleBody('case.opened') }]);
  const caseId = opened!.id;
  const rest = vault.append([
    { kind: 'waiver', body: exampleBody('waiver', { caseId }) },
    { kind: 'note', body: exampleBody('note', { caseId }) },
    { kind: 'case.assessed', body: exampleBody('case.assessed', { caseId }) },
  ]);
  return { caseId, waiverId: rest[0]!.id, noteId: rest[1]!.id, ids: [caseId, ...rest.map((e) => e.id)] };
}

/** `receiver` trusts `sender` from its key card. */
export function trust(receiver: Vault, sender: Vault, name = sender.name): void {
  trustAdd(receiver, { name, card: buildKeyCard(sender) });
}
