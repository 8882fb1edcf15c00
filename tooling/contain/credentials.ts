/**
 * Credential containment: deactivate access keys (kept for hunting), attach
 * an inline deny-all, and revoke temporary sessions issued before now (`aws:TokenIssueTime`
 * does not touch long-term keys, so both are needed). IAM is eventually consistent: every
 * write is re-read until visible.
 */
import {
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { denyAllPolicy, revokeOlderSessionsPolicy } from '../../policies/containment/credentials';
import { policyJson } from '../../policies/document';
import { currentDate } from '../clock';
import { CONTAINMENT_POLICIES, IR_ROLE_PATH, IR_ROLES } from '../../shared/names';
import type { AwsClients } from '../aws/clients';
import { errorCode } from '../aws/errors';
import type { Action } from '../case/executor';
import type { Once, PhaseEnv } from '../case/phase';
import type { Inverse } from '../case/inverse';
import type { IamPrincipal } from '../case/undo';

export type { IamPrincipal } from '../case/undo';

/** The principal named by an IAM user/role ARN or an STS assumed-role ARN. */
export function principalFromArn(arn: string): IamPrincipal {
  const m = /^arn:aws[\w-]*:(iam|sts)::\d{12}:(user|role|assumed-role)\/(.+)$/.exec(arn);
  if (!m) throw new Error(`"${arn}" is not an IAM user, role or assumed-role ARN. Fix: pass e.g. arn:aws:iam::123456789012:user/name.`);
  const [, , type, rest] = m;
  if (type === 'assumed-role') return { kind: 'role', name: rest.split('/')[0] };
  return { kind: type as 'user' | 'role', name: rest.split('/').pop()! };
}

/** The IAM user owning an access key in this account. */
export async function keyOwner(clients: AwsClients, accessKeyId: string): Promise<IamPrincipal> {
  try {
    const out = await clients.iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
    if (!out.UserName) throw new Error('no user name returned');
    return { kind: 'user', name: out.UserName };
  } catch (err) {
    throw new Error(
      `Access key ${accessKeyId} was not found in this account (${errorCode(err)}). Fix: check --account; "aws sts get-access-key-info --access-key-id ${accessKeyId}" names the owning account.`,
    );
  }
}

/**
 * Why irctl never revokes a role's sessions, or undefined when it may: the project's own
 * incident-response roles (by name, or by their path when known) and service-linked roles.
 * The sentence ends with the fix.
 */
export function protectedRole(name: string, path?: string): string | undefined {
  if ((Object.values(IR_ROLES) as string[]).includes(name) || path === IR_ROLE_PATH) {
    const byHand = name === IR_ROLES.breakGlass ? "by the organization's administrators (SecurityBreakGlass cannot change itself)" : `as ${IR_ROLES.breakGlass}`;
    return `it is one of this project's incident-response roles, and revoking its sessions would cut the responders' own access (this run's included). Fix: if the attacker holds a session of it, revoke it by hand ${byHand} (IAM console: Roles, ${name}, Revoke active sessions), then assume the IR roles again`;
  }
  if (path?.startsWith('/aws-service-role/')) {
    return 'it is a service-linked role: only its AWS service can assume it, and IAM refuses any policy attached to it. Fix: check the attribution (the service assumed it, not the attacker); to stop the service acting, turn off the feature that uses the role';
  }
  return undefined;
}

function refuseIrRole(p: IamPrincipal): void {
  const why = p.kind === 'role' ? protectedRole(p.name) : undefined;
  if (why) throw new Error(`Refusing to revoke the sessions of IAM role ${p.name}: ${why}.`);
}

/** The role's IAM path, read before containing it: a role that does not exist, or a protected one, is refused with its reason. */
async function checkedRolePath(env: PhaseEnv, roleName: string): Promise<string> {
  let path: string | undefined;
  try {
    path = (await env.read.iam().send(new GetRoleCommand({ RoleName: roleName }))).Role?.Path;
  } catch (err) {
    if (!/NoSuchEntity/.test(errorCode(err))) throw err;
    throw new Error(`IAM role ${roleName} does not exist in account ${env.ctx.accountId}. Fix: check the name (the last part of the role ARN), or pass --account for the account it lives in.`);
  }
  const why = protectedRole(roleName, path);
  if (why) throw new Error(`Refusing to revoke the sessions of IAM role ${roleName} (path ${path}): ${why}.`);
  return path ?? '/';
}

/** The principal's inline policy document (URL-decoded), or undefined when it has none of that name. */
async function inlinePolicyDocument(clients: AwsClients, p: IamPrincipal, policyName: string): Promise<string | undefined> {
  try {
    const cmd = p.kind === 'user' ? new GetUserPolicyCommand({ UserName: p.name, PolicyName: policyName }) : new GetRolePolicyCommand({ RoleName: p.name, PolicyName: policyName });
    const out = await clients.iam().send(cmd as GetUserPolicyCommand);
    return decodeURIComponent(out.PolicyDocument ?? '');
  } catch (err) {
    if (errorCode(err) === 'NoSuchEntity' || errorCode(err) === 'NoSuchEntityException') return undefined;
    throw err;
  }
}

async function hasInlinePolicy(clients: AwsClients, p: IamPrincipal, policyName: string): Promise<boolean> {
  return (await inlinePolicyDocument(clients, p, policyName)) !== undefined;
}

/** The `aws:TokenIssueTime` cut-off of a revocation document; undefined when it names no readable time. */
function revocationCutoff(text: string): Date | undefined {
  try {
    const statements = [(JSON.parse(text) as { Statement?: unknown }).Statement].flat() as Array<{ Condition?: { DateLessThan?: Record<string, string> } }>;
    const times = statements.flatMap((st) => st?.Condition?.DateLessThan?.['aws:TokenIssueTime'] ?? []).map((t) => new Date(t)).filter((d) => !Number.isNaN(d.getTime()));
    return times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : undefined;
  } catch {
    return undefined;
  }
}

function inlinePolicyAction(env: PhaseEnv, p: IamPrincipal, policyName: string, document: string, step: string, summary: string): Action {
  const iam = env.write.iam();
  const request = p.kind === 'user' ? { UserName: p.name, PolicyName: policyName, PolicyDocument: document } : { RoleName: p.name, PolicyName: policyName, PolicyDocument: document };
  return {
    step,
    action: p.kind === 'user' ? 'iam:PutUserPolicy' : 'iam:PutRolePolicy',
    target: `${p.kind}/${p.name}`,
    summary,
    reversible: true,
    request,
    undo: { key: `inline:${p.kind}/${p.name}/${policyName}`, kind: 'delete-inline-policy', principal: p, policyName },
    isDone: () => hasInlinePolicy(env.read, p, policyName),
    apply: () =>
      p.kind === 'user'
        ? iam.send(new PutUserPolicyCommand({ UserName: p.name, PolicyName: policyName, PolicyDocument: document }))
        : iam.send(new PutRolePolicyCommand({ RoleName: p.name, PolicyName: policyName, PolicyDocument: document })),
    verify: () => hasInlinePolicy(env.read, p, policyName),
  };
}

/** How to revoke: `refresh` always rewrites; `notBefore` (the attacker's session began then) rewrites a revocation that does not cover it. */
export interface RevokeOptions {
  readonly refresh?: boolean;
  /** What ties the principal to the attacker, for the plan and the journal. */
  readonly why?: string;
  readonly notBefore?: Date;
}

/**
 * Deny requests made with this principal's sessions issued before now; once per principal per run.
 * `refresh`: rewrite an existing revocation with the current time (credentials were issued after it).
 * `notBefore`: an existing revocation whose cut-off is not after it (an earlier run, or another
 * case, revoked before the attacker's session began) leaves that session working: rewritten too.
 */
export function revokeSessions(env: PhaseEnv, once: Once, p: IamPrincipal, step: string, options: RevokeOptions = {}): Promise<unknown> {
  refuseIrRole(p);
  return once.run(`revoke/${p.kind}/${p.name}`, async () => {
    const now = currentDate(env.clock);
    const policyName = CONTAINMENT_POLICIES.revokeOlderSessions;
    const previous = options.notBefore || options.refresh ? await inlinePolicyDocument(env.read, p, policyName) : undefined;
    const existing = previous === undefined ? undefined : revocationCutoff(previous);
    const stale = !!options.notBefore && previous !== undefined && (!existing || existing.getTime() <= options.notBefore.getTime());
    const replaces = stale ? `; replaces the revocation of ${existing?.toISOString() ?? 'unreadable date'}, older than the attacker's session (${options.notBefore!.toISOString()})` : '';
    const forward = inlinePolicyAction(
      env,
      p,
      policyName,
      policyJson(revokeOlderSessionsPolicy(now).document),
      step,
      `deny ${p.kind} ${p.name}'s sessions issued before now (${now.toISOString()})${options.why ? `; ${options.why}` : ''}${replaces}; also hits legitimate users of it until they refresh`,
    );
    if (!options.refresh && !stale) return env.exec.run(forward);
    // Rewriting a revocation that was there: release puts that one back, not nothing.
    const undo = previous === undefined ? forward.undo : { key: forward.undo!.key, kind: 'restore-inline-policy' as const, principal: p, policyName, document: previous };
    return env.exec.run({ ...forward, undo, isDone: async () => false });
  });
}

/** Contain one IAM user: deactivate every active key, attach deny-all, revoke older sessions. */
export async function containUser(env: PhaseEnv, once: Once, userName: string): Promise<void> {
  const p: IamPrincipal = { kind: 'user', name: userName };
  const iam = env.write.iam();
  const keys = (await env.read.iam().send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];
  const status = async (id: string) =>
    ((await env.read.iam().send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? []).find((k) => k.AccessKeyId === id)?.Status;
  for (const k of keys) {
    const id = k.AccessKeyId!;
    await env.exec.run({
      step: 'contain-credentials/deactivate-key',
      action: 'iam:UpdateAccessKey',
      target: `user/${userName}/${id}`,
      summary: `deactivate access key ${id} of ${userName} (kept, not deleted, for hunting)`,
      reversible: true,
      request: { UserName: userName, AccessKeyId: id, Status: 'Inactive' },
      undo: { key: `key:${id}`, kind: 'access-key-activate', userName, accessKeyId: id },
      isDone: async () => k.Status === 'Inactive',
      apply: () => iam.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: id, Status: 'Inactive' })),
      verify: async () => (await status(id)) === 'Inactive',
    });
  }
  await env.exec.run(inlinePolicyAction(env, p, CONTAINMENT_POLICIES.denyAll, policyJson(denyAllPolicy().document), 'contain-credentials/deny-all', `attach inline deny-all to user ${userName}`));
  await revokeSessions(env, once, p, 'contain-credentials/revoke-sessions');
}

