// @ts-check
import tseslint from 'typescript-eslint';

// Node modules that talk to the outside world (files, network, processes). The pure packages
// compute; the apps (server, CLI) and the exchange clients do the I/O.
const IO_MODULES = [
  'fs',
  'fs/promises',
  'http',
  'https',
  'http2',
  'net',
  'tls',
  'dgram',
  'child_process',
  'cluster',
];
const ioImports = IO_MODULES.flatMap((name) => [name, `node:${name}`]).map((name) => ({
  name,
  message:
    'packages/{core,engine,pine,executor} do no I/O: take the data as an argument and let an app read it.',
}));

// Apps use a package through what its package.json exports, never its files.
const packageInternals = [
  {
    group: ['@tradingbot/*/src', '@tradingbot/*/src/**'],
    message: 'Import the package entry point (@tradingbot/<pkg>) or a subpath its package.json exports.',
  },
  {
    regex: '^(\\.\\./)+packages/',
    message: 'Import the package entry point (@tradingbot/<pkg>), not its files.',
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', '**/.next/**', 'artifacts/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through the parsed config, not process.env.',
        },
      ],
    },
  },
  {
    // The places allowed to read the environment: config parsing, the CLI entry point, tests and benchmarks.
    files: ['**/config.ts', 'apps/cli/src/**', '**/test/**', 'bench/**', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['packages/{core,engine,pine,executor}/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ioImports }] },
  },
  {
    // Named exception: `loadCandlesCsv` reads a candle file. It stays in the engine because the CLI,
    // the benchmarks and the tests all load candles the same way; everything else in this file
    // (parsing, validation, writing to a string) is pure, and `parseCandlesCsv` takes text.
    files: ['packages/engine/src/candles/csv.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['apps/*/src/**/*.{ts,tsx}', 'apps/*/test/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: packageInternals }] },
  },
  {
    // Long functions hide several jobs; split them. Tests (describe blocks are long by nature) are exempt.
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.{ts,tsx}'],
    rules: {
      'max-lines-per-function': [
        'error',
        { max: 100, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
  // The exceptions (the benchmarked hot loops, and a few long functions still to split) are written
  // where the functions are: `eslint-disable-next-line max-lines-per-function -- reason`.
);
