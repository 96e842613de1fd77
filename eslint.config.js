// Lint configuration. Besides type-aware TypeScript checks it enforces the architecture of
// DESIGN.md: which top-level folder may import which (eslint-plugin-boundaries) and that the
// pure core (src/ir, src/api, src/translate) has no I/O, no clock, no randomness, no process.
import { statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, globalIgnores } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

const root = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// Import resolution for boundaries.
//
// The plugin classifies an import by the path it resolves to. Sources use NodeNext specifiers
// (`./x.js` names `./x.ts`), which the stock node resolver cannot find, and during development an
// import may point at a module that does not exist yet. Both would make the target "unknown" and
// let a forbidden import slip through. So, inside the project's source roots, any JS/TS-looking
// path counts as a file: classification goes by where an import points, and whether the file
// exists is tsc's job. Outside those roots (node_modules) the real file system decides.
// (eslint-import-resolver-typescript would do the .js→.ts mapping, but still not the missing
// file case, and it is not a dependency.)
const sourceRoots = ['src', 'sidecar', 'injector', 'test', 'scripts', 'bench', 'bin'].map(
  (dir) => resolve(root, dir) + sep,
);
const sourceFile = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
function existsAsFile(file) {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat !== undefined && (stat.isFile() || stat.isFIFO());
}
function isFile(file) {
  if (sourceFile.test(file) && sourceRoots.some((dir) => file.startsWith(dir))) return true;
  return existsAsFile(file);
}

// ---------------------------------------------------------------------------------------------
// Architecture: element types (one per top-level folder of DESIGN.md) and who may import whom.
const elements = [
  ['ir', 'src/ir'],
  ['api', 'src/api'],
  ['translate', 'src/translate'],
  ['controller', 'src/controller'],
  ['configsync', 'src/configsync'],
  ['shared', 'src/shared'],
  ['echo', 'src/echo'],
  ['cli', 'src/cli'],
  ['sidecar', 'sidecar'],
  ['injector', 'injector'],
  ['test', 'test'],
  ['bench', 'bench'],
  ['scripts', 'scripts'],
  ['bin', 'bin'],
].map(([type, pattern]) => ({ type, pattern, partialMatch: false }));

const inSrc = ['ir', 'api', 'translate', 'controller', 'configsync', 'shared', 'cli'];
// src/echo is the test backend (`sidelane echo`): it knows nothing of the mesh.
const everything = elements.map((element) => element.type);

/** Local element types each element type may import (besides its own files). */
const mayImport = {
  ir: [],
  api: [],
  translate: ['ir', 'api', 'shared'],
  controller: inSrc,
  configsync: ['ir', 'shared'],
  shared: [],
  echo: ['shared'],
  cli: everything,
  sidecar: ['ir', 'shared', 'configsync', 'sidecar'],
  injector: ['shared', 'injector'],
  test: everything,
  bench: everything,
  scripts: everything,
  bin: everything,
};

const boundaryPolicies = Object.entries(mayImport).map(([from, to]) => ({
  from: { element: { type: from } },
  allow: { to: { element: { types: { anyOf: [from, ...to] } } } },
}));

// ---------------------------------------------------------------------------------------------
// The pure core: src/ir, src/api, src/translate. The translator is a function of its input only,
// so golden tests are reproducible and a no-op push can be detected by comparing outputs.
const pureCore = ['src/ir/**/*.ts', 'src/api/**/*.ts', 'src/translate/**/*.ts'];

const ioBuiltins = [
  'async_hooks',
  'child_process',
  'cluster',
  'dgram',
  'diagnostics_channel',
  'dns',
  'dns/promises',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'inspector',
  'module',
  'net',
  'os',
  'perf_hooks',
  'process',
  'readline',
  'readline/promises',
  'repl',
  'timers',
  'timers/promises',
  'tls',
  'trace_events',
  'tty',
  'v8',
  'vm',
  'wasi',
  'worker_threads',
];
const pureCoreImportMessage =
  'src/ir, src/api and src/translate are pure: no I/O, clock, or process access (DESIGN.md). Do it in src/controller and pass the result in.';