/**
 * Contain a role (stolen session credentials, or the role an attacker pivoted into): revoke its
 * sessions issued before now only; a deny-all would break its legitimate users for good, while
 * they simply assume it again after this. `why`: what ties it to the attacker, for the plan.
 */
export async function containRole(env: PhaseEnv, once: Once, roleName: string, tie: Pick<RevokeOptions, 'why' | 'notBefore'> = {}): Promise<void> {
  await checkedRolePath(env, roleName);
  await revokeSessions(env, once, { kind: 'role', name: roleName }, 'contain-credentials/revoke-sessions', tie);
}

/** What contain-credentials acts on. */
export interface CredentialTarget {
  readonly accessKeyId?: string;
  readonly principalArn?: string;
  /** Further keys and principals (every subject validated in the case). */
  readonly accessKeyIds?: readonly string[];
  readonly principalArns?: readonly string[];
  /** Further users to contain (backdoor users found by scope). */
  readonly userNames?: readonly string[];
  /** Roles to revoke the older sessions of (named, or the attacker assumed them), with what ties each and when the attacker's session began. */
  readonly roles?: ReadonlyArray<{ readonly name: string; readonly why?: string; readonly notBefore?: Date }>;
}

/** Contain the attacker's credentials: the key's owner, the principal, and any backdoor users. */
export async function containCredentials(env: PhaseEnv, target: CredentialTarget, once: Once): Promise<void> {
  const principals: IamPrincipal[] = [];
  for (const k of new Set([...(target.accessKeyId ? [target.accessKeyId] : []), ...(target.accessKeyIds ?? [])])) principals.push(await keyOwner(env.read, k));
  for (const arn of new Set([...(target.principalArn ? [target.principalArn] : []), ...(target.principalArns ?? [])])) principals.push(principalFromArn(arn));
  for (const u of target.userNames ?? []) principals.push({ kind: 'user', name: u });
  for (const r of target.roles ?? []) principals.push({ kind: 'role', name: r.name });
  if (principals.length === 0) throw new Error('contain-credentials needs a target. Fix: pass --access-key <id>, --principal <arn>, --user or --role (or run scope first).');
  const unique = [...new Map(principals.map((p) => [`${p.kind}/${p.name}`, p])).values()];
  unique.forEach(refuseIrRole);
  const ties = new Map((target.roles ?? []).map((r) => [r.name, { why: r.why, notBefore: r.notBefore }]));
  await env.exec.each(unique, env.concurrency.resources, 'contain-credentials/principal', (p) => ({ target: `${p.kind}/${p.name}` }), (p) =>
    p.kind === 'user' ? containUser(env, once, p.name) : containRole(env, once, p.name, ties.get(p.name)),
  );
}

