/** Simulator proofs for the launch paths beyond RunInstances, on the example org and on allowlist mode with a platform role. */
import { EXAMPLE_CONFIG_PATH, loadOrgConfig } from '../../config';
import { launchPathProofs } from '../../policies/proofs';
import { describeProofTables } from './proof-harness';
import { exampleWith } from './variants';

describeProofTables('example org', launchPathProofs(loadOrgConfig(EXAMPLE_CONFIG_PATH)));

const allowlistWithPlatform = exampleWith((raw) => {
  raw.instanceTypes = { mode: 'allowlist', allow: ['t3.*', 'm5.large', 'c6i.*'], computePlatformPrincipals: ['arn:aws:iam::*:role/ml-platform/*'] };
});
describeProofTables('allowlist mode with a compute platform role', launchPathProofs(allowlistWithPlatform));
