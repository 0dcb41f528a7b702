/** This workstation's key card: its public keys in the forms other tools take. */
import { bech32Encode } from '../../../shared/codec/bech32';
import { toBase64 } from '../../../shared/bytes';
import { fingerprintWords, formatFingerprint } from '../../../shared/keys/fingerprint';
import { KEY_CARD_VERSION, keyCardSignedBytes, type KeyCard } from '../../../shared/keys/key-card';
import { encodeMinisignPublicKey, formatMinisignKeyId, minisignKeyId } from '../formats/minisign';
import { fingerprintBytes, fingerprintHex, signDetached } from './workstation';
import type { Vault } from './vault';

export function buildKeyCard(vault: Vault): KeyCard {
  const keys = vault.workstation();
  const keyId = minisignKeyId(keys.edPublicKey);
  const claims = { name: keys.name, origin: vault.origin, ed25519: toBase64(keys.edPublicKey), ageRecipient: bech32Encode('age', keys.xPublicKey) };
  return {
    type: 'tearline-key-card',
    version: KEY_CARD_VERSION,
    name: claims.name,
    origin: claims.origin,
    fingerprint: fingerprintHex(keys.edPublicKey),
    fingerprintWords: fingerprintWords(fingerprintBytes(keys.edPublicKey)),
    ed25519: claims.ed25519,
    minisignPublicKey: encodeMinisignPublicKey({
      publicKey: keys.edPublicKey,
      keyId,
      untrustedComment: `tearline ${sanitizeComment(keys.name)} ${formatMinisignKeyId(keyId)}`,
    }),
    ageRecipient: claims.ageRecipient,
    signature: toBase64(signDetached(keys, keyCardSignedBytes(claims))),
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
