/**
 * Fresh copies of the core's crypto modules on one of libsodium's two builds
 * (TEARLINE_SODIUM=native|wasm), with libsodium loaded: whatever `load` imports comes from
 * those copies. Mocks registered before the call (vi.doMock) apply to them.
 */
import { expect, vi } from 'vitest';

export async function onSodiumBuild<T>(mode: 'native' | 'wasm', load: () => Promise<T>): Promise<T> {
  vi.resetModules();
  vi.stubEnv('TEARLINE_SODIUM', mode);
  try {
    const backend = await import('../../electron/core/crypto/native-sodium');
    // The switch is read at the first use: here, while it is set.
    expect(backend.sodiumBackend().backend).toBe(mode);
    await (await import('../../electron/core/crypto/sodium')).loadSodium();
    return await load();
  } finally {
    vi.unstubAllEnvs();
  }
}
