// Lint: typescript-eslint's recommended rules on the project's TypeScript.
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'cdktf.out/', 'generated/', 'cases/', '.gen/', 'bin/', '*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Tests dig into synthesized Terraform JSON, whose shape is what they assert.
  { files: ['__tests__/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
