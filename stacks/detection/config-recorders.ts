/**
 * `management-config-recorders`: the Config recorders the organization rules depend on, in
 * every allowed region of every account. Member accounts (including ones created later) get
 * them from a service-managed StackSet aimed at the organization root; the management account,
 * which StackSets never reach, gets its own here. Each recorder delivers to the log archive's
 * Config bucket.
 *
 * Prerequisite: no other recorder in those accounts and regions (Config allows one per region;
 * Control Tower or an earlier setup may own it). Remove it first or drop this stack and keep that one.
 */
import type { Construct } from 'constructs';
import { ConfigConfigurationRecorder } from '@cdktf/provider-aws/lib/config-configuration-recorder';
import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { OrgConfig } from '../../config';
import { configDeliveryPolicy } from '../../policies/roles/service-roles';
import { configRecorderTrust } from '../../policies/trust/service-roles';
import { MANAGED_BY, TAGS } from '../../shared/names';
import { CONFIG_RECORDER_NAME } from '../../shared/prerequisites';
import { AccountStack, type TargetAccount } from '../account-stack';
import type { LogArchiveStack } from './log-archive';
import { membersAndManagement, type CfnTemplate } from '../plumbing/org-stack-set';
import { DETECTION, configRuleRegions, homeRegion } from '../../shared/addresses';
import { terraformPolicy } from '../plumbing/terraform-literal';

/** AWS's managed policy that lets a recorder read resource configurations. */
export const CONFIG_ROLE_POLICY = 'arn:aws:iam::aws:policy/service-role/AWS_ConfigRole';
/** Snapshots once a day; changes are recorded continuously regardless. */
const SNAPSHOT_FREQUENCY = 'TwentyFour_Hours';

/**
 * The member template: role (named per region, IAM names are global), recorder of all
 * supported types (global types only in the home region, so IAM changes are not recorded
 * N times), delivery channel. CloudFormation starts the recorder once the channel exists.
 */
export function recorderTemplate(config: OrgConfig, bucket: string): CfnTemplate {
  const account = { Ref: 'AWS::AccountId' };
  const resources = {
    RecorderRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: { 'Fn::Join': ['-', [DETECTION.configRecorderRole, { Ref: 'AWS::Region' }]] },
        Description: 'AWS Config recorder for the organization rules (aws-ir-guardrails)',
        AssumeRolePolicyDocument: configRecorderTrust(account).document,
        ManagedPolicyArns: [CONFIG_ROLE_POLICY],
        Policies: [
          {
            PolicyName: configDeliveryPolicy(config, account).name,
            PolicyDocument: configDeliveryPolicy(config, account).document,
          },
        ],
        Tags: [{ Key: TAGS.managedBy, Value: MANAGED_BY }],
      },
    },
    Recorder: {
      Type: 'AWS::Config::ConfigurationRecorder',
      Properties: {
        Name: CONFIG_RECORDER_NAME,
        RoleARN: { 'Fn::GetAtt': ['RecorderRole', 'Arn'] },
        RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: { 'Fn::If': ['IsHomeRegion', true, false] } },
      },
    },
    DeliveryChannel: {
      Type: 'AWS::Config::DeliveryChannel',
      // The channel needs the recorder; CloudFormation would otherwise create them in parallel.
      DependsOn: 'Recorder',
      Properties: {
        Name: 'default',
        S3BucketName: bucket,
        ConfigSnapshotDeliveryProperties: { DeliveryFrequency: SNAPSHOT_FREQUENCY },
      },
    },
  };
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'aws-ir-guardrails: AWS Config recorder delivering to the log archive',
    Conditions: { IsHomeRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, homeRegion(config)] } },
    Resources: resources,
  };
}

/** `management-config-recorders`: the member StackSet and the management account's own recorders. */
export class ManagementConfigRecordersStack extends AccountStack {
  constructor(scope: Construct, props: { readonly config: OrgConfig; readonly management: TargetAccount; readonly archive: LogArchiveStack }) {
    super(scope, { config: props.config, account: props.management, concern: 'config-recorders' });
    // Config test-delivers to the bucket when a channel is created: reading it from the archive orders this stack after it.
    const bucket = props.archive.bucket(this, 'config').name;
    const config = props.config;
    const regions = configRuleRegions(config);
    membersAndManagement(this, 'member-recorders', {
      name: DETECTION.configRecorderStackSet,
      description: 'aws-ir-guardrails: AWS Config recorders for the organization rules, every allowed region',
      template: recorderTemplate(config, bucket),
      region: this.region,
      instanceRegions: regions,
      // Every member account needs a recorder for the organization rules, whatever its OU.
      targets: [{ name: 'root', id: config.organization.rootId }],
      capabilities: ['CAPABILITY_NAMED_IAM'],
      inManagementAccount: () => this.recordersInThisAccount(config, regions, props.management.id, bucket),
    });
  }

  /** The management account's own recorders, which the StackSet never reaches. */
  private recordersInThisAccount(config: OrgConfig, regions: readonly string[], managementId: string, bucket: string): void {
    const role = new IamRole(this, 'recorder-role', {
      name: DETECTION.configRecorderRole,
      description: 'AWS Config recorder for the organization rules (aws-ir-guardrails)',
      assumeRolePolicy: terraformPolicy(configRecorderTrust(managementId).document),
    });
    const delivery = new IamRolePolicy(this, 'recorder-delivery', {
      role: role.name,
      name: configDeliveryPolicy(config, managementId).name,
      policy: terraformPolicy(configDeliveryPolicy(config, managementId).document),
    });
    new IamRolePolicyAttachment(this, 'recorder-config-role', { role: role.name, policyArn: CONFIG_ROLE_POLICY });
    for (const region of regions) {
      const recorder = new ConfigConfigurationRecorder(this, `recorder-${region}`, {
        region,
        name: CONFIG_RECORDER_NAME,
        roleArn: role.arn,
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: region === homeRegion(config) },
      });
      const channel = new ConfigDeliveryChannel(this, `channel-${region}`, {
        region,
        name: 'default',
        s3BucketName: bucket,
        snapshotDeliveryProperties: { deliveryFrequency: SNAPSHOT_FREQUENCY },
        // Config test-delivers with the recorder role when the channel is created (InsufficientDeliveryPolicyException without its grant).
        dependsOn: [recorder, delivery],
      });
      new ConfigConfigurationRecorderStatus(this, `recorder-status-${region}`, { region, name: recorder.name, isEnabled: true, dependsOn: [channel] });
    }
  }
}
