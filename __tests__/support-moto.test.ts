import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { MOTO_CREDENTIALS, workerMoto, type MotoServer } from './support/moto';

let moto: MotoServer;
beforeAll(async () => {
  moto = await workerMoto();
});

test('the moto harness serves EC2 on loopback', async () => {
  const ec2 = new EC2Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  const out = await ec2.send(new DescribeRegionsCommand({}));
  expect(out.Regions?.map((r) => r.RegionName)).toContain('eu-west-1');
  expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});
