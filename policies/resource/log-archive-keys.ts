/**
 * Key policies of the log archive's customer-managed keys: which service encrypts with each, who
 * decrypts. Placed by the log-archive stack; every key is administered by the log-archive account.
 */
import type { OrgConfig } from '../../config';
import {
  accountRootArn,
  dnsQueryLogAccounts,
  flowLogAccounts,
  guardDutyRegions,
  managementTrailsArn,
  organizationTrailArn,
  securityDetectorsArn,
  servicePrincipals,
  type KeyedLogArchivePurpose,
} from '../../shared/addresses';
import type { PolicyDocument, PolicyStatement } from '../document';
import type { AuditedPolicy } from '../scp/audited';
import { keyAdministration } from './shared-statements';

const COMMON = `The log-archive account administers the key (its IAM policies decide who); without that
statement a key can lock everyone out. The security account may decrypt and describe it: Athena
and responders read the logs there, and its IAM policies allow decryption only through S3.`;

/** The security account decrypts what it reads (Athena, responders) and resolves the alias. */
function securityDecrypts(config: OrgConfig, extra: readonly string[] = []): PolicyStatement {
  return {
    Sid: 'SecurityAccountUses',
    Effect: 'Allow',
    Principal: { AWS: accountRootArn(config.accounts.security.id) },
    Action: ['kms:Decrypt', 'kms:DescribeKey', ...extra],
    Resource: '*',
  };
}

function keyPolicy(config: OrgConfig, purpose: KeyedLogArchivePurpose, description: string, explanation: string, statements: PolicyStatement[]): AuditedPolicy {
  const document: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [keyAdministration('LogArchiveAdministers', accountRootArn(config.accounts.logArchive.id)), ...statements],
  };
  return { name: `log-archive-${purpose}-key`, description, explanation: `${explanation}\n${COMMON}`, document };
}

/** CloudTrail key: the org trail encrypts, the management account resolves the alias, security decrypts. */
export function cloudtrailKeyPolicy(config: OrgConfig): AuditedPolicy {
  const trail = organizationTrailArn(config);
  return keyPolicy(
    config,
    'cloudtrail',
    'Organization trail key: the org trail encrypts, the security account decrypts.',
    `CloudTrail may generate data keys only for the organization trail (aws:SourceArn) and for
trails of the management account (encryption context), and describe the key for that trail. The
management account may describe the key, which resolving its alias when the trail is created needs.`,
    [
      {
        Sid: 'OrgTrailEncrypts',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceArn': trail },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': managementTrailsArn(config) },
        },
      },
      { Sid: 'OrgTrailDescribes', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:DescribeKey', Resource: '*', Condition: { StringEquals: { 'aws:SourceArn': trail } } },
      { Sid: 'ManagementResolves', Effect: 'Allow', Principal: { AWS: accountRootArn(config.accounts.management.id) }, Action: 'kms:DescribeKey', Resource: '*' },
      securityDecrypts(config),
    ],
  );
}

/** GuardDuty key: every detection region's service principal encrypts exports of the security account's detectors. */
export function guardDutyKeyPolicy(config: OrgConfig): AuditedPolicy {
  return keyPolicy(
    config,
    'guardduty-findings',
    'GuardDuty findings key: the security account\'s detectors encrypt exports, the security account decrypts.',
    `GuardDuty (global and opt-in regional principals) may generate data keys only for the security
account's own detectors (aws:SourceAccount and aws:SourceArn).`,
    [
      {
        Sid: 'GuardDutyEncryptsExports',
        Effect: 'Allow',
        Principal: { Service: servicePrincipals('guardduty', guardDutyRegions(config)) },
        Action: 'kms:GenerateDataKey',
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': config.accounts.security.id }, ArnLike: { 'aws:SourceArn': securityDetectorsArn(config) } },
      },
      securityDecrypts(config),
    ],
  );
}

/** Log delivery (Flow Logs, Resolver query logs) encrypts on behalf of `accounts` (none: no statement). */
function logDeliveryEncrypts(accounts: readonly string[]): PolicyStatement[] {
  if (accounts.length === 0) return [];
  return [
    {
      Sid: 'LogDeliveryEncrypts',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': [...accounts] } },
    },
  ];
}

/** Flow Logs key: log delivery encrypts for the workload accounts; security decrypts. */
export function flowLogsKeyPolicy(config: OrgConfig): AuditedPolicy {
  return keyPolicy(
    config,
    'flow-logs',
    'Flow Logs key: log delivery encrypts for the workload accounts, the security account decrypts.',
    `Log delivery may use the key only on behalf of the workload accounts with a flow-logged VPC
(aws:SourceAccount); with none configured, no service may use it.`,
    [...logDeliveryEncrypts(flowLogAccounts(config)), securityDecrypts(config)],
  );
}

/** Resolver query logs key: log delivery encrypts for the workload accounts with DNS-query-logged VPCs; security decrypts. */
export function dnsQueryLogsKeyPolicy(config: OrgConfig): AuditedPolicy {
  return keyPolicy(
    config,
    'dns-query-logs',
    'Resolver query logs key: log delivery encrypts for the workload accounts, the security account decrypts.',
    `Log delivery, which Resolver query logging writes through, may use the key only on behalf of
the workload accounts with a DNS-query-logged VPC (aws:SourceAccount); with none configured, no
service may use it.`,
    [...logDeliveryEncrypts(dnsQueryLogAccounts(config)), securityDecrypts(config)],
  );
}

/** Athena results key: the security account writes and reads results. */
export function athenaResultsKeyPolicy(config: OrgConfig): AuditedPolicy {
  return keyPolicy(
    config,
    'athena-results',
    'Athena results key: the security account encrypts and decrypts query results.',
    'Athena encrypts results with the caller\'s credentials, so the security account may also encrypt and generate data keys.',
    [securityDecrypts(config, ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'])],
  );
}

/** The key policy for each keyed purpose. */
export const LOG_ARCHIVE_KEY_POLICIES: Record<KeyedLogArchivePurpose, (config: OrgConfig) => AuditedPolicy> = {
  cloudtrail: cloudtrailKeyPolicy,
  'guardduty-findings': guardDutyKeyPolicy,
  'flow-logs': flowLogsKeyPolicy,
  'dns-query-logs': dnsQueryLogsKeyPolicy,
  'athena-results': athenaResultsKeyPolicy,
};
