/**
 * IAM (global, scoped once): users created in the window, users given a key or console
 * password in the window, and users the attacker's events touched, with their keys and
 * policies.
 */
import {
  GetLoginProfileCommand,
  paginateListAccessKeys,
  paginateListAttachedUserPolicies,
  paginateListUserPolicies,
  paginateListUsers,
  type User,
} from '@aws-sdk/client-iam';
import pLimit from 'p-limit';
import type { AwsClients } from '../aws/clients';
import type { IamUserRecord, StepFailure } from '../model';
import { errorMessage } from './instances';

export interface IamScopeInput {
  readonly window: { readonly start: Date; readonly end: Date };
  /** Users to include whatever their dates (named in attacker events, the compromised user). */
  readonly usersOfInterest: ReadonlySet<string>;
  readonly concurrency: number;
}

/** Whether `iso` falls in the window (inclusive). */
export function inWindow(iso: string | Date | undefined, window: { readonly start: Date; readonly end: Date }): boolean {
  if (iso === undefined) return false;
  const t = new Date(iso).getTime();
  return t >= window.start.getTime() && t <= window.end.getTime();
}

/** Scope IAM users; never throws, failures are returned. */
export async function scopeIam(clients: AwsClients, input: IamScopeInput): Promise<{ users: IamUserRecord[]; failures: StepFailure[] }> {
  const iam = clients.iam();
  const failures: StepFailure[] = [];
  const users: User[] = [];
  try {
    for await (const page of paginateListUsers({ client: iam }, {})) users.push(...(page.Users ?? []));
  } catch (error) {
    failures.push({ step: 'scope/iam-users', message: errorMessage(error) });
    return { users: [], failures };
  }

  const limit = pLimit(input.concurrency);
  const records = await Promise.all(
    users.map((user) =>
      limit(async (): Promise<IamUserRecord | undefined> => {
        const userName = user.UserName ?? '';
        try {
          const accessKeys: Array<{ id: string; status: string; createdAt?: string }> = [];
          for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) {
            for (const k of page.AccessKeyMetadata ?? []) {
              accessKeys.push({ id: k.AccessKeyId ?? '', status: k.Status ?? 'unknown', createdAt: k.CreateDate?.toISOString() });
            }
          }
          const loginProfileCreated = await loginProfileCreatedAt(clients, userName);
          const relevant =
            input.usersOfInterest.has(userName) ||
            inWindow(user.CreateDate, input.window) ||
            accessKeys.some((k) => inWindow(k.createdAt, input.window)) ||
            inWindow(loginProfileCreated ?? undefined, input.window);
          if (!relevant) return undefined;
          const attachedPolicies: string[] = [];
          for await (const page of paginateListAttachedUserPolicies({ client: iam }, { UserName: userName })) {
            for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) attachedPolicies.push(p.PolicyArn);
          }
          const inlinePolicies: string[] = [];
          for await (const page of paginateListUserPolicies({ client: iam }, { UserName: userName })) {
            inlinePolicies.push(...(page.PolicyNames ?? []));
          }
          return {
            userName,
            arn: user.Arn ?? '',
            createdAt: user.CreateDate?.toISOString(),
            accessKeys,
            attachedPolicies,
            inlinePolicies,
            hasLoginProfile: loginProfileCreated !== undefined,
          };
        } catch (error) {
          failures.push({ step: 'scope/iam-user', target: userName, message: errorMessage(error) });
          return undefined;
        }
      }),
    ),
  );
  return { users: records.filter((r): r is IamUserRecord => r !== undefined), failures };
}

/** Creation time of the user's console password; undefined when it has none, null when AWS gave no date. */
async function loginProfileCreatedAt(clients: AwsClients, userName: string): Promise<string | null | undefined> {
  try {
    const out = await clients.iam().send(new GetLoginProfileCommand({ UserName: userName }));
    return out.LoginProfile?.CreateDate?.toISOString() ?? null;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchEntityException' || (error as { name?: string }).name === 'NoSuchEntity') {
      return undefined;
    }
    throw error;
  }
}
