import nx from '@nx/eslint-plugin';

// Node modules that do I/O; libs/engine must stay pure (time comes in as an argument).
const ioModules = [
  'fs',
  'child_process',
  'net',
  'dgram',
  'http',
  'https',
  'os',
  'cluster',
  'worker_threads',
  'tls',
  'dns',
];
const ioPatterns = [
  ...ioModules,
  ...ioModules.map((m) => `node:${m}`),
  'fs/*',
  'node:fs/*',
  'nats',
  '@nestjs/*',
  '@keel/native',
  '@keel/bus',
  '@keel/runtime',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', 'native/target', 'libs/native/addon', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          // libs/config checks a module's lease timing with libs/arbiter's rule (0019); the way back
          // goes only through libs/arbiter's tests, whose fake clock comes from libs/testing (which
          // needs libs/config). Nx judges every edge of that cycle, so each is named.
          ignoredCircularDependencies: [
            ['arbiter', 'testing'],
            ['testing', 'config'],
            ['config', 'arbiter'],
          ],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:pure'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:pure'] },
            {
              sourceTag: 'type:pure',
              onlyDependOnLibsWithTags: ['type:pure'],
              bannedExternalImports: ['nats', '@nestjs/*', 'prom-client'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests state what they expect to exist; a failed `!` is a failed test, not a crash in production.
    files: ['**/test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['libs/engine/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ioPatterns, message: 'libs/engine is pure: no I/O imports.' }] },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'libs/engine takes time as input.' },
        'setTimeout',
        'setInterval',
        'process',
        'fetch',
      ],
    },
  },
  {
    // The lease keeper decides from the times it is given, like libs/engine: its timing argument
    // (docs/decisions/0019) must be testable with any clock.
    files: ['libs/arbiter/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ioPatterns, message: 'libs/arbiter/src/core is pure: no I/O imports.' }] },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'libs/arbiter/src/core takes time as input.' },
        'setTimeout',
        'setInterval',
        'process',
        'fetch',
      ],
    },
  },
];
