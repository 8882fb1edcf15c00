/**
 * Validate from an access key: which account owns it (sts:GetAccessKeyInfo), and, when it
 * is this account's, which IAM user holds it and when it was last used.
 */
import { GetAccessKeyInfoCommand } from '@aws-sdk/client-sts';
import { GetAccessKeyLastUsedCommand, paginateListAccessKeys, paginateListUsers, type User } from '@aws-sdk/client-iam';
import pLimit from 'p-limit';
import type { AwsClients } from '../aws/clients';
import type { StepFailure } from '../model';
import { errorMessage } from './instances';
import { lookupGap } from './validate-instance';

/** What validate learns about an access key. */
export interface KeyFacts {
  readonly ownerAccountId: string;
  readonly user?: { readonly userName: string; readonly arn: string };
  readonly facts: string[];
  /** Lookups that failed after the key was placed: the validation is partial. */
  readonly gaps: readonly StepFailure[];
}

/** Validate an access key ID; throws when the key cannot be placed, with the fix in the message. */
export async function accessKeyFacts(clients: AwsClients, accessKeyId: string, callerAccountId: string): Promise<KeyFacts> {
  let ownerAccountId: string;
  try {
    const info = await clients.sts().send(new GetAccessKeyInfoCommand({ AccessKeyId: accessKeyId }));
    if (!info.Account) throw new Error('no account in the response');
    ownerAccountId = info.Account;
  } catch (error) {
    throw new Error(
      `access key ${accessKeyId}: sts:GetAccessKeyInfo failed (${errorMessage(error)}); check the key ID (20 characters starting AKIA or ASIA) and that your role may call sts:GetAccessKeyInfo`,
    );
  }
  const facts: string[] = [];
  if (ownerAccountId !== callerAccountId) {
    facts.push(
      `access key ${accessKeyId} belongs to account ${ownerAccountId}, not this account (${callerAccountId}): a third party's key or another account's; contain it from that account, or report it to its owner`,
    );
    return { ownerAccountId, facts, gaps: [] };
  }
  if (accessKeyId.startsWith('ASIA')) {
    facts.push(
      `access key ${accessKeyId} is temporary (STS) and belongs to this account (${ownerAccountId}): no IAM user holds it; find the role session it came from in CloudTrail (scope looks it up by AccessKeyId)`,
    );
    return { ownerAccountId, facts, gaps: [] };
  }

  const user = await userHoldingKey(clients, accessKeyId);
  if (!user) {
    throw new Error(
      `access key ${accessKeyId} belongs to this account (${ownerAccountId}) but no IAM user holds it: deleted already, a root user key, or mistyped; check the key ID, and for root keys the account's credential report`,
    );
  }
  facts.push(
    `access key ${accessKeyId} belongs to this account (${ownerAccountId}), IAM user ${user.user.UserName} (${user.user.Arn}), status ${user.status}, created ${user.createdAt ?? 'at an unknown time'}`,
  );
  const gaps: StepFailure[] = [];
  try {
    const used = await clients.iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
    const last = used.AccessKeyLastUsed;
    facts.push(
      last?.LastUsedDate
        ? `last used ${last.LastUsedDate.toISOString()} on ${last.ServiceName ?? 'an unknown service'} in ${last.Region ?? 'an unknown region'}`
        : 'never used according to IAM',
    );
  } catch (error) {
    facts.push(`last use unknown (GetAccessKeyLastUsed failed: ${errorMessage(error)})`);
    gaps.push(lookupGap('validate/key-last-used', 'when and where the key was last used', error, { action: 'iam:GetAccessKeyLastUsed', target: accessKeyId }));
  }
  return { ownerAccountId, user: { userName: user.user.UserName ?? '', arn: user.user.Arn ?? '' }, facts, gaps };
}

/** Scan the account's users for the one holding the key (ListAccessKeys per user, 3 at a time). */
async function userHoldingKey(
  clients: AwsClients,
  accessKeyId: string,
): Promise<{ user: User; status: string; createdAt?: string } | undefined> {
  const iam = clients.iam();
  const users: User[] = [];
  for await (const page of paginateListUsers({ client: iam }, {})) users.push(...(page.Users ?? []));
  const limit = pLimit(3);
  const hits = await Promise.all(
    users.map((user) =>
      limit(async () => {
        for await (const page of paginateListAccessKeys({ client: iam }, { UserName: user.UserName })) {
          const key = page.AccessKeyMetadata?.find((k) => k.AccessKeyId === accessKeyId);
          if (key) return { user, status: key.Status ?? 'unknown', createdAt: key.CreateDate?.toISOString() };
        }
        return undefined;
      }),
    ),
  );
  return hits.find((h) => h !== undefined);
}
