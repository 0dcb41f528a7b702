/** Entry and vault identifiers: UUIDv7, so ids sort by creation time across workstations. */
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';

export function newEntryId(): string {
  return uuidv7();
}

export function newVaultId(): string {
  return uuidv4();
}
