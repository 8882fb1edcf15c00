/**
 * Jest: swc transpiles (type-checking is `npm run typecheck`), tests live in __tests__/. The
 * moto servers start once per run (one per worker) in the global setup, not once per file.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 60000,
  globalSetup: '<rootDir>/__tests__/support/moto-global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/support/moto-global-teardown.ts',
};
