/** SCP rule: no paid capacity of denied types (capacity reservations, dedicated hosts, Capacity Blocks for ML). */
import type { OrgConfig } from '../../config';
import type { PolicyStatement } from '../document';
import type { AuditedPolicy } from './audited';
import { outsideTypePolicy } from './deny-unapproved-instance-types';
import { computePlatformArnPatterns } from './principals';

/** Capacity bought by instance type, with the resource whose `ec2:InstanceType` names it (iam-data). */
export const TYPED_CAPACITY: ReadonlyArray<{ action: string; resource: string }> = [
  { action: 'ec2:CreateCapacityReservation', resource: 'arn:aws:ec2:*:*:capacity-reservation/*' },
  { action: 'ec2:AllocateHosts', resource: 'arn:aws:ec2:*:*:dedicated-host/*' },
];

/**
 * Capacity and commitments with no type key: Capacity Blocks for ML (GPU and Trainium only), capacity
 * reservation fleets, SageMaker training plans and reserved capacity (ML accelerators), and the
 * commitments billed whatever runs: Savings Plans, Reserved Instances, dedicated host reservations.
 */
export const UNTYPED_CAPACITY_ACTIONS: readonly string[] = [
  'ec2:PurchaseCapacityBlock', 'ec2:PurchaseCapacityBlockExtension', 'ec2:CreateCapacityReservationFleet',
  'sagemaker:CreateTrainingPlan', 'sagemaker:ExtendTrainingPlan', 'sagemaker:CreateReservedCapacity',
  'savingsplans:CreateSavingsPlan', 'ec2:PurchaseReservedInstancesOffering', 'ec2:PurchaseHostReservation',
  // Exchanging convertible RIs buys new ones; its ec2:InstanceType (reserved-instances) may name the RIs given up.
  'ec2:AcceptReservedInstancesExchangeQuote',
];

/** Plain-text explanation for auditors. */
export const explanation = `Denies buying capacity for instance types outside policy.
A capacity reservation or a dedicated host is billed whether or not anything runs on it, and a
reservation of a GPU type is where a miner's instances are guaranteed to land. CreateCapacityReservation
(capacity-reservation resource) and AllocateHosts (dedicated-host resource) are denied when
ec2:InstanceType is outside instance-type policy, and when it is absent: a host allocated by instance
family carries no type, and a missing key must not mean allowed.
Capacity Blocks for ML are sold only for GPU and Trainium types, and neither PurchaseCapacityBlock,
its extension, CreateCapacityReservationFleet nor SageMaker training plans and reserved capacity
expose a type key; they are denied to everyone except the deploying roles and the roles in
instanceTypes.computePlatformPrincipals (an ML platform that plans its capacity).
Commitments are reserved the same way: a Savings Plan (savingsplans:CreateSavingsPlan), a Reserved
Instance purchase (PurchaseReservedInstancesOffering) and a dedicated host reservation
(PurchaseHostReservation) expose no type key, cannot be cancelled, and an attacker who buys a
three-year all-upfront commitment spends the organization's money as surely as one who mines.
Exchanging convertible Reserved Instances for others (AcceptReservedInstancesExchangeQuote) is a
purchase too; its reserved-instances resource carries ec2:InstanceType, but whether that names the
Reserved Instances given up or those received is not documented, so the exchange is reserved whatever
the key says. Finance
teams usually buy them in the management account, which SCPs never restrict; a member account that
buys its own asks a deployer or the platform.`;

/** The paid-capacity rule for `config`. */
export function denyPaidCapacityScp(config: OrgConfig): AuditedPolicy {
  const statements: PolicyStatement[] = [
    {
      Sid: 'DenyCapacityOfDeniedTypes',
      Effect: 'Deny',
      Action: TYPED_CAPACITY.map((c) => c.action),
      Resource: TYPED_CAPACITY.map((c) => c.resource),
      Condition: outsideTypePolicy(config, 'ec2:InstanceType'),
    },
    {
      Sid: 'DenyCapacityWithoutType',
      Effect: 'Deny',
      Action: TYPED_CAPACITY.map((c) => c.action),
      Resource: TYPED_CAPACITY.map((c) => c.resource),
      Condition: { Null: { 'ec2:InstanceType': 'true' } },
    },
    {
      Sid: 'DenyUntypedCapacityExceptPlatform',
      Effect: 'Deny',
      Action: [...UNTYPED_CAPACITY_ACTIONS],
      Resource: '*',
      Condition: { ArnNotLike: { 'aws:PrincipalArn': computePlatformArnPatterns(config) } },
    },
  ];
  return {
    name: 'ir-guardrails-deny-paid-capacity',
    description: 'Deny capacity reservations and dedicated hosts of denied types; Capacity Blocks, Savings Plans and reservations except compute platforms.',
    explanation,
    document: { Version: '2012-10-17', Statement: statements },
  };
}
