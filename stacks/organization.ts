/**
 * The whole organization as stacks: one per account and concern. Reads like a table of
 * contents; each concern lives in its own module. Dependencies between stacks are explicit
 * (`addDependency`), so `cdktf deploy '*'` applies them in a valid order.
 */
import type { App } from 'cdktf';
import type { OrgConfig } from '../config';
import type { AccountStack, TargetAccount } from './account-stack';
import { buildDetection } from './detection';
import { buildResponseReadiness } from './response';
import { buildScps } from './scps';

/** What every concern builder receives: the app, the config and the stacks built so far. */
export class OrgBuild {
  private readonly stacks = new Map<string, AccountStack>();

  constructor(
    readonly app: App,
    readonly config: OrgConfig,
  ) {}

  /** Register a stack so later concerns can depend on it. */
  add<T extends AccountStack>(stack: T): T {
    if (this.stacks.has(stack.node.id)) throw new Error(`stack ${stack.node.id} built twice`);
    this.stacks.set(stack.node.id, stack);
    return stack;
  }

  /** A stack built earlier, by ID (`<account>-<concern>`). */
  stack(id: string): AccountStack {
    const found = this.stacks.get(id);
    if (!found) throw new Error(`stack ${id} is not built yet; build it before its dependents`);
    return found;
  }

  /** All stacks built, in build order. */
  all(): AccountStack[] {
    return [...this.stacks.values()];
  }

  /** The account with a well-known role. */
  account(role: 'management' | 'security' | 'logArchive'): TargetAccount {
    const a = this.config.accounts[role];
    return { name: a.name, id: a.id };
  }
}

/** Build every stack for the organization into `app`. Throws before synth on any guard failure. */
export function buildOrganization(app: App, config: OrgConfig): OrgBuild {
  const org = new OrgBuild(app, config);
  // Concerns, in dependency order. Each adds its stacks to `org`.
  buildScps(org);
  buildDetection(org);
  buildResponseReadiness(org);
  return org;
}
