// Lint rules that the type checker does not cover. Layering is dependency-cruiser's job
// (.dependency-cruiser.cjs); here: correctness, and the IPC and shell bans.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IPC_MESSAGE = 'Use the typed IPC wrapper (electron/main/ipc.ts, electron/preload/preload.ts); raw ipcMain/ipcRenderer live only there.';
const OPEN_EXTERNAL = { selector: "CallExpression[callee.property.name='openExternal']", message: 'The app never opens external URLs (air-gapped).' };

/** The `electron` imports banned everywhere (shell), and outside the wrappers (ipc). */
function electronImportBans(ipcToo) {
  const bans = [{ name: 'electron', importNames: ['shell'], message: 'The app opens nothing outside itself: no shell.' }];
  if (ipcToo) {
    bans.push(
      { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: IPC_MESSAGE },
      { name: 'electron/main', importNames: ['ipcMain'], message: IPC_MESSAGE },
      { name: 'electron/renderer', importNames: ['ipcRenderer'], message: IPC_MESSAGE },
    );
  }
  return bans;
}

function syntaxBans(ipcToo) {
  if (!ipcToo) return [OPEN_EXTERNAL];
  return [
    OPEN_EXTERNAL,
    { selector: 'MemberExpression[property.name=/^ipc(Main|Renderer)$/]', message: IPC_MESSAGE },
    { selector: "MemberExpression[property.name='ipc']", message: `${IPC_MESSAGE} (frame and web-contents .ipc included)` },
    { selector: 'ObjectPattern > Property[key.name=/^ipc(Main|Renderer)$/]', message: IPC_MESSAGE },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/vectors/**', 'build/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='openExternal']", message: 'The app never opens external URLs (air-gapped).' },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  // The IPC ban: raw ipcMain / ipcRenderer (and frame-level `.ipc`) only in the one wrapper
  // module on each side, electron/main/ipc.ts and electron/preload/preload.ts, which check
  // every sender and payload against the contract. No code may import `shell` (the app
  // opens nothing outside itself). Rule options replace rather than merge across config
  // objects, so the openExternal ban is repeated in both.
  {
    files: ['electron/**/*.ts', 'renderer/**/*.ts', 'renderer/**/*.tsx', 'shared/**/*.ts'],
    ignores: ['electron/main/ipc.ts', 'electron/preload/preload.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: electronImportBans(true) }],
      'no-restricted-syntax': ['error', ...syntaxBans(true)],
    },
  },
  {
    files: ['electron/main/ipc.ts', 'electron/preload/preload.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: electronImportBans(false) }],
      'no-restricted-syntax': ['error', ...syntaxBans(false)],
    },
  },
  {
    files: ['bin/**/*.cjs', 'scripts/**/*.mjs', '*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { sourceType: 'module' },
  },
);