/** Inverse of the delete-inline-policy undo record (release). */
export const removeInlinePolicy: Inverse<'delete-inline-policy'> = (env, r) => {
  const p = r.principal;
  const exists = async () => {
    try {
      if (p.kind === 'user') await env.read.iam().send(new GetUserPolicyCommand({ UserName: p.name, PolicyName: r.policyName }));
      else await env.read.iam().send(new GetRolePolicyCommand({ RoleName: p.name, PolicyName: r.policyName }));
      return true;
    } catch (err) {
      if (/NoSuchEntity/.test(errorCode(err))) return false;
      throw err;
    }
  };
  return {
    reversible: true,
    step: 'release/delete-inline-policy',
    action: p.kind === 'user' ? 'iam:DeleteUserPolicy' : 'iam:DeleteRolePolicy',
    target: `${p.kind}/${p.name}`,
    summary: `remove ${r.policyName} from ${p.kind} ${p.name}`,
    request: { name: p.name, PolicyName: r.policyName },
    isDone: async () => !(await exists()),
    apply: () =>
      p.kind === 'user'
        ? env.write.iam().send(new DeleteUserPolicyCommand({ UserName: p.name, PolicyName: r.policyName }))
        : env.write.iam().send(new DeleteRolePolicyCommand({ RoleName: p.name, PolicyName: r.policyName })),
    verify: async () => !(await exists()),
  };
};

