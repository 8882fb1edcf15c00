/**
 * Jest: swc transpiles (type-checking is `npm run typecheck`), tests live in __tests__/. The
 * moto servers start once per run (one per worker) in the global setup, not once per file.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // moto-backed tests run whole containment phases; on a loaded 2-core CI machine one took over
  // 60 s. A generous limit only delays the report of a hung test; speed is measured in bench/.
  testTimeout: 180000,
  globalSetup: '<rootDir>/__tests__/support/moto-global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/support/moto-global-teardown.ts',
};
