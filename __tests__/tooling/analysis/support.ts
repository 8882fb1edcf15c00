/**
 * Wiring shared by the moto-backed analysis tests: the case context for the seeded attack,
 * the recorded-response variables, and a client set whose EC2 in one region is denied.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { tmpdir } from 'node:os';
import { AwsClients, type ClientSettings } from '../../../tooling/aws/clients';
import type { CaseContext } from '../../../tooling/model';
import type { FixtureVars } from './fixtures/load';
import { SCENARIO_ACCOUNT, SCENARIO_REGIONS, type AttackScenario } from '../../../dev/attack-scenario';
import { MOTO_CREDENTIALS } from '../../../dev/moto';

/** The case for the seeded attack. */
export function caseFor(seed: AttackScenario, regions: readonly string[] = SCENARIO_REGIONS): CaseContext {
  return { caseId: 'IR-2026-0042', accountId: SCENARIO_ACCOUNT, regions, window: seed.window, caseDir: tmpdir() };
}

/** Placeholder values for the recorded responses, from what moto generated. */
export function fixtureVars(seed: AttackScenario): FixtureVars {
  return {
    windowStart: seed.window.start,
    values: {
      accountId: SCENARIO_ACCOUNT,
      victimKey: seed.attackerKeyId,
      backdoorKey: seed.backdoorKeyId,
      policyArn: seed.backdoorPolicyArn,
      minerUsEast: seed.minerInstances['us-east-1'],
      minerEuWest: seed.minerInstances['eu-west-1'],
      minerApSe2: seed.minerInstances['ap-southeast-2'],
      imageId: seed.imageId,
      snapshotId: seed.snapshotId,
      spotRequestId: seed.spotRequestId,
      euVolume: seed.euVolume,
      instanceId: seed.minerInstances['us-east-1'],
      // CreateKeyPair's record names the key pair by its ID: the one moto generated in that region.
      ...Object.fromEntries(seed.keyPairs.map((k) => [`keyPair_${k.region.replace(/-/g, '_')}`, k.keyPairId])),
    },
  };
}

/** Clients whose EC2 calls in `deniedRegion` fail the way an SCP region deny makes them fail. */
export class RegionDeniedClients extends AwsClients {
  private denied?: EC2Client;
  constructor(
    settings: ClientSettings,
    private readonly deniedRegion: string,
  ) {
    super(settings);
  }
  override ec2(region: string): EC2Client {
    if (region !== this.deniedRegion) return super.ec2(region);
    if (!this.denied) {
      this.denied = new EC2Client({ region, endpoint: this.settings.endpoint, credentials: this.settings.credentials, maxAttempts: 1 });
      this.denied.middlewareStack.add(
        () => async () => {
          throw Object.assign(new Error(`You are not authorized to perform this operation. (explicit deny in a service control policy, ${region})`), {
            name: 'UnauthorizedOperation',
          });
        },
        { step: 'initialize', name: 'denyRegion' },
      );
    }
    return this.denied;
  }
}

/** Clients for seeding and for the code under test, on the run's moto server. */
export function motoClients(endpoint: string): AwsClients {
  return new AwsClients({ endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 2 });
}
