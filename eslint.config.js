// Lint: typescript-eslint's recommended rules on the project's TypeScript.
const tseslint = require('typescript-eslint');

const escapeMessage = 'Place documents with terraformPolicy (stacks/plumbing/terraform-literal): it escapes ${ for Terraform.';
const RAW_POLICY = [
  { group: ['**/policies/document'], importNames: ['policyJson'], message: escapeMessage },
  { group: ['**/policies/declarative', '**/policies/declarative/*'], importNames: ['declarativeJson'], message: escapeMessage },
];
/** Addresses of resources one stack creates, by the file of that stack; other stacks read them from its handle. */
const OWNED_ADDRESSES = {
  'stacks/detection/log-archive.ts': ['logArchiveBucketArn', 'logArchiveBucketName', 'logArchiveKeyAliasArn'],
  'stacks/detection/alerts.ts': ['alertTopicArn'],
  'stacks/response/breakglass-alarm.ts': ['breakGlassBusArn'],
};
const handleMessage = (owner) => `Read this address from the handle of the stack that creates it (${owner}): that orders this stack after it.`;

/** no-restricted-imports for stacks/: raw policy text everywhere, other stacks' addresses outside their owner. */
function stackImportRules() {
  const restrict = (except) => ({
    'no-restricted-imports': ['error', {
      patterns: [
        ...(except === 'stacks/plumbing/terraform-literal.ts' ? [] : RAW_POLICY),
        ...Object.entries(OWNED_ADDRESSES)
          .filter(([owner]) => owner !== except)
          .map(([owner, importNames]) => ({ group: ['**/shared/addresses'], importNames, message: handleMessage(owner) })),
      ],
    }],
  });
  const owners = [...Object.keys(OWNED_ADDRESSES), 'stacks/plumbing/terraform-literal.ts'];
  return [
    { files: ['stacks/**/*.ts'], ignores: owners, rules: restrict(undefined) },
    ...owners.map((file) => ({ files: [file], rules: restrict(file) })),
  ];
}

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
  // And a stack names what another stack creates only through that stack's handle
  // (`archive.bucket(this, …)`, `alerts.topicArn(this)`, `bus.busArn(this)`), which orders it after that stack.
  ...stackImportRules(),
  // Tests dig into synthesized Terraform JSON, whose shape is what they assert.
  { files: ['__tests__/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
