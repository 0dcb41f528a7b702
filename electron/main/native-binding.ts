/**
 * Which better-sqlite3 binary the core process loads. The one in node_modules is built for
 * Node (tests, the command line); Electron needs one built for its own ABI, kept apart so
 * that both work on one machine (docs/architecture.md, "Native module"):
 *   - unpackaged (`npm start`): .cache/native/electron-<version>-<platform>-<arch>/, built by
 *     `node build/native-sqlite.mjs`;
 *   - packaged: resources/native/, put there by electron-builder (extraResources).
 */
import path from 'node:path';

export const NATIVE_FILE = 'better_sqlite3.node';

export interface NativeBindingInput {
  packaged: boolean;
  resourcesPath: string;
  appPath: string;
  electronVersion: string;
  platform: NodeJS.Platform;
  arch: string;
}

export function devNativeDir(root: string, electronVersion: string, platform: string, arch: string): string {
  return path.join(root, '.cache', 'native', `electron-${electronVersion}-${platform}-${arch}`);
}

export function nativeBindingPath(input: NativeBindingInput): string {
  return input.packaged
    ? path.join(input.resourcesPath, 'native', NATIVE_FILE)
    : path.join(devNativeDir(input.appPath, input.electronVersion, input.platform, input.arch), NATIVE_FILE);
}
