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
  // Stacks place policy documents only through terraformPolicy (stacks/plumbing/terraform-literal.ts),
  // which escapes them for Terraform: `${aws:PrincipalAccount}` handed over raw breaks terraform validate.
  {
    files: ['stacks/**/*.ts'],
    ignores: ['stacks/plumbing/terraform-literal.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/policies/document'], importNames: ['policyJson'], message: 'Place documents with terraformPolicy (stacks/plumbing/terraform-literal): it escapes ${ for Terraform.' },
          { group: ['**/policies/declarative', '**/policies/declarative/*'], importNames: ['declarativeJson'], message: 'Place documents with terraformPolicy (stacks/plumbing/terraform-literal): it escapes ${ for Terraform.' },
        ],
      }],
    },
  },
  // Tests dig into synthesized Terraform JSON, whose shape is what they assert.
  { files: ['__tests__/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
