// One linter for both sides: TypeScript (host, CLI, bench, tests) and AssemblyScript (assembly/,
// the plugins' sources, test modules), whose decorators and casts typescript-eslint's parser
// reads with allowInvalidAST.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ASSEMBLYSCRIPT = [
  'assembly/**/*.ts',
  'plugins/*/*.ts',
  'plugins/*/__tests__/**/*.ts',
  'tests/modules/as/**/*.ts',
];
const NODE_FILES_IN_PLUGINS = ['plugins/*/bench.ts', 'plugins/*/istio.ts'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // TypeScript checks names (tsc --noEmit); AssemblyScript's builtins are not JavaScript globals.
      'no-undef': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Header and body checks match control bytes on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ASSEMBLYSCRIPT,
    ignores: NODE_FILES_IN_PLUGINS,
    languageOptions: { parserOptions: { allowInvalidAST: true } },
    rules: {
      // A callback's parameters are the ABI's, used or not; u64 literals are exact in AssemblyScript.
      '@typescript-eslint/no-unused-vars': 'off',
      'no-loss-of-precision': 'off',
    },
  },
);
