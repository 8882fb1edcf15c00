/**
 * Containment and scope read every page of the fleet listings: a fleet (or a fleet's instance)
 * on the second page is exactly the one that relaunches a terminated miner. moto returns these
 * listings in one page, so the pages here are recorded responses fed with aws-sdk-client-mock.
 */
import {
  DescribeFleetInstancesCommand,
  DescribeFleetsCommand,
  DescribeSpotFleetInstancesCommand,
  DescribeSpotFleetRequestsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients } from '../../tooling/aws/clients';
import { readFleetOwners } from '../../tooling/contain/fleets';
import { scopeRegion } from '../../tooling/analysis/scope-ec2';

const ec2 = mockClient(EC2Client);
const clients = new AwsClients({ credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const MINER = 'i-0000000000000miner';
const TAGGED_MINER = 'i-00000000000tagged1';

beforeEach(() => {
  ec2.reset();
  ec2.on(DescribeSpotFleetRequestsCommand).callsFake((input: { NextToken?: string }) =>
    input.NextToken === 'sfr-page-2'
      ? { SpotFleetRequestConfigs: [{ SpotFleetRequestId: 'sfr-second-page', SpotFleetRequestState: 'active' }] }
      : { SpotFleetRequestConfigs: [{ SpotFleetRequestId: 'sfr-first-page', SpotFleetRequestState: 'cancelled_terminating' }], NextToken: 'sfr-page-2' },
  );
  ec2.on(DescribeFleetsCommand).callsFake((input: { NextToken?: string }) =>
    input.NextToken === 'fleet-page-2'
      ? { Fleets: [{ FleetId: 'fleet-second-page', FleetState: 'active' }] }
      : { Fleets: [], NextToken: 'fleet-page-2' },
  );
  ec2.on(DescribeSpotFleetInstancesCommand).callsFake((input: { NextToken?: string }) =>
    input.NextToken === 'instances-page-2'
      ? { ActiveInstances: [{ InstanceId: MINER }] }
      : { ActiveInstances: [{ InstanceId: 'i-00000000000000other' }], NextToken: 'instances-page-2' },
  );
  ec2.on(DescribeFleetInstancesCommand).callsFake((input: { NextToken?: string }) =>
    input.NextToken === 'fleet-instances-page-2' ? { ActiveInstances: [] } : { ActiveInstances: [], NextToken: 'fleet-instances-page-2' },
  );
});
afterAll(() => ec2.restore());

it('finds the Spot Fleet on the second page that owns a miner listed on its second page of instances', async () => {
  const owners = await readFleetOwners(clients, 'us-east-1', [{ InstanceId: MINER }]);
  expect(owners.get(MINER)).toMatchObject({ kind: 'spot-fleet', id: 'sfr-second-page', state: 'active' });
});

it('finds the EC2 Fleet on the second page by the tag on the instance', async () => {
  const owners = await readFleetOwners(clients, 'us-east-1', [{ InstanceId: TAGGED_MINER, Tags: [{ Key: 'aws:ec2:fleet-id', Value: 'fleet-second-page' }] }]);
  expect(owners.get(TAGGED_MINER)).toMatchObject({ kind: 'ec2-fleet', id: 'fleet-second-page', state: 'active' });
  expect(ec2.commandCalls(DescribeFleetInstancesCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'fleet-instances-page-2']);
});

it('scope lists the fleets of every page, like containment', async () => {
  const inventory = await scopeRegion(clients, 'us-east-1');
  expect(inventory.fleets.map((f) => f.id).sort()).toEqual(['fleet-second-page', 'sfr-first-page', 'sfr-second-page']);
});
