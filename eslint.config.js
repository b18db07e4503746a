// Lint rules, including the import boundaries of shared/spec/architecture.md section 2.
// A boundary broken here fails `npm test` (lint runs with --max-warnings 0).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'http',
  'https',
  'tls',
  'dgram',
  'os',
  'path',
  'crypto',
  'worker_threads',
  'cluster',
  'dns',
  'module',
  'process',
  'stream',
  'url',
  'util',
  'zlib',
  'vm',
];
const nativePackages = ['pkcs11js', 'better-sqlite3-multiple-ciphers', 'better-sqlite3'];
// The PostgreSQL driver: only the estate store (main/estate/) talks to PostgreSQL (issue 16).
const postgresPackages = ['pg', 'pg-copy-streams'];

const restrict = (patterns, paths = []) => [
  'error',
  {
    paths: paths.map((name) => ({
      name,
      message: 'This import crosses an architecture boundary (architecture.md section 2).',
    })),
    patterns: patterns.map((group) => ({
      group: [group],
      message: 'This import crosses an architecture boundary (architecture.md section 2).',
    })),
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'release/', 'test-results/', 'test/fixtures/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'Property[key.name=/^(nodeIntegration|nodeIntegrationInWorker|nodeIntegrationInSubFrames)$/][value.value=true]',
          message: 'Node integration must stay off in every window (architecture.md section 2).',
        },
        {
          selector: 'Property[key.name=/^(contextIsolation|sandbox|webSecurity)$/][value.value=false]',
          message: 'contextIsolation, sandbox and webSecurity must stay on (architecture.md section 2).',
        },
      ],
    },
  },
  // Everything outside native/ and test/: no native packages; outside main/electron: no electron.
  {
    files: ['main/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': restrict(
        ['**/renderer/**', '**/test/**'],
        ['electron', ...nativePackages, ...postgresPackages],
      ),
    },
  },
  {
    files: ['main/estate/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(['**/renderer/**', '**/test/**'], ['electron', ...nativePackages]),
    },
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['**/renderer/**', '**/test/**'],
        [...nativePackages, ...postgresPackages],
      ),
    },
  },
  {
    files: ['native/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['**/renderer/**', '**/test/**', '**/main/**'],
        ['electron', ...postgresPackages],
      ),
    },
  },
  // The contract is environment-free: zod only.
  {
    files: ['preload/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [
          '**/main/**',
          '**/renderer/**',
          '**/native/**',
          '**/test/**',
          'node:*',
          '../bridge',
          '../index',
          '../browser-twin',
        ],
        ['electron', ...nativePackages, ...postgresPackages, ...nodeBuiltins],
      ),
    },
  },
  // The preload bridge: contract only, no Node, no main.
  {
    files: ['preload/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(
        ['**/main/**', '**/renderer/**', '**/native/**', '**/test/**', 'node:*'],
        ['electron', ...nativePackages, ...postgresPackages, ...nodeBuiltins],
      ),
    },
  },
  // The renderer draws and asks: no main, no native, no electron, no Node.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(
        [
          '**/main/**',
          '**/native/**',
          '**/test/**',
          'node:*',
          '**/preload/*.ts',
          '**/preload/index*',
          '**/preload/browser*',
        ],
        ['electron', ...nativePackages, ...postgresPackages, ...nodeBuiltins],
      ),
    },
  },
  // The HL7 library is pure: no I/O, no other main services.
  {
    files: ['main/hl7/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [
          '**/renderer/**',
          '**/test/**',
          '**/spine/**',
          '**/audit/**',
          '**/auth/**',
          '**/api/**',
          'node:fs*',
          'node:net',
          'node:http*',
          'node:child_process',
        ],
        ['electron', ...nativePackages, 'fs', 'net', 'http', 'https', 'child_process'],
      ),
    },
  },
  // Playwright fixtures declare their dependencies with an object pattern, empty when there are none.
  { files: ['test/e2e/**/*.ts'], rules: { 'no-empty-pattern': 'off' } },
  {
    files: ['test/**/*.{ts,tsx}', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { 'no-restricted-syntax': 'off' },
  },
);
