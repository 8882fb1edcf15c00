/**
 * The one place irctl creates AWS SDK v3 clients: retry policy, endpoint (moto in tests),
 * credentials and region. Clients are cached per service and region and passed to the
 * playbook steps; nothing reaches for a global client.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** Anything SDK v3 accepts as credentials. */
export type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

export interface ClientSettings {
  /** Override endpoint for every service (moto in tests). @default AWS endpoints */
  readonly endpoint?: string;
  /** @default the SDK's default provider chain */
  readonly credentials?: Credentials;
  /** Attempts per call, adaptive retry mode (client-side rate limiting on throttles). @default 8 */
  readonly maxAttempts?: number;
  /** Region for global services (IAM, STS) and the default for regional ones. @default us-east-1 */
  readonly homeRegion?: string;
  /** Extra per-client configuration hook (benchmarks add latency middleware here). */
  readonly onClient?: (client: { middlewareStack: unknown }) => void;
}

type ClientCtor<C> = new (config: Record<string, unknown>) => C;

/** Per-account set of SDK clients, cached by service and region. */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  constructor(readonly settings: ClientSettings = {}) {}

  get homeRegion(): string {
    return this.settings.homeRegion ?? 'us-east-1';
  }

  ec2(region: string): EC2Client {
    return this.get(EC2Client, 'ec2', region);
  }
  autoScaling(region: string): AutoScalingClient {
    return this.get(AutoScalingClient, 'autoscaling', region);
  }
  elbv2(region: string): ElasticLoadBalancingV2Client {
    return this.get(ElasticLoadBalancingV2Client, 'elbv2', region);
  }
  cloudTrail(region: string): CloudTrailClient {
    return this.get(CloudTrailClient, 'cloudtrail', region);
  }
  guardDuty(region: string): GuardDutyClient {
    return this.get(GuardDutyClient, 'guardduty', region);
  }
  athena(region: string): AthenaClient {
    return this.get(AthenaClient, 'athena', region);
  }
  iam(): IAMClient {
    return this.get(IAMClient, 'iam', this.homeRegion);
  }
  sts(region: string = this.homeRegion): STSClient {
    return this.get(STSClient, 'sts', region);
  }
  /** Organizations is global; its endpoint lives in us-east-1. */
  organizations(): OrganizationsClient {
    return this.get(OrganizationsClient, 'organizations', 'us-east-1');
  }
  configService(region: string): ConfigServiceClient {
    return this.get(ConfigServiceClient, 'config', region);
  }
  /** S3 (journal anchors in the forensics evidence bucket); path-style with an endpoint override. */
  s3(region: string = this.homeRegion): S3Client {
    return this.get(S3Client, 's3', region);
  }

  /** Same settings, other credentials (an assumed role). */
  withCredentials(credentials: Credentials): AwsClients {
    return new AwsClients({ ...this.settings, credentials });
  }

  private get<C>(ctor: ClientCtor<C>, service: string, region: string): C {
    const key = `${service}/${region}`;
    let client = this.cache.get(key) as C | undefined;
    if (!client) {
      client = new ctor({
        region,
        endpoint: this.settings.endpoint,
        credentials: this.settings.credentials,
        maxAttempts: this.settings.maxAttempts ?? 8,
        retryMode: 'adaptive',
        ...(service === 's3' ? { forcePathStyle: true } : {}),
      });
      this.settings.onClient?.(client as unknown as { middlewareStack: unknown });
      this.cache.set(key, client);
    }
    return client;
  }
}
