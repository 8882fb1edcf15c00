#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx irctl` works without a build step.
require('tsx/cjs');
const { main } = require('../tooling/cli.ts');

main(process.argv)
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    process.stderr.write(`irctl: unexpected error: ${(err && err.stack) || String(err)}\n`);
    process.exitCode = 1;
  });