/** Inverse of the restore-inline-policy undo record (release): the revocation that was there before, put back as it was. */
export const restoreInlinePolicy: Inverse<'restore-inline-policy'> = (env, r) => {
  const p = r.principal;
  const same = async () => {
    const now = await inlinePolicyDocument(env.read, p, r.policyName);
    return now !== undefined && JSON.stringify(JSON.parse(now)) === JSON.stringify(JSON.parse(r.document));
  };
  const request = p.kind === 'user' ? { UserName: p.name, PolicyName: r.policyName, PolicyDocument: r.document } : { RoleName: p.name, PolicyName: r.policyName, PolicyDocument: r.document };
  return {
    reversible: true,
    step: 'release/restore-inline-policy',
    action: p.kind === 'user' ? 'iam:PutUserPolicy' : 'iam:PutRolePolicy',
    target: `${p.kind}/${p.name}`,
    summary: `put back the ${r.policyName} that ${p.kind} ${p.name} had before this case (cut-off ${revocationCutoff(r.document)?.toISOString() ?? 'unreadable'})`,
    request,
    isDone: same,
    apply: () =>
      p.kind === 'user'
        ? env.write.iam().send(new PutUserPolicyCommand({ UserName: p.name, PolicyName: r.policyName, PolicyDocument: r.document }))
        : env.write.iam().send(new PutRolePolicyCommand({ RoleName: p.name, PolicyName: r.policyName, PolicyDocument: r.document })),
    verify: same,
  };
};

/** Inverse of the access-key-activate undo record (release). */
export const reactivateKey: Inverse<'access-key-activate'> = (env, r) => {
  const status = async () =>
    ((await env.read.iam().send(new ListAccessKeysCommand({ UserName: r.userName }))).AccessKeyMetadata ?? []).find((k) => k.AccessKeyId === r.accessKeyId)?.Status;
  return {
    reversible: true,
    step: 'release/access-key-activate',
    action: 'iam:UpdateAccessKey',
    target: `user/${r.userName}/${r.accessKeyId}`,
    summary: `re-activate access key ${r.accessKeyId} of ${r.userName}`,
    request: { UserName: r.userName, AccessKeyId: r.accessKeyId, Status: 'Active' },
    isDone: async () => (await status()) === 'Active',
    apply: () => env.write.iam().send(new UpdateAccessKeyCommand({ UserName: r.userName, AccessKeyId: r.accessKeyId, Status: 'Active' })),
    verify: async () => (await status()) === 'Active',
  };
};
