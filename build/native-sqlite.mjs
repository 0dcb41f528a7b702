// Builds better-sqlite3 for Electron's ABI, apart from the Node build.
//
// node_modules/better-sqlite3 stays built for Node: the tests and the `tearline` command
// load it. The Electron build goes to .cache/native/electron-<version>-<platform>-<arch>/
// better_sqlite3.node (the folder electron/main/native-binding.ts looks in), compiled from
// a scratch copy of the package, so nothing in node_modules changes. The core process
// loads it through better-sqlite3's `nativeBinding` option. It is compiled from source
// (node-gyp, against Electron's headers): no prebuilt binary is downloaded.
//
//   node build/native-sqlite.mjs            build for this machine, if not built yet
//   node build/native-sqlite.mjs --force    build again
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const NATIVE_FILE = 'better_sqlite3.node';
const require = createRequire(path.join(ROOT, 'package.json'));

export function electronVersion() {
  return require('electron/package.json').version;
}

/** Must agree with devNativeDir in electron/main/native-binding.ts. */
export function nativeDir(version, platform, arch) {
  return path.join(ROOT, '.cache', 'native', `electron-${version}-${platform}-${arch}`);
}

/** Where electron-builder's extraResources picks up the binary for the target being packaged. */
export const STAGED_BINARY = path.join(ROOT, '.cache', 'native', 'package', NATIVE_FILE);

async function loadRebuild() {
  // @electron/rebuild comes with electron-builder (through app-builder-lib): resolve it there.
  const builder = createRequire(require.resolve('electron-builder/package.json'));
  const lib = createRequire(builder.resolve('app-builder-lib/package.json'));
  return import(pathToFileURL(lib.resolve('@electron/rebuild')).href);
}

export async function buildElectronSqlite({ version = electronVersion(), platform = process.platform, arch = process.arch, force = false } = {}) {
  const outDir = nativeDir(version, platform, arch);
  const out = path.join(outDir, NATIVE_FILE);
  if (existsSync(out) && !force) return out;
  if (platform !== process.platform) {
    throw new Error(`better-sqlite3 for ${platform} is compiled on ${platform}: native modules cannot be cross-compiled. Package for ${platform} on a ${platform} machine.`);
  }
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const { version: sqliteVersion } = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8'));
  const work = path.join(ROOT, '.cache', 'native', `work-${platform}-${arch}`);
  rmSync(work, { recursive: true, force: true });
  const target = path.join(work, 'node_modules', 'better-sqlite3');
  const builtDir = path.join(source, 'build');
  cpSync(source, target, { recursive: true, filter: (p) => p !== builtDir && !p.startsWith(builtDir + path.sep) });
  writeFileSync(
    path.join(work, 'package.json'),
    JSON.stringify({ name: 'tearline-native-build', version: '0.0.0', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }),
  );
  const { rebuild } = await loadRebuild();
  console.log(`Compiling better-sqlite3 ${sqliteVersion} for Electron ${version} (${platform}-${arch})...`);
  await rebuild({ buildPath: work, electronVersion: version, platform, arch, onlyModules: ['better-sqlite3'], force: true, buildFromSource: true });
  const built = path.join(target, 'build', 'Release', NATIVE_FILE);
  if (!existsSync(built)) throw new Error(`the build did not produce ${built}`);
  mkdirSync(outDir, { recursive: true });
  copyFileSync(built, out);
  rmSync(work, { recursive: true, force: true });
  return out;
}

/** Copies the binary for one target to where electron-builder's extraResources takes it. */
export function stageForPackaging(binary) {
  mkdirSync(path.dirname(STAGED_BINARY), { recursive: true });
  copyFileSync(binary, STAGED_BINARY);
  return STAGED_BINARY;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildElectronSqlite({ force: process.argv.includes('--force') });
  console.log(`better-sqlite3 for Electron: ${out}`);
}
