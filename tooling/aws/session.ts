/**
 * Role sessions for a case: SecurityAnalyst for read steps, SecurityBreakGlass for write steps,
 * assumed in the target account with MFA and a session name carrying the case ID, so every
 * CloudTrail event of the response points back to the case. One MFA code serves both roles
 * when the base identity is an IAM user (GetSessionToken first, then AssumeRole).
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { irRoleArn as irRoleArnOf } from '../../shared/addresses';
import { IR_ROLES } from '../../shared/names';
import type { AwsClients } from './clients';

/** Which IR role a step runs as. */
export type SessionRole = 'analyst' | 'breakGlass';

/** A set of clients acting as one identity. */
export interface RoleSession {
  readonly clients: AwsClients;
  /** STS caller identity ARN (journaled on every entry). */
  readonly caller: string;
  readonly role: SessionRole;
  /** Role ARN assumed, absent with --no-assume. */
  readonly roleArn?: string;
}

/** How to obtain sessions. */
export interface SessionOptions {
  readonly caseId: string;
  readonly accountId: string;
  /** False: use the base credentials as they are (moto, or already in the role). */
  readonly assume: boolean;
  readonly mfaSerial?: string;
  /** A code given by flag; used once. */
  readonly mfaToken?: string;
  /** Asks for a code; absent when stdin is not a terminal. */
  readonly promptToken?: (question: string) => Promise<string>;
  /** @default 3600 (break-glass sessions should be short) */
  readonly durationSeconds?: number;
}

/** `irctl-<caseId>` reduced to the characters and length STS accepts. */
export function sessionName(caseId: string): string {
  return `irctl-${caseId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** ARN of an IR role in an account. */
export function irRoleArn(accountId: string, role: SessionRole): string {
  return irRoleArnOf(accountId, IR_ROLES[role]);
}

/** Anything that hands out role sessions (the broker; tests give each role its own recorder). */
export interface SessionSource {
  session(role: SessionRole): Promise<RoleSession>;
}

/** Hands out one session per role, assuming each at most once. */
export class SessionBroker implements SessionSource {
  private readonly sessions = new Map<SessionRole, Promise<RoleSession>>();
  private mfaBase?: Promise<AwsClients>;
  private tokenUsed = false;

  constructor(
    private readonly base: AwsClients,
    private readonly options: SessionOptions,
  ) {}

  /** The session for a role (assumed on first use). */
  session(role: SessionRole): Promise<RoleSession> {
    let s = this.sessions.get(role);
    if (!s) {
      s = this.open(role);
      this.sessions.set(role, s);
    }
    return s;
  }

  private async open(role: SessionRole): Promise<RoleSession> {
    if (!this.options.assume) {
      return { clients: this.base, caller: await callerArn(this.base), role };
    }
    const roleArn = irRoleArn(this.options.accountId, role);
    const baseCaller = await callerArn(this.base);
    const isUser = /:user\//.test(baseCaller);
    let via = this.base;
    let mfa: { SerialNumber?: string; TokenCode?: string } = {};
    if (isUser && this.options.mfaSerial) {
      this.mfaBase ??= this.mfaSession();
      via = await this.mfaBase;
    } else if (this.options.mfaSerial) {
      mfa = { SerialNumber: this.options.mfaSerial, TokenCode: await this.token(`MFA code for ${IR_ROLES[role]}: `) };
    }
    let out;
    try {
      out = await via.sts().send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName(this.options.caseId), DurationSeconds: this.options.durationSeconds ?? 3600, ...mfa }),
      );
    } catch (err) {
      throw new Error(
        `Could not assume ${roleArn} as ${baseCaller}: ${(err as Error).message}. ` +
          'Fix: check --account, that your principal is trusted by the role, and that --mfa-serial/--mfa-token are right (use --no-assume if you already are in the role).',
      );
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`STS returned no credentials for ${roleArn}`);
    const clients = this.base.withCredentials({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration });
    return { clients, caller: await callerArn(clients), role, roleArn };
  }

  // An IAM user's MFA session lets both roles be assumed with a single code.
  private async mfaSession(): Promise<AwsClients> {
    const out = await this.base.sts().send(
      new GetSessionTokenCommand({ SerialNumber: this.options.mfaSerial, TokenCode: await this.token('MFA code: '), DurationSeconds: this.options.durationSeconds ?? 3600 }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('STS GetSessionToken returned no credentials');
    return this.base.withCredentials({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken });
  }

  private async token(question: string): Promise<string> {
    if (this.options.mfaToken && !this.tokenUsed) {
      this.tokenUsed = true;
      return this.options.mfaToken;
    }
    if (!this.options.promptToken) {
      throw new Error(
        'An MFA code is needed but stdin is not a terminal. Fix: pass --mfa-token <code> (a code is single-use; a second role needs a fresh run or an IAM-user base identity), or --no-assume when already in the role.',
      );
    }
    const code = (await this.options.promptToken(question)).trim();
    if (!/^\d{6}$/.test(code)) throw new Error(`"${code}" is not a 6-digit MFA code. Fix: enter the current code from the device ${this.options.mfaSerial}.`);
    return code;
  }
}

/** The ARN STS reports for a set of clients. */
export async function callerArn(clients: AwsClients): Promise<string> {
  const id = await clients.sts().send(new GetCallerIdentityCommand({}));
  if (!id.Arn) throw new Error('STS GetCallerIdentity returned no ARN');
  return id.Arn;
}
