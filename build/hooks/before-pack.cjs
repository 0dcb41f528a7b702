// electron-builder `beforePack`: before the app's files are copied, build (or reuse) the
// Electron-ABI better-sqlite3 for the target platform and architecture, and stage it where
// `extraResources` (electron-builder.yml) puts it into the package: resources/native/.
const path = require('node:path');
const { pathToFileURL } = require('node:url');

// builder-util's Arch enum, by value.
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

async function beforePack(context) {
  const native = await import(pathToFileURL(path.join(__dirname, '..', 'native-sqlite.mjs')).href);
  const arch = ARCH_NAMES[context.arch];
  if (!arch || arch === 'universal') throw new Error(`cannot package better-sqlite3 for architecture ${String(arch)}`);
  const binary = await native.buildElectronSqlite({
    version: context.packager.info.framework.version,
    platform: context.electronPlatformName,
    arch,
  });
  native.stageForPackaging(binary);
}

module.exports = beforePack;
module.exports.default = beforePack;
