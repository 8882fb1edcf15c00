/**
 * Base for every stack: one Terraform stack per account and concern, whose provider reaches
 * its account by assuming the configured deployment role, with state in the configured backend.
 *
 * Regional resources set their own `region` argument (AWS provider 6), so a stack needs one
 * provider whatever the number of regions it touches.
 */
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { OrgConfig } from '../config';
import { deploymentRoleArn } from '../shared/addresses';
import { MANAGED_BY, TAGS } from '../shared/names';

/** The account a stack deploys into. */
export interface TargetAccount {
  /** Short name used in stack IDs and state keys. */
  readonly name: string;
  readonly id: string;
}

export interface AccountStackProps {
  readonly config: OrgConfig;
  readonly account: TargetAccount;
  /** What the stack is about (`scps`, `guardduty`, ...); the stack ID is `<account>-<concern>`. */
  readonly concern: string;
  /** Provider default region. @default organization.homeRegion */
  readonly region?: string;
}

/** A Terraform stack bound to one account, its deployment role and the state backend. */
export class AccountStack extends TerraformStack {
  readonly config: OrgConfig;
  readonly account: TargetAccount;
  readonly provider: AwsProvider;
  /** Region of the provider; resources elsewhere pass `region` explicitly. */
  readonly region: string;

  constructor(scope: Construct, props: AccountStackProps) {
    const id = `${props.account.name}-${props.concern}`;
    super(scope, id);
    this.config = props.config;
    this.account = props.account;
    this.region = props.region ?? props.config.organization.homeRegion;
    this.provider = new AwsProvider(this, 'aws', {
      region: this.region,
      allowedAccountIds: [props.account.id],
      assumeRole: [
        {
          roleArn: deploymentRoleArn(props.config, props.account.id),
          sessionName: `ir-guardrails-${props.concern}`.slice(0, 64),
        },
      ],
      defaultTags: [{ tags: { ...props.config.deployment.tags, [TAGS.managedBy]: MANAGED_BY } }],
    });
    configureBackend(this, id, props.config);
  }

  /**
   * Deploy after `stacks`, for a dependency with nothing to read (the SCPs before the clean room,
   * the delegation before the organization settings). A stack that names what another creates
   * reads it through that stack's handle instead (`archive.bucket(this, …)`), which orders it.
   */
  protected after(...stacks: readonly AccountStack[]): void {
    for (const stack of stacks) this.addDependency(stack);
  }

  /** `value`, which this stack creates, handed to `consumer`: the consumer is deployed after this stack. */
  protected provide<T>(consumer: AccountStack, value: T): T {
    if (consumer !== this) consumer.addDependency(this);
    return value;
  }
}

function configureBackend(stack: TerraformStack, id: string, config: OrgConfig): void {
  const backend = config.deployment.stateBackend;
  if (backend.type === 'local') {
    new LocalBackend(stack, { path: `${backend.directory}/${id}.tfstate` });
    return;
  }
  const s3 = new S3Backend(stack, {
    bucket: backend.bucket,
    key: `${backend.keyPrefix}/${id}.tfstate`,
    region: backend.region,
    encrypt: true,
    kmsKeyId: backend.kmsKeyId,
    assumeRole: backend.roleArn ? { roleArn: backend.roleArn } : undefined,
  });
  // Native S3 state locking (Terraform >= 1.10); cdktf 0.21's typings predate the option.
  s3.addOverride('use_lockfile', true);
}
