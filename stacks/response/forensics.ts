/**
 * The forensics clean-room account: created through Organizations when the config says so,
 * then furnished by its own stack.
 *
 * Two-step bootstrap. Every stack's provider assumes a role in an account ID it must know at
 * synth (and pins `allowed_account_ids` to it), and stacks never read each other's outputs.
 * So with `accounts.forensics.create` the first run builds only `<management>-forensics-account`;
 * its output `forensics_account_id` is the ID to write into the config as `accounts.forensics.id`
 * (replacing `create`), after which the next run builds `<forensics>-clean-room`. The account
 * resource prevents its own destruction, so dropping it from the config never closes the account.
 */
import type { Construct } from 'constructs';
import { Annotations, TerraformOutput } from 'cdktf';
import { OrganizationsAccount } from '@cdktf/provider-aws/lib/organizations-account';
import { targetId, type OrgConfig } from '../../config';
import { AccountStack, type TargetAccount } from '../account-stack';
import type { ScpStack } from '../scps';
import { ForensicsEvidence } from './forensics-evidence';
import { ForensicsNetwork } from './forensics-network';
import { cleanRoom } from '../../shared/addresses';

/** Props of the account-creation stack. */
export interface ForensicsAccountStackProps {
  readonly config: OrgConfig;
  /** Management account, where Organizations creates accounts. */
  readonly management: TargetAccount;
  /** The Forensics OU SCP: the account joins an OU already closed. */
  readonly scps: ScpStack;
}

/** Creates the forensics account in the forensics OU (only when `accounts.forensics.create` is set). */
export class ForensicsAccountStack extends AccountStack {
  readonly forensicsAccount: OrganizationsAccount;

  constructor(scope: Construct, props: ForensicsAccountStackProps) {
    super(scope, { config: props.config, account: props.management, concern: 'forensics-account' });
    this.after(props.scps);
    const forensics = props.config.accounts.forensics;
    if (!forensics.create) throw new Error('ForensicsAccountStack needs accounts.forensics.create');
    this.forensicsAccount = new OrganizationsAccount(this, 'forensics-account', {
      name: forensics.create.accountName,
      email: forensics.create.email,
      parentId: targetId(props.config, forensics.ou),
      // The role every stack assumes; Organizations creates it in the new account.
      roleName: props.config.deployment.roleName,
      iamUserAccessToBilling: 'DENY',
      closeOnDeletion: false,
      // Organizations does not return role_name on read, so a change would only force a new account.
      lifecycle: { preventDestroy: true, ignoreChanges: ['role_name', 'iam_user_access_to_billing'] },
    });
    new TerraformOutput(this, 'forensics_account_id', {
      value: this.forensicsAccount.id,
      description: 'Write this into the config as accounts.forensics.id (replacing `create`), then synth again to build the clean room.',
    });
  }
}

/** Props of the clean-room stack. */
export interface CleanRoomStackProps {
  readonly config: OrgConfig;
  /** The forensics account with its (now known) ID. */
  readonly forensics: TargetAccount;
  /** Evidence never sits in the clean room before the Forensics OU SCP closes it. */
  readonly scps: ScpStack;
}

/** The clean room inside the forensics account: network, evidence store, workstation profile. */
export class CleanRoomStack extends AccountStack {
  constructor(scope: Construct, props: CleanRoomStackProps) {
    super(scope, { config: props.config, account: props.forensics, concern: 'clean-room' });
    this.after(props.scps);
    const room = cleanRoom(props.config, props.forensics.id);
    const evidence = new ForensicsEvidence(this, 'evidence', { config: props.config, room });
    new ForensicsNetwork(this, 'network', { room, vpcCidr: props.config.accounts.forensics.vpcCidr, logKeyArn: evidence.key.arn });
  }
}

/** The forensics stacks the config calls for: account creation, or the clean room of a known account. */
export function buildForensicsStacks(scope: Construct, config: OrgConfig, scps: ScpStack): ForensicsAccountStack | CleanRoomStack {
  const { forensics, management } = config.accounts;
  if (forensics.id) return new CleanRoomStack(scope, { config, forensics: { name: forensics.name, id: forensics.id }, scps });
  const created = new ForensicsAccountStack(scope, { config, management: { name: management.name, id: management.id }, scps });
  Annotations.of(created).addWarning(
    `accounts.forensics.create is set: this run creates the forensics account only. Deploy ${created.node.id}, ` +
      'put its forensics_account_id output into the config as accounts.forensics.id (removing create), and synth again for the clean room.',
  );
  return created;
}
