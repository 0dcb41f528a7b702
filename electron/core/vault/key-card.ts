/** This workstation's key card: its public keys in the forms other tools take. */
import { bech32Encode } from '../../../shared/codec/bech32';
import { toBase64 } from '../../../shared/bytes';
import { fingerprintWords, formatFingerprint } from '../../../shared/keys/fingerprint';
import type { KeyCard } from '../../../shared/keys/key-card';
import { encodeMinisignPublicKey, formatMinisignKeyId, minisignKeyId } from '../formats/minisign';
import { fingerprintBytes, fingerprintHex } from './workstation';
import type { Vault } from './vault';

export function buildKeyCard(vault: Vault): KeyCard {
  const keys = vault.workstation();
  const keyId = minisignKeyId(keys.edPublicKey);
  return {
    type: 'tearline-key-card',
    version: 1,
    name: keys.name,
    origin: vault.origin,
    fingerprint: fingerprintHex(keys.edPublicKey),
    fingerprintWords: fingerprintWords(fingerprintBytes(keys.edPublicKey)),
    ed25519: toBase64(keys.edPublicKey),
    minisignPublicKey: encodeMinisignPublicKey({
      publicKey: keys.edPublicKey,
      keyId,
      untrustedComment: `tearline ${sanitizeComment(keys.name)} ${formatMinisignKeyId(keyId)}`,
    }),
    ageRecipient: bech32Encode('age', keys.xPublicKey),
  };
}

/** Key-card names are free text; minisign comments are one line. */
function sanitizeComment(name: string): string {
  return name.replace(/[\r\n\0]+/g, ' ').slice(0, 200);
}

export function formatKeyCard(card: KeyCard): string[] {
  return [
    `Workstation   ${card.name}`,
    `Origin        ${card.origin}`,
    `Fingerprint   ${formatFingerprint(card.fingerprint)}`,
    `              ${card.fingerprintWords.join(' ')}`,
    `Ed25519       ${card.ed25519}`,
    `age recipient ${card.ageRecipient}`,
    `minisign key  ${card.minisignPublicKey.split('\n')[1]}`,
  ];
}
