/**
 * GuardDuty in the security account, in every detection region, in two stacks because the
 * delegation sits between them:
 *
 * 1. `security-guardduty`: the administrator detector with every protection, the findings
 *    export and the findings rule. Created before the delegation: designating an administrator
 *    enables GuardDuty in that account, and a detector created afterwards would collide.
 * 2. `security-guardduty-org` (after `management-delegation`): the organization configuration,
 *    auto-enabling every member (`ALL`: existing and new) with every feature.
 */
import type { Construct } from 'constructs';
import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { GuarddutyDetectorFeature } from '@cdktf/provider-aws/lib/guardduty-detector-feature';
import { GuarddutyPublishingDestination } from '@cdktf/provider-aws/lib/guardduty-publishing-destination';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { OrgConfig } from '../../config';
import { AccountStack, type TargetAccount } from '../account-stack';
import type { SecurityAlertsStack } from './alerts';
import type { LogArchiveStack } from './log-archive';
import { findingsForwarderPolicy } from '../../policies/roles/service-roles';
import { findingsForwarderTrust } from '../../policies/trust/service-roles';
import { findingsRule } from './guardduty-rules';
import { DETECTION, guardDutyRegions, homeRegion } from '../../shared/addresses';
import { terraformPolicy } from '../plumbing/terraform-literal';

/** A protection plan and the sub-features it turns on with it. */
export interface GuardDutyFeature {
  readonly name: string;
  readonly additional?: readonly string[];
}

/** Every GuardDuty protection plan; Runtime Monitoring manages the EC2 agent itself. */
export const GUARDDUTY_FEATURES: readonly GuardDutyFeature[] = [
  { name: 'S3_DATA_EVENTS' },
  { name: 'EKS_AUDIT_LOGS' },
  { name: 'EBS_MALWARE_PROTECTION' },
  { name: 'RDS_LOGIN_EVENTS' },
  { name: 'LAMBDA_NETWORK_LOGS' },
  { name: 'RUNTIME_MONITORING', additional: ['EC2_AGENT_MANAGEMENT'] },
];

/** The detectors export into the log archive and page the alert topic: both exist first. */
export interface SecurityGuardDutyProps {
  readonly config: OrgConfig;
  readonly security: TargetAccount;
  readonly archive: LogArchiveStack;
  readonly alerts: SecurityAlertsStack;
}


/** `security-guardduty`: detectors, their features, the findings export and the findings rules. */
export class SecurityGuardDutyStack extends AccountStack {
  constructor(scope: Construct, props: SecurityGuardDutyProps) {
    super(scope, { config: props.config, account: props.security, concern: 'guardduty' });
    const config = props.config;
    // Reading the export bucket, its key and the alert topic from their stacks orders this one after them.
    const exportBucket = props.archive.bucket(this, 'guardduty-findings').arn;
    const alertTopic = props.alerts.topicArn(this);
    // Key ARNs carry a random ID: resolve the log archive's alias (its policy grants DescribeKey).
    const exportKey = new DataAwsKmsKey(this, 'findings-key', { region: homeRegion(config), keyId: props.archive.keyAliasArn(this, 'guardduty-findings') });
    const forwarder = new IamRole(this, 'findings-forwarder', {
      name: DETECTION.findingsForwarderRole,
      description: 'EventBridge forwards GuardDuty findings to the home region',
      assumeRolePolicy: terraformPolicy(findingsForwarderTrust(config).document),
    });
    new IamRolePolicy(this, 'findings-forwarder-policy', { role: forwarder.name, name: findingsForwarderPolicy(config).name, policy: terraformPolicy(findingsForwarderPolicy(config).document) });

    for (const region of guardDutyRegions(config)) {
      const detector = new GuarddutyDetector(this, `detector-${region}`, { region, enable: true, findingPublishingFrequency: 'FIFTEEN_MINUTES' });
      for (const feature of GUARDDUTY_FEATURES) {
        new GuarddutyDetectorFeature(this, `detector-${region}-${feature.name}`, {
          region,
          detectorId: detector.id,
          name: feature.name,
          status: 'ENABLED',
          additionalConfiguration: (feature.additional ?? []).map((name) => ({ name, status: 'ENABLED' })),
        });
      }
      new GuarddutyPublishingDestination(this, `export-${region}`, {
        region,
        detectorId: detector.id,
        destinationType: 'S3',
        destinationArn: exportBucket,
        kmsKeyArn: exportKey.arn,
      });
      findingsRule(this, config, region, forwarder, alertTopic);
    }
  }
}
