/**
 * electron-builder.yml: valid against the schema of the installed electron-builder (a
 * misspelt key would be rejected, not ignored), and saying what the packaging must say.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// js-yaml and ajv are what electron-builder itself uses: resolved through it.
const here = createRequire(import.meta.url);
const builder = createRequire(here.resolve('electron-builder/package.json'));
const lib = createRequire(builder.resolve('app-builder-lib/package.json'));
const yaml = lib('js-yaml') as { load(text: string): unknown };
const Ajv = lib('ajv').default as new (options: object) => {
  addKeyword(keyword: string): void;
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
};
const schema = lib('./scheme.json') as object;

const root = path.resolve(__dirname, '..', '..');
/** The parts of the configuration these tests read. */
interface BuilderConfig {
  appId: string;
  productName: string;
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
  nsis: { differentialPackage: boolean };
  dmg: { writeUpdateInfo: boolean };
  asar: boolean;
  asarUnpack: string[];
  files: string[];
  extraResources: unknown[];
  electronFuses: Record<string, boolean>;
  publish: unknown;
  detectUpdateChannel: boolean;
  generateUpdatesFilesForAllChannels: boolean;
  npmRebuild: boolean;
  beforePack: string;
}

const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it("matches electron-builder's configuration schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('names the app and its targets', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.productName).toBe('Tearline');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('packs the app in an asar archive with better-sqlite3 unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', '!dist/**/*.map']));
  });

  it.each(['append-worker', 'bundle-worker'])('packs the %s unpacked, needing from node_modules only what is unpacked', (name) => {
    expect(config.files).toContain('dist/workers/**');
    expect(config.asarUnpack).toContain('dist/workers/**');
    // The worker bundle (built by scripts/build.mjs, which the test command runs first)
    // carries its pure JavaScript dependencies; what it still requires must be unpacked.
    const bundle = readFileSync(path.join(root, 'dist', 'workers', `${name}.cjs`), 'utf8');
    const required = new Set([...bundle.matchAll(/\brequire(?:Cjs\d*)?\("([^"]+)"\)/g)].map((m) => m[1]!).filter((name) => !name.startsWith('node:') && !name.startsWith('.')));
    for (const name of required) expect(config.asarUnpack, `${name} must be unpacked`).toContain(`node_modules/${name}/**`);
    expect([...required].sort()).toEqual(['libsodium-wrappers-sumo', 'sodium-native']);
  });

  it('flips the fuses (checklist 19)', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('publishes nothing and writes no update metadata', () => {
    expect(config).toHaveProperty('publish', null);
    expect(config.detectUpdateChannel).toBe(false);
    expect(config.generateUpdatesFilesForAllChannels).toBe(false);
    expect(config.nsis.differentialPackage).toBe(false);
    expect(config.dmg.writeUpdateInfo).toBe(false);
    expect(JSON.stringify(config)).not.toMatch(/https?:\/\//);
  });

  it('never rebuilds node_modules in place, and ships the Electron build of the native module', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.beforePack).toBe('build/hooks/before-pack.cjs');
    expect(config.extraResources).toEqual([{ from: '.cache/native/package/better_sqlite3.node', to: 'native/better_sqlite3.node' }]);
    const hook = here(path.join(root, config.beforePack)) as { default?: unknown };
    expect(typeof hook.default).toBe('function');
  });
});
