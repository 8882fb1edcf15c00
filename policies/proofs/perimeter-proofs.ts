/** Proof table for the optional network perimeter on IAM user credentials. */
import type { OrgConfig } from '../../config';
import { denyUserKeysOffNetworkScp } from '../scp';
import { proofFixtures } from './fixtures';
import type { ProofRow, ProofTable } from './types';

const ALLOWED = 'Allowed' as const;
const DENIED = 'ExplicitlyDenied' as const;

/** An address outside every configured CIDR (TEST-NET-2 unless the config uses it). */
const OUTSIDE_IP = '198.51.100.23';

/** The perimeter's table, or undefined while the perimeter is off. */
export function networkPerimeterProofs(config: OrgConfig): ProofTable | undefined {
  const policy = denyUserKeysOffNetworkScp(config);
  if (!policy) return undefined;
  const f = proofFixtures(config);
  const { corporateCidrs, vpcEndpoints } = config.networkPerimeter;
  const user = `arn:aws:iam::${f.workloadAccount}:user/ci-bot`;
  const federated = `arn:aws:sts::${f.workloadAccount}:federated-user/ci-bot`;
  const read = (principal: string, context: Record<string, string>) => ({ principal, action: 's3:ListAllMyBuckets', resource: '*', context });
  const rows: ProofRow[] = [
    { name: 'IAM user key from an attacker\'s address', request: read(user, { 'aws:SourceIp': OUTSIDE_IP, 'aws:ViaAWSService': 'false' }), expected: DENIED },
    { name: 'federated-user session (from a user key) from an attacker\'s address', request: read(federated, { 'aws:SourceIp': OUTSIDE_IP, 'aws:ViaAWSService': 'false' }), expected: DENIED },
    { name: 'IAM user key through an unknown VPC endpoint', request: read(user, { 'aws:SourceVpce': 'vpce-0fffffffffffffff0', 'aws:ViaAWSService': 'false' }), expected: DENIED },
    { name: 'role session from an attacker\'s address (roles are out of scope)', request: read(f.appRole, { 'aws:SourceIp': OUTSIDE_IP, 'aws:ViaAWSService': 'false' }), expected: ALLOWED },
    { name: 'an AWS service acting for the IAM user (aws:ViaAWSService)', request: read(user, { 'aws:ViaAWSService': 'true' }), expected: ALLOWED },
  ];
  if (corporateCidrs.length > 0) {
    const inside = corporateCidrs[0].includes(':') ? corporateCidrs[0].replace(/\/\d+$/, '') : corporateCidrs[0].replace(/\.\d+\/\d+$/, '.10');
    rows.push({ name: `IAM user key from the corporate network (${inside})`, request: read(user, { 'aws:SourceIp': inside, 'aws:ViaAWSService': 'false' }), expected: ALLOWED });
  }
  if (vpcEndpoints.length > 0) {
    rows.push({ name: `IAM user key through ${vpcEndpoints[0]}`, request: read(user, { 'aws:SourceVpce': vpcEndpoints[0], 'aws:ViaAWSService': 'false' }), expected: ALLOWED });
  }
  return { id: 'scp-user-key-network-perimeter', title: 'IAM user credentials only from the corporate network', policyNames: [policy.name], policies: { scps: [policy.document] }, rows };
}
