/**
 * `verify-bundle`: the verdict on a bundle, against a vault (its keyring and what it
 * holds) or against one key given by the caller. Reads only: nothing is stored.
 */
import { statSync } from 'node:fs';
import { limitsWith, type BundleLimits } from '../../../shared/bundle/format';
import type { Verdict } from '../../../shared/bundle/verdict';
import { loadSodium } from '../crypto/sodium';
import type { AgeIdentityInput } from '../formats/age';
import type { MinisignPublicKey } from '../formats/minisign';
import { withRowKeysAsync } from '../trust/sealed-rows';
import { Vault } from '../vault/vault';
import { keyEnvironment, vaultEnvironment } from './environment';
import { closeStarting, loadBundle, releaseLoaded, startHashWorkerFor, type BundleSource, type HashWorkerOption, type LoadedBundle, type LoadOptions } from './input';
import { verdictForLoadFailure, verifyLoaded } from './verify';
import type { RunOptions } from './progress';

/** Verify against a vault, or against one minisign public key (and age identities, if the bundle is encrypted). */
export type InspectTarget =
  | Vault
  | { trustKey: string | MinisignPublicKey | { publicKey: Uint8Array; keyId: Uint8Array }; identities?: AgeIdentityInput[] };

export interface InspectOptions extends RunOptions, HashWorkerOption {
  limits?: Partial<BundleLimits>;
}

export function toSource(input: BundleSource | string | Uint8Array): BundleSource {
  if (typeof input === 'string') return { path: input };
  if (input instanceof Uint8Array) return { bytes: input };
  return input;
}

/** The input's size, for the verdict on a bundle that could not be loaded. */
export function sizeOf(source: BundleSource): number {
  if (source.bytes) return source.bytes.length;
  try {
    return source.path === undefined ? 0 : statSync(source.path).size;
  } catch {
    return 0;
  }
}

export async function inspectBundle(target: InspectTarget, input: BundleSource | string | Uint8Array, options: InspectOptions = {}): Promise<Verdict> {
  const source = toSource(input);
  const limits = limitsWith(options.limits);
  // A large bundle's worker starts while libsodium loads: in a new process (the command
  // line's) each takes tens of milliseconds, and this thread reads alone until the worker
  // is ready. (Not for a bundle that will be refused as too large before it is read.)
  const bytes = sizeOf(source);
  let starting = bytes <= limits.maxBytes ? startHashWorkerFor(bytes, options) : undefined;
  // The worker is loadBundle's once given to it (it ends it on a failure); here until then.
  const load = (loadOptions: LoadOptions): Promise<LoadedBundle> => {
    const given = starting;
    starting = undefined;
    return loadBundle(source, { ...loadOptions, ...(given ? { starting: given } : {}) });
  };
  try {
    await loadSodium();
    if (target instanceof Vault) {
      return await withRowKeysAsync(target, async (keys) => {
        let loaded;
        try {
          loaded = await load({ ...options, limits, identities: [target.workstation().xSecretKey] });
        } catch (error) {
          return verdictForLoadFailure(error, sizeOf(source));
        }
        let env;
        try {
          env = vaultEnvironment(target, keys);
        } catch (error) {
          // verifyLoaded would have ended them: a refusal here must too.
          releaseLoaded(loaded);
          throw error;
        }
        return (await verifyLoaded(loaded, env, { ...options, limits })).verdict;
      });
    }
    const env = keyEnvironment(target.trustKey);
    let loaded;
    try {
      // Nothing of an entry is needed beyond the verdict: a large file is read again in segments.
      loaded = await load({ segments: true, ...options, limits, identities: target.identities ?? [] });
    } catch (error) {
      return verdictForLoadFailure(error, sizeOf(source));
    }
    return (await verifyLoaded(loaded, env, { ...options, limits })).verdict;
  } finally {
    closeStarting(starting);
  }
}
