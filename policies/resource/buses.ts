/** Event bus policy of the break-glass bus in the security account. */
import type { OrgConfig } from '../../config';
import { breakGlassBusArn } from '../../shared/addresses';
import type { AuditedPolicy } from '../scp/audited';

/** Any principal of the organization may put events on the break-glass bus; nobody outside it. */
export function breakGlassBusPolicy(config: OrgConfig): AuditedPolicy {
  return {
    name: 'security-breakglass-bus',
    description: 'Break-glass bus: the organization\'s forwarding rules put events, nobody outside it.',
    explanation: `Every account's break-glass rule forwards SecurityBreakGlass assumptions here through its
forwarding role. Any principal of the organization (aws:PrincipalOrgID) may put events, so
accounts created later forward without a policy change; principals outside the organization may not.`,
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OrganizationForwardsBreakGlassEvents',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'events:PutEvents',
          Resource: breakGlassBusArn(config),
          Condition: { StringEquals: { 'aws:PrincipalOrgID': config.organization.id } },
        },
      ],
    },
  };
}
