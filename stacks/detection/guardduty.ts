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
import { DataAwsGuarddutyDetector } from '@cdktf/provider-aws/lib/data-aws-guardduty-detector';
import { DataAwsKmsKey } from '@cdktf/provider-aws/lib/data-aws-kms-key';
import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { GuarddutyDetectorFeature } from '@cdktf/provider-aws/lib/guardduty-detector-feature';
import { GuarddutyOrganizationConfiguration } from '@cdktf/provider-aws/lib/guardduty-organization-configuration';
import { GuarddutyOrganizationConfigurationFeature } from '@cdktf/provider-aws/lib/guardduty-organization-configuration-feature';
import { GuarddutyPublishingDestination } from '@cdktf/provider-aws/lib/guardduty-publishing-destination';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { OrgConfig } from '../../config';
import { policyJson } from '../../policies/document';
import { AccountStack, type TargetAccount } from '../account-stack';
import { findingsForwarderPolicy } from '../../policies/roles/service-roles';
import { findingsForwarderTrust } from '../../policies/trust/service-roles';
import { findingsRule } from './guardduty-rules';
import { DETECTION, guardDutyRegions, homeRegion, logArchiveBucketArn, logArchiveKeyAliasArn } from '../../shared/addresses';

/** A protection plan and the sub-features it turns on with it. */
export interface GuardDutyFeature {
  readonly name: string;
  readonly additional?: readonly string[];
}

/** Every protection plan (REFERENCE §3); Runtime Monitoring manages the EC2 agent itself. */
export const GUARDDUTY_FEATURES: readonly GuardDutyFeature[] = [
  { name: 'S3_DATA_EVENTS' },
  { name: 'EKS_AUDIT_LOGS' },
  { name: 'EBS_MALWARE_PROTECTION' },
  { name: 'RDS_LOGIN_EVENTS' },
  { name: 'LAMBDA_NETWORK_LOGS' },
  { name: 'RUNTIME_MONITORING', additional: ['EC2_AGENT_MANAGEMENT'] },
];

interface SecurityProps {
  readonly config: OrgConfig;
  readonly security: TargetAccount;
}

/** `security-guardduty`: detectors, their features, the findings export and the findings rules. */
export class SecurityGuardDutyStack extends AccountStack {
  constructor(scope: Construct, props: SecurityProps) {
    super(scope, { config: props.config, account: props.security, concern: 'guardduty' });
    const config = props.config;
    // Key ARNs carry a random ID: resolve the log archive's alias (its policy grants DescribeKey).
    const exportKey = new DataAwsKmsKey(this, 'findings-key', { region: homeRegion(config), keyId: logArchiveKeyAliasArn(config, 'guardduty-findings') });
    const forwarder = new IamRole(this, 'findings-forwarder', {
      name: DETECTION.findingsForwarderRole,
      description: 'EventBridge forwards GuardDuty findings to the home region',
      assumeRolePolicy: policyJson(findingsForwarderTrust(config).document),
    });
    new IamRolePolicy(this, 'findings-forwarder-policy', { role: forwarder.name, name: findingsForwarderPolicy(config).name, policy: policyJson(findingsForwarderPolicy(config).document) });

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
        destinationArn: logArchiveBucketArn(config, 'guardduty-findings'),
        kmsKeyArn: exportKey.arn,
      });
      findingsRule(this, config, region, forwarder);
    }
  }
}

/** `security-guardduty-org`: auto-enable every member account and every feature, per region. */
export class SecurityGuardDutyOrgStack extends AccountStack {
  constructor(scope: Construct, props: SecurityProps) {
    super(scope, { config: props.config, account: props.security, concern: 'guardduty-org' });
    for (const region of guardDutyRegions(props.config)) {
      // The detector belongs to `security-guardduty`; look it up rather than read that stack's state.
      const detector = new DataAwsGuarddutyDetector(this, `detector-${region}`, { region });
      const org = new GuarddutyOrganizationConfiguration(this, `org-${region}`, {
        region,
        detectorId: detector.id,
        // ALL: existing members too; NEW would leave today's accounts unprotected.
        autoEnableOrganizationMembers: 'ALL',
      });
      for (const feature of GUARDDUTY_FEATURES) {
        new GuarddutyOrganizationConfigurationFeature(this, `org-${region}-${feature.name}`, {
          region,
          detectorId: detector.id,
          name: feature.name,
          autoEnable: 'ALL',
          additionalConfiguration: (feature.additional ?? []).map((name) => ({ name, autoEnable: 'ALL' })),
          dependsOn: [org],
        });
      }
    }
  }
}