const pureCoreRestrictedImports = [
  ...ioBuiltins.flatMap((name) => [
    { name, message: pureCoreImportMessage },
    { name: `node:${name}`, message: pureCoreImportMessage },
  ]),
  // node:crypto stays allowed for hashing (irVersion); its randomness does not.
  ...['crypto', 'node:crypto'].map((name) => ({
    name,
    importNames: [
      'getRandomValues',
      'randomBytes',
      'randomFill',
      'randomFillSync',
      'randomInt',
      'randomUUID',
      'webcrypto',
    ],
    message: 'No randomness in the pure core: the same input must give the same output.',
  })),
  {
    name: '@kubernetes/client-node',
    allowTypeImports: true,
    message:
      'The pure core may use @kubernetes/client-node types only (`import type`): its runtime talks to the API server.',
  },
  ...['pino', 'undici', 'ws', 'commander'].map((name) => ({ name, message: pureCoreImportMessage })),
];

const pureCoreSyntax = [
  {
    selector: "MemberExpression[object.name='Date'][property.name='now']",
    message: 'No clock in the pure core: take the time as an input.',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'No clock in the pure core: take the time as an input.',
  },
  {
    selector: "CallExpression[callee.name='Date']",
    message: 'No clock in the pure core: `Date()` returns the current time.',
  },
  {
    selector: "MemberExpression[object.name='Math'][property.name='random']",
    message: 'No randomness in the pure core: the same input must give the same output.',
  },
  {
    selector: "MemberExpression[object.name='globalThis'][property.name=/^(process|crypto|performance|fetch|console)$/]",
    message: 'No process, clock, randomness or I/O globals in the pure core.',
  },
  {
    // no-restricted-imports does not see `import('node:fs')`; the pure core is synchronous anyway.
    selector: 'ImportExpression',
    message: 'No dynamic import in the pure core: it would bypass the restricted imports.',
  },
];

const pureCoreGlobals = [
  { name: 'process', message: 'No process globals in the pure core: take configuration as an input.' },
  { name: 'global', message: 'No process globals in the pure core: take configuration as an input.' },
  { name: 'crypto', message: 'No randomness in the pure core (for hashing, import from node:crypto).' },
  { name: 'performance', message: 'No clock in the pure core: take the time as an input.' },
  { name: 'fetch', message: pureCoreImportMessage },
  { name: 'console', message: 'No logging in the pure core: report problems in the result (status, IrProblem).' },
  ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask'].map((name) => ({
    name,
    message: 'No timers in the pure core: it is a synchronous function of its input.',
  })),
];

// Plain JS run by Node directly (no type information, no tsconfig project).
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'URL', 'URLSearchParams', 'Buffer', 'setTimeout', 'clearTimeout', 'structuredClone'].map(
    (name) => [name, 'readonly'],
  ),
);

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    'dist/',
    'coverage/',
    '.cache/',
    'src/api/gateway/generated.ts',
    '**/*.generated.ts',
  ]),

  js.configs.recommended,

  // TypeScript with type information.
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    rules: {
      // Template literals with numbers are everywhere in paths and messages; they are fine.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      // @kubernetes/client-node declares its models (V1Service, …) as classes, but they are plain
      // data: objects decoded from the API or from YAML are literals too, never instances.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },

  // Plain JavaScript (scripts/*.mjs, bin/*.js, this file): no type information.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
  },

  // Architecture boundaries between the folders of DESIGN.md.
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': root,
      'boundaries/elements': elements,
      'import/resolver': {
        node: { extensions: ['.ts', '.js', '.mjs', '.json'], isFile },
      },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          // An import of a local file outside every element (e.g. src/foo.ts) is refused too,
          // so a new folder cannot sidestep the rules until it is given a type here.
          checkUnknownLocals: true,
          policies: boundaryPolicies,
        },
      ],
    },
  },
  {
    // Every source file belongs to an element; a new folder must be given a type above.
    files: ['src/**', 'sidecar/**', 'injector/**'],
    rules: { 'boundaries/no-unknown-files': 'error' },
  },

  // The pure core.
  {
    files: pureCore,
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { paths: pureCoreRestrictedImports }],
      'no-restricted-syntax': ['error', ...pureCoreSyntax],
      'no-restricted-globals': ['error', ...pureCoreGlobals],
    },
  },
);
