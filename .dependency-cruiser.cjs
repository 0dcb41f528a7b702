/**
 * The layer rules of docs/architecture.md, checked in CI (`npm run lint`).
 * Lower layers never import upward: shared ← electron/core ← electron/{cli,host,main}
 * and shared ← renderer; the preload sees only shared and 'electron'.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-is-pure',
      comment: 'shared/ runs in Node, the sandboxed preload and the renderer: no Node built-ins.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-imports-no-layer',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(electron|renderer|test|scripts)/' },
    },
    {
      name: 'shared-imports-no-platform-packages',
      comment: 'Only pure packages in shared/: nothing that needs Node, the DOM or Electron.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: 'node_modules/(electron|better-sqlite3|libsodium[^/]*|sodium-native|react|react-dom|commander)(/|$)' },
    },
    {
      name: 'core-never-imports-electron',
      comment: 'The core is what the CLI and the tests drive, in plain Node.',
      severity: 'error',
      from: { path: '^electron/core/' },
      to: { path: '^(node_modules/electron/|electron$)' },
    },
    {
      name: 'core-imports-no-shell',
      severity: 'error',
      from: { path: '^electron/core/' },
      to: { path: '^(electron/(main|preload|cli|host)/|renderer/)' },
    },
    {
      name: 'only-the-renderer-imports-the-renderer',
      severity: 'error',
      from: { pathNot: '^(renderer/|test/)' },
      to: { path: '^renderer/' },
    },
    {
      name: 'renderer-imports-only-shared',
      comment: 'The renderer reaches the core only through the preload API (window.tearline).',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(electron/|node_modules/(electron|better-sqlite3|libsodium-wrappers-sumo|sodium-native)/)' },
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'preload-imports-only-shared-and-electron',
      comment: 'A sandboxed preload can require only electron; everything else is bundled from shared/.',
      severity: 'error',
      from: { path: '^electron/preload/' },
      to: { path: '^(electron/(core|main|cli|host)/|renderer/)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
