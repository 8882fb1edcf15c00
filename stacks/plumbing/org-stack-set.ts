/**
 * Service-managed CloudFormation StackSets driven from the management account: the fan-out
 * that reaches every member account of the targeted OUs, including accounts created later.
 * Service-managed StackSets never deploy to the management account itself; its stacks cover it.
 */
import { Construct } from 'constructs';
import { CloudformationStackInstances } from '@cdktf/provider-aws/lib/cloudformation-stack-instances';
import { CloudformationStackSet } from '@cdktf/provider-aws/lib/cloudformation-stack-set';
import { GuardrailError } from '../guards';
import { terraformLiteral } from './terraform-literal';

/** A CloudFormation template as JSON; built in TypeScript, never holding Terraform tokens. */
export interface CfnTemplate {
  readonly AWSTemplateFormatVersion: '2010-09-09';
  readonly Description: string;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Resources: Readonly<Record<string, { readonly Type: string; readonly Condition?: string; readonly Properties: Readonly<Record<string, unknown>> }>>;
}

/** CloudFormation's limit on a template passed inline (TemplateBody), in bytes. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

/**
 * The template as Terraform must receive it: minified JSON with `${` and `%{` escaped, since
 * Terraform reads both as template syntax inside any string (IAM policy variables such as
 * `${aws:username}` would otherwise be interpolated away).
 */
export function templateBody(template: CfnTemplate): string {
  const json = JSON.stringify(template);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_TEMPLATE_BODY_BYTES) {
    throw new GuardrailError([
      `CloudFormation template "${template.Description}" is ${bytes} bytes; TemplateBody allows ${MAX_TEMPLATE_BODY_BYTES}. Shrink the policies or split the template.`,
    ]);
  }
  return terraformLiteral(json);
}

/** Roll out to every account and region at once; stop a region once a tenth of its accounts fail. */
const stackSetPreferences = { failureTolerancePercentage: 10, maxConcurrentPercentage: 100, regionConcurrencyType: 'PARALLEL' };
/**
 * Instance operations also keep full concurrency after failures (SOFT); the StackSet resource
 * has no concurrency_mode argument, so its updates throttle down on failures (STRICT, the default).
 */
const instancePreferences = { ...stackSetPreferences, concurrencyMode: 'SOFT_FAILURE_TOLERANCE' };

/** One organization-wide StackSet: its template, home and targets. */
export interface OrgStackSetProps {
  readonly name: string;
  readonly description: string;
  readonly template: CfnTemplate;
  /** Region the StackSet itself lives in (its instances may be elsewhere). */
  readonly region: string;
  /** OUs to deploy to, with names for resource IDs. */
  readonly targets: ReadonlyArray<{ readonly name: string; readonly id: string }>;
  /** Regions of the stack instances. */
  readonly instanceRegions: readonly string[];
  /** CAPABILITY_* the template needs. @default [] */
  readonly capabilities?: readonly string[];
}

/**
 * A SERVICE_MANAGED StackSet with auto-deployment and one instance resource per target OU.
 * One resource per OU, not one listing them all: the provider cannot add an OU to an existing
 * instance's targets in place (hashicorp/terraform-provider-aws#27877, #33785), and managed
 * execution queues the per-OU operations instead of failing with OperationInProgress.
 */
export class OrgStackSet extends Construct {
  readonly stackSet: CloudformationStackSet;

  constructor(scope: Construct, id: string, props: OrgStackSetProps) {
    super(scope, id);
    if (props.targets.length === 0) throw new Error(`StackSet ${props.name} has no target OU`);
    this.stackSet = new CloudformationStackSet(this, 'stack-set', {
      region: props.region,
      name: props.name,
      description: props.description,
      permissionModel: 'SERVICE_MANAGED',
      // Run from the management account; DELEGATED_ADMIN would be the value from a delegated admin.
      callAs: 'SELF',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      managedExecution: { active: true },
      capabilities: [...(props.capabilities ?? [])],
      operationPreferences: stackSetPreferences,
      templateBody: templateBody(props.template),
      // SERVICE_MANAGED StackSets report a service role here that is never configured: a perpetual diff otherwise.
      lifecycle: { ignoreChanges: ['administration_role_arn'] },
    });

    // One aws_cloudformation_stack_instances per OU, whatever the number of regions. The
    // singular aws_cloudformation_stack_set_instance cannot be used here: in provider 6 its
    // `region` (where the StackSet lives) conflicts with `stack_set_instance_region`, and
    // `terraform validate` rejects the pair; the plural resource takes both.
    for (const target of props.targets) {
      new CloudformationStackInstances(this, `instances-${target.name}`, {
        region: props.region,
        stackSetName: this.stackSet.name,
        regions: [...props.instanceRegions],
        callAs: 'SELF',
        deploymentTargets: { organizationalUnitIds: [target.id] },
        operationPreferences: instancePreferences,
        retainStacks: false,
      });
    }
  }
}

/** An organization-wide StackSet plus the same resources built directly in the management account. */
export interface MembersAndManagementProps extends OrgStackSetProps {
  /**
   * Builds the template's resources in the management account itself, which a service-managed
   * StackSet never reaches; called with the stack, so resource addresses stay those of the stack.
   */
  readonly inManagementAccount: (scope: Construct) => void;
}

/**
 * One set of resources in every account of the organization: member accounts (current and
 * future) through `OrgStackSet` `id`, the management account directly. Both halves are required
 * together, so a concern cannot forget the account StackSets skip.
 */
export function membersAndManagement(scope: Construct, id: string, props: MembersAndManagementProps): OrgStackSet {
  const { inManagementAccount, ...stackSet } = props;
  const members = new OrgStackSet(scope, id, stackSet);
  inManagementAccount(scope);
  return members;
}
