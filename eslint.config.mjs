// ESLint flat config: typescript-eslint's type-aware rules on the server, the
// chaincode, the tests and the portal. Each file is typed by its nearest
// tsconfig.json (the root one, chaincode/tsconfig.json or web/tsconfig.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/', '**/node_modules/', 'data/', 'data-*/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `async` without `await` is how a function that implements a Promise-returning interface (the chaincode stub, the Ledger seam) turns its throws into rejections.
      '@typescript-eslint/require-await': 'off',
      // Unused arguments keep the signature of the interface they implement; `_`-prefixed names are the marked ones.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A redundant cast or `!` is noise, not a fault; whoever next edits the line can drop it.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // A type guard's false branch narrows the refused value to `never`; the message still names what was refused.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNever: true }],
      // fabric-shim's and fabric-contract-api's internals have no types nor exports: they are required with a declared shape.
      // Passing on a caught value as a rejection keeps what was thrown, whatever it is.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^fabric-shim/lib/', '^fabric-contract-api(/lib/.*)?$'] }],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    rules: {
      // Preact ignores what an event handler returns; the portal's async form handlers catch and show their own failures.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read JSON answers and thrown values of unknown shape and assert on them with chai: a wrong shape fails the assertion, so `any` there is checked at run time.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
